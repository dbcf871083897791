/**
 * The sandbox's game: the retake arena on de_dust2 with real plant-state starts, bots per team,
 * an optional human player, rounds following each other, and the per-tick profile. The page calls
 * {@link Sandbox.tick} at a fixed 64 Hz; the renderer interpolates between the previous and the
 * current poses (`prev*`).
 */
import { type Arena, createArena } from '../../../arena/game/arena.js';
import { ArenaEvent } from '../../../arena/game/events.js';
import { Side } from '../../../arena/game/round.js';
import { chooseStart } from '../../../arena/scenarios/retake-start.js';
import { dust2Map, plantStates } from '../assets.js';
import { Profiler, Rng, TickmindError } from '../sdk.js';
import { type BotKind, BotLibrary, type BotTuning } from './bots.js';
import { HumanInput, humanDecider } from './human.js';

/** Where the human plays. */
export type PlaySide = 'ct' | 't' | 'spectate';

/** What the page lets the user choose. */
export interface SandboxSettings extends BotTuning {
  /** The human's side, or spectate. */
  side: PlaySide;
  /** Players per side, 1..5. */
  teamSize: number;
  /** Who moves the CT bots. */
  ct: BotKind;
  /** Who moves the T bots. */
  t: BotKind;
}

/** The defaults: spectate a 5v5 of the shipped joint transformer on both sides. */
export const DEFAULT_SETTINGS: SandboxSettings = {
  side: 'spectate',
  teamSize: 5,
  ct: 'joint',
  t: 'joint',
  temperature: 1,
  period: 1,
  budgetUs: 0,
};

/** One line of the kill feed. */
export interface KillLine {
  killer: string;
  killerSide: number;
  victim: string;
  victimSide: number;
  headshot: boolean;
  tick: number;
}

/** Ticks the scoreboard stays up after a round ends. */
const ROUND_END_PAUSE_TICKS = 128;
/** Ticks kept in the AI profile ring. */
const PROFILE_TICKS = 2048;

/** The game behind the page (see the module comment). Create with {@link Sandbox.create}. */
export class Sandbox {
  /** Ticks played since the page loaded. */
  ticks = 0;
  /** The human's entity this round, -1 when spectating. */
  humanEntity = -1;
  /** Plant-state row the round started from. */
  row = -1;
  /** Name per entity this round ("You", "CT 2", "T 1", …). */
  readonly names: string[] = [];
  /** Kill feed, newest last (at most 6). */
  readonly feed: KillLine[] = [];
  /** Pose per entity before the last tick (x, y, z, yaw), for interpolated rendering. */
  readonly prev: Float32Array;
  /** Called when a round starts (after the players are placed) and when one ends. */
  readonly listeners: { roundStart: (() => void)[]; roundEnd: (() => void)[]; tick: (() => void)[] } = {
    roundStart: [],
    roundEnd: [],
    tick: [],
  };
  private overTicks = 0;
  private readonly rng: Rng;
  private readonly humanIndex: number;

  private constructor(
    readonly arena: Arena,
    readonly profiler: Profiler,
    readonly bots: BotLibrary,
    readonly human: HumanInput,
    public settings: SandboxSettings,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.prev = new Float32Array(4 * arena.world.capacity);
    this.humanIndex = arena.addDecider(humanDecider(human));
  }

  /** Builds the arena, loads the bots' models and starts the first round. */
  static async create(settings: SandboxSettings = DEFAULT_SETTINGS, seed = 1): Promise<Sandbox> {
    const profiler = new Profiler({ ticks: PROFILE_TICKS, budgetUs: 1000 });
    const arena = await createArena({ map: dust2Map(), seed, profiler });
    const bots = new BotLibrary(arena, settings);
    const sandbox = new Sandbox(arena, profiler, bots, new HumanInput(), { ...settings }, seed);
    await bots.ensure(settings.ct);
    await bots.ensure(settings.t);
    sandbox.startRound();
    return sandbox;
  }

  /** Applies new settings: loads models as needed, retunes, and restarts the round when the teams change. */
  async apply(next: SandboxSettings): Promise<void> {
    await this.bots.ensure(next.ct);
    await this.bots.ensure(next.t);
    for (const kind of [next.ct, next.t])
      if (!this.bots.ready(kind))
        throw new TickmindError('INVALID_ARGUMENT', `no model file is loaded for '${kind}' bots yet: use "load model file" first`, {
          field: 'bots',
        });
    const before = this.settings;
    this.settings = { ...next };
    this.bots.retune(next);
    const teams = before.side !== next.side || before.teamSize !== next.teamSize || before.ct !== next.ct || before.t !== next.t;
    if (teams || before.period !== next.period) this.startRound();
  }

  /** Starts a new round from a real plant state drawn by the sandbox's seed (ending the one in play, if any). */
  startRound(): void {
    if (this.row !== -1 && !this.arena.round.over) for (const f of this.listeners.roundEnd) f();
    const s = this.settings;
    const start = chooseStart(plantStates(), this.arena.floor, this.rng.nextUint32(), { teamSize: s.teamSize, split: 'all' });
    this.arena.startRound(start, { ct: this.bots.controller(s.ct), t: this.bots.controller(s.t) });
    this.row = start.row;
    this.overTicks = 0;
    this.feed.length = 0;
    this.nameAndSeat();
    this.savePoses();
    for (const f of this.listeners.roundStart) f();
  }

  /** One fixed tick: the human's facing and trigger, the arena, the feed, the next round when one is over. */
  tick(): void {
    const w = this.arena.world;
    const { Transform, Agent } = w.c;
    this.savePoses();
    const h = this.humanEntity;
    if (h >= 0 && Agent.alive[h] === 1) {
      this.human.turn(w.dt);
      Transform.yaw[h] = this.human.yaw;
      this.arena.combat.trigger[h] = this.human.trigger ? 1 : 0;
    }
    const wasOver = this.arena.round.over;
    this.arena.tick();
    this.ticks++;
    this.collectKills();
    for (const f of this.listeners.tick) f();
    if (!this.arena.round.over) return;
    if (!wasOver) for (const f of this.listeners.roundEnd) f();
    if (++this.overTicks >= ROUND_END_PAUSE_TICKS) this.startRound();
  }

  /** Whether the human is in play and alive. */
  get humanAlive(): boolean {
    return this.humanEntity >= 0 && this.arena.world.c.Agent.alive[this.humanEntity] === 1;
  }

  private savePoses(): void {
    const w = this.arena.world;
    const T = w.c.Transform;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.prev[4 * e] = T.x[e]!;
      this.prev[4 * e + 1] = T.y[e]!;
      this.prev[4 * e + 2] = T.z[e]!;
      this.prev[4 * e + 3] = T.yaw[e]!;
    }
  }

  /** Names the players and seats the human in the first player of its side. */
  private nameAndSeat(): void {
    const w = this.arena.world;
    const { Agent, PolicyRef, Schedule, Transform } = w.c;
    const count = [0, 0];
    this.humanEntity = -1;
    const side = this.settings.side === 'ct' ? Side.ct : this.settings.side === 't' ? Side.t : -1;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      const team = Agent.team[e]!;
      count[team] = count[team]! + 1;
      this.names[e] = `${team === Side.ct ? 'CT' : 'T'} ${count[team]}`;
      if (team !== side || this.humanEntity >= 0) continue;
      this.humanEntity = e;
      this.names[e] = 'You';
      PolicyRef.decider[e] = this.humanIndex;
      Schedule.period[e] = 1;
      Schedule.offset[e] = 0;
      this.arena.combat.manual[e] = 1;
      this.human.yaw = Transform.yaw[e]!;
      this.human.pitch = 0;
    }
  }

  private collectKills(): void {
    const ev = this.arena.events;
    for (let k = 0; k < ev.count; k++) {
      if (ev.type[k] !== ArenaEvent.death) continue;
      const killer = ev.actor[k]!;
      const victim = ev.target[k]!;
      this.feed.push({
        killer: this.names[killer] ?? '?',
        killerSide: this.arena.world.c.Agent.team[killer]!,
        victim: this.names[victim] ?? '?',
        victimSide: this.arena.world.c.Agent.team[victim]!,
        headshot: ev.value[k] === 1,
        tick: this.ticks,
      });
      if (this.feed.length > 6) this.feed.shift();
    }
  }
}
