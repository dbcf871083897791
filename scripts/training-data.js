#!/usr/bin/env node
// npm run training-data [-- --full] — teacher demonstrations on de_dust2 retakes started from the
// training split of the real plant states (the held-out tenth stays out), both sides, each
// state's own team sizes (1v1 to 5v5), recorded with tickmind record:
//   training-data/egocentric   egocentric frames (egocentric transformer, MLP)
//   training-data/joint        joint match rows (joint 5v5 transformer)
// The committed portion is 12 + 24 rounds (seed 1); --full writes 200 + 400 rounds (seed 1000)
// to training-data/full/ (not committed; about 80 MB). Deterministic: same command, same bytes.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const full = process.argv.includes('--full');
const out = full ? join(ROOT, 'training-data', 'full') : join(ROOT, 'training-data');
const sets = [
  { name: 'egocentric', rounds: full ? 200 : 12, seed: full ? 1000 : 1, observations: 'egocentric' },
  { name: 'joint', rounds: full ? 400 : 24, seed: full ? 1001 : 2, observations: 'joint' },
];
for (const s of sets) {
  const dir = join(out, s.name);
  rmSync(dir, { recursive: true, force: true });
  const args = [
    'record',
    '--rounds',
    String(s.rounds),
    '--seed',
    String(s.seed),
    '--out',
    dir,
    '--observations',
    s.observations,
    '--split',
    'train',
  ];
  console.log(`$ tickmind ${args.join(' ')}`);
  execFileSync(process.execPath, [join(ROOT, 'bin', 'tickmind.js'), ...args], { stdio: 'inherit' });
}
