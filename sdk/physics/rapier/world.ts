/**
 * The Rapier adapter: world setup from level boxes, agents as kinematic capsules, fixed-dt
 * stepping, and `createRapierRayCaster` — the general caster for any Rapier scene (dynamic
 * bodies included). It reuses its Ray and shape objects; Rapier's binding still allocates a
 * small hit object per hit, which is one reason the batched BVH caster exists.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import { TickmindError } from '../../core/errors.js';
import type { RayBatch, RayCaster } from '../../sensors/ray-caster.js';
import { type AgentShape, DEFAULT_AGENT_SHAPE } from '../agents.js';
import type { LevelBoxes } from '../level.js';

type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | undefined;

/** Loads Rapier's WebAssembly (embedded in the package; no fetch). Safe to call repeatedly. */
export function initRapier(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}

/** Options of a {@link PhysicsWorld}. */
export interface PhysicsWorldOptions {
  /** Fixed step in seconds (default 1/64). */
  dt?: number;
  /** Gravity along -Y in m/s² (default 9.81). */
  gravity?: number;
  /** Agent capsule shape (default DEFAULT_AGENT_SHAPE). */
  shape?: Partial<AgentShape>;
  /**
   * Set when you add soft bodies to `world` yourself: `step` then uses Rapier's `World.step`,
   * which re-wraps every collider after each step to pick up pieces the engine tore off
   * (O(colliders) calls into JavaScript per step). Default false: the pipeline is stepped
   * directly, 10× cheaper on a map of 2,700 boxes.
   */
  softBodies?: boolean;
}

/** A Rapier world holding a static level and agent capsules, with tag and entity lookups. */
export class PhysicsWorld {
  /** The Rapier world. */
  readonly world: RAPIER.World;
  /** Fixed step, seconds. */
  readonly dt: number;
  /** Agent capsule shape. */
  readonly shape: AgentShape;
  private readonly tagByCollider = new Map<number, number>();
  private readonly entityByCollider = new Map<number, number>();
  private readonly agents = new Map<number, { body: RAPIER.RigidBody; collider: RAPIER.Collider }>();
  private readonly softBodies: boolean;
  private readonly teleportTo = { x: 0, y: 0, z: 0 };

  /** Creates the world; call {@link initRapier} first (or use {@link createPhysicsWorld}). */
  constructor(
    /** The loaded Rapier module. */
    readonly rapier: Rapier,
    level: Readonly<LevelBoxes>,
    options: PhysicsWorldOptions = {},
  ) {
    this.dt = options.dt ?? 1 / 64;
    this.shape = { ...DEFAULT_AGENT_SHAPE, ...options.shape };
    this.world = new rapier.World({ x: 0, y: -(options.gravity ?? 9.81), z: 0 });
    this.world.timestep = this.dt;
    this.softBodies = options.softBodies ?? false;
    const b = level.bounds;
    for (let i = 0; i < level.tags.length; i++) {
      const hx = (b[6 * i + 3]! - b[6 * i]!) / 2;
      const hy = (b[6 * i + 4]! - b[6 * i + 1]!) / 2;
      const hz = (b[6 * i + 5]! - b[6 * i + 2]!) / 2;
      const desc = rapier.ColliderDesc.cuboid(hx, hy, hz).setTranslation(b[6 * i]! + hx, b[6 * i + 1]! + hy, b[6 * i + 2]! + hz);
      const collider = this.world.createCollider(desc);
      this.tagByCollider.set(collider.handle, level.tags[i]!);
    }
  }

  /** Adds an agent's kinematic capsule with its feet at (x, y, z). */
  addAgent(entity: number, x: number, y: number, z: number, tag = this.shape.tag): void {
    if (this.agents.has(entity)) throw new TickmindError('INVALID_ARGUMENT', `agent ${entity} already exists`, { field: 'entity' });
    const { radius, halfHeight } = this.shape;
    const body = this.world.createRigidBody(
      this.rapier.RigidBodyDesc.kinematicPositionBased().setTranslation(x, y + halfHeight + radius, z),
    );
    const collider = this.world.createCollider(this.rapier.ColliderDesc.capsule(halfHeight, radius), body);
    this.tagByCollider.set(collider.handle, tag);
    this.entityByCollider.set(collider.handle, entity);
    this.agents.set(entity, { body, collider });
  }

  /** Removes an agent. */
  removeAgent(entity: number): void {
    const a = this.agents.get(entity);
    if (a === undefined) return;
    this.tagByCollider.delete(a.collider.handle);
    this.entityByCollider.delete(a.collider.handle);
    this.world.removeRigidBody(a.body);
    this.agents.delete(entity);
  }

  /** The agent's capsule collider. */
  agentCollider(entity: number): RAPIER.Collider | undefined {
    return this.agents.get(entity)?.collider;
  }

  /** The agent's kinematic body. */
  agentBody(entity: number): RAPIER.RigidBody | undefined {
    return this.agents.get(entity)?.body;
  }

  /**
   * Puts an agent's capsule with its feet at (x, y, z) at once — a respawn, not a movement (no
   * collision on the way). Reset its character controller state too (CharacterMover.reset).
   */
  teleportAgent(entity: number, x: number, y: number, z: number): void {
    const body = this.agents.get(entity)?.body;
    if (body === undefined) throw new TickmindError('INVALID_ARGUMENT', `no agent ${entity}`, { field: 'entity' });
    const t = this.teleportTo;
    t.x = x;
    t.y = y + this.shape.halfHeight + this.shape.radius;
    t.z = z;
    body.setTranslation(t, true);
    body.setNextKinematicTranslation(t);
  }

  /** Writes the agent's feet position into out[o..o+3). */
  agentPosition(entity: number, out: Float32Array, o: number): void {
    const body = this.agents.get(entity)?.body;
    if (body === undefined) throw new TickmindError('INVALID_ARGUMENT', `no agent ${entity}`, { field: 'entity' });
    const t = body.translation();
    out[o] = t.x;
    out[o + 1] = t.y - this.shape.halfHeight - this.shape.radius;
    out[o + 2] = t.z;
  }

  /** Tag of a collider (-1 if untagged). */
  tagOf(handle: number): number {
    return this.tagByCollider.get(handle) ?? -1;
  }

  /** Agent entity of a collider (-1 for level geometry). */
  entityOf(handle: number): number {
    return this.entityByCollider.get(handle) ?? -1;
  }

  /** Advances the world by one fixed step (see {@link PhysicsWorldOptions.softBodies}). */
  step(): void {
    const w = this.world;
    if (this.softBodies) {
      w.step();
      return;
    }
    w.physicsPipeline.step(
      w.gravity,
      w.integrationParameters,
      w.islands,
      w.broadPhase,
      w.narrowPhase,
      w.bodies,
      w.colliders,
      w.softBodies,
      w.impulseJoints,
      w.multibodyJoints,
      w.ccdSolver,
    );
  }
}

/** Loads Rapier and creates a world for the level. */
export async function createPhysicsWorld(level: Readonly<LevelBoxes>, options: PhysicsWorldOptions = {}): Promise<PhysicsWorld> {
  return new PhysicsWorld(await initRapier(), level, options);
}

/** A RayCaster over a PhysicsWorld: one Rapier query per ray (sphere casts use castShape). */
export function createRapierRayCaster(physics: PhysicsWorld): RayCaster {
  const R = physics.rapier;
  const ray = new R.Ray({ x: 0, y: 0, z: 0 }, { x: 1, y: 0, z: 0 });
  const pos = { x: 0, y: 0, z: 0 };
  const vel = { x: 0, y: 0, z: 0 };
  const rot = { x: 0, y: 0, z: 0, w: 1 };
  let ball = new R.Ball(0.1);
  return {
    castBatch(batch: RayBatch): void {
      if (batch.radius > 0 && ball.radius !== batch.radius) ball = new R.Ball(batch.radius);
      for (let i = 0; i < batch.count; i++) {
        const exclude = batch.exclude[i]! >= 0 ? physics.agentCollider(batch.exclude[i]!) : undefined;
        const maxToi = batch.maxDist[i]!;
        let handle = -1;
        let toi = maxToi;
        if (batch.radius > 0) {
          pos.x = batch.origins[3 * i]!;
          pos.y = batch.origins[3 * i + 1]!;
          pos.z = batch.origins[3 * i + 2]!;
          vel.x = batch.dirs[3 * i]!;
          vel.y = batch.dirs[3 * i + 1]!;
          vel.z = batch.dirs[3 * i + 2]!;
          const hit = physics.world.castShape(pos, rot, vel, ball, 0, maxToi, true, undefined, undefined, exclude);
          if (hit !== null) {
            handle = hit.collider.handle;
            toi = hit.time_of_impact;
          }
        } else {
          ray.origin.x = batch.origins[3 * i]!;
          ray.origin.y = batch.origins[3 * i + 1]!;
          ray.origin.z = batch.origins[3 * i + 2]!;
          ray.dir.x = batch.dirs[3 * i]!;
          ray.dir.y = batch.dirs[3 * i + 1]!;
          ray.dir.z = batch.dirs[3 * i + 2]!;
          const hit = physics.world.castRay(ray, maxToi, true, undefined, undefined, exclude);
          if (hit !== null) {
            handle = hit.collider.handle;
            toi = hit.timeOfImpact;
          }
        }
        batch.hitDist[i] = handle >= 0 ? toi : maxToi;
        batch.hitTag[i] = handle >= 0 ? physics.tagOf(handle) : -1;
        batch.hitEntity[i] = handle >= 0 ? physics.entityOf(handle) : -1;
      }
    },
  };
}
