/**
 * Loads tickmind's WebAssembly kernels and manages their linear memory: an allocator of 64-byte
 * aligned regions.
 *
 * Three builds of the same kernels are embedded (a {@link KernelSet}): `relaxed` (SIMD128 plus
 * relaxed-SIMD fused multiply-add in the GEMM tiles, GEMV, batched matmul and attention), `simd`
 * (SIMD128) and `scalar`. The runtime takes the best the engine validates — relaxed where a tiny
 * relaxed-SIMD probe module validates, else SIMD128, else scalar — silently. {@link setKernelSet} or the environment variable `TICKMIND_KERNELS`
 * (`relaxed`, `simd`, `scalar` or `auto`) forces one, for tests and benchmarks.
 *
 * Determinism: every set gives bit-identical results run to run on a given machine and engine.
 * The sets differ from each other in the last bits: `f32x4.relaxed_madd` rounds once where the
 * hardware fuses (x86 FMA3, Arm), where SIMD128 multiplies and adds with two roundings; an engine
 * without FMA may round twice, so relaxed results may also differ between machines.
 *
 * All sessions share one runtime (see {@link sharedRuntime}), so regions are freed one by one
 * and reused: freed regions go to a free list (kept sorted by offset, neighbours merged), an
 * allocation takes the best-fitting free region before bumping `top`, and a region freed at the
 * top lowers it. WebAssembly memory never shrinks; reuse keeps its high-water mark flat across
 * create/dispose cycles. Every region starts zeroed, reused or not (weights are padded with
 * zeros). Owners record what they allocate in an {@link AllocationScope} and give it all back
 * at once (a disposed session, a plan, a build that failed half-way).
 */
import { TickmindError } from '../../core/errors.js';
import { decodeBase64, relaxedSimdSupported, simdSupported } from '../../core/wasm.js';
import { RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './binaries.generated.js';

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

export { relaxedSimdSupported, simdSupported };

/**
 * A build of the kernels: `relaxed` (SIMD128 + relaxed-SIMD fused multiply-add), `simd`
 * (SIMD128), `scalar` (no SIMD).
 */
export type KernelSet = 'relaxed' | 'simd' | 'scalar';

/** Every kernel set, fastest first. */
export const KERNEL_SETS: readonly KernelSet[] = ['relaxed', 'simd', 'scalar'];

/** A kernel set in words (for reports). */
export function describeKernelSet(set: KernelSet): string {
  if (set === 'relaxed') return 'relaxed SIMD (SIMD128 + f32x4.relaxed_madd fused multiply-add)';
  return set === 'simd' ? 'SIMD128 (multiply, then add)' : 'scalar (no SIMD)';
}

/** Whether this engine runs a kernel set. */
export function kernelSetSupported(set: KernelSet): boolean {
  if (set === 'scalar') return true;
  return set === 'simd' ? simdSupported() : relaxedSimdSupported();
}

/** The fastest kernel set this engine runs. */
export function bestKernelSet(): KernelSet {
  return relaxedSimdSupported() ? 'relaxed' : simdSupported() ? 'simd' : 'scalar';
}

let forcedSet: KernelSet | undefined;

/**
 * Forces the kernel set of the runtimes created from now on (sessions created later: a session
 * keeps the set it was created with); `'auto'` goes back to the environment variable
 * `TICKMIND_KERNELS`, else detection. Throws INVALID_ARGUMENT for an unknown name and
 * BACKEND_UNAVAILABLE for a set this engine does not run. Returns the previous setting.
 */
export function setKernelSet(set: KernelSet | 'auto'): KernelSet | 'auto' {
  const previous = forcedSet ?? 'auto';
  forcedSet = set === 'auto' ? undefined : checkedKernelSet(set, 'setKernelSet');
  return previous;
}

/**
 * The kernel set a runtime created now gets: {@link setKernelSet}'s, else `TICKMIND_KERNELS`'s
 * (`relaxed`, `simd`, `scalar`; empty or `auto`: detect), else {@link bestKernelSet}.
 */
export function defaultKernelSet(): KernelSet {
  if (forcedSet !== undefined) return forcedSet;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TICKMIND_KERNELS;
  if (env !== undefined && env !== '' && env !== 'auto') return checkedKernelSet(env, 'TICKMIND_KERNELS');
  return bestKernelSet();
}

function checkedKernelSet(name: string, source: string): KernelSet {
  if (!(KERNEL_SETS as readonly string[]).includes(name)) {
    throw new TickmindError('INVALID_ARGUMENT', `${source}: unknown kernel set '${name}' (relaxed, simd, scalar or auto)`);
  }
  const set = name as KernelSet;
  if (!kernelSetSupported(set)) {
    const hint =
      set === 'relaxed' ? ' (Node 20: run node with --experimental-wasm-relaxed-simd; Node 22+ and current browsers have it)' : '';
    throw new TickmindError('BACKEND_UNAVAILABLE', `${source}: this engine does not run the ${describeKernelSet(set)} kernels${hint}`);
  }
  return set;
}

const PAGE = 65536;
const ALIGN = 64;
/** 32-bit WebAssembly addresses 65536 pages at most. */
const MAX_BYTES = 65536 * PAGE;

const BINARIES: Record<KernelSet, string> = { relaxed: RELAXED_WASM_BASE64, simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64 };
const compiled = new Map<KernelSet, WebAssembly.Module>();

function compileKernels(set: KernelSet): WebAssembly.Module {
  let module = compiled.get(set);
  if (module === undefined) {
    module = new WebAssembly.Module(decodeBase64(BINARIES[set]) as BufferSource);
    compiled.set(set, module);
  }
  return module;
}

/** Options for {@link WasmRuntime}. */
export interface WasmRuntimeOptions {
  /** Use the scalar kernels even where SIMD128 is available (testing, comparison); wins over `kernels`. */
  forceScalar?: boolean;
  /** The kernel set to run (default: {@link defaultKernelSet}); BACKEND_UNAVAILABLE where the engine lacks it. */
  kernels?: KernelSet;
  /** Most 64 KiB pages the memory may grow to (default: the engine's limit); tests use it to make a grow fail. */
  maxPages?: number;
}

function resolveKernelSet(options: Pick<WasmRuntimeOptions, 'forceScalar' | 'kernels'>): KernelSet {
  if (options.forceScalar === true) return 'scalar';
  return options.kernels !== undefined ? checkedKernelSet(options.kernels, 'kernels') : defaultKernelSet();
}

const sharedRuntimes = new Map<KernelSet, WasmRuntime>();

/**
 * The process-wide runtime of a kernel set (default: {@link defaultKernelSet}) that every
 * session uses: one kernel instance and one memory. Sharing keeps each kernel call site
 * monomorphic (one exports object), which lets the engine inline the JS-to-WebAssembly call
 * without allocating, however many sessions a game creates.
 */
export function sharedRuntime(options: Pick<WasmRuntimeOptions, 'forceScalar' | 'kernels'> = {}): WasmRuntime {
  const set = resolveKernelSet(options);
  let runtime = sharedRuntimes.get(set);
  if (runtime === undefined) {
    runtime = new WasmRuntime({ kernels: set });
    sharedRuntimes.set(set, runtime);
  }
  return runtime;
}

/** One kernel instance with its own memory and allocator. */
export class WasmRuntime {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Which build of the kernels runs. */
  readonly kernelSet: KernelSet;
  /** Whether a SIMD128 build (`simd` or `relaxed`) is running. */
  readonly simd: boolean;
  /** Where regions start: the kernels' heap base, aligned. */
  readonly heapStart: number;
  /** End of the highest live region: nothing at or above it is allocated. */
  private top: number;
  /** Highest `top` so far: memory above it has never been handed out (still zero). */
  private peak: number;
  /** Size of every live region, by offset. */
  private readonly live = new Map<number, number>();
  private liveBytes = 0;
  // Free regions below `top`, sorted by offset; never adjacent to one another nor ending at `top`.
  private readonly freeStarts: number[] = [];
  private readonly freeSizes: number[] = [];

  constructor(options: WasmRuntimeOptions = {}) {
    this.kernelSet = resolveKernelSet(options);
    this.simd = this.kernelSet !== 'scalar';
    const module = compileKernels(this.kernelSet);
    this.memory = new WebAssembly.Memory(
      options.maxPages === undefined ? { initial: 16 } : { initial: Math.min(16, options.maxPages), maximum: options.maxPages },
    );
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: abort } });
    this.kernels = instance.exports as unknown as KernelExports;
    this.heapStart = align(this.kernels.heapBase());
    this.top = this.heapStart;
    this.peak = this.heapStart;
  }

  /**
   * Reserves a zeroed region of at least `bytes` (64-byte aligned) and returns its byte offset:
   * the smallest free region that fits, else fresh space at the top, growing memory as needed.
   * Throws MODEL_LIMIT when memory cannot grow, leaving the allocator as it was.
   */
  alloc(bytes: number): number {
    const size = regionSize(bytes);
    const clean = this.peak;
    const i = this.bestFit(size);
    const ptr = i >= 0 ? this.takeFree(i, size) : this.bump(size);
    this.live.set(ptr, size);
    this.liveBytes += size;
    // Fresh memory is zero; a region (or its part) below the old peak held someone's data.
    const dirtyEnd = Math.min(ptr + size, clean);
    if (dirtyEnd > ptr) new Uint8Array(this.memory.buffer, ptr, dirtyEnd - ptr).fill(0);
    return ptr;
  }

  /** Gives back a region {@link WasmRuntime.alloc} returned; its memory may be handed out again at once. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new TickmindError('INTERNAL', `kernel memory at ${ptr} is not an allocated region (freed twice?)`);
    this.live.delete(ptr);
    this.liveBytes -= size;
    this.release(ptr, size);
  }

  /**
   * End of the highest live region, in bytes from the start of memory (kernel data and stack
   * included): what the allocator holds now. It drops when the top regions are freed.
   */
  get bytesUsed(): number {
    return this.top;
  }

  /** The highest {@link WasmRuntime.bytesUsed} ever: what memory had to grow to. */
  get highWaterMark(): number {
    return this.peak;
  }

  /** Bytes in live regions (sizes rounded up to 64). */
  get bytesLive(): number {
    return this.liveBytes;
  }

  /** Bytes in free regions below {@link WasmRuntime.bytesUsed}, waiting for reuse. */
  get bytesFree(): number {
    let sum = 0;
    for (const s of this.freeSizes) sum += s;
    return sum;
  }

  /** The current memory buffer (changes when memory grows; views over the old one detach). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Index of the smallest free region of at least `size` bytes (lowest offset on ties), or -1. */
  private bestFit(size: number): number {
    let best = -1;
    for (let i = 0; i < this.freeSizes.length; i++) {
      const s = this.freeSizes[i]!;
      if (s >= size && (best < 0 || s < this.freeSizes[best]!)) best = i;
    }
    return best;
  }

  /** Takes `size` bytes from the start of free region `i`. */
  private takeFree(i: number, size: number): number {
    const ptr = this.freeStarts[i]!;
    if (this.freeSizes[i] === size) {
      this.freeStarts.splice(i, 1);
      this.freeSizes.splice(i, 1);
    } else {
      this.freeStarts[i] = ptr + size;
      this.freeSizes[i] = this.freeSizes[i]! - size;
    }
    return ptr;
  }

  /** Takes `size` bytes at the top, growing memory first so that a failure changes nothing. */
  private bump(size: number): number {
    const ptr = this.top;
    const end = ptr + size;
    this.reserve(end);
    this.top = end;
    if (end > this.peak) this.peak = end;
    return ptr;
  }

  /** Grows memory to at least `end` bytes; throws MODEL_LIMIT when it cannot. */
  private reserve(end: number): void {
    if (end > MAX_BYTES) {
      throw new TickmindError('MODEL_LIMIT', `kernel memory would need ${end} bytes, over the ${MAX_BYTES}-byte limit of WebAssembly`);
    }
    const needed = end - this.memory.buffer.byteLength;
    if (needed <= 0) return;
    try {
      this.memory.grow(Math.ceil(needed / PAGE));
    } catch (err) {
      throw new TickmindError('MODEL_LIMIT', `cannot grow WebAssembly memory to ${end} bytes: ${(err as Error).message}`);
    }
  }

  /** Puts [ptr, ptr + size) back: merged with free neighbours, or lowering `top` when it ends there. */
  private release(ptr: number, size: number): void {
    const starts = this.freeStarts;
    const sizes = this.freeSizes;
    const next = this.firstFreeAfter(ptr);
    let start = ptr;
    let end = ptr + size;
    let from = next;
    let to = next;
    if (next > 0 && starts[next - 1]! + sizes[next - 1]! === start) {
      from = next - 1;
      start = starts[from]!;
    }
    if (next < starts.length && starts[next] === end) {
      end = starts[next]! + sizes[next]!;
      to = next + 1;
    }
    if (end === this.top) {
      this.top = start;
      starts.splice(from, to - from);
      sizes.splice(from, to - from);
    } else {
      starts.splice(from, to - from, start);
      sizes.splice(from, to - from, end - start);
    }
  }

  /** Index of the first free region starting after `ptr` (binary search). */
  private firstFreeAfter(ptr: number): number {
    let lo = 0;
    let hi = this.freeStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeStarts[mid]! < ptr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The regions one owner (a session's constants, a plan) holds in a runtime. Owners allocate
 * through their scope so that they can give everything back: {@link AllocationScope.release}
 * frees all of it, or what was allocated since a {@link AllocationScope.mark} (a build that
 * failed half-way).
 */
export class AllocationScope {
  private readonly regions: number[] = [];

  constructor(readonly runtime: WasmRuntime) {}

  /** Allocates like {@link WasmRuntime.alloc} and records the region. */
  alloc(bytes: number): number {
    const ptr = this.runtime.alloc(bytes);
    this.regions.push(ptr);
    return ptr;
  }

  /** A point to release back to: the number of regions allocated so far. */
  get mark(): number {
    return this.regions.length;
  }

  /** Frees the regions allocated since `mark` (default: all), newest first. Harmless to repeat. */
  release(mark = 0): void {
    while (this.regions.length > mark) this.runtime.free(this.regions.pop()!);
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** A request's region size: at least 1 byte, rounded up to 64. */
function regionSize(bytes: number): number {
  if (!(bytes >= 0)) throw new TickmindError('INTERNAL', `cannot allocate ${bytes} bytes of kernel memory`);
  return align(Math.max(bytes, 1));
}

function abort(): never {
  throw new TickmindError('INTERNAL', 'a WebAssembly kernel aborted');
}
