#!/usr/bin/env node
// What each entry of tickmind costs a page: packs the package, installs the tarball in a fresh
// project, and builds one Vite page per entry (every export of it kept: an upper bound for a game
// that imports part of it), then prints a markdown table of minified and gzip sizes.
//   node scripts/bundle-sizes.js [--json out.json]
// Needs `npm run build` first (the tarball ships dist/). Progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { alignMarkdownTables } from './model-tables.js';

const ROOT = join(import.meta.dirname, '..');

/** Each page: a name and the subpaths it imports whole. */
const PAGES = [
  ['tickmind/core', ['core']],
  ['tickmind/inference (native kernels, three builds)', ['inference']],
  ['tickmind/physics (BVH caster and mover)', ['physics']],
  ['tickmind/physics/rapier (Rapier included)', ['physics/rapier']],
  ['tickmind/ecs', ['ecs']],
  ['tickmind/ecs + policy + navigation (a game loop)', ['ecs', 'policy', 'navigation']],
  ['tickmind/dataset (recording)', ['dataset']],
  ['tickmind/training (browser trainer)', ['training']],
];

function log(line) {
  process.stderr.write(`${line}\n`);
}

function kB(bytes) {
  return `${(bytes / 1024).toFixed(0)} kB`;
}

async function main() {
  const jsonAt = process.argv.indexOf('--json');
  const project = mkdtempSync(join(tmpdir(), 'tickmind-bundles-'));
  try {
    log(`packing tickmind → ${project}`);
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'sizes', private: true, type: 'module', dependencies: { tickmind: `file:./${tarball}` } }),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent'], { cwd: project, stdio: 'ignore' });
    // The Rapier page needs its optional peer installed, as a game using it would.
    const rapier = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).peerDependencies['@dimforge/rapier3d-compat'];
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', `@dimforge/rapier3d-compat@${rapier}`], {
      cwd: project,
      stdio: 'ignore',
    });
    const rows = [];
    for (const [name, subpaths] of PAGES) {
      log(`building ${name}`);
      const src = join(project, `page-${rows.length}`);
      mkdirSync(src);
      writeFileSync(join(src, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
      const imports = subpaths.map((s, i) => `import * as m${i} from 'tickmind/${s}';`).join('\n');
      writeFileSync(join(src, 'main.js'), `${imports}\nglobalThis.keep = [${subpaths.map((_s, i) => `m${i}`).join(', ')}];\n`);
      const outDir = join(src, 'dist');
      await build({ root: src, logLevel: 'silent', build: { outDir, target: 'es2022', modulePreload: false } });
      const assets = join(outDir, 'assets');
      let raw = 0;
      let gz = 0;
      for (const f of readdirSync(assets)) {
        if (!f.endsWith('.js') && !f.endsWith('.wasm')) continue;
        const bytes = readFileSync(join(assets, f));
        raw += bytes.length;
        gz += gzipSync(bytes).length;
      }
      rows.push({ page: name, minifiedBytes: raw, gzipBytes: gz });
    }
    const table = [
      '| page imports (every export kept) | minified | gzip |',
      '| --- | ---: | ---: |',
      ...rows.map((r) => `| ${r.page} | ${kB(r.minifiedBytes)} | ${kB(r.gzipBytes)} |`),
    ].join('\n');
    process.stdout.write(`${alignMarkdownTables(table)}\n`);
    if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], `${JSON.stringify({ pages: rows }, null, 2)}\n`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

await main();
