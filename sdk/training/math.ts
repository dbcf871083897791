/**
 * Dense kernels of the trainer on Float32Array rows: C = A·B (+ bias), accumulate Aᵀ·B, C = A·Bᵀ,
 * and the Erf GELU with its derivative. Large products run on the inference core's WebAssembly
 * GEMM (DenseGemm); small ones, where copying in and out would cost more than the product, in
 * plain loops. Buffers come from the caller.
 */
import { DenseGemm } from '../inference/index.js';

/** Products of at least this many multiply-adds go to the WebAssembly GEMM. */
const WASM_MIN_MACS = 32_768;
let wasm: DenseGemm | undefined;
let useWasm = true;

/** Routes large products to the inference core's WebAssembly GEMM (default) or keeps everything in JS loops. */
export function useCoreKernels(on: boolean): void {
  useWasm = on;
}

function core(M: number, K: number, N: number): DenseGemm | undefined {
  if (!useWasm || M * K * N < WASM_MIN_MACS) return undefined;
  wasm ??= new DenseGemm();
  return wasm;
}

/** C[M×N] = A[M×K] · B[K×N] (+ bias[N]). */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, bias?: Float32Array): void {
  const kernels = core(M, K, N);
  if (kernels !== undefined) {
    kernels.gemm(a, b, c, M, K, N, bias === undefined ? {} : { bias });
    return;
  }
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    if (bias === undefined) c.fill(0, ci, ci + N);
    else for (let j = 0; j < N; j++) c[ci + j] = bias[j]!;
    const ai = i * K;
    for (let k = 0; k < K; k++) {
      const av = a[ai + k]!;
      if (av === 0) continue;
      const bk = k * N;
      for (let j = 0; j < N; j++) c[ci + j] = c[ci + j]! + av * b[bk + j]!;
    }
  }
}

/** G[K×N] += Aᵀ · D where A is M×K and D is M×N (a weight gradient); gb[N] += column sums of D. */
export function accumulateWeightGrad(
  a: Float32Array,
  d: Float32Array,
  g: Float32Array,
  M: number,
  K: number,
  N: number,
  gb?: Float32Array,
): void {
  const kernels = core(K, M, N);
  if (kernels !== undefined) {
    if (gb !== undefined)
      for (let i = 0; i < M; i++) {
        const di = i * N;
        for (let j = 0; j < N; j++) gb[j] = gb[j]! + d[di + j]!;
      }
    kernels.gemm(a, d, g, K, M, N, { transA: true, accumulate: true });
    return;
  }
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    const di = i * N;
    if (gb !== undefined) for (let j = 0; j < N; j++) gb[j] = gb[j]! + d[di + j]!;
    for (let k = 0; k < K; k++) {
      const av = a[ai + k]!;
      if (av === 0) continue;
      const gk = k * N;
      for (let j = 0; j < N; j++) g[gk + j] = g[gk + j]! + av * d[di + j]!;
    }
  }
}

/** X[M×K] = D[M×N] · Wᵀ where W is K×N (the input gradient of a linear layer). */
export function matmulTransB(d: Float32Array, w: Float32Array, x: Float32Array, M: number, N: number, K: number): void {
  const kernels = core(M, N, K);
  if (kernels !== undefined) {
    kernels.gemm(d, w, x, M, N, K, { transB: true });
    return;
  }
  for (let i = 0; i < M; i++) {
    const di = i * N;
    const xi = i * K;
    for (let k = 0; k < K; k++) {
      const wk = k * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += d[di + j]! * w[wk + j]!;
      x[xi + k] = s;
    }
  }
}

/** erf(x), |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** GELU (Erf form): 0.5 x (1 + erf(x / √2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT2));
}

/** d GELU / dx. */
export function geluGrad(x: number): number {
  return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
