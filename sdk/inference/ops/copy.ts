/** WebAssembly block copies for the data-movement ops: plan-time maps, one kernel call per copy. */
import { TickmindError } from '../../core/errors.js';
import { nodeLabel } from '../ir/graph.js';
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
  /** The source bytes the copy reads, [readStart, readEnd) from the source pointer. */
  readStart: number;
  readEnd: number;
}

/** Plans the copy of a run map for elements of `dtype`, placing a map in kernel memory unless strides are uniform. */
export function planBlockCopy(ctx: WasmContext, rm: RunMap, dtype: DType): BlockCopy {
  const eb = byteSize(dtype);
  const count = rm.map.length;
  const runBytes = rm.run * eb;
  let lo = count > 0 ? rm.map[0]! : 0;
  let hi = lo;
  for (let r = 1; r < count; r++) {
    const v = rm.map[r]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = { readStart: lo * eb, readEnd: count > 0 ? hi * eb + runBytes : 0 };
  const first = count > 0 ? rm.map[0]! : 0;
  const step = count > 1 ? rm.map[1]! - first : 0;
  let uniform = true;
  for (let r = 1; r < count && uniform; r++) uniform = rm.map[r]! - rm.map[r - 1]! === step;
  if (uniform) return { map: 0, srcStride: step * eb, count, runBytes, srcOffset: first * eb, ...range };
  const ptr = ctx.scratch(count * 4);
  const view = new Int32Array(ctx.runtime.buffer, ptr, count);
  for (let r = 0; r < count; r++) view[r] = rm.map[r]! * eb;
  return { map: ptr, srcStride: 0, count, runBytes, srcOffset: 0, ...range };
}

/**
 * A kernel copying input `from` to output `to` through the planned block copies (destination
 * contiguous unless a stride is given). Declares every copy's source and destination bytes.
 */
export function blockCopyKernel(
  ctx: WasmContext,
  copies: readonly { plan: BlockCopy; from: number; to: number; dstOffset?: number; dstStride?: number }[],
): Kernel {
  const k = ctx.kernels;
  for (const c of copies) {
    const p = c.plan;
    if (p.count === 0 || p.runBytes === 0) {
      ctx.writes(c.to, 0);
      continue;
    }
    const dstOffset = c.dstOffset ?? 0;
    const dstStride = c.dstStride ?? p.runBytes;
    if (p.readStart < 0 || dstOffset < 0 || dstStride < 0) {
      throw new TickmindError('INTERNAL', `${nodeLabel(ctx.node)}: a copy would start before its tensor`, { node: ctx.node.name });
    }
    ctx.reads(c.from, p.readEnd);
    ctx.writes(c.to, dstOffset + (p.count - 1) * dstStride + p.runBytes);
  }
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
