/**
 * Broadcast plans for elementwise ops: axes are coalesced where every operand stays
 * contiguous (or stays broadcast), leaving at most [outer..., rows, cols] blocks that a
 * row kernel handles with one call per outer index.
 */
import { sizeOf } from '../tensor.js';
import { broadcastStrides } from './util.js';

/** Coalesced shape and per-operand strides (in elements). */
export interface Coalesced {
  dims: number[];
  strides: number[][];
}

/** Merges adjacent axes wherever all operands allow it; drops size-1 axes. */
export function coalesce(outDims: readonly number[], operandDims: readonly (readonly number[])[]): Coalesced {
  const all = operandDims.map((d) => broadcastStrides(d, outDims));
  const dims: number[] = [];
  const strides: number[][] = operandDims.map(() => []);
  for (let axis = 0; axis < outDims.length; axis++) {
    const d = outDims[axis]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    const mergeable =
      last >= 0 &&
      all.every((s, k) => {
        const prev = strides[k]![last]!;
        const cur = s[axis]!;
        return prev === cur * d || (prev === 0 && cur === 0);
      });
    if (mergeable) {
      dims[last] = dims[last]! * d;
      all.forEach((s, k) => {
        strides[k]![last] = s[axis]!;
      });
    } else {
      dims.push(d);
      all.forEach((s, k) => {
        strides[k]!.push(s[axis]!);
      });
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of strides) s.push(0);
  }
  return { dims, strides };
}

/** A blocked broadcast: `outer` blocks of rows x cols, with operand offsets per block. */
export interface BlockPlan {
  rows: number;
  cols: number;
  /** Per operand: element offset of each block's first element. */
  offsets: Int32Array[];
  /** Per operand: stride between rows. */
  rowStride: number[];
  /** Per operand: stride between columns (0 or 1 for broadcast strides). */
  colStride: number[];
}

/** Plans a blocked traversal of the coalesced broadcast. */
export function blockPlan(outDims: readonly number[], operandDims: readonly (readonly number[])[]): BlockPlan {
  const { dims, strides } = coalesce(outDims, operandDims);
  const r = dims.length;
  const cols = dims[r - 1]!;
  const rows = r >= 2 ? dims[r - 2]! : 1;
  const outerDims = dims.slice(0, Math.max(r - 2, 0));
  const outer = sizeOf(outerDims);
  const offsets = strides.map((s) => {
    const map = new Int32Array(outer);
    const idx = new Array<number>(outerDims.length).fill(0);
    for (let o = 0; o < outer; o++) {
      let off = 0;
      for (let a = 0; a < outerDims.length; a++) off += idx[a]! * s[a]!;
      map[o] = off;
      for (let a = outerDims.length - 1; a >= 0; a--) {
        idx[a]!++;
        if (idx[a]! < outerDims[a]!) break;
        idx[a] = 0;
      }
    }
    return map;
  });
  return {
    rows,
    cols,
    offsets,
    rowStride: strides.map((s) => (r >= 2 ? s[r - 2]! : 0)),
    colStride: strides.map((s) => s[r - 1]!),
  };
}

/** Elements of operand `k` a blocked traversal reaches: the highest element it touches, plus one (0 when it touches none). */
export function blockExtent(plan: BlockPlan, k: number): number {
  const offsets = plan.offsets[k]!;
  if (offsets.length === 0 || plan.rows === 0 || plan.cols === 0) return 0;
  let max = 0;
  for (let o = 0; o < offsets.length; o++) if (offsets[o]! > max) max = offsets[o]!;
  return max + (plan.rows - 1) * plan.rowStride[k]! + (plan.cols - 1) * plan.colStride[k]! + 1;
}

/** Elements the blocked traversal writes to its (contiguous) output. */
export function blockCount(plan: BlockPlan): number {
  return plan.offsets[0]!.length * plan.rows * plan.cols;
}
