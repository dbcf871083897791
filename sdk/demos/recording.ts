/**
 * A match recording as read from a demo file, game-agnostic and still in the game's own frame:
 * Source units, z up, yaw in degrees. One track per player (bots included): per recorded tick,
 * position, velocity, view yaw, alive, health, crouching. Rounds (from the end of the freeze to
 * the round's end) and bomb plants. What the parsers fill and the importer reads.
 */
import { DEFAULT_RUN_SPEED } from './weapons.js';

/** One player of the recording. */
export interface DemoPlayer {
  /** The game's user id (stable within a demo). */
  id: number;
  /** In-game name. */
  name: string;
  /** Side: 'ct' or 't' (last seen). */
  side: 'ct' | 't';
  /** A game bot (true) or a human (false). */
  bot: boolean;
}

/** Per-tick state of every player: tick-major arrays, row `r` at index r · players + p. */
export interface DemoFrames {
  /** Recorded ticks (first `count`). */
  ticks: Int32Array;
  /** Rows recorded. */
  count: number;
  /** Position (Source units, z up), 3 per row. */
  position: Float32Array;
  /** Velocity (units/s), 3 per row. */
  velocity: Float32Array;
  /** View yaw, degrees. */
  yaw: Float32Array;
  /** Health. */
  health: Float32Array;
  /** 1 alive. */
  alive: Uint8Array;
  /** 1 crouching. */
  crouch: Uint8Array;
  /** Side per row: 0 CT, 1 T (players switch sides at half time). */
  side: Uint8Array;
  /** Running speed of the weapon in hand, units/s (250 when unknown). */
  runSpeed: Float32Array;
}

/** A round: play from the end of the freeze to the round's end. */
export interface DemoRound {
  /** First tick of play. */
  start: number;
  /** Last tick. */
  end: number;
  /** Winner, when the demo says. */
  winner?: 'ct' | 't';
}

/** A bomb plant: where and when. */
export interface DemoPlant {
  /** Tick. */
  tick: number;
  /** Position (Source units). */
  position: [number, number, number];
}

/** A parsed demo (see the module comment). */
export interface DemoRecording {
  /** Which game wrote it. */
  game: 'csgo' | 'cs2';
  /** Map name from the header, e.g. de_dust2. */
  map: string;
  /** Ticks per second. */
  tickRate: number;
  /** The players. */
  players: DemoPlayer[];
  /** Their per-tick states. */
  frames: DemoFrames;
  /** Rounds read. */
  rounds: DemoRound[];
  /** Bomb plants. */
  plants: DemoPlant[];
  /** Set when the file ended early or was corrupt: what was read before is kept. */
  error?: {
    /** The error code (INVALID_ARGUMENT for a damaged file). */
    code: string;
    /** What went wrong and after which tick. */
    message: string;
  };
}

/** Values per logged row: tick, player, x, y, z, vx, vy, vz, yaw, health, alive, crouch, side, run speed. */
const ROW = 14;

/** Rows as the parsers see them (any order of players per tick), turned into {@link DemoFrames} at the end. */
export class RowLog {
  private data = new Float64Array(ROW * 4096);
  private rows = 0;

  /** Appends one player's state at a tick. */
  push(
    tick: number,
    player: number,
    x: number,
    y: number,
    z: number,
    vx: number,
    vy: number,
    vz: number,
    yaw: number,
    health: number,
    alive: boolean,
    crouch: boolean,
    side: 0 | 1,
    runSpeed: number,
  ): void {
    if ((this.rows + 1) * ROW > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data.set([tick, player, x, y, z, vx, vy, vz, yaw, health, alive ? 1 : 0, crouch ? 1 : 0, side, runSpeed], this.rows * ROW);
    this.rows++;
  }

  /** Rows logged. */
  get length(): number {
    return this.rows;
  }

  /** The tick-major frames of `players` players (a player absent at a tick reads as not alive). */
  toFrames(players: number): DemoFrames {
    const ticks: number[] = [];
    const index = new Map<number, number>();
    for (let r = 0; r < this.rows; r++) {
      const t = this.data[r * ROW]!;
      if (!index.has(t)) {
        index.set(t, ticks.length);
        ticks.push(t);
      }
    }
    const n = ticks.length * players;
    const f: DemoFrames = {
      ticks: Int32Array.from(ticks),
      count: ticks.length,
      position: new Float32Array(3 * n),
      velocity: new Float32Array(3 * n),
      yaw: new Float32Array(n),
      health: new Float32Array(n),
      alive: new Uint8Array(n),
      crouch: new Uint8Array(n),
      side: new Uint8Array(n),
      runSpeed: new Float32Array(n).fill(DEFAULT_RUN_SPEED),
    };
    for (let r = 0; r < this.rows; r++) {
      const d = this.data.subarray(r * ROW, (r + 1) * ROW);
      const i = index.get(d[0]!)! * players + d[1]!;
      f.position.set([d[2]!, d[3]!, d[4]!], 3 * i);
      f.velocity.set([d[5]!, d[6]!, d[7]!], 3 * i);
      f.yaw[i] = d[8]!;
      f.health[i] = d[9]!;
      f.alive[i] = d[10]!;
      f.crouch[i] = d[11]!;
      f.side[i] = d[12]!;
      f.runSpeed[i] = d[13]!;
    }
    return f;
  }
}
