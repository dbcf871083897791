/**
 * The navigation view: a cyan line from each shown player to its next waypoint (the navigator's
 * intent that waypoint-reading policies follow), raised when the waypoint asks for a jump. Reads
 * the world's Waypoint component; writes into one preallocated buffer.
 */
import * as THREE from 'three';
import type { AiWorld } from '../sdk.js';

/** Lift above the feet so the line clears the floor slabs, m. */
const LIFT_M = 0.15;

/** Waypoint lines (see the module comment). */
export class WaypointView {
  readonly lines: THREE.LineSegments;
  private readonly positions: Float32Array;

  constructor(readonly capacity: number) {
    this.positions = new Float32Array(capacity * 6);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(this.positions, 3).setUsage(THREE.DynamicDrawUsage));
    this.lines = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: 0x33e0ff, transparent: true, opacity: 0.9 }));
    this.lines.frustumCulled = false;
  }

  /** Lines of the live guided players; `only` ≥ 0 keeps that entity alone. Returns the lines shown. */
  update(world: AiWorld, only: number): number {
    const { Transform: T, Waypoint: W, Agent } = world.c;
    let n = 0;
    for (let i = 0; i < world.agentCount && n < this.capacity; i++) {
      const e = world.agents[i]!;
      if ((only >= 0 && e !== only) || Agent.alive[e] !== 1 || W.active[e] !== 1) continue;
      const o = 6 * n++;
      this.positions[o] = T.x[e]!;
      this.positions[o + 1] = T.y[e]! + LIFT_M;
      this.positions[o + 2] = T.z[e]!;
      this.positions[o + 3] = W.x[e]!;
      this.positions[o + 4] = W.y[e]! + LIFT_M;
      this.positions[o + 5] = W.z[e]!;
    }
    const g = this.lines.geometry;
    g.setDrawRange(0, 2 * n);
    g.attributes.position!.needsUpdate = true;
    return n;
  }
}
