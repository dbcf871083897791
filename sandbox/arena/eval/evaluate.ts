/**
 * `tickmind eval`'s engine. On held-out plant states (the eval split), the same round starts are
 * played four times: the teacher (the reference, recording its decisions in the policy's
 * observation space), the policy on both sides, the random policy, and the teacher again with
 * other randomness (the noise floor). The policy is scored on the reference teacher's held-out
 * decisions (action accuracy, NLL) and each rollout against the reference play: occupancy heatmap
 * EMD per side, speed and turn-rate histogram EMDs, lifetimes, outcome rates, stuck events.
 */
import type { Episode } from '../../../sdk/dataset/index.js';
import { policyDecider, withFrame } from '../../../sdk/ecs/index.js';
import { loadPolicy, type Policy } from '../../../sdk/policy/index.js';
import type { Controller } from '../game/arena.js';
import { Side } from '../game/round.js';
import { ArenaRecorder } from '../recording/arena-recorder.js';
import { runRetakes } from '../runner/run.js';
import { type Heatmap, heatmapEmd, histogramEmd } from './distances.js';
import { type InSightTicks, RolloutStats, SPEED_BIN, TURN_BIN } from './rollout-stats.js';

/** What to evaluate. */
export interface EvalConfig {
  /** The policy file. */
  policy: { file: string; bytes: Uint8Array };
  /** Rounds per rollout (default 20). */
  rounds?: number;
  /** Seed of the round starts (default 1). */
  seed?: number;
  /** Map (default dust2). */
  map?: string;
  /** Players per side (default: each held-out state's own counts). */
  teamSize?: number;
  /** The policy's sampling temperature in its rollout (default 1). */
  temperature?: number;
  /** Ticks between the policy's decisions in its rollout (default 1: every tick). */
  period?: number;
}

/** Shares of a side's in-sight ticks by speed (see {@link InSightTicks}). */
export interface InSightShares {
  /** Live-player ticks with an enemy in sight. */
  ticks: number;
  /** Share standing. */
  standing: number;
  /** Share walking. */
  walking: number;
  /** Share running. */
  running: number;
}

/** One controller's rollout figures (distances are to the reference teacher's play). */
export interface ControllerMetrics {
  /** Share of rounds the defenders won. */
  ctWinRate: number;
  /** 95 % interval of the CT win rate (Wilson score). */
  ctWinRateInterval: [number, number];
  /** Rounds the defenders won. */
  ctWins: number;
  /** While an enemy is in sight, the share of ticks standing / walking / running, per side. */
  inSight: { ct: InSightShares; t: InSightShares };
  /** Mean round length, s. */
  meanRoundSeconds: number;
  /** Stuck events per round. */
  stuckPerRound: number;
  /** Mean lifetime per side, s. */
  lifetime: { ct: number; t: number };
  /** Occupancy heatmap EMD per side, m. */
  occupancyEmd: { ct: number; t: number };
  /** Speed histogram EMD per side, m/s. */
  speedEmd: { ct: number; t: number };
  /** Turn-rate histogram EMD per side, °/s. */
  turnRateEmd: { ct: number; t: number };
}

/** The evaluation (the `--json` object). */
export interface EvalResult {
  policy: string;
  mode: string;
  map: string;
  split: 'eval';
  rounds: number;
  seed: number;
  validation: {
    frames: number;
    targets: number;
    accuracy: number;
    nll: number;
    majorityClassAccuracy: number;
    randomAccuracy: number;
    randomNll: number;
  };
  policyMetrics: ControllerMetrics;
  teacherMetrics: ControllerMetrics;
  randomMetrics: ControllerMetrics;
  /** The reference teacher rollout itself (same starts and seed as the policy's; distances to itself are 0). */
  referenceMetrics: ControllerMetrics;
}

/** The result plus the heatmaps, for the report. */
export interface Evaluation {
  /** Figures. */
  result: EvalResult;
  /** Occupancy per rollout and side. */
  heatmaps: Record<'reference' | 'policy' | 'teacher' | 'random', [Heatmap, Heatmap]>;
}

/** Plays and scores (see the module comment); `progress` gets a line per rollout. */
export async function evaluatePolicy(config: EvalConfig, progress: (line: string) => void = () => {}): Promise<Evaluation> {
  const rounds = config.rounds ?? 20;
  const seed = config.seed ?? 1;
  const map = config.map ?? 'dust2';
  const probe = await loadPolicy(config.policy.bytes, { file: config.policy.file, maxBatch: 1 });
  const mode = probe.spec.mode;
  const temperature = config.temperature ?? 1;
  const period = config.period ?? 1;
  const run = async (who: 'teacher' | 'random' | 'policy', seedOffset: number, record: boolean) => {
    let stats: RolloutStats | undefined;
    let recorder: ArenaRecorder | undefined;
    let controller: Controller = who === 'random' ? 'random' : 'teacher';
    const episodes: Episode[] = [];
    const t0 = performance.now();
    await runRetakes({
      map,
      rounds,
      seed: seed + seedOffset,
      startSeed: seed,
      split: 'eval',
      ...(config.teamSize !== undefined ? { teamSize: config.teamSize } : {}),
      arena: who === 'policy' || record ? {} : { sensor: null },
      setup: async (arena) => {
        if (who === 'policy') {
          const policy = await loadPolicy(config.policy.bytes, { file: config.policy.file, maxBatch: arena.world.capacity });
          controller = {
            decider: arena.addDecider(
              policyDecider(arena.world, policy, { center: arena.frame.center, halfExtent: arena.frame.halfExtent, temperature }),
            ),
            period,
          };
        }
        stats = new RolloutStats(arena);
        if (record) {
          // The policy's own layout (a version-1 file recorded no frame: the arena's stands in, as for its decider).
          const layout = probe.spec.upgradedFrom === 1 ? withFrame(probe.spec.observation, arena.frame) : probe.spec.observation;
          recorder = new ArenaRecorder(arena, { layout, every: 8, onEpisode: (e) => episodes.push(e) });
          recorder.attach();
        }
      },
      get ct() {
        return controller;
      },
      get t() {
        return controller;
      },
      onRoundStart: (start) => {
        stats!.roundStart();
        recorder?.beginRound(start.row);
      },
      onTick: () => {
        stats!.tick();
        recorder?.afterTick();
      },
      onRound: (r) => {
        stats!.roundEnd(r);
        recorder?.endRound();
      },
    });
    progress(
      `${who}${seedOffset > 0 ? ' (again, other randomness)' : ''}: ${rounds} rounds in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return { stats: stats!, episodes };
  };
  const reference = await run('teacher', 0, true);
  const policy = await run('policy', 0, false);
  const random = await run('random', 0, false);
  const teacher = await run('teacher', 7919, false);
  const metrics = (s: RolloutStats): ControllerMetrics => {
    const r = reference.stats;
    const per = (f: (side: number) => number) => ({ ct: f(Side.ct), t: f(Side.t) });
    const wins = s.rounds.filter((x) => x.winner === 'ct').length;
    return {
      ctWinRate: s.ctWinRate,
      ctWinRateInterval: wilsonInterval(wins, s.rounds.length),
      ctWins: wins,
      inSight: { ct: shares(s.inSight[Side.ct]!), t: shares(s.inSight[Side.t]!) },
      meanRoundSeconds: s.meanRoundSeconds,
      stuckPerRound: s.stuckPerRound,
      lifetime: per((side) => s.lifetime(side)),
      occupancyEmd: per((side) => heatmapEmd(s.heatmaps[side as 0 | 1], r.heatmaps[side as 0 | 1])),
      speedEmd: per((side) => histogramEmd(s.speed[side as 0 | 1], r.speed[side as 0 | 1], SPEED_BIN)),
      turnRateEmd: per((side) => histogramEmd(s.turn[side as 0 | 1], r.turn[side as 0 | 1], TURN_BIN)),
    };
  };
  const result: EvalResult = {
    policy: config.policy.file,
    mode,
    map,
    split: 'eval',
    rounds,
    seed,
    validation: validate(
      probe.spec.mode === 'joint' ? 'joint' : 'egocentric',
      await loadPolicy(config.policy.bytes, { maxBatch: 64 }),
      reference.episodes,
    ),
    policyMetrics: metrics(policy.stats),
    teacherMetrics: metrics(teacher.stats),
    randomMetrics: metrics(random.stats),
    referenceMetrics: metrics(reference.stats),
  };
  return {
    result,
    heatmaps: {
      reference: reference.stats.heatmaps,
      policy: policy.stats.heatmaps,
      teacher: teacher.stats.heatmaps,
      random: random.stats.heatmaps,
    },
  };
}

/** The 95 % Wilson score interval of k successes in n trials. */
export function wilsonInterval(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function shares(s: InSightTicks): InSightShares {
  const n = Math.max(1, s.ticks);
  return { ticks: s.ticks, standing: s.standing / n, walking: s.walking / n, running: s.running / n };
}

/** Action accuracy and NLL of the policy (argmax; mean nats) on the reference teacher's decisions. */
function validate(mode: 'joint' | 'egocentric', policy: Policy, episodes: Episode[]): EvalResult['validation'] {
  const T = policy.spec.observation.tokens;
  const C = policy.classes;
  const perFrame = mode === 'joint' ? T : 1;
  let frames = 0;
  let targets = 0;
  let correct = 0;
  let nll = 0;
  const counts = new Float64Array(C);
  for (const e of episodes) {
    const obs = e.columns['observation.state']!;
    const mask = e.columns['observation.mask']!;
    const action = e.columns.action!;
    for (let from = 0; from < e.length; from += policy.maxBatch) {
      const n = Math.min(policy.maxBatch, e.length - from);
      policy.tokens.set(obs.subarray(from * policy.rowFloats, (from + n) * policy.rowFloats));
      for (let i = 0; i < n * T; i++) policy.mask[i] = mask[from * T + i]!;
      const logits = policy.runSync(n);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < perFrame; k++) {
          const target = action[(from + i) * perFrame + k]!;
          if (target < 0) continue;
          const o = i * policy.logitRowFloats + k * C;
          let max = -Infinity;
          let arg = 0;
          for (let c = 0; c < C; c++)
            if (logits[o + c]! > max) {
              max = logits[o + c]!;
              arg = c;
            }
          let sum = 0;
          for (let c = 0; c < C; c++) sum += Math.exp(logits[o + c]! - max);
          nll += Math.log(sum) + max - logits[o + target]!;
          if (arg === target) correct++;
          counts[target] = counts[target]! + 1;
          targets++;
        }
      }
      frames += n;
    }
  }
  let majority = 0;
  for (let c = 0; c < C; c++) majority = Math.max(majority, counts[c]!);
  return {
    frames,
    targets,
    accuracy: targets > 0 ? correct / targets : 0,
    nll: targets > 0 ? nll / targets : 0,
    majorityClassAccuracy: targets > 0 ? majority / targets : 0,
    randomAccuracy: 1 / C,
    randomNll: Math.log(C),
  };
}
