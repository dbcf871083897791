/**
 * The kernel runtime: one instance of tickmind's WebAssembly kernels with its linear memory, and
 * an allocator of 64-byte aligned regions in that memory. Which build of the kernels it runs is
 * kernel-sets.ts's job; what the kernels export is kernel-exports.ts's. This module re-exports
 * both, so importers keep one path.
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
import type { KernelExports } from './kernel-exports.js';
import { checkedKernelSet, compileKernels, defaultKernelSet, type KernelSet } from './kernel-sets.js';

export { relaxedSimdSupported, simdSupported } from '../../core/wasm.js';
export type { KernelExports } from './kernel-exports.js';
export { Act, BinaryOp, UnaryOp } from './kernel-exports.js';
export type { KernelSet } from './kernel-sets.js';
export {
  bestKernelSet,
  defaultKernelSet,
  describeKernelSet,
  KERNEL_SETS,
  kernelSetSupported,
  setKernelSet,
} from './kernel-sets.js';

const PAGE = 65536;
const ALIGN = 64;
/** 32-bit WebAssembly addresses 65536 pages at most. */
const MAX_BYTES = 65536 * PAGE;

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
    // The kernels' static data and scratch lie below heapStart: memory covers them before any call.
    this.reserve(this.heapStart);
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
