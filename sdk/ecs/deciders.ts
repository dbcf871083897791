/**
 * Deciders turn observation rows into movement classes for a batch of agents. The policy
 * module's ONNX policies plug in here too; these are the built-in baselines.
 */

import { MOVEMENT_CLASSES, MOVEMENT_DIRECTIONS, movementClass, Stature } from '../actuators/movement.js';
import type { Rng } from '../core/rng.js';
import { layoutAngles } from '../sensors/layouts.js';
import type { RaySensor } from '../sensors/ray-sensor.js';

/** What a decider sees for one batch: the due agents and their observation rows. */
export interface DecisionBatch {
  /** Entity ids of the agents deciding now (first `count`). */
  agents: Int32Array;
  /** Agents deciding now. */
  count: number;
  /** Observation rows: agent i's row starts at i · stride. */
  observations: Float32Array;
  /** Floats between consecutive rows. */
  stride: number;
  /** The world's seeded RNG (sampling must use it for determinism). */
  rng: Rng;
}

/**
 * Writes one movement class per due agent into `actions[0..count)`, or -1 to defer that agent
 * (it keeps its action and stays due next tick). Must not allocate.
 */
export interface Decider {
  /** Name for logs and profiles. */
  readonly name: string;
  /** Decides for the batch. */
  decide(batch: DecisionBatch, actions: Int32Array): void;
  /**
   * Optional, in the sense phase: the agents due this tick (the batch `decide` will get), so the
   * decider can queue line-of-sight pairs in `world.sight`; the world then casts every queued
   * pair in one batch. Must not allocate.
   */
  sense?(batch: DecisionBatch): void;
  /** Optional: an entity left the world (or its id was reused): drop any state kept for it. */
  forget?(entity: number): void;
  /**
   * Optional: false when `decide` never reads `batch.observations` (it reads the world itself, as
   * the policy deciders do), so the decide system skips copying each due agent's sensor row into
   * the batch — ~100 floats per agent per tick. Default true.
   */
  readonly readsObservations?: boolean;
}

/** Uniformly random movement classes from the world's RNG. */
export function randomDecider(): Decider {
  return {
    name: 'random',
    decide(batch, actions) {
      for (let i = 0; i < batch.count; i++) actions[i] = batch.rng.int(MOVEMENT_CLASSES);
    },
  };
}

/** Always the same class (e.g. 0 to stand still, 1 to run forward). */
export function constantDecider(movement: number): Decider {
  return {
    name: `constant(${movement})`,
    decide(batch, actions) {
      actions.fill(movement, 0, batch.count);
    },
  };
}

/**
 * A scripted baseline: run toward the ray with the most free space (the longest normalized
 * distance in the agent's row of `sensor`), at the 16-direction class nearest that ray's azimuth.
 */
export function openSpaceDecider(sensor: RaySensor, stature: number = Stature.run): Decider {
  const { azimuth } = layoutAngles(sensor.config.layout);
  const step = (2 * Math.PI) / MOVEMENT_DIRECTIONS;
  const dist = sensor.valuesPerRay - 1;
  return {
    name: 'open-space',
    decide(batch, actions) {
      for (let i = 0; i < batch.count; i++) {
        const row = i * batch.stride;
        let best = 0;
        for (let r = 1; r < sensor.rays; r++) {
          if (batch.observations[row + r * sensor.valuesPerRay + dist]! > batch.observations[row + best * sensor.valuesPerRay + dist]!)
            best = r;
        }
        actions[i] = movementClass(Math.round(azimuth[best]! / step), stature, false);
      }
    },
  };
}
