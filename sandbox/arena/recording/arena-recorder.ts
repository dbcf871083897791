/**
 * Records arena play as demonstrations in the policy's own spaces, built by the SDK's
 * TokenObservations in the record phase (before act), so a frame is exactly what a policy sees:
 *
 * - egocentric (default): for each recorded player, one frame every `every` ticks at which it
 *   decided — its token rows and mask, the 97-class action and the movement it stands for, the
 *   round's context and its events. One episode per player per round (ended at its death or the
 *   round's end).
 * - joint: one frame per `every` ticks for the whole match — the joint row (every player a token
 *   in the map-normalised frame) and one class per token (-1 for absent players and players that
 *   did not decide). One episode per round.
 */
import { createMovementCommand, decodeMovement } from '../../../sdk/actuators/index.js';
import { Rng } from '../../../sdk/core/index.js';
import type { DatasetSpec, Episode, RecorderOptions } from '../../../sdk/dataset/index.js';
import { Recorder } from '../../../sdk/dataset/index.js';
import { type AiWorld, type Decider, type DecisionBatch, layoutForWorld, TokenObservations } from '../../../sdk/ecs/index.js';
import type { TokenLayoutJson } from '../../../sdk/sensors/index.js';
import type { Arena } from '../game/arena.js';
import { ArenaEvent } from '../game/events.js';
import { Side } from '../game/round.js';

/** Event types counted per frame (ArenaEvent 1..11). */
const EVENT_TYPES = 11;

/** Options of {@link ArenaRecorder}. */
export interface ArenaRecorderOptions {
  /** Record a frame every this many ticks (default 8: 8 Hz at 64 Hz). */
  every?: number;
  /** Which sides to record (default both). */
  sides?: 'both' | 'ct' | 't';
  /** Egocentric: records only the players this accepts (read when a round begins), e.g. the sandbox's human. */
  players?: (entity: number) => boolean;
  /** Label of the controllers in task strings (default "teacher"). */
  controller?: string;
  /** Receives each finished episode. */
  onEpisode?: RecorderOptions['onEpisode'];
  /** Most frames per episode (default 1024). */
  maxFrames?: number;
  /** Extra fields for the dataset spec (seed, command…). */
  extra?: Record<string, unknown>;
  /**
   * The layout to record in (e.g. a policy's `spec.observation`, to record what that policy
   * sees); default: the arena's own — `mode`, 10 player tokens, the bomb as an objective, line
   * of sight, waypoints and the bots' rays.
   */
  layout?: TokenLayoutJson;
  /** Without `layout`: egocentric rows per player (default) or one joint row per match. */
  mode?: 'egocentric' | 'joint';
  /**
   * Labels the frames with this decider's classes instead of the ones played (egocentric rows, or every deciding token of a joint row):
   * with the teacher, a policy's rounds become teacher-labelled data on the states the policy
   * visits (DAgger).
   */
  labeler?: Decider;
}

/**
 * The arena's own token layout: 10 player tokens (egocentric: self, 4 allies, 5 enemies; joint:
 * the map-normalised frame), the planted bomb as an objective token, line of sight to the
 * weapon's range, the navigator's waypoints and the bots' rays.
 */
export function arenaLayout(arena: Arena, mode: 'egocentric' | 'joint') {
  const frame =
    mode === 'joint'
      ? { playerTokens: 10, center: arena.frame.center, halfExtent: arena.frame.halfExtent }
      : { maxAllies: 4, maxEnemies: 5 };
  return layoutForWorld(arena.world, {
    mode,
    ...frame,
    objectives: 1,
    waypoints: true,
    lineOfSight: { maxDistance: arena.rules.weapon.rangeM },
  });
}

/** Records an arena's rounds (see the module comment). Attach with {@link ArenaRecorder.attach}. */
export class ArenaRecorder {
  /** The dataset spec of the recordings. */
  readonly spec: DatasetSpec;
  /** The underlying recorder. */
  readonly recorder: Recorder;
  private readonly obs: TokenObservations;
  private readonly every: number;
  private readonly sides: 'both' | 'ct' | 't';
  private readonly players: ((entity: number) => boolean) | undefined;
  private readonly controller: string;
  private readonly slotOf: Int32Array;
  private readonly entityOf: Int32Array;
  private readonly events: Int32Array;
  private readonly due: Int32Array;
  private readonly rows: Float32Array;
  private readonly mask: Uint8Array;
  private readonly continuous = new Float32Array(4);
  private readonly command = createMovementCommand();
  private readonly f: Record<'obs' | 'mask' | 'action' | 'cont' | 'team' | 'slot' | 'tick' | 'round' | 'row' | 'health' | 'events', number>;
  private slots = 0;
  private row = -1;
  private readonly mode: 'egocentric' | 'joint';
  private readonly tokens: number;
  private readonly jointActions: Int32Array;
  private readonly jointTeams: Int32Array;
  private readonly labeler: Decider | undefined;
  private readonly labels: Int32Array;
  private readonly labelBatch: DecisionBatch;

  constructor(
    private readonly arena: Arena,
    options: ArenaRecorderOptions = {},
  ) {
    const world = arena.world;
    this.every = Math.max(1, options.every ?? 8);
    this.sides = options.sides ?? 'both';
    this.players = options.players;
    this.controller = options.controller ?? 'teacher';
    this.labeler = options.labeler;
    const layout = options.layout ?? arenaLayout(arena, options.mode ?? 'egocentric').toJSON();
    this.obs = new TokenObservations(world, layout);
    this.mode = this.obs.mode;
    const TOKENS = this.obs.tokens;
    this.tokens = TOKENS;
    this.jointActions = new Int32Array(TOKENS);
    this.jointTeams = new Int32Array(TOKENS);
    this.spec = {
      fps: arena.rules.tickRate / this.every,
      robotType: 'tickmind-arena-player',
      features:
        this.mode === 'joint'
          ? {
              'observation.state': { dtype: 'float32', shape: [TOKENS * this.obs.featuresPerToken], names: null },
              'observation.mask': { dtype: 'bool', shape: [TOKENS], names: null },
              action: { dtype: 'int64', shape: [TOKENS], names: null },
              'agent.team': { dtype: 'int64', shape: [TOKENS], names: null },
              'round.tick': { dtype: 'int64', shape: [1], names: null },
              'round.index': { dtype: 'int64', shape: [1], names: null },
              'round.plant_row': { dtype: 'int64', shape: [1], names: null },
            }
          : {
              'observation.state': { dtype: 'float32', shape: [TOKENS * this.obs.featuresPerToken], names: null },
              'observation.mask': { dtype: 'bool', shape: [TOKENS], names: null },
              action: { dtype: 'int64', shape: [1], names: null },
              'action.continuous': { dtype: 'float32', shape: [4], names: ['forward_mps', 'lateral_mps', 'stature', 'jump'] },
              'agent.team': { dtype: 'int64', shape: [1], names: null },
              'agent.slot': { dtype: 'int64', shape: [1], names: null },
              'agent.health': { dtype: 'float32', shape: [1], names: null },
              'round.tick': { dtype: 'int64', shape: [1], names: null },
              'round.index': { dtype: 'int64', shape: [1], names: null },
              'round.plant_row': { dtype: 'int64', shape: [1], names: null },
              'events.counts': {
                dtype: 'int32',
                shape: [EVENT_TYPES],
                names: [
                  'spotted',
                  'shot',
                  'hit',
                  'death',
                  'defuseStart',
                  'defuseProgress',
                  'defuseAbort',
                  'defused',
                  'exploded',
                  'roundEnd',
                  'stuck',
                ],
              },
            },
      extra: {
        map: arena.map.name,
        tickRate: arena.rules.tickRate,
        recordEveryTicks: this.every,
        observation: this.obs.layout.toJSON(),
        action: { kind: 'categorical', classes: 97 },
        ...options.extra,
      },
    };
    const cap = world.capacity;
    this.recorder = new Recorder(this.spec, {
      slots: cap,
      maxFrames: options.maxFrames ?? 1024,
      ...(options.onEpisode !== undefined ? { onEpisode: options.onEpisode } : {}),
    });
    const r = this.recorder;
    const optional = (name: string) => (r.names.includes(name) ? r.feature(name) : -1);
    this.f = {
      obs: r.feature('observation.state'),
      mask: r.feature('observation.mask'),
      action: r.feature('action'),
      cont: optional('action.continuous'),
      team: r.feature('agent.team'),
      slot: optional('agent.slot'),
      tick: r.feature('round.tick'),
      round: r.feature('round.index'),
      row: r.feature('round.plant_row'),
      health: optional('agent.health'),
      events: optional('events.counts'),
    };
    this.slotOf = new Int32Array(cap).fill(-1);
    this.entityOf = new Int32Array(cap).fill(-1);
    this.events = new Int32Array(cap * EVENT_TYPES);
    this.due = new Int32Array(cap);
    this.rows = new Float32Array(cap * this.obs.rowFloats);
    this.labels = new Int32Array(cap);
    // The labeler's own batch (the teacher reads no observations and draws from its own RNG).
    this.labelBatch = { agents: this.due, count: 0, observations: this.rows, stride: this.obs.rowFloats, rng: new Rng(17) };
    this.mask = new Uint8Array(cap * TOKENS);
  }

  /** Hooks the recorder into the arena (its step's record phase). */
  attach(): void {
    this.arena.record = (world) => this.capture(world);
  }

  /** Opens one episode per recorded player of the round that just started (plant-state row for context). */
  beginRound(plantRow: number): void {
    const w = this.arena.world;
    this.row = plantRow;
    this.slots = w.agentCount;
    this.events.fill(0);
    if (this.mode === 'joint') {
      this.slots = 1;
      this.recorder.begin(0, `retake ${this.arena.map.name} (${this.controller})`);
      return;
    }
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.slotOf[e] = i;
      this.entityOf[i] = e;
      const side = w.c.Agent.team[e] === Side.ct ? 'ct' : 't';
      if (this.sides !== 'both' && this.sides !== side) continue;
      if (this.players !== undefined && !this.players(e)) continue;
      this.recorder.begin(i, `retake ${this.arena.map.name} as ${side.toUpperCase()} (${this.controller})`);
    }
  }

  /** After each tick: counts each player's events and ends the episodes of players who died. */
  afterTick(): void {
    if (this.mode === 'joint') return;
    const ev = this.arena.events;
    for (let k = 0; k < ev.count; k++) {
      const actor = ev.actor[k]!;
      // roundEnd's actor is a side, not a player.
      if (ev.type[k] === ArenaEvent.roundEnd || actor < 0 || actor >= this.slotOf.length || this.slotOf[actor]! < 0) continue;
      const at = actor * EVENT_TYPES + ev.type[k]! - 1;
      this.events[at] = this.events[at]! + 1;
    }
    const Agent = this.arena.world.c.Agent;
    for (let s = 0; s < this.slots; s++) {
      const e = this.entityOf[s]!;
      if (e >= 0 && Agent.alive[e] === 0 && this.recorder.isOpen(s)) this.recorder.end(s);
    }
  }

  /** Ends every open episode (the round is over). */
  endRound(): Episode[] {
    const out: Episode[] = [];
    for (let s = 0; s < this.slots; s++) {
      const e = this.recorder.end(s);
      if (e !== undefined) out.push(e);
      const entity = this.entityOf[s]!;
      if (entity >= 0 && this.mode === 'egocentric') this.slotOf[entity] = -1;
      this.entityOf[s] = -1;
    }
    this.slots = 0;
    return out;
  }

  /** The record phase: frames for recorded players that decided this tick, on the recording period. */
  private capture(world: AiWorld): void {
    const round = this.arena.round;
    if (round.tick % this.every !== 0) return;
    if (this.mode === 'joint') {
      this.captureMatch(world);
      return;
    }
    const { Schedule, Action, Agent } = world.c;
    let n = 0;
    for (let i = 0; i < world.agentCount; i++) {
      const e = world.agents[i]!;
      const s = this.slotOf[e]!;
      // A player rooted by its defuse makes no decision of its own: not a demonstration.
      if (s < 0 || !this.recorder.isOpen(s) || Schedule.lastDecision[e] !== world.tick || Agent.alive[e] === 0 || this.arena.isRooted(e))
        continue;
      this.due[n++] = e;
    }
    if (n === 0) return;
    this.obs.gather();
    this.obs.encodeAgents(this.due, n, this.rows, this.mask);
    if (this.labeler !== undefined) {
      this.labelBatch.count = n;
      this.labeler.decide(this.labelBatch, this.labels);
    }
    const r = this.recorder;
    const f = this.f;
    for (let i = 0; i < n; i++) {
      const e = this.due[i]!;
      const s = this.slotOf[e]!;
      const cls = this.labeler !== undefined && this.labels[i]! >= 0 ? this.labels[i]! : Action.movement[e]!;
      decodeMovement(cls, this.command);
      this.continuous[0] = this.command.forward * this.command.speed;
      this.continuous[1] = this.command.lateral * this.command.speed;
      this.continuous[2] = this.command.stature;
      this.continuous[3] = this.command.jump ? 1 : 0;
      r.set(s, f.obs, this.rows, i * this.obs.rowFloats);
      r.set(s, f.mask, this.mask, i * this.tokens);
      r.setScalar(s, f.action, cls);
      r.set(s, f.cont, this.continuous);
      r.setScalar(s, f.team, Agent.team[e]!);
      r.setScalar(s, f.slot, s);
      r.setScalar(s, f.health, Agent.health[e]!);
      r.setScalar(s, f.tick, round.tick);
      r.setScalar(s, f.round, round.index);
      r.setScalar(s, f.row, this.row);
      r.set(s, f.events, this.events, e * EVENT_TYPES);
      this.events.fill(0, e * EVENT_TYPES, (e + 1) * EVENT_TYPES);
      r.commit(s, round.tick / this.arena.rules.tickRate);
    }
  }

  /** Joint: the match row and one class per token (-1: absent, or no decision this tick). */
  private captureMatch(world: AiWorld): void {
    const round = this.arena.round;
    const r = this.recorder;
    if (!r.isOpen(0)) return;
    const { Schedule, Action, Agent } = world.c;
    this.obs.gather();
    this.obs.encodeMatch(this.rows, this.mask);
    const players = this.obs.players;
    let decided = 0;
    for (let p = 0; p < this.tokens; p++) {
      // Player tokens first; the objective tokens after them have no player (action and team -1).
      const e = p < players.count && p < this.obs.playerTokens ? players.entity[p]! : -1;
      const live = e >= 0 && Agent.alive[e] === 1;
      this.jointTeams[p] = e >= 0 ? Agent.team[e]! : -1;
      this.jointActions[p] = live && Schedule.lastDecision[e] === world.tick && !this.arena.isRooted(e) ? Action.movement[e]! : -1;
      if (this.jointActions[p]! >= 0) decided++;
    }
    if (decided === 0) return;
    if (this.labeler !== undefined) this.relabelMatch();
    r.set(0, this.f.obs, this.rows);
    r.set(0, this.f.mask, this.mask);
    r.set(0, this.f.action, this.jointActions);
    r.set(0, this.f.team, this.jointTeams);
    r.setScalar(0, this.f.tick, round.tick);
    r.setScalar(0, this.f.round, round.index);
    r.setScalar(0, this.f.row, this.row);
    r.commit(0, round.tick / this.arena.rules.tickRate);
  }

  /** Joint with a labeler: every token that carries a decision gets the labeler's class for that player instead. */
  private relabelMatch(): void {
    const players = this.obs.players;
    let n = 0;
    for (let p = 0; p < this.obs.playerTokens; p++) if (this.jointActions[p]! >= 0) this.due[n++] = players.entity[p]!;
    this.labelBatch.count = n;
    this.labeler!.decide(this.labelBatch, this.labels);
    n = 0;
    for (let p = 0; p < this.obs.playerTokens; p++) {
      if (this.jointActions[p]! < 0) continue;
      const label = this.labels[n++]!;
      if (label >= 0) this.jointActions[p] = label;
    }
  }
}
