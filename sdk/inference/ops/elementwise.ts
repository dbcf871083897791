/** Elementwise operators: unary math, activations, binary arithmetic and comparisons, Where, Cast. */
import { attrFloat, attrInt } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { ONNX_DTYPE_NAMES, ONNX_DTYPES, readElement, sizeOf, writeElement } from '../tensor.js';
import { Act, BinaryOp, UnaryOp } from '../wasm/runtime.js';
import { blockCount, blockExtent, blockPlan } from './broadcast.js';
import { erf } from './erf.js';
import type { Kernel, OpContext, OpDef, OutputInfo, Slot, WasmContext } from './types.js';
import { attrError, attrInt32, broadcastShapes, input, inputRank, opError, unsupported } from './util.js';

type UnaryFn = (x: number, ctx: OpContext) => number;

function unaryOp(fn: UnaryFn, wasmCode?: { act?: number; unary?: number }, outDtype?: DType): OpDef {
  return {
    infer: (ctx) => [{ dtype: outDtype ?? input(ctx, 0).dtype, dims: [...input(ctx, 0).dims] }],
    js: (ctx) => {
      return (ins, outs) => {
        const x = ins[0]!;
        const y = outs[0]!;
        const n = sizeOf(y.dims);
        if (x.dtype === 'float32' && y.dtype === 'float32') {
          const xd = x.data;
          const yd = y.data;
          for (let i = 0; i < n; i++) yd[i] = fn(xd[i]!, ctx);
          return;
        }
        for (let i = 0; i < n; i++) writeElement(y, i, fn(readElement(x, i), ctx));
      };
    },
    wasm:
      wasmCode === undefined
        ? undefined
        : (ctx) => {
            if (input(ctx, 0).dtype !== 'float32' || ctx.outputs[0]!.dtype !== 'float32') return undefined;
            const k = ctx.kernels;
            const n = sizeOf(ctx.outputs[0]!.dims);
            ctx.reads(0, n * 4);
            ctx.writes(0, n * 4);
            if (wasmCode.act !== undefined) {
              const act = wasmCode.act;
              return (ins, outs) => k.activate(ins[0]!.ptr, outs[0]!.ptr, n, act);
            }
            const op = wasmCode.unary!;
            return (ins, outs) => k.unary(ins[0]!.ptr, outs[0]!.ptr, n, op);
          },
  };
}

const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

export const unaryOps: Record<string, OpDef> = {
  Neg: unaryOp((x) => -x),
  Abs: unaryOp((x) => Math.abs(x)),
  Sqrt: unaryOp((x) => Math.sqrt(x)),
  Exp: unaryOp((x) => Math.exp(x), { unary: UnaryOp.exp }),
  Log: unaryOp((x) => Math.log(x)),
  Erf: unaryOp((x) => erf(x), { unary: UnaryOp.erf }),
  Tanh: unaryOp((x) => Math.tanh(x)),
  Sin: unaryOp((x) => Math.sin(x)),
  Cos: unaryOp((x) => Math.cos(x)),
  Reciprocal: unaryOp((x) => 1 / x),
  Floor: unaryOp((x) => Math.floor(x)),
  Ceil: unaryOp((x) => Math.ceil(x)),
  Round: unaryOp((x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; // round half to even
  }),
  Sign: unaryOp((x) => Math.sign(x)),
  Relu: unaryOp((x) => Math.max(x, 0), { act: Act.relu }),
  Sigmoid: unaryOp((x) => 1 / (1 + Math.exp(-x)), { unary: UnaryOp.sigmoid }),
  LeakyRelu: unaryOp((x, ctx) => (x >= 0 ? x : x * attrFloat(ctx.node, 'alpha', 0.01))),
  Elu: unaryOp((x, ctx) => (x >= 0 ? x : attrFloat(ctx.node, 'alpha', 1) * (Math.exp(x) - 1))),
  Softplus: unaryOp((x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0)),
  HardSigmoid: unaryOp((x, ctx) => Math.max(0, Math.min(1, attrFloat(ctx.node, 'alpha', 0.2) * x + attrFloat(ctx.node, 'beta', 0.5)))),
  HardSwish: unaryOp((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  Not: unaryOp((x) => (x ? 0 : 1)),
  Gelu: unaryOp(gelu, { act: Act.gelu }),
};

/** Cast: numeric conversion (float→int truncates, like C); a cast to the same type copies nothing. */
export const Cast: OpDef = {
  alias: (ctx) => ONNX_DTYPES[attrInt32(ctx, 'to', 0)] === input(ctx, 0).dtype,
  infer: (ctx) => {
    const to = attrInt32(ctx, 'to', 0);
    const dtype = ONNX_DTYPES[to];
    if (dtype === undefined) throw unsupported(ctx, `a cast to ONNX type ${ONNX_DTYPE_NAMES[to] ?? to}`, 'to');
    return [{ dtype, dims: [...input(ctx, 0).dims] }];
  },
  js: (ctx, outputs) => {
    const from = input(ctx, 0).dtype;
    const to = outputs[0]!.dtype;
    const n = sizeOf(outputs[0]!.dims);
    // Same-width numeric storage (bool/uint8/int8/int32/float32/float64 to float32 or int32): a
    // plain typed-array copy converts exactly and allocates nothing (masks take this path every call).
    if (from !== 'int64' && (to === 'float32' || to === 'float64')) {
      return (ins, outs) => {
        const xd = ins[0]!.data;
        const yd = outs[0]!.data;
        for (let i = 0; i < n; i++) yd[i] = xd[i]!;
      };
    }
    const floatSource = from === 'float32' || from === 'float64';
    return (ins, outs) => {
      const x = ins[0]!;
      const y = outs[0]!;
      for (let i = 0; i < n; i++) {
        const v = readElement(x, i);
        if (floatSource && to !== 'bool' && to !== 'float32' && to !== 'float64') castFloat(y, i, v);
        else writeElement(y, i, v);
      }
    };
  },
};

/**
 * A float cast to an integer type as onnxruntime's WebAssembly build does it: truncated, NaN to 0,
 * saturated to int32 (then wrapped to 8 bits for int8 and uint8), or to int64's range.
 */
function castFloat(y: Tensor, i: number, v: number): void {
  if (Number.isNaN(v)) {
    writeElement(y, i, 0);
  } else if (y.dtype === 'int64') {
    if (v >= 2 ** 63) {
      y.data[2 * i] = -1;
      y.data[2 * i + 1] = 0x7fffffff;
    } else if (v <= -(2 ** 63)) {
      y.data[2 * i] = 0;
      y.data[2 * i + 1] = -0x80000000;
    } else writeElement(y, i, Math.trunc(v));
  } else {
    writeElement(y, i, Math.min(2147483647, Math.max(-2147483648, Math.trunc(v))));
  }
}

/** Identity-like ops that copy nothing. */
export const aliasOp: OpDef = {
  alias: true,
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, dims: [...input(ctx, 0).dims] }],
  js: () => (ins, outs) => copyAll(ins[0]!, outs[0]!),
};

/**
 * Dropout at inference: the identity, and a mask of ones when asked for. A training_mode that is
 * not constant false means random dropout, which the native backend does not do.
 */
export const Dropout: OpDef = {
  alias: (ctx) => ctx.node.outputs.length < 2 || ctx.node.outputs[1] === '',
  constInputs: [2],
  infer: (ctx) => {
    const x = input(ctx, 0);
    inputRank(ctx, 1, [0]);
    inputRank(ctx, 2, [0]);
    const training = ctx.inputs[2];
    if (training !== undefined && (training.value === undefined || readElement(training.value, 0) !== 0)) {
      throw unsupported(ctx, 'training_mode (random dropout)', 'input[2]');
    }
    const outs: OutputInfo[] = [{ dtype: x.dtype, dims: [...x.dims] }];
    if (ctx.node.outputs.length > 1) outs.push({ dtype: 'bool', dims: [...x.dims] });
    return outs;
  },
  js: () => (ins, outs) => {
    copyAll(ins[0]!, outs[0]!);
    if (outs.length > 1 && outs[1]!.ptr !== -2) (outs[1]!.data as Uint8Array).fill(1);
  },
};

/** Copies storage when source and destination are distinct (constant folding of aliases). */
export function copyAll(src: Tensor, dst: Tensor): void {
  if (src.data !== dst.data) (dst.data as Int32Array).set(src.data as Int32Array);
}

type BinaryFn = (a: number, b: number) => number;

function binaryOp(fn: BinaryFn, opts: { intFn?: BinaryFn; bool?: boolean; wasmOp?: number } = {}): OpDef {
  return {
    infer: (ctx) => {
      const a = input(ctx, 0);
      const b = input(ctx, 1);
      if (a.dtype !== b.dtype) throw opError(ctx, `operand types differ: ${a.dtype} and ${b.dtype}`);
      return [{ dtype: opts.bool === true ? 'bool' : a.dtype, dims: broadcastShapes(ctx, [a.dims, b.dims]) }];
    },
    js: (ctx, outputs) => {
      const a = input(ctx, 0);
      const b = input(ctx, 1);
      const isInt = a.dtype !== 'float32' && a.dtype !== 'float64';
      const f = isInt && opts.intFn !== undefined ? opts.intFn : fn;
      return broadcastKernel(outputs[0]!.dims, [a.dims, b.dims], (vals) => f(vals[0]!, vals[1]!));
    },
    wasm:
      opts.wasmOp === undefined
        ? undefined
        : (ctx) => {
            if (input(ctx, 0).dtype !== 'float32') return undefined;
            return wasmBinary(ctx, opts.wasmOp!);
          },
  };
}

function wasmBinary(ctx: WasmContext, op: number): Kernel {
  const plan = blockPlan(ctx.outputs[0]!.dims, [input(ctx, 0).dims, input(ctx, 1).dims]);
  const k = ctx.kernels;
  const { rows, cols } = plan;
  const aOff = plan.offsets[0]!;
  const bOff = plan.offsets[1]!;
  const sa = plan.rowStride[0]!;
  const sb = plan.rowStride[1]!;
  const ja = plan.colStride[0]!;
  const jb = plan.colStride[1]!;
  const block = rows * cols * 4;
  ctx.reads(0, blockExtent(plan, 0) * 4);
  ctx.reads(1, blockExtent(plan, 1) * 4);
  ctx.writes(0, blockCount(plan) * 4);
  return (ins, outs) => {
    const a = ins[0]!.ptr;
    const b = ins[1]!.ptr;
    const y = outs[0]!.ptr;
    for (let o = 0; o < aOff.length; o++) {
      k.binary(a + aOff[o]! * 4, sa, ja, b + bOff[o]! * 4, sb, jb, y + o * block, rows, cols, op);
    }
  };
}

/** A generic broadcasting kernel over element maps (plan-time maps, allocation-free runs). */
function broadcastKernel(outDims: number[], inDims: number[][], f: (vals: Float64Array) => number): Kernel {
  const plan = blockPlan(outDims, inDims);
  const vals = new Float64Array(inDims.length);
  const { rows, cols } = plan;
  const outer = plan.offsets[0]!.length;
  return (ins: readonly Slot[], outs: readonly Slot[]) => {
    const y = outs[0]!;
    let o = 0;
    for (let blk = 0; blk < outer; blk++) {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          for (let k = 0; k < ins.length; k++) {
            vals[k] = readElement(ins[k]!, plan.offsets[k]![blk]! + r * plan.rowStride[k]! + c * plan.colStride[k]!);
          }
          writeElement(y, o++, f(vals));
        }
      }
    }
  };
}

const intDiv: BinaryFn = (a, b) => (b === 0 ? 0 : Math.trunc(a / b));

export const binaryOps: Record<string, OpDef> = {
  Add: binaryOp((a, b) => a + b, { wasmOp: BinaryOp.add }),
  Sub: binaryOp((a, b) => a - b, { wasmOp: BinaryOp.sub }),
  Mul: binaryOp((a, b) => a * b, { wasmOp: BinaryOp.mul }),
  Div: binaryOp((a, b) => a / b, { intFn: intDiv, wasmOp: BinaryOp.div }),
  Pow: binaryOp((a, b) => a ** b),
  Mod: binaryOp((a, b) => a - Math.floor(a / b) * b),
  // (fmod = 1 is installed below: the remainder takes the dividend's sign.)
  Equal: binaryOp((a, b) => (a === b ? 1 : 0), { bool: true }),
  Less: binaryOp((a, b) => (a < b ? 1 : 0), { bool: true }),
  LessOrEqual: binaryOp((a, b) => (a <= b ? 1 : 0), { bool: true }),
  Greater: binaryOp((a, b) => (a > b ? 1 : 0), { bool: true }),
  GreaterOrEqual: binaryOp((a, b) => (a >= b ? 1 : 0), { bool: true }),
  And: binaryOp((a, b) => (a && b ? 1 : 0)),
  Or: binaryOp((a, b) => (a || b ? 1 : 0)),
  Xor: binaryOp((a, b) => (a ? 1 : 0) ^ (b ? 1 : 0)),
};

const baseMod = binaryOps.Mod!;

/** Mod: fmod = 0 (the default, integers only) takes the divisor's sign, fmod = 1 the dividend's (C fmod). */
binaryOps.Mod = {
  ...baseMod,
  infer: (ctx) => {
    const fmod = attrInt(ctx.node, 'fmod', 0);
    if (fmod !== 0 && fmod !== 1) throw attrError(ctx, `fmod must be 0 or 1 (got ${fmod})`, 'fmod');
    const a = input(ctx, 0);
    if (fmod === 0 && (a.dtype === 'float32' || a.dtype === 'float64'))
      throw attrError(ctx, 'fmod must be 1 for floating-point operands', 'fmod');
    return baseMod.infer(ctx);
  },
  js: (ctx, outputs) => {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    const f: BinaryFn = attrInt(ctx.node, 'fmod', 0) === 1 ? (x, y) => x % y : (x, y) => (y === 0 ? 0 : x - Math.floor(x / y) * y);
    return broadcastKernel(outputs[0]!.dims, [a.dims, b.dims], (vals) => f(vals[0]!, vals[1]!));
  },
};

/** Pow with a float exponent operand of another type is legal in ONNX; relax the type check. */
binaryOps.Pow = {
  ...binaryOps.Pow!,
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, dims: broadcastShapes(ctx, [input(ctx, 0).dims, input(ctx, 1).dims]) }],
};

/** Variadic Max/Min/Sum/Mean. */
function variadic(f: (vals: Float64Array, n: number) => number): OpDef {
  return {
    infer: (ctx) => [
      {
        dtype: input(ctx, 0).dtype,
        dims: broadcastShapes(
          ctx,
          ctx.inputs.map((v, i) => (v ?? input(ctx, i)).dims),
        ),
      },
    ],
    js: (ctx, outputs) => {
      const n = ctx.inputs.length;
      return broadcastKernel(
        outputs[0]!.dims,
        ctx.inputs.map((v, i) => (v ?? input(ctx, i)).dims),
        (vals) => f(vals, n),
      );
    },
  };
}

export const variadicOps: Record<string, OpDef> = {
  Max: variadic((v, n) => {
    let m = v[0]!;
    for (let i = 1; i < n; i++) m = Math.max(m, v[i]!);
    return m;
  }),
  Min: variadic((v, n) => {
    let m = v[0]!;
    for (let i = 1; i < n; i++) m = Math.min(m, v[i]!);
    return m;
  }),
  Sum: variadic((v, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]!;
    return s;
  }),
  Mean: variadic((v, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]!;
    return s / n;
  }),
};

/** Where(cond, x, y). */
export const Where: OpDef = {
  infer: (ctx) => {
    const x = input(ctx, 1);
    const y = input(ctx, 2);
    if (x.dtype !== y.dtype) throw opError(ctx, `branch types differ: ${x.dtype} and ${y.dtype}`);
    return [{ dtype: x.dtype, dims: broadcastShapes(ctx, [input(ctx, 0).dims, x.dims, y.dims]) }];
  },
  js: (ctx, outputs) =>
    broadcastKernel(outputs[0]!.dims, [input(ctx, 0).dims, input(ctx, 1).dims, input(ctx, 2).dims], (v) => (v[0] ? v[1]! : v[2]!)),
  wasm: (ctx) => {
    if (input(ctx, 0).dtype !== 'bool' || input(ctx, 1).dtype !== 'float32' || input(ctx, 2).dtype !== 'float32') return undefined;
    const plan = blockPlan(ctx.outputs[0]!.dims, [input(ctx, 0).dims, input(ctx, 1).dims, input(ctx, 2).dims]);
    ctx.reads(0, blockExtent(plan, 0));
    ctx.reads(1, blockExtent(plan, 1) * 4);
    ctx.reads(2, blockExtent(plan, 2) * 4);
    ctx.writes(0, blockCount(plan) * 4);
    const [co, xo, yo] = plan.offsets as [Int32Array, Int32Array, Int32Array];
    const [sc, sx, sy] = plan.rowStride as [number, number, number];
    const [jc, jx, jy] = plan.colStride as [number, number, number];
    const { rows, cols } = plan;
    const k = ctx.kernels;
    return (ins, outs) => {
      const c = ins[0]!.ptr;
      const x = ins[1]!.ptr;
      const y = ins[2]!.ptr;
      const o = outs[0]!.ptr;
      for (let b = 0; b < co.length; b++) {
        k.select(c + co[b]!, sc, jc, x + xo[b]! * 4, sx, jx, y + yo[b]! * 4, sy, jy, o + b * rows * cols * 4, rows, cols);
      }
    };
  },
};

/** Clip(x, min?, max?) with optional bound inputs (opset 11+). */
export const Clip: OpDef = {
  infer: (ctx) => {
    for (const i of [1, 2]) {
      const bound = ctx.inputs[i];
      if (bound !== undefined && sizeOf(bound.dims) !== 1)
        throw opError(ctx, `${i === 1 ? 'min' : 'max'} must be a single value`, `input[${i}]`);
    }
    return [{ dtype: input(ctx, 0).dtype, dims: [...input(ctx, 0).dims] }];
  },
  js: (ctx): Kernel => {
    const hasMin = ctx.inputs[1] !== undefined;
    const hasMax = ctx.inputs[2] !== undefined;
    return (ins, outs) => {
      const lo = hasMin ? readElement(ins[1]!, 0) : -Infinity;
      const hi = hasMax ? readElement(ins[2]!, 0) : Infinity;
      const x = ins[0]!;
      const y = outs[0]!;
      const n = sizeOf(y.dims);
      for (let i = 0; i < n; i++) writeElement(y, i, Math.min(hi, Math.max(lo, readElement(x, i))));
    };
  },
};

export type { OutputInfo };
