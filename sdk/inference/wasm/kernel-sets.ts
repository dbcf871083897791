/**
 * Which build of tickmind's WebAssembly kernels runs, and its compiled module.
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
 * Each set's module is compiled once per process, on first use (runtime.ts instantiates it).
 */
import { TickmindError } from '../../core/errors.js';
import { decodeBase64, relaxedSimdSupported, simdSupported } from '../../core/wasm.js';
import { RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './binaries.generated.js';

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

/**
 * A kernel set named by `source` (an option, a variable), checked: INVALID_ARGUMENT when the name
 * is unknown, BACKEND_UNAVAILABLE when this engine does not run the set.
 */
export function checkedKernelSet(name: string, source: string): KernelSet {
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

const BINARIES: Record<KernelSet, string> = { relaxed: RELAXED_WASM_BASE64, simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64 };
const compiled = new Map<KernelSet, WebAssembly.Module>();

/** The compiled module of a kernel set (compiled on first use, then cached). */
export function compileKernels(set: KernelSet): WebAssembly.Module {
  let module = compiled.get(set);
  if (module === undefined) {
    module = new WebAssembly.Module(decodeBase64(BINARIES[set]) as BufferSource);
    compiled.set(set, module);
  }
  return module;
}
