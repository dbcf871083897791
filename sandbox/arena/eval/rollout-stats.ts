/**
 * What the evaluation measures of play, the same for every controller: where each side's players
 * are (occupancy heatmaps, sampled every 8 ticks), how fast they move and turn (histograms per
 * live player per tick), how long they live, and each round's outcome and stuck events.
 */

import { angleDiff } from '../game/angles.js';
import type { Arena } from '../game/arena.js';
import { RUNNING_MS, WALKING_MS } from '../game/combat.js';
import { Side } from '../game/round.js';
import type { RoundResult } from '../runner/run.js';
import { addSample, createHeatmap, type Heatmap } from './distances.js';

/** Speed histogram: 0–8 m/s in 0.25 m/s bins. */
export const SPEED_BIN = 0.25;
const SPEED_BINS = 32;
/** Turn-rate histogram: 0–720 °/s in 15 °/s bins. */
export const TURN_BIN = 15;
const TURN_BINS = 48;
/** Heatmap cell, m. */
export const HEATMAP_CELL = 4;

/** Live-player ticks with an enemy in sight (the game's line of sight), by how fast the player moved. */
export interface InSightTicks {
  /** Ticks with an enemy in sight. */
  ticks: number;
  /** Of those, standing (below walking speed: full accuracy). */
  standing: number;
  /** Walking (accuracy × the walking factor). */
  walking: number;
  /** Running (accuracy × the running factor). */
  running: number;
}

/** Per-side statistics of a set of rounds. */
export class RolloutStats {
  /** Occupancy per side (index Side.ct, Side.t). */
  readonly heatmaps: [Heatmap, Heatmap];
  /** Speed histograms per side. */
  readonly speed: [Float64Array, Float64Array] = [new Float64Array(SPEED_BINS), new Float64Array(SPEED_BINS)];
  /** Turn-rate histograms per side. */
  readonly turn: [Float64Array, Float64Array] = [new Float64Array(TURN_BINS), new Float64Array(TURN_BINS)];
  /** Sum of lifetimes (s) and player counts per side. */
  readonly life = { sum: [0, 0], count: [0, 0] };
  /** Round results. */
  readonly rounds: RoundResult[] = [];
  /** Ticks with an enemy in sight, per side, by speed. */
  readonly inSight: [InSightTicks, InSightTicks] = [
    { ticks: 0, standing: 0, walking: 0, running: 0 },
    { ticks: 0, standing: 0, walking: 0, running: 0 },
  ];
  private readonly yaw: Float32Array;
  private readonly seen: Uint8Array;
  private readonly deathTick: Int32Array;
  private readonly teamOf: Int32Array;
  private entities: number[] = [];

  constructor(private readonly arena: Arena) {
    const b = arena.map.bounds;
    this.heatmaps = [createHeatmap([b[0]!, b[2]!, b[3]!, b[5]!], HEATMAP_CELL), createHeatmap([b[0]!, b[2]!, b[3]!, b[5]!], HEATMAP_CELL)];
    const cap = arena.world.capacity;
    this.yaw = new Float32Array(cap);
    this.seen = new Uint8Array(cap);
    this.deathTick = new Int32Array(cap);
    this.teamOf = new Int32Array(cap);
  }

  /** A round started: remember its players. */
  roundStart(): void {
    const w = this.arena.world;
    this.entities = Array.from(w.agents.subarray(0, w.agentCount));
    for (const e of this.entities) {
      this.seen[e] = 0;
      this.deathTick[e] = -1;
      this.teamOf[e] = w.c.Agent.team[e]!;
    }
  }

  /** After every tick. */
  tick(): void {
    const a = this.arena;
    const w = a.world;
    const { Transform, Agent } = w.c;
    const rate = a.rules.tickRate;
    for (const e of this.entities) {
      if (this.deathTick[e]! >= 0) continue;
      if (Agent.alive[e] === 0) {
        this.deathTick[e] = a.round.tick;
        continue;
      }
      const side = this.teamOf[e]!;
      if (this.seesEnemy(e)) {
        const s = this.inSight[side]!;
        const speed = a.speed[e]!;
        s.ticks++;
        if (speed > RUNNING_MS) s.running++;
        else if (speed > WALKING_MS) s.walking++;
        else s.standing++;
      }
      const v = Math.min(SPEED_BINS - 1, Math.floor(a.speed[e]! / SPEED_BIN));
      this.speed[side]![v] = this.speed[side]![v]! + 1;
      if (this.seen[e] === 1) {
        const turn = (Math.abs(angleDiff(this.yaw[e]!, Transform.yaw[e]!)) * 180 * rate) / Math.PI;
        const t = Math.min(TURN_BINS - 1, Math.floor(turn / TURN_BIN));
        this.turn[side]![t] = this.turn[side]![t]! + 1;
      }
      this.yaw[e] = Transform.yaw[e]!;
      this.seen[e] = 1;
      if (a.round.tick % 8 === 0) addSample(this.heatmaps[side]!, Transform.x[e]!, Transform.z[e]!);
    }
  }

  /** Whether e sees a live opponent this tick (the combat's line of sight, eye to chest). */
  private seesEnemy(e: number): boolean {
    const w = this.arena.world;
    for (let j = 0; j < w.agentCount; j++) {
      const f = w.agents[j]!;
      if (w.c.Agent.alive[f] === 1 && w.c.Agent.team[f] !== this.teamOf[e] && this.arena.combat.sees(e, f)) return true;
    }
    return false;
  }

  /** A round ended. */
  roundEnd(result: RoundResult): void {
    this.rounds.push(result);
    const end = this.arena.round.tick;
    for (const e of this.entities) {
      const side = this.teamOf[e]!;
      this.life.sum[side] = this.life.sum[side]! + (this.deathTick[e]! >= 0 ? this.deathTick[e]! : end) / this.arena.rules.tickRate;
      this.life.count[side] = this.life.count[side]! + 1;
    }
  }

  /** Mean lifetime per side, s. */
  lifetime(side: number): number {
    return this.life.count[side]! > 0 ? this.life.sum[side]! / this.life.count[side]! : 0;
  }

  /** Share of rounds the defenders won. */
  get ctWinRate(): number {
    return this.rounds.length === 0 ? 0 : this.rounds.filter((r) => r.winner === 'ct').length / this.rounds.length;
  }

  /** Stuck events per round. */
  get stuckPerRound(): number {
    return this.rounds.length === 0 ? 0 : this.rounds.reduce((s, r) => s + r.stuckEvents, 0) / this.rounds.length;
  }

  /** Mean round length, s. */
  get meanRoundSeconds(): number {
    return this.rounds.length === 0 ? 0 : this.rounds.reduce((s, r) => s + r.ticks, 0) / this.rounds.length / this.arena.rules.tickRate;
  }
}

export { Side };
