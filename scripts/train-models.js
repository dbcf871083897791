#!/usr/bin/env node
// npm run models — trains the shipped models from training-data/ with tickmind train, evaluates
// each with tickmind eval (200 held-out rounds) and measures its per-tick cost with tickmind
// profile (10 players on dust2), and writes models/<name>.onnx, its training curve, its
// evaluation (JSON and HTML), its cost (JSON), its model card (<name>.md), and the metric tables
// of README.md and models/README.md (scripts/model-tables.js). Deterministic for the committed data
// (the costs are this machine's).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignMarkdownTables, updateTables } from './model-tables.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tickmind.js');
const tickmind = (args) => {
  console.log(`$ tickmind ${args.join(' ')}`);
  return JSON.parse(
    execFileSync(process.execPath, [BIN, ...args, '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  );
};
const MODELS = [
  {
    name: 'joint-5v5',
    title: 'Joint 5v5 token transformer (d = 64, 2 layers)',
    mode: 'joint',
    train: ['--data', 'training-data/joint', '--arch', 'joint', '--epochs', '20'],
  },
  {
    name: 'egocentric',
    title: 'Egocentric token transformer (d = 64, 1 layer)',
    mode: 'egocentric',
    // One layer (the default for egocentric: it runs for the deciding agent's token alone), trained twice as long as two were.
    train: ['--data', 'training-data/egocentric', '--arch', 'egocentric', '--epochs', '24'],
    architecture: `One layer, the default for egocentric policies. An egocentric policy decides from its own
token (token 0), so the exported graph computes keys and values for every token but the query,
attention, feed-forward and head for token 0 alone (logits \`[batch, 1, 97]\`): with one layer, the
deciding agent's token attends once over every token. Until 2026-12-04 this model had two layers
(12 epochs): held-out accuracy 90.3 %, NLL 0.356, occupancy EMD 2.0 / 1.3 m, 0.83 stuck per round,
CT wins 22.0 % [17–28], CT standing with an enemy in sight 27 %, decide p50 509.8 µs for 10 players
(SIMD128 kernels). One layer trained 24 epochs does as well or better on accuracy, NLL, occupancy,
CT wins and standing in sight (0.86 stuck per round against 0.83; the teacher 0.93), below, at
about a quarter of the cost; one layer trained 12 epochs did not (CT wins 18.0 %, occupancy EMD 1.8 / 1.8 m),
nor did two layers of d = 32 (held-out accuracy 88.6 %).`,
  },
  {
    name: 'mlp',
    title: 'MLP baseline (2 × 64 ReLU, egocentric rows)',
    mode: 'egocentric',
    train: ['--data', 'training-data/egocentric', '--arch', 'mlp', '--hidden', '64', '--epochs', '12'],
  },
];
const ROUNDS = '200';
const EVALUATION_HEADING = '## Evaluation (held-out plant states)';
// `--cost`: re-measure only the per-tick cost of the models as they are (on a quiet machine) and
// rewrite their cost JSON, the cards' cost section and the tables.
const costOnly = process.argv.includes('--cost');
// `--eval`: re-evaluate the models as they are (no training: after a change to the arena, e.g.
// its default mover) and re-measure their cost; rewrites their eval and cost files, the cards'
// evaluation and cost sections, the tables and the README's picture.
const evalOnly = process.argv.includes('--eval');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const m of MODELS.filter((x) => costOnly && (only.length === 0 || only.includes(x.name)))) {
  const out = `models/${m.name}.onnx`;
  const profileArgs = ['profile', '--map', 'dust2', '--agents', '10', '--mode', m.mode, '--policy', out, '--ticks', '2000'];
  const cost = tickmind(profileArgs);
  writeFileSync(join(ROOT, 'models', `${m.name}.cost.json`), `${JSON.stringify(cost, null, 2)}\n`);
  const cardFile = join(ROOT, 'models', `${m.name}.md`);
  const text = readFileSync(cardFile, 'utf8');
  writeFileSync(cardFile, alignMarkdownTables(`${text.slice(0, text.indexOf('## Per-tick cost'))}${costSection(cost, profileArgs)}`));
}
for (const m of MODELS.filter((x) => !costOnly && (only.length === 0 || only.includes(x.name)))) {
  const out = `models/${m.name}.onnx`;
  const trainArgs = ['train', ...m.train, '--seed', '1', '--out', out];
  const trained = evalOnly ? undefined : tickmind(trainArgs);
  const evalArgs = ['eval', '--policy', out, '--rounds', ROUNDS, '--seed', '1', '--report', `models/${m.name}.eval.html`];
  const evaluation = tickmind(evalArgs);
  writeFileSync(join(ROOT, 'models', `${m.name}.eval.json`), `${JSON.stringify(evaluation, null, 2)}\n`);
  const profileArgs = ['profile', '--map', 'dust2', '--agents', '10', '--mode', m.mode, '--policy', out, '--ticks', '2000'];
  const cost = tickmind(profileArgs);
  writeFileSync(join(ROOT, 'models', `${m.name}.cost.json`), `${JSON.stringify(cost, null, 2)}\n`);
  const cardFile = join(ROOT, 'models', `${m.name}.md`);
  const head = trained === undefined ? readFileSync(cardFile, 'utf8') : card(m, out, trained, trainArgs);
  const rest = evaluationSection(m, evaluation, cost, evalArgs, profileArgs);
  writeFileSync(cardFile, alignMarkdownTables(`${head.slice(0, head.indexOf(EVALUATION_HEADING))}${rest}`));
  if (m.name === 'joint-5v5') {
    // The README's heatmap picture (needs Debian's chromium; the models are complete without it).
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'scripts', 'eval-picture.js'), `models/${m.name}.eval.html`, 'docs/img/joint-5v5-eval.png'],
        {
          cwd: ROOT,
          stdio: 'inherit',
        },
      );
    } catch {
      console.warn('models: docs/img/joint-5v5-eval.png not updated (no chromium?)');
    }
  }
}

const written = updateTables();
console.log(written.length > 0 ? `models: tables written in ${written.join(', ')}` : 'models: tables up to date');

/** The card's heading, data and training sections (kept as they are by `--eval`). */
function card(m, out, t, trainArgs) {
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const bytes = readFileSync(join(ROOT, out)).length;
  return `# ${m.title} — \`${out}\`

A tickmind movement policy (ONNX, its observation and action specs in \`metadata_props\`; ${(bytes / 1024).toFixed(0)} kB), trained by
behavior cloning on the scripted teacher's de_dust2 retakes. Made by \`npm run models\`.

## Data

\`${m.train[1]}\` (\`npm run training-data\`): teacher demonstrations, both sides, from the
**training** split of the 3,461 professional plant states (MLMove release; the held-out tenth,
row % 10 = 9, is used only for evaluation), each state's own team sizes, ${m.mode} observations,
one frame every 8 ticks. ${t.frames} frames (${t.trainFrames} train, ${t.valFrames} validation by episode).

Each player token carries the arena navigator's **waypoint features** (\`waypointForward\`,
\`waypointLateral\`, \`waypointRise\`, \`goalDistance\`: where the route goes next, in the player's
frame, and how far the goal is). The navigator picks goals (the bomb; an attacker's hold spot) and
routes for every player whoever plays it, so the model learns how the teacher moves along a
route — pace, stops, fights, jumps — while the route itself comes from the game's nav mesh. A game
that runs this model writes each agent's \`Waypoint\` component (docs/sensing.md).

Each player token also carries **line of sight**, cast eye to eye through the level and the other
players (${m.mode === 'joint' ? '`enemyInSight`: whether that player sees a live enemy' : '`lineOfSight`: whether the deciding player sees each other player'}) —
what the model needs to stop and shoot when the teacher does. The whole observation layout (blocks,
the 16-ray sensor, the line-of-sight range, the frame) is the spec's \`observation\`: a game builds
the world it needs from the file alone (\`createPolicyWorld\`, docs/policy.md).

## Training

\`\`\`sh
npx tickmind ${trainArgs.join(' ')}
\`\`\`

Seed 1; ${t.epochs} epochs (best ${t.bestEpoch}${t.stoppedEarly ? ', stopped early' : ''}) in ${f(t.seconds, 1)} s on 2 cores; validation
accuracy **${f(100 * t.valAccuracy, 1)} %** (class prior ${f(100 * t.classPriorAccuracy, 1)} %), loss ${f(t.valLoss, 3)} nats. Curve:
[\`${m.name}.curve.html\`](${m.name}.curve.html).
${m.architecture !== undefined ? `\n${m.architecture}\n` : ''}
${EVALUATION_HEADING}`;
}

/** The card's evaluation and cost sections (rewritten alone by `--eval`). */
function evaluationSection(m, e, c, evalArgs, profileArgs) {
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const row = (name, r) =>
    `| ${name} | ${f(r.occupancyEmd.ct)} / ${f(r.occupancyEmd.t)} | ${f(r.speedEmd.ct)} / ${f(r.speedEmd.t)} | ${f(r.turnRateEmd.ct, 0)} / ${f(r.turnRateEmd.t, 0)} | ${f(r.lifetime.ct, 1)} / ${f(r.lifetime.t, 1)} | ${f(100 * r.ctWinRate, 1)} % [${f(100 * r.ctWinRateInterval[0], 0)}–${f(100 * r.ctWinRateInterval[1], 0)}] | ${f(r.stuckPerRound)} |`;
  const pct = (x) => `${f(100 * x, 0)} %`;
  const sight = (name, r) =>
    `| ${name} | ${pct(r.inSight.ct.standing)} / ${pct(r.inSight.t.standing)} | ${pct(r.inSight.ct.walking)} / ${pct(r.inSight.t.walking)} | ${pct(r.inSight.ct.running)} / ${pct(r.inSight.t.running)} |`;
  const v = e.validation;
  return `${EVALUATION_HEADING}

\`\`\`sh
npx tickmind ${evalArgs.join(' ')}
\`\`\`

On the teacher's held-out decisions (${v.frames} frames): action accuracy **${f(100 * v.accuracy, 1)} %** (majority class
${f(100 * v.majorityClassAccuracy, 1)} %, random ${f(100 * v.randomAccuracy, 1)} %), NLL ${f(v.nll, 3)} nats (random ${f(v.randomNll, 3)}).

Rollouts, ${e.rounds} rounds, against the teacher's play (CT / T):

| | occupancy EMD (m) | speed EMD (m/s) | turn-rate EMD (°/s) | lifetime (s) | CT wins [95 % interval] | stuck / round |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${row('this model', e.policyMetrics)}
${row('teacher (reference: same starts and seed)', e.referenceMetrics)}
${row('teacher, other randomness', e.teacherMetrics)}
${row('random', e.randomMetrics)}

Fights — movement while an enemy is in sight (the game's line of sight), CT / T:

| | standing | walking | running |
| --- | ---: | ---: | ---: |
${sight('this model', e.policyMetrics)}
${sight('teacher (reference)', e.referenceMetrics)}
${sight('random', e.randomMetrics)}

Report with the heatmaps: [\`${m.name}.eval.html\`](${m.name}.eval.html); figures: [\`${m.name}.eval.json\`](${m.name}.eval.json).

${costSection(c, profileArgs)}`;
}

/** The card's cost section. */
function costSection(c, profileArgs) {
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  return `## Per-tick cost

\`\`\`sh
npx tickmind ${profileArgs.join(' ')}
\`\`\`

10 players on dust2, every player deciding every tick, native backend (${c.kernels ?? 'simd'} kernels), this machine kind:
decide p50 **${f(c.phases.decide.p50Us, 1)} µs**, p99 ${f(c.phases.decide.p99Us, 1)} µs; whole AI tick (sense + decide + act, act
including the ${c.physics === 'rapier' ? 'Rapier character controller' : 'batched BvhMover'}) p50 ${f(c.phases.total.p50Us, 1)} µs, p99 ${f(c.phases.total.p99Us, 1)} µs; ${c.overBudgetTicks} of
${c.ticks} ticks over the 1 ms budget.
`;
}
