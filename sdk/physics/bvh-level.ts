/**
 * The level in WebAssembly: one instance of the physics kernels, its memory, the level's boxes
 * and their BVH (binned surface-area-heuristic build, collapsed to 4-wide nodes; built once).
 * The batched ray caster and the batched character mover built on the same `BvhLevel` share
 * it — one copy of the level, one memory — and each reserves its own regions in it.
 */
import { TickmindError } from '../core/errors.js';
import { decodeBase64, simdSupported } from '../core/wasm.js';
import type { LevelBoxes } from './level.js';
import { PHYSICS_SCALAR_WASM_BASE64, PHYSICS_SIMD_WASM_BASE64 } from './wasm/binaries.generated.js';

/** The kernels' exports (byte pointers into the level's memory). @internal */
export interface PhysicsKernels {
  buildBvh(bounds: number, n: number, idx: number, nodes: number, leaf: number): number;
  collapseBvh4(nodes2: number, nodes4: number): number;
  packLeaves(nodes4: number, count4: number, idx: number, boxes: number, blocks: number): number;
  castBatch(
    nodes: number,
    leaves: number,
    boxTags: number,
    boxCount: number,
    capNodes: number,
    capIdx: number,
    caps: number,
    capTags: number,
    capEntities: number,
    capCount: number,
    capGrid: number,
    origins: number,
    dirs: number,
    maxDist: number,
    exclude: number,
    count: number,
    radius: number,
    outDist: number,
    outTag: number,
    outEntity: number,
  ): void;
  buildAgentGrid(capSoa: number, capStride: number, caps: number, capCount: number, grid: number): void;
  moveAgents(header: number): void;
  heapBase(): number;
}

/** Options of a {@link BvhLevel}. */
export interface BvhLevelOptions {
  /** Use the scalar kernels even where SIMD128 is available (testing). */
  forceScalar?: boolean;
}

const compiled: { simd?: WebAssembly.Module; scalar?: WebAssembly.Module } = {};

/** Most boxes per BVH leaf (the surface area heuristic decides below that). */
export const BOX_LEAF = 4;

/** The level's boxes and BVH in the kernels' memory (see the module comment). */
export class BvhLevel {
  /** Boxes in the level. */
  readonly boxCount: number;
  /** Whether the SIMD128 build runs. */
  readonly simd: boolean;
  /** The kernels (for the caster and the mover built on this level). @internal */
  readonly kernels: PhysicsKernels;
  /** The kernels' memory. @internal */
  readonly memory: WebAssembly.Memory;
  /** Bumped whenever the memory grows: typed views made before are detached and must be re-made. @internal */
  generation = 0;
  /** Boxes: 6 f32 each (min xyz, max xyz). @internal */
  readonly boxes: number;
  /** Tag per box (i32). @internal */
  readonly boxTags: number;
  /** Box order of the BVH leaves (i32). @internal */
  readonly boxIdx: number;
  /** The 4-wide BVH's nodes (128 bytes each). @internal */
  readonly nodes4: number;
  /** Its leaves' boxes as SIMD lanes (128 bytes per leaf). @internal */
  readonly leaves: number;
  private top: number;

  constructor(level: Readonly<LevelBoxes>, options: BvhLevelOptions = {}) {
    this.simd = options.forceScalar !== true && simdSupported();
    const key = this.simd ? 'simd' : 'scalar';
    compiled[key] ??= new WebAssembly.Module(
      decodeBase64(this.simd ? PHYSICS_SIMD_WASM_BASE64 : PHYSICS_SCALAR_WASM_BASE64) as BufferSource,
    );
    this.memory = new WebAssembly.Memory({ initial: 2 });
    const instance = new WebAssembly.Instance(compiled[key], {
      env: {
        memory: this.memory,
        abort: () => {
          throw new TickmindError('INTERNAL', 'the physics kernel aborted');
        },
      },
    });
    this.kernels = instance.exports as unknown as PhysicsKernels;
    this.top = Math.ceil(this.kernels.heapBase() / 64) * 64;
    this.boxCount = level.tags.length;
    const n = Math.max(this.boxCount, 1);
    this.boxes = this.alloc(n * 24);
    this.boxTags = this.alloc(n * 4);
    this.boxIdx = this.alloc(n * 4);
    const nodes2 = this.alloc(2 * n * 32);
    this.nodes4 = this.alloc(2 * n * 128);
    this.leaves = this.alloc(n * 128);
    new Float32Array(this.memory.buffer, this.boxes, this.boxCount * 6).set(level.bounds);
    new Int32Array(this.memory.buffer, this.boxTags, this.boxCount).set(level.tags);
    if (this.boxCount > 0) {
      this.kernels.buildBvh(this.boxes, this.boxCount, this.boxIdx, nodes2, BOX_LEAF);
      this.kernels.packLeaves(this.nodes4, this.kernels.collapseBvh4(nodes2, this.nodes4), this.boxIdx, this.boxes, this.leaves);
    }
  }

  /** Reserves `bytes` (64-byte aligned) for a caster or mover on this level; returns the byte offset. @internal */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = Math.ceil((ptr + Math.max(bytes, 1)) / 64) * 64;
    const needed = this.top - this.memory.buffer.byteLength;
    if (needed > 0) {
      this.memory.grow(Math.ceil(needed / 65536));
      this.generation++;
    }
    return ptr;
  }
}

/** The level itself when given one, else a new BvhLevel over the boxes. */
export function bvhLevelOf(level: Readonly<LevelBoxes> | BvhLevel, options: BvhLevelOptions = {}): BvhLevel {
  return level instanceof BvhLevel ? level : new BvhLevel(level, options);
}
