/**
 * Dense float32 matrix products on the inference core's WebAssembly GEMM (the packed SIMD128
 * kernel the sessions use), for host code such as the trainer: operands are copied into
 * reusable regions of the kernels' memory, B is packed, the product runs in one call, and the
 * result is copied (or added) back. Regions grow to the largest shapes seen and are reused; a
 * region that grows frees its old memory, and {@link DenseGemm.dispose} frees them all.
 */
import { sharedRuntime, type WasmRuntime } from './wasm/runtime.js';

/** Options of {@link DenseGemm.gemm}. */
export interface GemmOptions {
  /** `a` holds Aᵀ (K × M) instead of A (M × K). */
  transA?: boolean;
  /** `b` holds Bᵀ (N × K) instead of B (K × N). */
  transB?: boolean;
  /** N values added to every row of the product. */
  bias?: Float32Array;
  /** Add the product to `c` instead of overwriting it. */
  accumulate?: boolean;
}

const PANEL = 8;

/** C[M × N] = A · B (see {@link GemmOptions}) on the WebAssembly kernels. */
export class DenseGemm {
  private readonly rt: WasmRuntime;
  private view: Float32Array;
  private readonly regions = { a: [0, 0], b: [0, 0], packed: [0, 0], c: [0, 0], bias: [0, 0] } as Record<string, [number, number]>;

  /** Uses the process-wide kernel runtime the sessions share. */
  constructor() {
    const runtime = sharedRuntime();
    this.rt = runtime;
    this.view = new Float32Array(runtime.buffer);
  }

  /** Whether the SIMD128 kernels run (else the scalar build). */
  get simd(): boolean {
    return this.rt.simd;
  }

  /** C = op(A) · op(B) (+ bias), or C += … with `accumulate`. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, options: GemmOptions = {}): void {
    const k = this.rt.kernels;
    const ap = this.region('a', M * K);
    const bp = this.region('b', K * N);
    const pp = this.region('packed', k.packedSize(K, N));
    const cp = this.region('c', M * N);
    const biasp = options.bias === undefined ? 0 : this.region('bias', Math.ceil(N / PANEL) * PANEL);
    if (this.view.buffer !== this.rt.buffer) this.view = new Float32Array(this.rt.buffer);
    const v = this.view;
    const ao = ap >> 2;
    if (options.transA === true) {
      for (let kk = 0; kk < K; kk++) {
        const row = kk * M;
        for (let i = 0; i < M; i++) v[ao + i * K + kk] = a[row + i]!;
      }
    } else v.set(a.subarray(0, M * K), ao);
    v.set(b.subarray(0, K * N), bp >> 2);
    k.packB(bp, pp, K, N, options.transB === true ? 1 : 0);
    if (options.bias !== undefined) {
      v.set(options.bias.subarray(0, N), biasp >> 2);
      v.fill(0, (biasp >> 2) + N, (biasp >> 2) + Math.ceil(N / PANEL) * PANEL);
    }
    k.gemmPacked(ap, K, pp, biasp, cp, N, M, N, K, 0, 0);
    const co = cp >> 2;
    if (options.accumulate === true) for (let i = 0; i < M * N; i++) c[i] = c[i]! + v[co + i]!;
    else c.set(v.subarray(co, co + M * N));
  }

  /** Frees the kernel memory this instance holds; a later {@link DenseGemm.gemm} allocates it again. */
  dispose(): void {
    for (const r of Object.values(this.regions)) this.drop(r);
  }

  /** A region of at least `floats` floats (byte offset), reused across calls. */
  private region(name: string, floats: number): number {
    const r = this.regions[name]!;
    if (r[1] < floats) {
      // Freed first, so that a region at the top of memory can grow in place.
      this.drop(r);
      r[0] = this.rt.alloc(floats * 4);
      r[1] = floats;
    }
    return r[0];
  }

  private drop(r: [number, number]): void {
    if (r[1] > 0) this.rt.free(r[0]);
    r[0] = 0;
    r[1] = 0;
  }
}
