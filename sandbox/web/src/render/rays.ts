/**
 * The ray debug view: every ray the bots cast in the last sense phase, from its origin to its hit
 * (or full length on a miss), coloured by what it hit — a player red, a wall yellow, the floor
 * green, nothing grey. Reads the world's ray batch; writes into one preallocated buffer.
 */
import * as THREE from 'three';
import { MAP_TAGS } from '../../../arena/map/arena-map.js';
import { type AiWorld, rayEnd } from '../sdk.js';

const HIT_COLOURS: Record<number, [number, number, number]> = {
  [MAP_TAGS.agent]: [1, 0.25, 0.2],
  [MAP_TAGS.wall]: [1, 0.85, 0.2],
  [MAP_TAGS.floor]: [0.3, 0.9, 0.4],
};
const MISS: [number, number, number] = [0.6, 0.6, 0.6];

/** Ray lines (see the module comment). */
export class RayView {
  readonly lines: THREE.LineSegments;
  private readonly positions: Float32Array;
  private readonly colours: Float32Array;
  private readonly end = new Float32Array(3);

  constructor(readonly maxRays: number) {
    this.positions = new Float32Array(maxRays * 6);
    this.colours = new Float32Array(maxRays * 6);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(this.positions, 3).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('color', new THREE.BufferAttribute(this.colours, 3).setUsage(THREE.DynamicDrawUsage));
    this.lines = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.75 }));
    this.lines.frustumCulled = false;
  }

  /** Copies the last sense phase's rays; `only` ≥ 0 keeps the rays of that entity alone. Returns the rays shown. */
  update(world: AiWorld, only: number): number {
    const batch = world.batches[0];
    let n = 0;
    if (batch !== undefined) {
      const count = Math.min(batch.count, this.maxRays);
      for (let i = 0; i < count; i++) {
        // Each ray excludes its own agent's capsule: that names whose ray it is.
        if (only >= 0 && batch.exclude[i] !== only) continue;
        rayEnd(batch, i, this.end, 0);
        const o = 6 * n;
        this.positions[o] = batch.origins[3 * i]!;
        this.positions[o + 1] = batch.origins[3 * i + 1]!;
        this.positions[o + 2] = batch.origins[3 * i + 2]!;
        this.positions[o + 3] = this.end[0]!;
        this.positions[o + 4] = this.end[1]!;
        this.positions[o + 5] = this.end[2]!;
        const c = HIT_COLOURS[batch.hitTag[i]!] ?? MISS;
        for (let k = 0; k < 2; k++) {
          this.colours[o + 3 * k] = c[0];
          this.colours[o + 3 * k + 1] = c[1];
          this.colours[o + 3 * k + 2] = c[2];
        }
        n++;
      }
    }
    const g = this.lines.geometry;
    g.setDrawRange(0, 2 * n);
    g.attributes.position!.needsUpdate = true;
    g.attributes.color!.needsUpdate = true;
    return n;
  }
}
