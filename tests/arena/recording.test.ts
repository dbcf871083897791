/** Recording arena play: frames hold exactly what a policy saw, and `tickmind record` writes datasets that read back. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Arena } from '../../sandbox/arena/game/arena.js';
import { loadMap } from '../../sandbox/arena/map/load.js';
import { syntheticMap } from '../../sandbox/arena/map/synthetic.js';
import { ArenaRecorder, arenaLayout } from '../../sandbox/arena/recording/arena-recorder.js';
import { runRetakes } from '../../sandbox/arena/runner/run.js';
import { directorySource } from '../../sdk/cli/files.js';
import type { TokenLayoutJson } from '../../sdk/core/index.js';
import { datasetFromNpz, type Episode, readLeRobot } from '../../sdk/dataset/index.js';
import { constantDecider, type Decider, policyDecider } from '../../sdk/ecs/index.js';
import { loadPolicy, type Policy, starterModelBytes } from '../../sdk/policy/index.js';

/** A starter policy of the arena's own layout: 10 player tokens and the bomb, line of sight, waypoints, rays. */
function arenaPolicy(arena: Arena, mode: 'egocentric' | 'joint', seed: number): Promise<Policy> {
  return loadPolicy(starterModelBytes({ observation: arenaLayout(arena, mode).toJSON(), seed }), { maxBatch: mode === 'joint' ? 1 : 32 });
}

describe('arena recording', () => {
  it('records, per decision, the exact tokens and mask the policy decided on, and the class it chose', async () => {
    let policy: Policy;
    const seen = new Map<string, { tokens: Float32Array; mask: Uint8Array; action: number }>();
    const episodes: Episode[] = [];
    let index = -1;
    let recorder: ArenaRecorder | undefined;
    let slots: number[] = [];
    const { results } = await runRetakes({
      map: syntheticMap(),
      rounds: 1,
      seed: 2,
      setup: async (arena) => {
        policy = await arenaPolicy(arena, 'egocentric', 3);
        const inner = policyDecider(arena.world, policy);
        // Wrap the policy: keep what it saw per (tick, entity).
        const spy: Decider = {
          name: inner.name,
          decide(batch, actions) {
            inner.decide(batch, actions);
            for (let i = 0; i < batch.count; i++)
              seen.set(`${arena.round.tick}:${batch.agents[i]}`, {
                tokens: policy.tokens.slice(i * policy.rowFloats, (i + 1) * policy.rowFloats),
                mask: policy.mask.slice(i * 11, (i + 1) * 11),
                action: actions[i]!,
              });
          },
        };
        index = arena.addDecider(spy);
        recorder = new ArenaRecorder(arena, { every: 4, sides: 'ct', onEpisode: (e) => episodes.push(e) });
        recorder.attach();
      },
      get ct() {
        return { decider: index };
      },
      onRoundStart: (start, arena) => {
        recorder!.beginRound(start.row);
        slots = Array.from(arena.world.agents.subarray(0, arena.world.agentCount));
      },
      onTick: () => recorder!.afterTick(),
      onRound: () => void recorder!.endRound(),
    });
    expect(results).toHaveLength(1);
    expect(episodes.length).toBeGreaterThan(0);
    let checked = 0;
    for (const e of episodes) {
      expect(e.task).toMatch(/as CT/);
      const obs = e.columns['observation.state']!;
      const w = obs.length / e.length;
      for (let f = 0; f < e.length; f++) {
        const tick = e.columns['round.tick']![f]!;
        expect(tick % 4).toBe(0);
        const entity = slots[e.columns['agent.slot']![f]!]!;
        const s = seen.get(`${tick}:${entity}`)!;
        expect(s, `tick ${tick}, entity ${entity}`).toBeDefined();
        expect(Array.from(obs.subarray(f * w, (f + 1) * w))).toEqual(Array.from(s.tokens));
        expect(Array.from(e.columns['observation.mask']!.subarray(f * 11, (f + 1) * 11))).toEqual(Array.from(s.mask));
        // The bomb token: present, alive 1 and health 0 (no player's token has both).
        expect(s.mask[10]).toBe(0);
        const bomb = 10 * (w / 11);
        expect([obs[f * w + bomb + 5], obs[f * w + bomb + 6]]).toEqual([0, 1]);
        // The self token carries the navigator's intent: a goal somewhere ahead on the route.
        expect(obs[f * w + (recorder!.spec.extra!.observation as TokenLayoutJson).blocks[2]!.offset + 3]).toBeGreaterThan(0);
        expect(e.columns.action![f]).toBe(s.action);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("joint: one match row per frame, exactly the joint policy's tokens, with each player's class on its token", async () => {
    let policy: Policy;
    const seen = new Map<number, { tokens: Float32Array; mask: Uint8Array }>();
    const episodes: Episode[] = [];
    let index = -1;
    let recorder: ArenaRecorder | undefined;
    await runRetakes({
      map: syntheticMap(),
      rounds: 1,
      seed: 3,
      teamSize: 2,
      setup: async (arena) => {
        policy = await arenaPolicy(arena, 'joint', 4);
        const inner = policyDecider(arena.world, policy);
        index = arena.addDecider({
          name: inner.name,
          decide(batch, actions) {
            inner.decide(batch, actions);
            seen.set(arena.round.tick, { tokens: policy.tokens.slice(0, policy.rowFloats), mask: policy.mask.slice(0, 11) });
          },
        });
        recorder = new ArenaRecorder(arena, { mode: 'joint', every: 8, onEpisode: (e) => episodes.push(e) });
        recorder.attach();
      },
      get ct() {
        return { decider: index };
      },
      get t() {
        return { decider: index };
      },
      onRoundStart: (start) => recorder!.beginRound(start.row),
      onRound: () => void recorder!.endRound(),
    });
    expect(episodes).toHaveLength(1);
    const e = episodes[0]!;
    expect(recorder!.spec.features.action!.shape).toEqual([11]);
    const w = e.columns['observation.state']!.length / e.length;
    for (let f = 0; f < e.length; f++) {
      const s = seen.get(e.columns['round.tick']![f]!)!;
      expect(Array.from(e.columns['observation.state']!.subarray(f * w, (f + 1) * w))).toEqual(Array.from(s.tokens));
      expect(Array.from(e.columns['observation.mask']!.subarray(f * 11, (f + 1) * 11))).toEqual(Array.from(s.mask));
      const acts = Array.from(e.columns.action!.subarray(f * 11, (f + 1) * 11));
      // Live players (unmasked tokens) carry a class; absent ones -1; the bomb (token 10) is present and has none.
      expect(s.mask[10]).toBe(0);
      for (const [k, a] of acts.entries()) expect(a >= 0, `frame ${f} token ${k}`).toBe(s.mask[k] === 0 && k < 10);
    }
  });

  it('with a labeler, frames carry its classes, not the ones played (DAgger)', async () => {
    const episodes: Episode[] = [];
    let recorder: ArenaRecorder | undefined;
    await runRetakes({
      map: syntheticMap(),
      rounds: 1,
      seed: 5,
      teamSize: 2,
      ct: 'random',
      t: 'random',
      setup: (arena) => {
        recorder = new ArenaRecorder(arena, { every: 8, labeler: constantDecider(5), onEpisode: (e) => episodes.push(e) });
        recorder.attach();
      },
      onRoundStart: (start) => recorder!.beginRound(start.row),
      onTick: () => recorder!.afterTick(),
      onRound: () => void recorder!.endRound(),
    });
    const actions = episodes.flatMap((e) => Array.from(e.columns.action!));
    expect(actions.length).toBeGreaterThan(20);
    expect(new Set(actions)).toEqual(new Set([5]));
    const [forward, lateral, stature, jump] = Array.from(episodes[0]!.columns['action.continuous']!.subarray(0, 4));
    // Class 5: run at 90° to the facing, no jump.
    expect([forward, lateral, stature, jump].map((v) => Math.round(v! * 100) / 100)).toEqual([0, 4.8, 0, 0]);
  });

  it('with a labeler, joint rows carry its class on every deciding token, -1 elsewhere', async () => {
    const episodes: Episode[] = [];
    let recorder: ArenaRecorder | undefined;
    await runRetakes({
      map: syntheticMap(),
      rounds: 1,
      seed: 6,
      teamSize: 2,
      ct: 'random',
      t: 'random',
      setup: (arena) => {
        recorder = new ArenaRecorder(arena, { mode: 'joint', every: 8, labeler: constantDecider(7), onEpisode: (e) => episodes.push(e) });
        recorder.attach();
      },
      onRoundStart: (start) => recorder!.beginRound(start.row),
      onRound: () => void recorder!.endRound(),
    });
    const actions = Array.from(episodes[0]!.columns.action!);
    expect(actions.filter((a) => a >= 0).length).toBeGreaterThan(10);
    expect(new Set(actions)).toEqual(new Set([7, -1]));
  });

  it('line of sight varies in recorded dust2 rounds, and the frames say which feature it is', async () => {
    for (const mode of ['egocentric', 'joint'] as const) {
      const episodes: Episode[] = [];
      let recorder: ArenaRecorder | undefined;
      await runRetakes({
        map: loadMap('dust2'),
        rounds: 2,
        seed: 11,
        setup: (arena) => {
          recorder = new ArenaRecorder(arena, { mode, every: 8, onEpisode: (e) => episodes.push(e) });
          recorder.attach();
        },
        onRoundStart: (start) => recorder!.beginRound(start.row),
        onTick: () => recorder!.afterTick(),
        onRound: () => void recorder!.endRound(),
      });
      const layout = recorder!.spec.extra!.observation as {
        featuresPerToken: number;
        tokens: number;
        playerTokens: number;
        blocks: { kind: string; offset: number; names: string[] }[];
      };
      const los = layout.blocks.find((b) => b.kind === 'lineOfSight')!;
      expect(los.names).toEqual([mode === 'joint' ? 'enemyInSight' : 'lineOfSight']);
      const seen = new Set<number>();
      for (const e of episodes) {
        const obs = e.columns['observation.state']!;
        const mask = e.columns['observation.mask']!;
        for (let f = 0; f < e.length; f++)
          for (let t = mode === 'joint' ? 0 : 1; t < layout.playerTokens; t++)
            if (mask[f * layout.tokens + t] === 0) seen.add(obs[(f * layout.tokens + t) * layout.featuresPerToken + los.offset]!);
      }
      expect([...seen].sort(), mode).toEqual([0, 1]);
    }
  });

  it('tickmind record writes both formats, identical when read back, and the same bytes for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-record-'));
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');
    const run = promisify(execFile);
    const args = ['record', '--rounds', '2', '--seed', '3', '--map', 'synthetic', '--team-size', '2', '--format', 'both', '--json'];
    const a = JSON.parse((await run(process.execPath, [bin, ...args, '--out', join(dir, 'a')])).stdout);
    await run(process.execPath, [bin, ...args, '--out', join(dir, 'b')]);
    expect(a).toMatchObject({ rounds: 2, format: 'both', observationFloats: 1023 });
    const parquet = await readLeRobot(directorySource(join(dir, 'a')));
    const npz = datasetFromNpz(new Uint8Array(readFileSync(join(dir, 'a', 'dataset.npz'))), 'dataset.npz');
    expect(parquet.episodes.length).toBe(a.episodes);
    expect(parquet.episodes.reduce((s, e) => s + e.length, 0)).toBe(a.frames);
    for (const [i, e] of parquet.episodes.entries())
      for (const [k, v] of Object.entries(e.columns)) expect(v).toEqual(npz.episodes[i]!.columns[k]);
    expect(readFileSync(join(dir, 'a', 'dataset.npz'))).toEqual(readFileSync(join(dir, 'b', 'dataset.npz')));
    expect(readFileSync(join(dir, 'a', 'data', 'chunk-000', 'file-001.parquet'))).toEqual(
      readFileSync(join(dir, 'b', 'data', 'chunk-000', 'file-001.parquet')),
    );
    const bad = await run(process.execPath, [bin, 'record', '--rounds', '1', '--out', join(dir, 'c'), '--format', 'csv']).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be parquet, npz or both/);
  });
});
