/**
 * A world built from a policy: the policy file says everything it needs (its layout records the
 * ray sensor, line of sight and objective tokens), so a game hands over only its level's caster
 * and gets the world, the sensors and the policy's decider — no sensor config written by hand.
 */
import { TickmindError } from '../core/errors.js';
import type { Policy } from '../policy/index.js';
import { TokenLayout } from '../sensors/index.js';
import { type PolicyDecider, type PolicyDeciderOptions, policyDecider } from './policy-decider.js';
import { type AiWorld, type AiWorldOptions, createAiWorld } from './world.js';

/** What {@link worldOptionsFor} derives from a policy. */
export interface PolicyWorldParts {
  /** The policy's layout. */
  layout: TokenLayout;
  /** The sensors the layout reads (its ray sensor, if any). */
  sensors: AiWorldOptions['sensors'];
  /** Objective slots the world needs. */
  maxObjectives: number;
  /** Line of sight the layout reads (eye height), or null. */
  sight: AiWorldOptions['sight'];
}

/** The world options a policy needs: its sensor, its objective slots, its line-of-sight eye height. */
export function worldOptionsFor(policy: Policy, file?: string): PolicyWorldParts {
  const layout = TokenLayout.fromJSON(policy.spec.observation, file !== undefined ? { file } : {});
  const sensor = layout.sensor(file);
  const los = policy.spec.observation.blocks.find((b) => b.kind === 'lineOfSight');
  return {
    layout,
    sensors: sensor === undefined ? [] : [sensor],
    maxObjectives: Math.max(4, layout.objectives),
    sight: los === undefined ? null : { eyeHeight: los.eyeHeight },
  };
}

/** Options of {@link createPolicyWorld}: the world's (minus what the policy decides) and the decider's. */
export interface PolicyWorldOptions extends Omit<AiWorldOptions, 'sensors' | 'sight' | 'deciders'> {
  /** Options of the policy's decider (temperature, budget, probe…). */
  decider?: PolicyDeciderOptions;
  /** Named in errors (the policy's file). */
  file?: string;
}

/** What {@link createPolicyWorld} builds. */
export interface PolicyWorld {
  /** The world (its decider 0 is the policy's). */
  world: AiWorld;
  /** The policy's decider. */
  decider: PolicyDecider;
  /** The policy's layout. */
  layout: TokenLayout;
}

/**
 * Creates a world for `policy`: sensors and line of sight from its layout, the caster you give
 * (required when the layout reads rays or line of sight), and the policy's decider as decider 0.
 * Add agents with `addAgent(world, { team, position })`; write their `Waypoint` when the layout
 * reads waypoints; set `world.objectives` when it reads objectives.
 */
export function createPolicyWorld(policy: Policy, options: PolicyWorldOptions = {}): PolicyWorld {
  const { decider: deciderOptions, file, ...worldOptions } = options;
  const parts = worldOptionsFor(policy, file);
  if (worldOptions.caster === undefined && (parts.sensors!.length > 0 || parts.sight !== null))
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `this policy reads ${parts.sensors!.length > 0 ? 'rays' : 'line of sight'}: pass the level's caster (e.g. new BvhRayCaster(level, { maxAgents }))`,
      { field: 'caster', ...(file !== undefined ? { file } : {}) },
    );
  const world = createAiWorld({
    ...worldOptions,
    sensors: parts.sensors!,
    sight: parts.sight,
    maxObjectives: Math.max(worldOptions.maxObjectives ?? 0, parts.maxObjectives),
  });
  const decider = policyDecider(world, policy, { ...deciderOptions, ...(file !== undefined ? { file } : {}) });
  world.deciders.push(decider);
  return { world, decider, layout: parts.layout };
}
