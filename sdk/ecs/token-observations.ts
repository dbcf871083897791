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
}

/** Token observations of a world's agents (see the module comment). */
export class TokenObservations {
  /** Egocentric or joint. */
  readonly mode: 'joint' | 'egocentric';
  /** Tokens per row. */
  readonly tokens: number;
  /** Entity feature names, in token order. */
  readonly entityFeatures: readonly string[];
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
  private readonly egocentric: EgocentricTokens | undefined;
  private readonly joint: JointTokens | undefined;

  constructor(
    private readonly world: AiWorld,
    options: TokenObservationOptions,
  ) {
    this.mode = options.mode;
    this.tokens = options.tokens;
    const sensor = world.sensors[options.sensor ?? 0];
    this.rayFloats = sensor === undefined ? 0 : sensor.rays * sensor.valuesPerRay;
    this.entityFeatures = options.mode === 'joint' ? JOINT_FEATURES : EGOCENTRIC_FEATURES;
    this.featuresPerToken = this.entityFeatures.length + this.rayFloats;
    this.rowFloats = this.tokens * this.featuresPerToken;
    this.players = createPlayerStates(world.capacity);
    this.playerOf = new Int32Array(world.capacity).fill(-1);
    this.rows = new Int32Array(world.capacity);
    if (options.mode === 'joint') {
      this.joint = new JointTokens({ maxPlayers: this.tokens, center: options.center ?? [0, 0, 0], halfExtent: options.halfExtent ?? 50 });
    } else {
      const maxAllies = options.maxAllies ?? 4;
      const maxEnemies = options.maxEnemies ?? 5;
      if (1 + maxAllies + maxEnemies !== this.tokens)
        throw new TickmindError(
          'SHAPE_MISMATCH',
          `1 + maxAllies (${maxAllies}) + maxEnemies (${maxEnemies}) must equal the policy's ${this.tokens} tokens`,
          { field: 'maxAllies' },
        );
      this.egocentric = new EgocentricTokens({ maxAllies, maxEnemies });
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
  }

  /** Joint: the match's one row (player p's token at p · featuresPerToken) into out and mask. Call {@link gather} first. */
  encodeMatch(out: Float32Array, mask: Uint8Array): void {
    const joint = this.joint;
    if (joint === undefined) throw new TickmindError('INVALID_ARGUMENT', 'encodeMatch is for joint observations', { field: 'mode' });
    out.fill(0, 0, this.rowFloats);
    joint.encode(this.players, out, mask, this.featuresPerToken);
    const n = Math.min(this.players.count, this.tokens);
    for (let p = 0; p < n; p++) this.copyRays(this.players.entity[p]!, out, p * this.featuresPerToken);
  }

  /** Copies entity e's ray readings into the token starting at float `o` (after its entity features). */
  private copyRays(e: number, out: Float32Array, o: number): void {
    const src = e * this.world.obsStride;
    const dst = o + this.entityFeatures.length;
    const obs = this.world.observations;
    for (let j = 0; j < this.rayFloats; j++) out[dst + j] = obs[src + j]!;
  }
}
