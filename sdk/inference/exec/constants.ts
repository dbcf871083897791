/**
 * Constants in kernel memory, shared by all plans of a session: weights are copied (and
 * packed for the GEMM) once, at first use, never per plan or per call. The store owns their
 * regions (one allocation scope): a failed plan build rolls back what it added, and disposing
 * the session releases everything.
 */
import type { Tensor } from '../tensor.js';
import { byteSize, sizeOf } from '../tensor.js';
import type { KernelExports } from '../wasm/kernel-exports.js';
import type { AllocationScope, WasmRuntime } from '../wasm/runtime.js';

/** Below this many rows a linear layer runs the dot-product kernel. */
export const SMALL_ROWS = 4;

/** An int8-quantized weight in kernel memory: values, per-column scales, and a row of scratch. */
export interface Int8Weight {
  /** The int8 dot packing (i16 storage). */
  ptr: number;
  /** Per output column scales (f32, padded to groups of 4). */
  scales: number;
  /** Scratch for one quantized row of A. */
  row: number;
}

/** A point a {@link ConstantStore} can roll back to. */
export interface ConstantsMark {
  readonly entries: number;
  readonly regions: number;
}

export class ConstantStore {
  private readonly runtime: WasmRuntime;
  /** Every cache entry, in the order added (for rollback). */
  private readonly added: { cache: Map<Tensor, unknown>; key: Tensor }[] = [];
  private readonly raw = new Map<Tensor, number>();
  private readonly packedPlain = new Map<Tensor, number>();
  private readonly packedTransposed = new Map<Tensor, number>();
  private readonly stripsPlain = new Map<Tensor, number>();
  private readonly stripsTransposed = new Map<Tensor, number>();
  private readonly finite = new Map<Tensor, boolean>();
  private readonly dotPlain = new Map<Tensor, number>();
  private readonly dotTransposed = new Map<Tensor, number>();
  private readonly int8Plain = new Map<Tensor, Int8Weight>();
  private readonly int8Transposed = new Map<Tensor, Int8Weight>();
  private readonly int8GemmPlain = new Map<Tensor, Int8Weight>();
  private readonly int8GemmTransposed = new Map<Tensor, Int8Weight>();
  /** Column ranges cut from weights by the plans (exec/split-linear.ts), so every plan shares one copy and one packing. */
  private readonly sliced = new Map<Tensor, Map<string, Tensor>>();

  /** Allocates through `scope`, which then holds every constant of the session. */
  constructor(private readonly scope: AllocationScope) {
    this.runtime = scope.runtime;
  }

  /** The current state, to {@link ConstantStore.rollback} to if what follows fails. */
  mark(): ConstantsMark {
    return { entries: this.added.length, regions: this.scope.mark };
  }

  /** Forgets and frees every constant placed since `mark`. */
  rollback(mark: ConstantsMark): void {
    while (this.added.length > mark.entries) {
      const { cache, key } = this.added.pop()!;
      cache.delete(key);
    }
    this.scope.release(mark.regions);
  }

  /** Frees every constant; the store must not be used afterwards. */
  dispose(): void {
    this.rollback({ entries: 0, regions: 0 });
    this.sliced.clear();
    this.finite.clear();
  }

  /**
   * Columns [start, end) of a float32 weight [K, N] (rows, contiguous, of [N, K] when transB), or
   * of a bias [N]: one tensor per weight and range for the session (a JavaScript copy; it reaches
   * kernel memory, and is packed, like any weight, on first use).
   */
  columns(t: Tensor, transB: boolean, start: number, end: number): Tensor {
    const key = `${transB ? 'T' : 'N'}${start}:${end}`;
    let cache = this.sliced.get(t);
    if (cache === undefined) {
      cache = new Map();
      this.sliced.set(t, cache);
    }
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const src = t.data as Float32Array;
    const width = end - start;
    let result: Tensor;
    if (t.dims.length === 1) {
      result = { dtype: 'float32', dims: [width], data: src.slice(start, end) };
    } else if (transB) {
      const K = t.dims[1]!;
      result = { dtype: 'float32', dims: [width, K], data: src.slice(start * K, end * K) };
    } else {
      const [K, N] = t.dims as [number, number];
      const data = new Float32Array(K * width);
      for (let k = 0; k < K; k++) data.set(src.subarray(k * N + start, k * N + end), k * width);
      result = { dtype: 'float32', dims: [K, width], data };
    }
    cache.set(key, result);
    return result;
  }

  private remember<V>(cache: Map<Tensor, V>, key: Tensor, value: V): V {
    cache.set(key, value);
    this.added.push({ cache, key });
    return value;
  }

  /** Byte offset of the tensor's copy, zero-padded to a multiple of 32 bytes (GEMM bias reads whole panels). */
  place(t: Tensor): number {
    const hit = this.raw.get(t);
    if (hit !== undefined) return hit;
    const bytes = sizeOf(t.dims) * byteSize(t.dtype);
    const ptr = this.scope.alloc(Math.ceil(Math.max(bytes, 1) / 32) * 32);
    new Uint8Array(this.runtime.buffer, ptr, bytes).set(new Uint8Array(t.data.buffer, t.data.byteOffset, bytes));
    return this.remember(this.raw, t, ptr);
  }

  /**
   * A linear layer's weight in the packing its row count calls for: GEMM panels for 4+ rows,
   * the dot-product packing for fewer. Returns the kernel to call with it.
   */
  linear(t: Tensor, transB: boolean, rows: number): { ptr: number; small: boolean } {
    return rows < SMALL_ROWS ? { ptr: this.packedDot(t, transB), small: true } : { ptr: this.packed(t, transB), small: false };
  }

  /** Byte offset of the weight packed in strips of 32 columns (gemmSparseRows). */
  strips(t: Tensor, transB: boolean): number {
    return this.packOnce(
      t,
      transB,
      this.stripsPlain,
      this.stripsTransposed,
      (k, K, N) => k.stripsSize(K, N),
      (k, src, dst, K, N, tb) => k.packStrips(src, dst, K, N, tb),
    );
  }

  /** Whether every value of a float32 tensor is finite (kernels that skip zero products need it: 0 · ∞ is NaN). */
  isFinite(t: Tensor): boolean {
    let ok = this.finite.get(t);
    if (ok === undefined) {
      ok = true;
      const d = t.data as Float32Array;
      for (let i = 0; i < d.length && ok; i++) ok = Number.isFinite(d[i]!);
      this.finite.set(t, ok);
    }
    return ok;
  }

  /** Byte offset of the weight in the dot-product packing (for 1–3 rows). */
  packedDot(t: Tensor, transB: boolean): number {
    return this.packOnce(
      t,
      transB,
      this.dotPlain,
      this.dotTransposed,
      (k, K, N) => k.packedDotSize(K, N),
      (k, src, dst, K, N, tb) => k.packDot(src, dst, K, N, tb),
    );
  }

  /**
   * The weight quantized to int8 per output column (symmetric) in the dot packing, its scales,
   * and room for one quantized row of A — for the few-rows kernel (gemvInt8).
   */
  int8Dot(t: Tensor, transB: boolean): Int8Weight {
    return this.quantized(t, transB, transB ? this.int8Transposed : this.int8Plain, 'dot');
  }

  /** The weight quantized to int8 per output column in the int8 GEMM's panels (4+ rows), and its scales. */
  int8Gemm(t: Tensor, transB: boolean): Int8Weight {
    return this.quantized(t, transB, transB ? this.int8GemmTransposed : this.int8GemmPlain, 'gemm');
  }

  private quantized(t: Tensor, transB: boolean, cache: Map<Tensor, Int8Weight>, layout: 'dot' | 'gemm'): Int8Weight {
    const hit = cache.get(t);
    if (hit !== undefined) return hit;
    const [r, c] = t.dims as [number, number];
    const [K, N] = transB ? [c, r] : [r, c];
    const src = this.place(t);
    const k = this.runtime.kernels;
    const dot = layout === 'dot';
    const ptr = this.scope.alloc(dot ? k.packedInt8Size(K, N) : k.packedInt8GemmSize(K, N));
    // Scales padded to whole column groups (4 for the dot packing, 8 for GEMM panels).
    const scales = this.scope.alloc(Math.ceil(N / 8) * 8 * 4);
    const row = dot ? this.scope.alloc(Math.ceil(K / 8) * 8 * 2) : 0;
    if (dot) k.packInt8(src, ptr, scales, K, N, transB ? 1 : 0);
    else k.packInt8Gemm(src, ptr, scales, K, N, transB ? 1 : 0);
    return this.remember(cache, t, { ptr, scales, row });
  }

  /** Byte offset of the weight packed into GEMM panels (2-D float32; transB: stored [N, K]). */
  packed(t: Tensor, transB: boolean): number {
    return this.packOnce(
      t,
      transB,
      this.packedPlain,
      this.packedTransposed,
      (k, K, N) => k.packedSize(K, N),
      (k, src, dst, K, N, tb) => k.packB(src, dst, K, N, tb),
    );
  }

  /**
   * A 2-D float32 weight ([K, N], or [N, K] when transB) packed once per session by `pack` into
   * `size(K, N)` floats of kernel memory, cached per layout.
   */
  private packOnce(
    t: Tensor,
    transB: boolean,
    plain: Map<Tensor, number>,
    transposed: Map<Tensor, number>,
    size: (k: KernelExports, K: number, N: number) => number,
    pack: (k: KernelExports, src: number, dst: number, K: number, N: number, transB: number) => void,
  ): number {
    const cache = transB ? transposed : plain;
    const hit = cache.get(t);
    if (hit !== undefined) return hit;
    const [r, c] = t.dims as [number, number];
    const [K, N] = transB ? [c, r] : [r, c];
    const src = this.place(t);
    const k = this.runtime.kernels;
    const ptr = this.scope.alloc(size(k, K, N) * 4);
    pack(k, src, ptr, K, N, transB ? 1 : 0);
    return this.remember(cache, t, ptr);
  }
}
