/**
 * The package as a game gets it: `npm pack` → a fresh project installs the tarball → it type-checks
 * strictly against the published declarations, runs the README's "bots in your game" snippet
 * verbatim in Node, bundles the same loop with Vite and runs it in Debian's chromium, and every
 * CLI command either works or exits 2 with one line saying why.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { FIXTURE_DIR } from './helpers/fixtures.js';
import { serveStatic } from './helpers/static-server.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const MB = 1024 * 1024;
let project: string;

/** The README's snippet, verbatim. */
function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- snippet:bots-on-your-level');
  const start = readme.indexOf('```js\n', at) + 6;
  return readme.slice(start, readme.indexOf('\n```', start));
}

/** Page code: a Relu → MatMul layer at 16 rows, by default (sparse in chromium) and with sparseRows: false. */
const SPARSE_CHECK = `
import { GraphBuilder, f32 } from 'tickmind/policy';
import { encodeModel, NativeSession as Sessions } from 'tickmind/inference';
{
  const g = new GraphBuilder(1);
  g.inputs.push({ name: 'x', dtype: 'float32', dims: ['n', 64] });
  const w = g.constant(f32([64, 40], Float32Array.from({ length: 2560 }, (_, i) => Math.sin(i * 0.37))), 'w');
  const [r] = g.op('Relu', ['x']);
  g.nodes.push({ name: 'mm', op: 'MatMul', domain: '', inputs: [r, w], outputs: ['y'], attrs: {} });
  g.outputs.push({ name: 'y', dtype: 'float32', dims: ['n', 40] });
  const model = encodeModel(g.build(17, {}), 'relu');
  const x = Float32Array.from({ length: 16 * 64 }, (_, i) => Math.sin(i * 1.3));
  const bits = (s) => Array.from(new Uint32Array(Float32Array.from(s.runSync({ x: { data: x, dims: [16, 64] } }).y.data).buffer)).join();
  const a = bits(Sessions.create(model));
  globalThis.__sparse = a === bits(Sessions.create(model, { sparseRows: false })) && a === bits(Sessions.create(model, { sparseRows: true })) ? 'same bits' : 'differ';
}
`;

/** What the snippet's bots did: their distance to the goal at the end. */
const REPORT = `
const T = world.c.Transform;
console.log(JSON.stringify({ distances: Array.from(world.agents.subarray(0, world.agentCount), (e) => Math.hypot(T.x[e] - 25, T.z[e] - 15)) }));
`;

function du(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const s = statSync(join(dir, name), { throwIfNoEntry: false });
    if (s?.isFile()) total += s.size;
  }
  return total;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'tickmind-game-'));
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', project, '--json'], { cwd: ROOT });
  const tarball = (JSON.parse(stdout) as { filename: string }[])[0]!.filename;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'my-game', private: true, type: 'module', dependencies: { tickmind: `file:./${tarball}` } }),
  );
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: project, timeout: 240_000 });
}, 300_000);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

describe('tickmind installed in a fresh project', () => {
  it('installs lean: no sandbox libraries, no optional peers, under 40 MB with its dependencies', () => {
    const modules = join(project, 'node_modules');
    for (const absent of ['three', 'lil-gui', 'onnxruntime-web', 'playwright-core', 'vite'])
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    expect(du(modules) / MB).toBeLessThan(40);
    const pkg = JSON.parse(readFileSync(join(modules, 'tickmind', 'package.json'), 'utf8'));
    expect(pkg.scripts?.prepare).toBeUndefined(); // nothing runs at install
    const shipped = readdirSync(join(modules, 'tickmind'), { recursive: true }) as string[];
    for (const f of [
      'models/joint-5v5.onnx',
      'models/joint-5v5.md',
      'LICENSE',
      'docs/game-guide.md',
      'examples/match-5v5.js',
      'sandbox/arena/maps/de_dust2.json',
    ])
      expect(shipped, f).toContain(f);
    expect(shipped.some((f) => f.startsWith('tests'))).toBe(false);
  });

  it('type-checks strictly against the published declarations (skipLibCheck off)', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    writeFileSync(
      join(project, 'check.ts'),
      `import * as root from 'tickmind';
import { TickmindError, type TokenLayoutJson } from 'tickmind/core';
import { NativeSession } from 'tickmind/inference';
import { TokenLayout } from 'tickmind/sensors';
import { MOVEMENT_CLASSES } from 'tickmind/actuators';
import { BvhRayCaster, levelFromBoxes } from 'tickmind/physics';
import { Navigator, navMeshFromBoxes } from 'tickmind/navigation';
import { createPolicyWorld, type AiWorld } from 'tickmind/ecs';
import { loadPolicy, type Policy } from 'tickmind/policy';
import { Profiler } from 'tickmind/profiling';
import { tokenDatasetSpec } from 'tickmind/dataset';
import { trainingData } from 'tickmind/training';
import { directorySink } from 'tickmind/node';
import { loadShippedModel, type ShippedModelName } from 'tickmind/models';
import { runRetakes } from 'tickmind/arena';
const layout: TokenLayoutJson = TokenLayout.create({ mode: 'joint' }).toJSON();
const name: ShippedModelName = 'mlp';
export const used = [root, TickmindError, NativeSession, MOVEMENT_CLASSES, BvhRayCaster, levelFromBoxes, Navigator, navMeshFromBoxes, createPolicyWorld, loadPolicy, Profiler, tokenDatasetSpec(layout), trainingData, directorySink, loadShippedModel(name), runRetakes];
export type Used = [AiWorld, Policy];
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((e) => e);
    expect(`${r.stdout ?? ''}${r.stderr ?? ''}`).toBe('');
  }, 60_000);

  it("runs the README's snippet verbatim: the shipped model's bots reach their goal around the wall", async () => {
    writeFileSync(join(project, 'game.mjs'), `${readmeSnippet()}\n${REPORT}`);
    const { stdout } = await exec('node', ['game.mjs'], { cwd: project, timeout: 120_000 });
    const { distances } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { distances: number[] };
    expect(distances).toHaveLength(5);
    for (const d of distances) expect(d).toBeLessThan(3);
  }, 150_000);

  it('the inference core loads any ONNX file, and says how to get onnxruntime-web when asked for it', async () => {
    writeFileSync(
      join(project, 'infer.mjs'),
      `import { readFileSync } from 'node:fs';
import { createSession, NativeSession } from 'tickmind/inference';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const out = NativeSession.create(bytes).runSync({ obs: { data: new Float32Array(200), dims: [1, 200] } }).logits;
const auto = await createSession(bytes, { backend: 'auto' });
const ort = await createSession(bytes, { backend: 'ort' }).then(() => 'loaded', (e) => ({ code: e.code, message: e.message }));
console.log(JSON.stringify({ dims: out.dims, auto: auto.backend, ort }));
`,
    );
    const { stdout } = await exec('node', ['infer.mjs', join(FIXTURE_DIR, 'mlp_200_256_256_32.onnx')], { cwd: project });
    const r = JSON.parse(stdout);
    expect(r.dims).toEqual([1, 32]);
    expect(r.auto).toBe('native');
    expect(r.ort.code).toBe('BACKEND_UNAVAILABLE');
    expect(r.ort.message).toMatch(/npm install onnxruntime-web/);
  });

  it('bundles the same game loop with Vite, small, and it runs in chromium', async () => {
    const src = join(project, 'web');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
    writeFileSync(
      join(src, 'main.js'),
      `${readmeSnippet().replace('64 * 30', '64 * 20')}\n${SPARSE_CHECK}\n${REPORT.replace('console.log(', 'globalThis.__result = (')}`,
    );
    const { build } = await import('vite');
    await build({ root: src, logLevel: 'silent', build: { outDir: join(project, 'web-dist'), target: 'es2022', modulePreload: false } });
    const assets = join(project, 'web-dist', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const gz = js.reduce((s, f) => s + gzipSync(readFileSync(join(assets, f))).length, 0);
    expect(gz / 1024).toBeLessThan(600);
    expect(readdirSync(assets).some((f) => f.endsWith('.onnx'))).toBe(true); // the model, copied as an asset
    const server = await serveStatic(join(project, 'web-dist'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
      const result = JSON.parse((await page.evaluate(() => (globalThis as { __result?: string }).__result)) ?? 'null') as {
        distances: number[];
      };
      expect(errors).toEqual([]);
      // chromium takes the sparse kernel for a layer after a ReLU by default: the dense product's bits.
      expect(await page.evaluate(() => (globalThis as { __sparse?: string }).__sparse)).toBe('same bits');
      expect(result.distances).toHaveLength(5);
      expect(Math.min(...result.distances)).toBeLessThan(22); // they moved toward the goal
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);

  it.each([
    ['model check', ['model', 'check', join(FIXTURE_DIR, 'mlp_200_256_256_32.onnx'), '--backend', 'native', '--json'], 1],
    ['profile (dust2, the shipped model)', ['profile', '--agents', '4', '--ticks', '200', '--json'], 0],
    ['record', ['record', '--rounds', '1', '--map', 'synthetic', '--team-size', '1', '--out', 'demos', '--json'], 0],
    ['train', ['train', '--data', 'demos', '--epochs', '1', '--out', 'bot.onnx', '--json'], 0],
    ['eval', ['eval', '--policy', 'bot.onnx', '--rounds', '1', '--map', 'synthetic', '--team-size', '1', '--json'], 0],
    ['demo', ['demo', '--ticks', '32'], 0],
    ['a bad flag', ['profile', '--agents', '99999999'], 2],
    [
      'import-demo without its optional parser',
      ['import-demo', join(ROOT, 'tests', 'fixtures', 'demos', 'csgo_de_dust2_test_2_17_21.dem'), '--out', 'human'],
      1,
    ],
    ['profile --physics rapier without Rapier', ['profile', '--agents', '2', '--ticks', '10', '--physics', 'rapier'], 1],
  ])(
    'npx tickmind %s: works, or exits with one line saying why',
    async (name, args, code) => {
      const r = await exec('npx', ['tickmind', ...args], { cwd: project, timeout: 240_000 }).then(
        (x) => ({ code: 0, ...x }),
        (e) => e as { code: number; stdout: string; stderr: string },
      );
      if (code === 0) expect(r.code, r.stderr).toBe(0);
      else if (name === 'model check')
        expect([0, 1], r.stderr).toContain(r.code); // 1 only when onnxruntime-web (its reference) is absent
      else {
        expect(r.code, r.stderr).toBe(code);
        // One line says why (a usage error adds the pointer to --help).
        expect(
          r.stderr
            .trim()
            .split('\n')
            .filter((l) => !l.startsWith("Run 'tickmind --help'")),
        ).toHaveLength(1);
      }
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
      // A missing optional peer is named, with how to install it.
      if (name.startsWith('import-demo')) expect(r.stderr).toMatch(/npm install demofile/);
      if (name.includes('without Rapier')) expect(r.stderr).toMatch(/npm install @dimforge\/rapier3d-compat/);
    },
    300_000,
  );
});
