/** WebAssembly block copies for the data-movement ops: plan-time maps, one kernel call per copy. */
import type { DType } from '../tensor.js';
import { byteSize } from '../tensor.js';
import type { Kernel, WasmContext } from './types.js';
import type { RunMap } from './util.js';

/** A planned copy: runs of `runBytes` from source offsets (a byte map in kernel memory, or a uniform stride). */
export interface BlockCopy {
  map: number;
  srcStride: number;
  count: number;
  runBytes: number;
  /** Byte offset added to the source pointer. */
  srcOffset: number;
}

/** Plans the copy of a run map for elements of `dtype`, placing a map in kernel memory unless strides are uniform. */
export function planBlockCopy(ctx: WasmContext, rm: RunMap, dtype: DType): BlockCopy {
  const eb = byteSize(dtype);
  const count = rm.map.length;
  const first = count > 0 ? rm.map[0]! : 0;
  const step = count > 1 ? rm.map[1]! - first : 0;
  let uniform = true;
  for (let r = 1; r < count && uniform; r++) uniform = rm.map[r]! - rm.map[r - 1]! === step;
  if (uniform) return { map: 0, srcStride: step * eb, count, runBytes: rm.run * eb, srcOffset: first * eb };
  const ptr = ctx.scratch(count * 4);
  const view = new Int32Array(ctx.runtime.buffer, ptr, count);
  for (let r = 0; r < count; r++) view[r] = rm.map[r]! * eb;
  return { map: ptr, srcStride: 0, count, runBytes: rm.run * eb, srcOffset: 0 };
}

/** A kernel copying input `from` to output `to` through the planned block copy (destination contiguous). */
export function blockCopyKernel(
  ctx: WasmContext,
  copies: readonly { plan: BlockCopy; from: number; to: number; dstOffset?: number; dstStride?: number }[],
): Kernel {
  const k = ctx.kernels;
  return (ins, outs) => {
    for (let i = 0; i < copies.length; i++) {
      const c = copies[i]!;
      const p = c.plan;
      k.copyBlocks(
        ins[c.from]!.ptr + p.srcOffset,
        p.srcStride,
        p.map,
        outs[c.to]!.ptr + (c.dstOffset ?? 0),
        c.dstStride ?? p.runBytes,
        p.count,
        p.runBytes,
      );
    }
  };
}
