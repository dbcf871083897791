/**
 * GRU and LSTM, ONNX semantics: forward, reverse or bidirectional; optional biases, initial
 * states, per-batch sequence lengths (steps past a sequence's end output zeros and keep its
 * state), LSTM peepholes, `clip`, GRU `linear_before_reset`. Sequence-major layout (layout 0) and
 * the default activations (Sigmoid, Tanh). The WebAssembly kernels (no sequence lengths, no clip)
 * run the input projection of the whole sequence as one GEMM and each step's recurrent product
 * for all batch rows as another; their scratch (packed weights, projection, state) is allocated
 * once per plan: rnnScratchFloats.
 */
import { TickmindError } from '../../core/errors.js';
import { attrFloat, attrInt, attrString } from '../ir/graph.js';
import type { OpContext, OpDef, OutputInfo, Slot, WasmContext } from './types.js';
import { attrError, input, opError, unsupported } from './util.js';

interface Shape {
  seq: number;
  batch: number;
  inputSize: number;
  hidden: number;
  dirs: number;
  reverseOnly: boolean;
}

function shapeOf(ctx: OpContext, gates: number): Shape {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  for (const i of [0, 1, 2, 3, 5, 6, 7]) {
    const v = ctx.inputs[i];
    if (v !== undefined && v.dtype !== 'float32') throw unsupported(ctx, `${ctx.node.op} on ${v.dtype} (input ${i})`, `input[${i}]`);
  }
  if (attrInt(ctx.node, 'layout', 0) !== 0) throw unsupported(ctx, 'layout 1 (batch-major)', 'layout');
  if (ctx.node.attrs.activations !== undefined) throw unsupported(ctx, 'custom activations', 'activations');
  if (attrInt(ctx.node, 'input_forget', 0) !== 0) throw unsupported(ctx, 'input_forget', 'input_forget');
  const direction = attrString(ctx.node, 'direction', 'forward');
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional')
    throw attrError(ctx, `direction ${direction} is not forward, reverse or bidirectional`, 'direction');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  if (x.dims.length !== 3) throw opError(ctx, 'X must be [seq, batch, input]', 'input[0]');
  if (w.dims.length !== 3) throw opError(ctx, 'W must be [directions, gates × hidden, input]', 'input[1]');
  const hidden = attrInt(ctx.node, 'hidden_size', w.dims[1]! / gates);
  if (!Number.isSafeInteger(hidden) || hidden < 1)
    throw opError(ctx, `hidden size ${hidden} is not a positive whole number`, 'hidden_size');
  const [seq, batch, inputSize] = x.dims as [number, number, number];
  if (seq === 0) throw opError(ctx, 'the sequence is empty (onnxruntime cannot run it either)', 'input[0]');
  const expect = (i: number, name: string, dims: number[]): void => {
    const v = ctx.inputs[i];
    if (v !== undefined && v.dims.join() !== dims.join()) {
      throw opError(ctx, `${name} is [${v.dims.join(', ')}], expected [${dims.join(', ')}]`, `input[${i}]`);
    }
  };
  expect(1, 'W', [dirs, gates * hidden, inputSize]);
  expect(2, 'R', [dirs, gates * hidden, hidden]);
  expect(3, 'B', [dirs, 2 * gates * hidden]);
  expect(4, 'sequence_lens', [batch]);
  expect(5, 'initial_h', [dirs, batch, hidden]);
  if (gates === 4) {
    expect(6, 'initial_c', [dirs, batch, hidden]);
    expect(7, 'P', [dirs, 3 * hidden]);
  }
  return { seq, batch, inputSize, hidden, dirs, reverseOnly: direction === 'reverse' };
}

/** Declares the bytes the sequence kernels read and write (every operand whole). */
function rnnExtents(ctx: WasmContext, s: Shape, gates: number): void {
  const H = s.hidden;
  const sizes = [
    s.seq * s.batch * s.inputSize,
    s.dirs * gates * H * s.inputSize,
    s.dirs * gates * H * H,
    s.dirs * 2 * gates * H,
    0,
    s.dirs * s.batch * H,
    s.dirs * s.batch * H,
    s.dirs * 3 * H,
  ];
  sizes.forEach((n, i) => {
    if (ctx.inputs[i] !== undefined && n > 0) ctx.reads(i, n * 4);
  });
  const outs = [s.seq * s.dirs * s.batch * H, s.dirs * s.batch * H, s.dirs * s.batch * H];
  ctx.node.outputs.forEach((name, j) => {
    if (name !== '') ctx.writes(j, outs[j]! * 4);
  });
}

function outputsOf(s: Shape, states: number): OutputInfo[] {
  const state: OutputInfo = { dtype: 'float32', dims: [s.dirs, s.batch, s.hidden] };
  return [
    { dtype: 'float32', dims: [s.seq, s.dirs, s.batch, s.hidden] },
    ...Array.from({ length: states }, () => ({ ...state, dims: [...state.dims] })),
  ];
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Runs every direction over every batch row: `cell(dir, b, x, h, c, gates)` updates h (and c) in place. */
function recurrence(
  ctx: OpContext,
  s: Shape,
  gates: number,
  withCell: boolean,
  cell: (dir: number, xrow: Float32Array, xo: number, h: Float64Array, c: Float64Array, g: Float64Array) => void,
) {
  const H = s.hidden;
  const hasLens = ctx.inputs[4] !== undefined;
  const hIndex = 5;
  const cIndex = 6;
  const h = new Float64Array(H);
  const c = new Float64Array(H);
  const g = new Float64Array(gates * H);
  return (ins: readonly { data: ArrayLike<number> }[], outs: readonly ({ data: Float32Array } | undefined)[]) => {
    const x = ins[0]!.data as Float32Array;
    const y = outs[0]?.data;
    if (y !== undefined) y.fill(0);
    for (let d = 0; d < s.dirs; d++) {
      const backwards = s.reverseOnly || d === 1;
      for (let b = 0; b < s.batch; b++) {
        const len = hasLens ? Number(ins[4]!.data[b]!) : s.seq;
        if (!(len >= 0 && len <= s.seq)) {
          throw new TickmindError('INVALID_ARGUMENT', `${ctx.node.name}: sequence length ${len} is outside 0..${s.seq}`, {
            node: ctx.node.name,
          });
        }
        for (let j = 0; j < H; j++) {
          h[j] = ctx.inputs[hIndex] !== undefined ? ins[hIndex]!.data[(d * s.batch + b) * H + j]! : 0;
          c[j] = withCell && ctx.inputs[cIndex] !== undefined ? ins[cIndex]!.data[(d * s.batch + b) * H + j]! : 0;
        }
        for (let k = 0; k < len; k++) {
          const t = backwards ? len - 1 - k : k;
          cell(d, x, (t * s.batch + b) * s.inputSize, h, c, g);
          if (y !== undefined) for (let j = 0; j < H; j++) y[((t * s.dirs + d) * s.batch + b) * H + j] = h[j]!;
        }
        const yh = outs[1]?.data;
        if (yh !== undefined) for (let j = 0; j < H; j++) yh[(d * s.batch + b) * H + j] = h[j]!;
        const yc = withCell ? outs[2]?.data : undefined;
        if (yc !== undefined) for (let j = 0; j < H; j++) yc[(d * s.batch + b) * H + j] = c[j]!;
      }
    }
  };
}

/**
 * gates[k·H + j] = W[dir] x + R[dir] h + biases (Wb + Rb), gate block by gate block; block
 * `skipRecurrentFor` (the GRU candidate) gets neither R h nor Rb. Typed-array loops only: this
 * runs once per step of every sequence.
 */
function preActivations(
  ins: readonly { data: ArrayLike<number> }[],
  s: Shape,
  gatesN: number,
  dir: number,
  x: Float32Array,
  xo: number,
  h: Float64Array,
  g: Float64Array,
  hasBias: boolean,
  skipRecurrentFor: number,
): void {
  const H = s.hidden;
  const I = s.inputSize;
  const w = ins[1]!.data as Float32Array;
  const r = ins[2]!.data as Float32Array;
  const bias = hasBias ? (ins[3]!.data as Float32Array) : undefined;
  const wBase = dir * gatesN * H * I;
  const rBase = dir * gatesN * H * H;
  const bBase = dir * 2 * gatesN * H;
  for (let gate = 0; gate < gatesN; gate++) {
    const recurrent = gate !== skipRecurrentFor;
    for (let j = 0; j < H; j++) {
      const row = gate * H + j;
      let v = 0;
      if (bias !== undefined) {
        v = bias[bBase + row]!;
        if (recurrent) v += bias[bBase + gatesN * H + row]!;
      }
      const wo = wBase + row * I;
      for (let k = 0; k < I; k++) v += w[wo + k]! * x[xo + k]!;
      if (recurrent) {
        const ro = rBase + row * H;
        for (let k = 0; k < H; k++) v += r[ro + k]! * h[k]!;
      }
      g[row] = v;
    }
  }
}

/**
 * Where the WebAssembly kernels find input i: a constant's copy in kernel memory (fixed at plan
 * time), a run-time input's slot, or 0 when absent.
 */
function inputPtr(ctx: WasmContext, i: number): (ins: readonly Slot[]) => number {
  const state = ctx.inputs[i];
  if (state === undefined) return () => 0;
  if (state.value !== undefined) {
    const fixed = ctx.constPtr(i);
    return () => fixed;
  }
  return (ins) => ins[i]!.ptr;
}

/** Where output i goes, or 0 when the node does not produce it. */
function outputPtr(ctx: WasmContext, i: number): (outs: readonly Slot[]) => number {
  const name = ctx.node.outputs[i];
  return name === undefined || name === '' ? () => 0 : (outs) => outs[i]!.ptr;
}

/**
 * Most floats the WebAssembly kernels' input projection (seq × batch × gates × hidden) may take:
 * 64 MiB of scratch. Bigger shapes run on the portable kernels, and the kernel's 32-bit size and
 * offset arithmetic (rnnScratchFloats) stays far from wrapping.
 */
const WASM_PROJECTION_FLOATS = 16 * 1024 * 1024;

/**
 * The kernels' `packed` argument, call by call: 0 (pack W and R into the scratch) on the first
 * call, and on every call when W or R is a run-time input; 1 afterwards when both are constants
 * (the scratch, private to this node, keeps what the first call packed).
 */
function weightPacking(ctx: WasmContext): () => number {
  const constant = ctx.inputs[1]?.value !== undefined && ctx.inputs[2]?.value !== undefined;
  let packed = 0;
  return () => {
    const now = packed;
    if (constant) packed = 1;
    return now;
  };
}

/** Whether the WebAssembly sequence kernels apply: full-length sequences, no clip, a bounded projection. */
function wasmApplies(ctx: OpContext, s: Shape, gates: number): boolean {
  return ctx.inputs[4] === undefined && ctx.node.attrs.clip === undefined && s.seq * s.batch * gates * s.hidden <= WASM_PROJECTION_FLOATS;
}

/** GRU(X, W, R, B?, sequence_lens?, initial_h?) → Y, Y_h. */
export const GRU: OpDef = {
  infer: (ctx) => outputsOf(shapeOf(ctx, 3), 1),
  js: (ctx) => {
    const s = shapeOf(ctx, 3);
    const H = s.hidden;
    const lbr = attrInt(ctx.node, 'linear_before_reset', 0) !== 0;
    const clip = attrFloat(ctx.node, 'clip', Infinity);
    const hasBias = ctx.inputs[3] !== undefined;
    const rh = new Float64Array(H);
    const cl = (v: number) => Math.max(-clip, Math.min(clip, v));
    let bound: readonly { data: ArrayLike<number> }[] = [];
    const run = recurrence(ctx, s, 3, false, (dir, x, xo, h, _c, g) => {
      // z and r use W x + R h; the candidate's recurrent part depends on linear_before_reset.
      preActivations(bound, s, 3, dir, x, xo, h, g, hasBias, 2);
      const r = bound[2]!.data as Float32Array;
      const bias = hasBias ? (bound[3]!.data as Float32Array) : undefined;
      const rBase = dir * 3 * H * H + 2 * H * H;
      const rb = dir * 6 * H + 5 * H;
      for (let j = 0; j < H; j++) {
        g[j] = sigmoid(cl(g[j]!));
        g[H + j] = sigmoid(cl(g[H + j]!));
      }
      for (let j = 0; j < H; j++) {
        let rec = 0;
        if (lbr) {
          for (let k = 0; k < H; k++) rec += r[rBase + j * H + k]! * h[k]!;
          rec = g[H + j]! * (rec + (bias === undefined ? 0 : bias[rb + j]!));
        } else {
          for (let k = 0; k < H; k++) rh[k] = g[H + k]! * h[k]!;
          for (let k = 0; k < H; k++) rec += r[rBase + j * H + k]! * rh[k]!;
          rec += bias === undefined ? 0 : bias[rb + j]!;
        }
        g[2 * H + j] = Math.tanh(cl(g[2 * H + j]! + rec));
      }
      for (let j = 0; j < H; j++) h[j] = (1 - g[j]!) * g[2 * H + j]! + g[j]! * h[j]!;
    });
    return (ins, outs) => {
      bound = ins;
      run(ins, outs as never);
    };
  },
  /** Whole sequences in WebAssembly (one call per run) when no sequence lengths or clip are given (and the projection fits WASM_PROJECTION_FLOATS). */
  wasm: (ctx) => {
    const s = shapeOf(ctx, 3);
    if (!wasmApplies(ctx, s, 3)) return undefined;
    rnnExtents(ctx, s, 3);
    const k = ctx.kernels;
    const lbr = attrInt(ctx.node, 'linear_before_reset', 0) !== 0 ? 1 : 0;
    const scratch = ctx.scratch(k.rnnScratchFloats(3, s.seq, s.batch, s.inputSize, s.hidden, lbr, s.dirs) * 4);
    const pack = weightPacking(ctx);
    const x = inputPtr(ctx, 0);
    const w = inputPtr(ctx, 1);
    const r = inputPtr(ctx, 2);
    const b = inputPtr(ctx, 3);
    const h0 = inputPtr(ctx, 5);
    const y = outputPtr(ctx, 0);
    const yh = outputPtr(ctx, 1);
    return (ins, outs) =>
      k.gru(
        x(ins),
        w(ins),
        r(ins),
        b(ins),
        h0(ins),
        y(outs),
        yh(outs),
        scratch,
        s.seq,
        s.batch,
        s.inputSize,
        s.hidden,
        s.dirs,
        s.reverseOnly ? 1 : 0,
        lbr,
        pack(),
      );
  },
};

/** LSTM(X, W, R, B?, sequence_lens?, initial_h?, initial_c?, P?) → Y, Y_h, Y_c. Gates i, o, f, c. */
export const LSTM: OpDef = {
  infer: (ctx) => outputsOf(shapeOf(ctx, 4), 2),
  js: (ctx) => {
    const s = shapeOf(ctx, 4);
    const H = s.hidden;
    const clip = attrFloat(ctx.node, 'clip', Infinity);
    const hasBias = ctx.inputs[3] !== undefined;
    const hasPeep = ctx.inputs[7] !== undefined;
    const cl = (v: number) => Math.max(-clip, Math.min(clip, v));
    let bound: readonly { data: ArrayLike<number> }[] = [];
    const run = recurrence(ctx, s, 4, true, (dir, x, xo, h, c, g) => {
      preActivations(bound, s, 4, dir, x, xo, h, g, hasBias, -1);
      const p = hasPeep ? (bound[7]!.data as Float32Array) : undefined;
      const pb = dir * 3 * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(cl(g[j]! + (p === undefined ? 0 : p[pb + j]! * c[j]!)));
        const f = sigmoid(cl(g[2 * H + j]! + (p === undefined ? 0 : p[pb + 2 * H + j]! * c[j]!)));
        const cand = Math.tanh(cl(g[3 * H + j]!));
        c[j] = f * c[j]! + i * cand;
        const o = sigmoid(cl(g[H + j]! + (p === undefined ? 0 : p[pb + H + j]! * c[j]!)));
        h[j] = o * Math.tanh(c[j]!);
      }
    });
    return (ins, outs) => {
      bound = ins;
      run(ins, outs as never);
    };
  },
  /** Whole sequences in WebAssembly (one call per run) when no sequence lengths or clip are given (and the projection fits WASM_PROJECTION_FLOATS). */
  wasm: (ctx) => {
    const s = shapeOf(ctx, 4);
    if (!wasmApplies(ctx, s, 4)) return undefined;
    rnnExtents(ctx, s, 4);
    const k = ctx.kernels;
    const scratch = ctx.scratch(k.rnnScratchFloats(4, s.seq, s.batch, s.inputSize, s.hidden, 0, s.dirs) * 4);
    const pack = weightPacking(ctx);
    const x = inputPtr(ctx, 0);
    const w = inputPtr(ctx, 1);
    const r = inputPtr(ctx, 2);
    const b = inputPtr(ctx, 3);
    const h0 = inputPtr(ctx, 5);
    const c0 = inputPtr(ctx, 6);
    const p = inputPtr(ctx, 7);
    const y = outputPtr(ctx, 0);
    const yh = outputPtr(ctx, 1);
    const yc = outputPtr(ctx, 2);
    return (ins, outs) =>
      k.lstm(
        x(ins),
        w(ins),
        r(ins),
        b(ins),
        h0(ins),
        c0(ins),
        p(ins),
        y(outs),
        yh(outs),
        yc(outs),
        scratch,
        s.seq,
        s.batch,
        s.inputSize,
        s.hidden,
        s.dirs,
        s.reverseOnly ? 1 : 0,
        pack(),
      );
  },
};
