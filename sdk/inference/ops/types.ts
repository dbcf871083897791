/**
 * The operator interface. Each op infers its outputs from concrete input shapes (and
 * the plan-time values of inputs it needs as constants, like Reshape's shape) and builds
 * a kernel over those shapes. Kernels are built once per plan and called once per run:
 * they read and write the `data` views of their slots and allocate nothing.
 */
import type { Node } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import type { KernelExports, WasmRuntime } from '../wasm/runtime.js';

/** What the planner knows about a value: dtype and concrete dims, and its value when constant. */
export interface ValueState {
  dtype: DType;
  dims: number[];
  value?: Tensor;
}

/** A tensor bound to storage. `ptr` is its byte offset in kernel memory, or -1 off the arena. */
export interface Slot extends Tensor {
  ptr: number;
}

/** Output type and shape. */
export interface OutputInfo {
  dtype: DType;
  dims: number[];
}

/** A kernel: computes `outs` from `ins`. Missing optional inputs are absent from `ins` only by index. */
export type Kernel = (ins: readonly Slot[], outs: readonly Slot[]) => void;

/** Everything an op sees when planning one node. */
export interface OpContext {
  node: Node;
  /** Input states by position; undefined for a missing optional input. */
  inputs: ReadonlyArray<ValueState | undefined>;
}

/** Everything a WebAssembly kernel factory sees. */
export interface WasmContext extends OpContext {
  outputs: readonly OutputInfo[];
  kernels: KernelExports;
  /**
   * The kernels' memory, to fill regions from {@link WasmContext.scratch} at plan time. There is
   * no `alloc` here on purpose: scratch belongs to the plan and is freed with it.
   */
  runtime: Pick<WasmRuntime, 'buffer'>;
  /**
   * A linear layer: returns a kernel call `(a, bias, c, act)` computing act(A·W + bias) for
   * `rows` rows of A, with W packed (once per session) for the kernel that suits `rows`.
   * `rowsOf`: the value the call's A is, read as it is (rows × K, row-major). Linear layers of
   * one plan over the same value then share the work on its rows: with int8 weights the first
   * of them quantizes the rows and the others reuse them (q, k and v of one attention layer).
   */
  linear(weight: Tensor, transB: boolean, rows: number, K: number, N: number, rowsOf?: string): LinearCall;
  /**
   * Whether a reduction of length K runs on int8 weights in this session: `quantize: 'int8'` and
   * K ≥ minK (default the linear layers' 64; {@link WasmContext.linear} applies it itself).
   */
  int8Linear(K: number, minK?: number): boolean;
  /** A constant's copy in kernel memory (cached per session), or -1 for a missing input. */
  constPtr(index: number): number;
  /** Scratch bytes private to this node (zeroed, 64-byte aligned), allocated and freed with the plan. */
  scratch(bytes: number): number;
  /**
   * Declares how many bytes, from its start, the kernel reads of input `i` (a runtime slot or a
   * constant's copy). The planner refuses the node if the value holds fewer: no kernel reads past a tensor.
   */
  reads(i: number, bytes: number): void;
  /** Declares the bytes the kernel writes to output `j`; every output the node produces must be declared. */
  writes(j: number, bytes: number): void;
}

/** Computes act(A·W + bias) into C for pointers a, bias (0 for none), c. */
export type LinearCall = (a: number, bias: number, c: number, act: number) => void;

/** One operator. */
export interface OpDef {
  /** Output types and shapes. Throws TickmindError on invalid inputs. */
  infer(ctx: OpContext): OutputInfo[];
  /** A portable kernel: used to fold constants and where no WebAssembly kernel applies. */
  js(ctx: OpContext, outputs: readonly OutputInfo[]): Kernel;
  /** A WebAssembly kernel for this node's shapes, or undefined to fall back to `js`. */
  wasm?(ctx: WasmContext): Kernel | undefined;
  /** Output 0 shares input 0's storage (reshape-like ops copy nothing); a function decides per node. */
  alias?: boolean | ((ctx: OpContext) => boolean);
  /** Floating-point operations one run of this node performs (for GFLOP/s reports); 0 if omitted. */
  flops?(ctx: OpContext, outputs: readonly OutputInfo[]): number;
  /** The output depends on input dims only (Shape, Size): always computed when planning. */
  shapeOnly?: boolean;
  /** Input positions whose values must be known when planning (shape-like operands). */
  constInputs?: readonly number[];
}
