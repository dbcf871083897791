/**
 * `tickmind record`'s engine: plays retake rounds with the chosen players and records every
 * player's decisions into a dataset — Parquet (LeRobot v3 layout, appended after every round) and/or
 * one `.npz` (rewritten after every round) — through the sinks the CLI passes in. Rounds start
 * from the training split of the real plant states by default, keeping the held-out ones for
 * evaluation.
 */
import { type Dataset, type DatasetSink, datasetToNpz, type Episode, LeRobotWriter } from '../../../sdk/dataset/index.js';
import { policyDecider } from '../../../sdk/ecs/index.js';
import { loadPolicy } from '../../../sdk/policy/index.js';
import type { Controller } from '../game/arena.js';
import { runRetakes } from '../runner/run.js';
import { ArenaRecorder } from './arena-recorder.js';

/** What to record. */
export interface RecordConfig {
  /** Rounds to play. */
  rounds: number;
  /** Seed of the rounds. */
  seed: number;
  /** Map (default dust2). */
  map?: string;
  /** Who plays both sides: teacher, random, or a policy file's bytes. */
  players: 'teacher' | 'random' | { file: string; bytes: Uint8Array };
  /** Frame period in ticks (default 8). */
  every?: number;
  /** Players per side (default: each plant state's own counts). */
  teamSize?: number;
  /** Plant-state split (default train). */
  split?: 'all' | 'train' | 'eval';
  /** Egocentric rows per player (default) or one joint row per match. */
  observations?: 'egocentric' | 'joint';
  /** Label frames with the teacher's decisions instead of the played ones (DAgger; the teacher in its labelling mode when a policy plays). */
  label?: 'played' | 'teacher';
}

/** Where to write. */
export interface RecordOutputs {
  /** The LeRobot-layout sink (Parquet), if wanted. */
  parquet?: DatasetSink;
  /** Writes the whole `.npz` (called after every round with the dataset so far), if wanted. */
  npz?: (bytes: Uint8Array) => Promise<void>;
}

/** What was recorded. */
export interface RecordSummary {
  /** Rounds played. */
  rounds: number;
  /** Episodes recorded. */
  episodes: number;
  /** Frames recorded. */
  frames: number;
  /** Floats per observation. */
  observationFloats: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/** Plays and records (see the module comment); `progress` receives one line per round. */
export async function recordRounds(
  config: RecordConfig,
  outputs: RecordOutputs,
  progress: (line: string) => void = () => {},
): Promise<RecordSummary> {
  let recorder: ArenaRecorder | undefined;
  let writer: LeRobotWriter | undefined;
  const all: Episode[] = [];
  let pending: Episode[] = [];
  let controller: Controller = config.players === 'random' ? 'random' : 'teacher';
  const label = typeof config.players === 'string' ? config.players : `policy ${config.players.file}`;
  const t0 = performance.now();
  let frames = 0;
  await runRetakes({
    map: config.map ?? 'dust2',
    rounds: config.rounds,
    seed: config.seed,
    split: config.split ?? 'train',
    ...(config.teamSize !== undefined ? { teamSize: config.teamSize } : {}),
    ...(config.label === 'teacher' && typeof config.players === 'object' ? { arena: { teacher: { labelling: true } } } : {}),
    setup: async (arena) => {
      if (typeof config.players === 'object') {
        const policy = await loadPolicy(config.players.bytes, { file: config.players.file, maxBatch: arena.world.capacity });
        controller = {
          decider: arena.addDecider(policyDecider(arena.world, policy, { center: arena.frame.center, halfExtent: arena.frame.halfExtent })),
        };
      }
      recorder = new ArenaRecorder(arena, {
        mode: config.observations ?? 'egocentric',
        ...(config.label === 'teacher' ? { labeler: arena.teacher } : {}),
        ...(config.every !== undefined ? { every: config.every } : {}),
        controller: label,
        extra: {
          seed: config.seed,
          rounds: config.rounds,
          players: label,
          split: config.split ?? 'train',
          labels: config.label ?? 'played',
        },
        onEpisode: (e) => pending.push(e),
      });
      recorder.attach();
      if (outputs.parquet !== undefined) writer = new LeRobotWriter(recorder.spec, outputs.parquet);
    },
    get ct() {
      return controller;
    },
    get t() {
      return controller;
    },
    labels: { ct: label, t: label },
    onRoundStart: (start) => recorder!.beginRound(start.row),
    onTick: () => recorder!.afterTick(),
    onRound: async (r) => {
      recorder!.endRound();
      const batch = pending;
      pending = [];
      all.push(...batch);
      frames += batch.reduce((s, e) => s + e.length, 0);
      if (writer !== undefined) await writer.append(batch);
      if (outputs.npz !== undefined) await outputs.npz(datasetToNpz({ spec: recorder!.spec, episodes: all } satisfies Dataset));
      progress(
        `round ${r.round}/${config.rounds}: ${r.winner.toUpperCase()} ${r.reason}, ${batch.length} episodes, ${frames} frames so far`,
      );
    },
  });
  await writer?.flushed();
  return {
    rounds: config.rounds,
    episodes: all.length,
    frames,
    observationFloats: recorder === undefined ? 0 : recorder.spec.features['observation.state']!.shape[0]!,
    seconds: (performance.now() - t0) / 1000,
  };
}
