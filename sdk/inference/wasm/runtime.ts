/**
 * Loads tickmind's WebAssembly kernels (SIMD128 where the engine validates it, else the
 * scalar build) and manages their linear memory: a bump allocator of 64-byte aligned
 * regions. Regions are never freed individually; a session owns one runtime and frees
 * everything by dropping it.
 */
import { TickmindError } from '../../core/errors.js';
import { decodeBase64, simdSupported } from '../../core/wasm.js';
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './binaries.generated.js';

/** The kernel exports, as the host calls them (pointers are byte offsets). */
export interface KernelExports {
  packB(b: number, bp: number, K: number, N: number, transB: number): void;
  packedSize(K: number, N: number): number;
  gemmPacked(a: number, lda: number, bp: number, bias: number, c: number, ldc: number, M: number, N: number, K: number, act: number): void;
  packDot(b: number, wp: number, K: number, N: number, transB: number): void;
  packedDotSize(K: number, N: number): number;
  gemvPacked(a: number, lda: number, wp: number, bias: number, c: number, ldc: number, M: number, N: number, K: number, act: number): void;
  matmulBatched(
    a: number,
    sa: number,
    lda: number,
    b: number,
    sb: number,
    ldb: number,
    c: number,
    sc: number,
    ldc: number,
    batch: number,
    M: number,
    N: number,
    K: number,
  ): void;
  layerNorm(x: number, gamma: number, beta: number, y: number, rows: number, cols: number, eps: number): void;
  softmax(x: number, y: number, rows: number, cols: number): void;
  activate(x: number, y: number, n: number, act: number): void;
  unary(x: number, y: number, n: number, op: number): void;
  binary(a: number, sa: number, ja: number, b: number, sb: number, jb: number, y: number, rows: number, cols: number, op: number): void;
  attention(
    q: number,
    qn: number,
    qi: number,
    k: number,
    kn: number,
    kj: number,
    v: number,
    vn: number,
    vj: number,
    o: number,
    on: number,
    oi: number,
    m: number,
    mn: number,
    mi: number,
    heads: number,
    T: number,
    S: number,
    D: number,
    scale: number,
    scratch: number,
  ): void;
  copyBlocks(src: number, srcStride: number, map: number, dst: number, dstStride: number, count: number, runBytes: number): void;
  select(
    c: number,
    sc: number,
    jc: number,
    x: number,
    sx: number,
    jx: number,
    y: number,
    sy: number,
    jy: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  im2colPanels(
    x: number,
    bp: number,
    C: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    OH: number,
    OW: number,
    ones: number,
  ): void;
  pool2d(
    x: number,
    y: number,
    NC: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    padB: number,
    padR: number,
    OH: number,
    OW: number,
    avg: number,
    includePad: number,
  ): void;
  gru(
    x: number,
    w: number,
    r: number,
    bias: number,
    h0: number,
    y: number,
    yh: number,
    scratch: number,
    seq: number,
    batch: number,
    I: number,
    H: number,
    dirs: number,
    reverseOnly: number,
    lbr: number,
  ): void;
  lstm(
    x: number,
    w: number,
    r: number,
    bias: number,
    h0: number,
    c0: number,
    p: number,
    y: number,
    yh: number,
    yc: number,
    scratch: number,
    seq: number,
    batch: number,
    I: number,
    H: number,
    dirs: number,
    reverseOnly: number,
  ): void;
  packedInt8Size(K: number, N: number): number;
  packInt8(b: number, wq: number, scales: number, K: number, N: number, transB: number): void;
  gemvInt8(
    a: number,
    lda: number,
    wq: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    aq: number,
  ): void;
  depthwise2d(
    x: number,
    w: number,
    bias: number,
    y: number,
    NC: number,
    C: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    OH: number,
    OW: number,
  ): void;
  packedInt8GemmSize(K: number, N: number): number;
  packInt8Gemm(b: number, bp: number, scales: number, K: number, N: number, transB: number): void;
  gemmInt8(
    a: number,
    lda: number,
    bp: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    aq: number,
    ascale: number,
  ): void;
  gemmInt8Quantized(
    aq: number,
    ascale: number,
    bp: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
  ): void;
  absMax(x: number, n: number): number;
  quantizeRows(a: number, lda: number, K: number, M: number, aq: number, ascale: number): void;
  quantizePanels(src: number, dst: number, K: number, N: number, inv: number): void;
  addRowBias(c: number, bias: number, M: number, N: number): void;
  fillF32(dst: number, value: number, n: number): void;
  heapBase(): number;
}

/** Activation codes understood by gemmPacked and activate. */
export const Act = { none: 0, relu: 1, gelu: 2 } as const;
/** Op codes of the unary kernel. */
export const UnaryOp = { erf: 0, exp: 1, sigmoid: 2 } as const;
/** Op codes of the binary kernel. */
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3 } as const;

export { simdSupported };

const PAGE = 65536;
const ALIGN = 64;

let compiled: { module: WebAssembly.Module; simd: boolean } | undefined;

function compileKernels(forceScalar: boolean): { module: WebAssembly.Module; simd: boolean } {
  const simd = !forceScalar && simdSupported();
  if (!forceScalar && compiled !== undefined) return compiled;
  const bytes = decodeBase64(simd ? SIMD_WASM_BASE64 : SCALAR_WASM_BASE64);
  const result = { module: new WebAssembly.Module(bytes as BufferSource), simd };
  if (!forceScalar) compiled = result;
  return result;
}

/** Options for {@link WasmRuntime}. */
export interface WasmRuntimeOptions {
  /** Use the scalar kernels even where SIMD128 is available (testing, comparison). */
  forceScalar?: boolean;
}

const sharedRuntimes: { simd?: WasmRuntime; scalar?: WasmRuntime } = {};

/**
 * The process-wide runtime every session uses: one kernel instance and one memory. Sharing
 * keeps each kernel call site monomorphic (one exports object), which lets the engine inline
 * the JS-to-WebAssembly call without allocating, however many sessions a game creates.
 */
export function sharedRuntime(options: WasmRuntimeOptions = {}): WasmRuntime {
  const key = options.forceScalar === true || !simdSupported() ? 'scalar' : 'simd';
  sharedRuntimes[key] ??= new WasmRuntime(options);
  return sharedRuntimes[key];
}

/** One kernel instance with its own memory and allocator. */
export class WasmRuntime {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Whether the SIMD128 build is running. */
  readonly simd: boolean;
  private top: number;

  constructor(options: WasmRuntimeOptions = {}) {
    const { module, simd } = compileKernels(options.forceScalar === true);
    this.simd = simd;
    this.memory = new WebAssembly.Memory({ initial: 16 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: abort } });
    this.kernels = instance.exports as unknown as KernelExports;
    this.top = align(this.kernels.heapBase());
  }

  /** Reserves `bytes` (64-byte aligned) and returns the byte offset. Grows memory as needed. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align(ptr + Math.max(bytes, 1));
    const needed = this.top - this.memory.buffer.byteLength;
    if (needed > 0) {
      const pages = Math.ceil(needed / PAGE);
      try {
        this.memory.grow(pages);
      } catch (err) {
        throw new TickmindError('MODEL_LIMIT', `cannot grow WebAssembly memory to ${this.top} bytes: ${(err as Error).message}`);
      }
    }
    return ptr;
  }

  /** Bytes reserved so far. */
  get bytesUsed(): number {
    return this.top;
  }

  /** The current memory buffer (changes when memory grows; views over the old one detach). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function abort(): never {
  throw new TickmindError('INTERNAL', 'a WebAssembly kernel aborted');
}
