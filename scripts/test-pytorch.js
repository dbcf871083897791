#!/usr/bin/env node
// npm run test:pytorch — the PyTorch recipe end to end: tickmind records demonstrations as .npz,
// examples/pytorch/tickmind_bc.py trains the policy architecture on them and exports ONNX with the
// policy spec, tickmind checks the model (native vs onnxruntime-web) and plays a round with it.
// Needs Debian's Python packages: apt-get install python3-torch python3-onnx python3-numpy
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`test:pytorch: ${PYTHON} cannot import torch, onnx and numpy.\n  apt-get install python3-torch python3-onnx python3-numpy`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'tickmind-pytorch-'));
const run = (cmd, args) => {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
};
const tickmind = join(ROOT, 'bin', 'tickmind.js');
const demos = join(dir, 'demos');
const model = join(dir, 'bot.onnx');
console.log(
  run(process.execPath, [
    tickmind,
    'record',
    '--rounds',
    '2',
    '--seed',
    '1',
    '--map',
    'synthetic',
    '--team-size',
    '2',
    '--format',
    'npz',
    '--out',
    demos,
  ]),
);
console.log(
  run(PYTHON, [
    join(ROOT, 'examples', 'pytorch', 'tickmind_bc.py'),
    '--data',
    join(demos, 'dataset.npz'),
    '--out',
    model,
    '--epochs',
    '2',
    '--d',
    '32',
  ]),
);
const check = JSON.parse(run(process.execPath, [tickmind, 'model', 'check', model, '--json']));
if (!check.ok || check.maxAbsDiff > 1e-4) throw new Error(`model check failed: ${JSON.stringify(check)}`);
console.log(`model check: ok, native vs onnxruntime-web max |Δ| ${check.maxAbsDiff}`);
const arena = JSON.parse(
  run(process.execPath, [
    join(ROOT, 'dist', 'sandbox', 'arena', 'runner', 'cli.js'),
    '--rounds',
    '1',
    '--map',
    'synthetic',
    '--ct',
    `policy:${model}`,
    '--json',
  ]),
);
if (arena.rounds !== 1) throw new Error(`the arena did not play: ${JSON.stringify(arena)}`);
console.log(`arena: a round played with the PyTorch-trained policy on the CT side (${arena.ticks} ticks)\ntest:pytorch: OK`);
