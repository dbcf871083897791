/**
 * `tickmind/ecs`: the bitecs world, components and systems that wire sensing, deciding and
 * acting together — call the systems one by one from your own loop, or `step(world)`.
 * @module ecs
 */

export type {
  ActionStore,
  AgentStore,
  Components,
  PolicyRefStore,
  ScheduleStore,
  SensorRefStore,
  TransformStore,
  VelocityStore,
  WaypointStore,
} from './components.js';
export { createComponents } from './components.js';
export type { Decider, DecisionBatch } from './deciders.js';
export { constantDecider, openSpaceDecider, randomDecider } from './deciders.js';
export { guideAgents, observeAgents } from './navigation.js';
export type { DecisionProbe, PolicyDecider, PolicyDeciderOptions } from './policy-decider.js';
export { createDecisionProbe, policyDecider } from './policy-decider.js';
export type { PolicyWorld, PolicyWorldOptions, PolicyWorldParts } from './policy-world.js';
export { createPolicyWorld, worldOptionsFor } from './policy-world.js';
export { actSystem, decideSystem, isDue, physicsSystem, senseSystem, step } from './systems.js';
export type { TickProfile } from './tick-profile.js';
export type { TokenObservationOptions } from './token-observations.js';
export { TokenObservations } from './token-observations.js';
export type { AgentOptions, AiWorld, AiWorldOptions, WorldSightOptions } from './world.js';
export { addAgent, createAiWorld, gatherPlayers, removeAgent } from './world.js';
export type { LayoutFrame, WorldLayoutConfig, WorldSightRange, WorldViewOptions } from './world-layout.js';
export { checkLayoutAgainstWorld, layoutForWorld, withFrame, worldView } from './world-layout.js';
