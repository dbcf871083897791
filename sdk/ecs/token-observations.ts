/**
 * What a token policy sees, built from a world: the player table gathered from the components,
 * entity tokens (egocentric per agent, or one joint row for the match) and each player's ray
 * readings appended to its token. Shared by the policy decider and the recorder, so recorded
 * observations are exactly the policy's. Preallocated for the world's capacity; encoding
 * allocates nothing.
 */
import { TickmindError } from '../core/errors.js';
import {
  createPlayerStates,
  EGOCENTRIC_FEATURES,
  EgocentricTokens,
  JOINT_FEATURES,
  JointTokens,
  type PlayerStates,
  WAYPOINT_FEATURES,
  writeWaypoint,
} from '../sensors/index.js';
import type { AiWorld } from './world.js';

/** Options of {@link TokenObservations}. */
export interface TokenObservationOptions {
  /** Egocentric rows per agent, or one joint row for the match. */
  mode: 'joint' | 'egocentric';
  /** Tokens per row. */
  tokens: number;
  /** Index of the sensor whose rays follow the entity features in each token (default 0; none when the world has no sensors). */
  sensor?: number;
  /** Egocentric: ally slots (default 4). */
  maxAllies?: number;
  /** Egocentric: enemy slots (default 5). */
  maxEnemies?: number;
  /** Joint: map centre of the normalised frame (default origin). */
  center?: readonly [number, number, number];
  /** Joint: meters from the centre that map to ±1 (default 50). */
  halfExtent?: number;
  /**
   * Objective tokens at the end of each row (default 0): token `tokens - objectives + k` holds
   * the world's objective k (masked when the world has fewer live objectives).
   */
  objectives?: number;
  /**
   * Waypoint features after the entity features (default false): the {@link WaypointStore}
   * navigation intent in the player's frame — on the self token (egocentric) or on every
   * player's token (joint, where every token decides).
   */
  waypoints?: boolean;
}

/** Token observations of a world's agents (see the module comment). */
export class TokenObservations {
  /** Egocentric or joint. */
  readonly mode: 'joint' | 'egocentric';
  /** Tokens per row. */
  readonly tokens: number;
  /** Objective tokens at the end of each row. */
  readonly objectives: number;
  /** Player tokens per row (tokens − objectives). */
  readonly playerTokens: number;
  /** Entity feature names, in token order (the waypoint features last when enabled). */
  readonly entityFeatures: readonly string[];
  /** Whether tokens carry the waypoint features. */
  readonly waypoints: boolean;
  /** Floats per ray block in a token (0 without a sensor). */
  readonly rayFloats: number;
  /** Floats per token: entity features then rays. */
  readonly featuresPerToken: number;
  /** Floats per row: tokens × featuresPerToken. */
  readonly rowFloats: number;
  /** The gathered player table (world.agents order). */
  readonly players: PlayerStates;
  /** Player index of each entity after {@link gather} (-1: not a live agent). */
  readonly playerOf: Int32Array;
  private readonly rows: Int32Array;
  /** Float offset of the waypoint features inside a token. */
  private readonly waypointOffset: number;
  private readonly egocentric: EgocentricTokens | undefined;
  private readonly joint: JointTokens | undefined;

  constructor(
    private readonly world: AiWorld,
    options: TokenObservationOptions,
  ) {
    this.mode = options.mode;
    this.tokens = options.tokens;
    this.objectives = options.objectives ?? 0;
    this.playerTokens = this.tokens - this.objectives;
    if (!Number.isInteger(this.objectives) || this.objectives < 0 || this.playerTokens < 1)
      throw new TickmindError('SHAPE_MISMATCH', `${this.objectives} objective tokens do not fit ${this.tokens} tokens`, {
        field: 'objectives',
      });
    if (this.objectives > world.objectives.length / 3)
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `${this.objectives} objective tokens, but the world holds ${world.objectives.length / 3} objectives (createAiWorld maxObjectives)`,
        { field: 'objectives' },
      );
    const sensor = world.sensors[options.sensor ?? 0];
    this.rayFloats = sensor === undefined ? 0 : sensor.rays * sensor.valuesPerRay;
    this.waypoints = options.waypoints ?? false;
    const base = options.mode === 'joint' ? JOINT_FEATURES : EGOCENTRIC_FEATURES;
    this.waypointOffset = base.length;
    this.entityFeatures = this.waypoints ? [...base, ...WAYPOINT_FEATURES] : base;
    this.featuresPerToken = this.entityFeatures.length + this.rayFloats;
    this.rowFloats = this.tokens * this.featuresPerToken;
    this.players = createPlayerStates(world.capacity);
    this.playerOf = new Int32Array(world.capacity).fill(-1);
    this.rows = new Int32Array(world.capacity);
    if (options.mode === 'joint') {
      this.joint = new JointTokens({
        maxPlayers: this.playerTokens,
        center: options.center ?? [0, 0, 0],
        halfExtent: options.halfExtent ?? 50,
      });
    } else {
      const maxAllies = options.maxAllies ?? 4;
      const maxEnemies = options.maxEnemies ?? 5;
      if (1 + maxAllies + maxEnemies !== this.playerTokens)
        throw new TickmindError(
          'SHAPE_MISMATCH',
          `1 + maxAllies (${maxAllies}) + maxEnemies (${maxEnemies}) must equal the policy's ${this.playerTokens} player tokens` +
            (this.objectives > 0 ? ` (${this.tokens} tokens − ${this.objectives} objectives)` : ''),
          { field: 'maxAllies' },
        );
      this.egocentric = new EgocentricTokens({ maxAllies, maxEnemies, rowTokens: this.tokens });
    }
  }

  /** Copies every live agent into the player table (entity order = world.agents order). Call once per tick before encoding. */
  gather(): void {
    const { Agent, Transform, Velocity } = this.world.c;
    const players = this.players;
    const world = this.world;
    players.count = world.agentCount;
    for (let p = 0; p < world.agentCount; p++) {
      const e = world.agents[p]!;
      this.playerOf[e] = p;
      players.position[3 * p] = Transform.x[e]!;
      players.position[3 * p + 1] = Transform.y[e]!;
      players.position[3 * p + 2] = Transform.z[e]!;
      players.velocity[3 * p] = Velocity.x[e]!;
      players.velocity[3 * p + 1] = Velocity.y[e]!;
      players.velocity[3 * p + 2] = Velocity.z[e]!;
      players.yaw[p] = Transform.yaw[e]!;
      players.health[p] = Agent.health[e]!;
      players.alive[p] = Agent.alive[e]!;
      players.team[p] = Agent.team[e]!;
      players.entity[p] = e;
    }
  }

  /**
   * Egocentric: one row per agent (entities agents[0..n)) into out (row i at i · rowFloats) and
   * mask (row i at i · tokens). Zeroes the rows first. Call {@link gather} first.
   */
  encodeAgents(agents: Int32Array, n: number, out: Float32Array, mask: Uint8Array): void {
    const tokens = this.egocentric;
    if (tokens === undefined) throw new TickmindError('INVALID_ARGUMENT', 'encodeAgents is for egocentric observations', { field: 'mode' });
    for (let i = 0; i < n; i++) this.rows[i] = this.playerOf[agents[i]!]!;
    out.fill(0, 0, n * this.rowFloats);
    tokens.encode(this.players, this.rows, n, out, mask, this.featuresPerToken);
    for (let i = 0; i < n; i++) this.copyRays(agents[i]!, out, i * this.rowFloats);
    if (this.waypoints) for (let i = 0; i < n; i++) this.writeWaypointOf(agents[i]!, out, i * this.rowFloats);
    const objectives = this.world.objectives;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < this.objectives; k++) {
        const t = this.playerTokens + k;
        const live = k < this.world.objectiveCount;
        mask[i * this.tokens + t] = live ? 0 : 1;
        if (!live) continue;
        const o = i * this.rowFloats + t * this.featuresPerToken;
        tokens.writeObjective(this.players, this.rows[i]!, objectives[3 * k]!, objectives[3 * k + 1]!, objectives[3 * k + 2]!, out, o);
      }
    }
  }

  /** Joint: the match's one row (player p's token at p · featuresPerToken) into out and mask. Call {@link gather} first. */
  encodeMatch(out: Float32Array, mask: Uint8Array): void {
    const joint = this.joint;
    if (joint === undefined) throw new TickmindError('INVALID_ARGUMENT', 'encodeMatch is for joint observations', { field: 'mode' });
    out.fill(0, 0, this.rowFloats);
    joint.encode(this.players, out, mask, this.featuresPerToken);
    const n = Math.min(this.players.count, this.playerTokens);
    for (let p = 0; p < n; p++) this.copyRays(this.players.entity[p]!, out, p * this.featuresPerToken);
    if (this.waypoints)
      for (let p = 0; p < n; p++)
        if (this.players.alive[p] === 1) this.writeWaypointOf(this.players.entity[p]!, out, p * this.featuresPerToken);
    const objectives = this.world.objectives;
    for (let k = 0; k < this.objectives; k++) {
      const t = this.playerTokens + k;
      const live = k < this.world.objectiveCount;
      mask[t] = live ? 0 : 1;
      if (live) joint.writeObjective(objectives[3 * k]!, objectives[3 * k + 1]!, objectives[3 * k + 2]!, out, t * this.featuresPerToken);
    }
  }

  /** Writes entity e's waypoint features into the token starting at float `o` (zeros without an active waypoint). */
  private writeWaypointOf(e: number, out: Float32Array, o: number): void {
    const { Transform, Waypoint } = this.world.c;
    const at = o + this.waypointOffset;
    if (Waypoint.active[e] !== 1) return; // the row was zeroed
    const T = Transform;
    writeWaypoint(T.x[e]!, T.y[e]!, T.z[e]!, T.yaw[e]!, Waypoint.x[e]!, Waypoint.y[e]!, Waypoint.z[e]!, Waypoint.goalDistance[e]!, out, at);
  }

  /** Copies entity e's ray readings into the token starting at float `o` (after its entity features). */
  private copyRays(e: number, out: Float32Array, o: number): void {
    const src = e * this.world.obsStride;
    const dst = o + this.entityFeatures.length;
    const obs = this.world.observations;
    for (let j = 0; j < this.rayFloats; j++) out[dst + j] = obs[src + j]!;
  }
}
