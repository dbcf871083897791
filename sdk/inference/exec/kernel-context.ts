/**
 * What a kernel factory works with when a plan is built: the plan's kernel memory (bounded by
 * maxPlanBytes before anything is allocated), the bounds every WebAssembly kernel declares for
 * what it reads and writes (checked against the tensors it is given), and the WasmContext the
 * ops' `wasm` factories receive.
 */
import { TickmindError } from '../../core/errors.js';
import type { Node } from '../ir/graph.js';
import { nodeLabel } from '../ir/graph.js';
import type { OpDef, OutputInfo, ValueState, WasmContext } from '../ops/types.js';
import type { DType, Tensor } from '../tensor.js';
import { byteSize, sizeOf } from '../tensor.js';
import { AllocationScope, type WasmRuntime } from '../wasm/runtime.js';
import { type ConstantStore, SMALL_ROWS } from './constants.js';
import { runtimeV8Version, SPARSE_MAX_K, sparseRowsByDefault } from './sparse-rows.js';

/**
 * Shortest reduction (K) a linear layer runs on int8 weights for. Measured at batch 1 once the
 * rows were quantized with SIMD: K = 64 layers gain (the d = 64 transformer 1.10×), shorter ones
 * are left to float32 (quantizing a short row costs what its dot products save).
 */
const INT8_MIN_K = 64;

/** A node left to run once planning has folded what it can: its op and the states of its values. */
export interface Pending {
  node: Node;
  op: OpDef;
  inputs: (ValueState | undefined)[];
  outputs: OutputInfo[];
}

/** A plan's kernel memory: one allocation scope, its bytes bounded by maxPlanBytes before anything is allocated. */
export class PlanMemory {
  readonly scope: AllocationScope;
  private bytes = 0;

  constructor(
    runtime: WasmRuntime,
    private readonly max: number,
  ) {
    this.scope = new AllocationScope(runtime);
  }

  get runtime(): WasmRuntime {
    return this.scope.runtime;
  }

  /** A region of `bytes` (zeroed, 64-byte aligned), owned by the plan. */
  alloc(bytes: number, node?: Node): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new TickmindError('INTERNAL', `cannot allocate ${bytes} bytes of kernel memory`, node === undefined ? {} : { node: node.name });
    }
    this.bytes += bytes;
    if (this.bytes > this.max) {
      throw new TickmindError('MODEL_LIMIT', `the plan would need ${this.bytes} bytes of kernel memory, over the limit of ${this.max}`, {
        ...(node !== undefined ? { node: node.name } : {}),
      });
    }
    return this.scope.alloc(bytes);
  }

  /**
   * The buffers for rows × K values of `value` quantized for the int8 GEMM (quantizeRowGroups):
   * `first` for the first linear layer over them, which quantizes; the later ones (same value,
   * rows and K) reuse what it wrote; `value` undefined: buffers of the caller's own. Safe
   * because a plan runs every step, in order, and a value is written once, before any of its
   * readers.
   */
  int8Rows(value: string | undefined, rows: number, K: number, node: Node): Int8Rows & { first: boolean } {
    const key = `${value}\u0000${rows}\u0000${K}`;
    const hit = value === undefined ? undefined : this.quantizedRows.get(key);
    if (hit !== undefined) return { ...hit, first: false };
    // Rows quantized in groups of 4 (the last one padded): see quantizeRowGroups.
    const paddedRows = Math.ceil(rows / 4) * 4;
    const rowsQ = this.alloc(paddedRows * Math.ceil(K / 2) * 4, node);
    const rowScales = this.alloc(paddedRows * 4, node);
    const made = { rowsQ, rowScales };
    if (value !== undefined) this.quantizedRows.set(key, made);
    return { ...made, first: true };
  }

  private readonly quantizedRows = new Map<string, Int8Rows>();
}

/** Rows of A quantized for the int8 GEMM: the i16 pairs and one scale per row. */
interface Int8Rows {
  rowsQ: number;
  rowScales: number;
}

/**
 * The bounds of one WebAssembly kernel, checked when it is planned: the kernel factory declares
 * the bytes its kernel reads from each input and writes to each output (from the same geometry it
 * passes the kernel), and each must fit the value's storage. A kernel that would read or write
 * past a tensor — into another tensor, or another session's memory — is refused here, and a
 * factory that declares no write for an output it produces is refused too.
 */
export class Extents {
  private readonly written: boolean[];

  constructor(private readonly p: Pending) {
    this.written = p.node.outputs.map((name) => name === '');
  }

  /** The kernel reads `bytes` of input `i` from its start: refused unless the input holds that many. */
  reads(i: number, bytes: number): void {
    const s = this.p.inputs[i];
    if (s === undefined) {
      if (bytes > 0) this.fail(`reads ${bytes} bytes of input ${i}, which is absent`);
      return;
    }
    this.check(`input ${i}`, s, bytes);
  }

  /** The kernel writes `bytes` of output `j` from its start: refused unless the output holds that many. */
  writes(j: number, bytes: number): void {
    const o = this.p.outputs[j];
    if (o === undefined || this.p.node.outputs[j] === '' || this.p.node.outputs[j] === undefined) {
      if (bytes > 0) this.fail(`writes ${bytes} bytes to output ${j}, which is not produced`);
      return;
    }
    this.check(`output ${j}`, o, bytes);
    this.written[j] = true;
  }

  /** Every output the node produces must have been declared. */
  complete(): void {
    const j = this.written.indexOf(false);
    if (j >= 0)
      throw new TickmindError('INTERNAL', `${nodeLabel(this.p.node)}: its kernel declares no bounds for output ${j}`, {
        node: this.p.node.name,
      });
  }

  private check(what: string, s: { dtype: DType; dims: number[] }, bytes: number): void {
    const have = sizeOf(s.dims) * byteSize(s.dtype);
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > have) {
      this.fail(`its kernel would access ${bytes} bytes of ${what}, which holds ${have} (${s.dtype} [${s.dims.join(', ')}])`);
    }
  }

  private fail(message: string): never {
    throw new TickmindError('SHAPE_MISMATCH', `${nodeLabel(this.p.node)}: ${message}`, { node: this.p.node.name });
  }
}

/** The context an op's `wasm` factory receives for `p`: kernels, memory, weights and the bounds it must declare. */
export function wasmContext(
  p: Pending,
  memory: PlanMemory,
  constants: ConstantStore,
  options: { int8?: boolean; fetchAhead?: boolean; sparseRows?: boolean; reluOutputs?: ReadonlySet<string> },
  extents: Extents,
): WasmContext {
  const runtime = memory.runtime;
  // gemmSparseRows over a ReLU's output: asked for, or by default where the engine suits it; SIMD
  // kernels only (the scalar build has no sparse tile), K listable, B finite (0 · ∞ is NaN).
  const sparseRows = (K: number, w: Tensor): boolean =>
    (options.sparseRows ?? sparseRowsByDefault(runtimeV8Version())) && runtime.simd && K <= SPARSE_MAX_K && constants.isFinite(w);
  return {
    node: p.node,
    inputs: p.inputs,
    outputs: p.outputs,
    kernels: runtime.kernels,
    runtime,
    linear: (w, transB, rows, K, N, rowsOf) => {
      const k = runtime.kernels;
      const [r, c] = transB ? [N, K] : [K, N];
      if (w.dtype !== 'float32' || w.dims.length !== 2 || w.dims[0] !== r || w.dims[1] !== c) {
        throw new TickmindError(
          'SHAPE_MISMATCH',
          `${nodeLabel(p.node)}: the weight is ${w.dtype} [${w.dims.join(', ')}], the layer needs float32 [${r}, ${c}]`,
          { node: p.node.name },
        );
      }
      // Int8 pays where the reduction is long enough to amortize quantizing the rows (INT8_MIN_K).
      const int8 = options.int8 === true && K >= INT8_MIN_K;
      if (int8 && rows < SMALL_ROWS) {
        const q = constants.int8Dot(w, transB);
        return (a, bias, c, act) => k.gemvInt8(a, K, q.ptr, q.scales, bias, c, N, rows, N, K, act, q.row);
      }
      if (int8) {
        const q = constants.int8Gemm(w, transB);
        const { rowsQ, rowScales, first } = memory.int8Rows(rowsOf, rows, K, p.node);
        return first
          ? (a, bias, c, act) => k.gemmInt8(a, K, q.ptr, q.scales, bias, c, N, rows, N, K, act, rowsQ, rowScales)
          : (_a, bias, c, act) => k.gemmInt8Grouped(rowsQ, rowScales, q.ptr, q.scales, bias, c, N, rows, N, K, act);
      }
      const { ptr, small } = constants.linear(w, transB, rows);
      if (small) return (a, bias, c, act) => k.gemvPacked(a, K, ptr, bias, c, N, rows, N, K, act);
      const ahead = options.fetchAhead === true ? 1 : 0;
      if (rowsOf === undefined || options.reluOutputs?.has(rowsOf) !== true || !sparseRows(K, w)) {
        return (a, bias, c, act) => k.gemmPacked(a, K, ptr, bias, c, N, rows, N, K, act, ahead);
      }
      const strips = constants.strips(w, transB);
      const lists = memory.alloc(k.sparseListBytes(K), p.node);
      return (a, bias, c, act) => k.gemmSparseRows(a, K, ptr, strips, bias, c, N, rows, N, K, act, lists, ahead);
    },
    int8Linear: (K, minK = INT8_MIN_K) => options.int8 === true && K >= minK,
    constPtr: (i) => (p.inputs[i] === undefined ? -1 : constants.place(p.inputs[i]!.value!)),
    scratch: (bytes) => memory.alloc(bytes, p.node),
    reads: (i, bytes) => extents.reads(i, bytes),
    writes: (j, bytes) => extents.writes(j, bytes),
  };
}
