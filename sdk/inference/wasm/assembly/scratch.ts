// The kernels' own scratch: a fixed region right above the module's static data, below the
// first byte the host may allocate (heapBase). Kept out of `memory.data` because static data is
// stored in the binary byte for byte (120 KiB of zeros). The host grows memory over it before
// any kernel runs (sdk/inference/wasm/runtime.ts).

import { APACK_BYTES } from './gemm-pack';

/** First byte of the scratch (64-byte aligned). */
// @ts-expect-error: decorator
@inline
export function heapScratch(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/** First byte the host may use: everything below holds this module's static data and scratch. */
export function heapBase(): usize {
  return heapScratch() + <usize>APACK_BYTES;
}
