/**
 * The package as users get it: `npm pack` → a fresh project installs the tarball → imports
 * `tickmind` and its subpaths in Node ESM, and bundles them with Vite.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from './helpers/fixtures.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let project: string;

const CONSUMER = `
import { readFileSync } from 'node:fs';
import * as root from 'tickmind';
import { Rng, TickmindError } from 'tickmind/core';
import { NativeSession, createSession } from 'tickmind/inference';

const bytes = new Uint8Array(readFileSync(process.argv[2]));
const native = NativeSession.create(bytes);
const obs = new Rng(1).fillUniform(new Float32Array(2 * 200));
const a = native.runSync({ obs: { data: obs, dims: [2, 200] } }).logits.data;
const ort = await createSession(bytes, { backend: 'ort' });
const b = (await ort.run({ obs: { data: obs, dims: [2, 200] } })).logits.data;
let maxDiff = 0;
for (let i = 0; i < b.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
let code;
try { NativeSession.create(new Uint8Array([1, 2, 3])); } catch (e) { code = e instanceof TickmindError ? e.code : 'other'; }
const { RaySensor } = await import('tickmind/sensors');
const { MOVEMENT_CLASSES } = await import('tickmind/actuators');
const { BvhRayCaster, levelFromBoxes } = await import('tickmind/physics');
const { addAgent, createAiWorld, randomDecider, step } = await import('tickmind/ecs');
const level = levelFromBoxes([{ min: [-5, -1, -5], max: [5, 0, 5], tag: 2 }, { min: [3, 0, -5], max: [4, 3, 5], tag: 3 }]);
const caster = new BvhRayCaster(level, { maxAgents: 2 });
const sensor = new RaySensor({ layout: { kind: 'fan', raysPerDirection: 1, maxDegrees: 45 }, length: 10, detectableTags: [2, 3] });
const world = createAiWorld({ capacity: 4, sensors: [sensor], deciders: [randomDecider()], caster, bvh: caster });
const eid = addAgent(world, { team: 0, position: [0, 0, 0] });
step(world);
const hitWall = world.observations[eid * world.obsStride + sensor.valuesPerRay + 1] === 1;
console.log(JSON.stringify({ maxDiff, code, sameClass: root.NativeSession === NativeSession, simd: native.simd, classes: MOVEMENT_CLASSES, hitWall }));
`;

const VITE_ENTRY = `
import { NativeSession } from 'tickmind/inference';
import { Rng } from 'tickmind';
import modelBase64 from './model.b64?raw';

const bin = atob(modelBase64.trim());
const bytes = new Uint8Array(bin.length);
for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
const session = NativeSession.create(bytes);
const out = session.runSync({ obs: { data: new Rng(1).fillUniform(new Float32Array(200)), dims: [1, 200] } });
globalThis.__tickmindResult = Array.from(out.logits.data);
`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'tickmind-consumer-'));
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', project, '--json'], { cwd: ROOT });
  const tarball = (JSON.parse(stdout) as { filename: string }[])[0]!.filename;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { tickmind: `file:./${tarball}` } }),
  );
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: project, timeout: 240_000 });
}, 300_000);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

describe('the packed tarball in a fresh project', () => {
  it('ships compiled code and types, not sources or tests', () => {
    const files = readdirSync(join(project, 'node_modules', 'tickmind', 'dist', 'sdk'), { recursive: true }) as string[];
    expect(files).toContain('index.js');
    expect(files).toContain('index.d.ts');
    expect(files).toContain(join('inference', 'wasm', 'binaries.generated.js'));
    expect(readdirSync(join(project, 'node_modules', 'tickmind'))).not.toContain('tests');
  });

  it('imports tickmind and every subpath in Node ESM: both backends, sensors, physics, ECS', async () => {
    writeFileSync(join(project, 'consumer.mjs'), CONSUMER);
    const { stdout } = await exec('node', ['consumer.mjs', join(FIXTURE_DIR, 'mlp_200_256_256_32.onnx')], { cwd: project });
    const result = JSON.parse(stdout);
    expect(result.maxDiff).toBeLessThan(1e-4);
    expect(result.code).toBe('MODEL_DECODE');
    expect(result.sameClass).toBe(true);
    expect(result.simd).toBe(true);
    expect(result.classes).toBe(97);
    expect(result.hitWall).toBe(true); // tickmind/sensors, /physics and /ecs load and work from the tarball
  });

  it('bundles with Vite, and the bundle runs the model', async () => {
    const src = join(project, 'web');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(src, 'main.js'), VITE_ENTRY);
    writeFileSync(join(src, 'model.b64'), readFileSync(join(FIXTURE_DIR, 'mlp_200_256_256_32.onnx')).toString('base64'));
    const { build } = await import('vite');
    await build({
      root: src,
      logLevel: 'silent',
      build: { outDir: join(project, 'web-dist'), modulePreload: false, minify: true },
    });
    const assets = join(project, 'web-dist', 'assets');
    const entry = readdirSync(assets).find((f) => f.startsWith('index') && f.endsWith('.js'))!;
    await import(pathToFileURL(join(assets, entry)).href);
    const result = (globalThis as { __tickmindResult?: number[] }).__tickmindResult;
    const { NativeSession } = await import('../sdk/inference/index.js');
    const { Rng } = await import('../sdk/core/index.js');
    const here = NativeSession.create(new Uint8Array(readFileSync(join(FIXTURE_DIR, 'mlp_200_256_256_32.onnx'))));
    const want = Array.from(
      here.runSync({ obs: { data: new Rng(1).fillUniform(new Float32Array(200)), dims: [1, 200] } }).logits!.data as Float32Array,
    );
    expect(result).toEqual(want);
  });
});
