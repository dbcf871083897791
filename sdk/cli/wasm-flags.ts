/**
 * Relaxed SIMD on Node 20: V8 11.3 implements it behind `--experimental-wasm-relaxed-simd`
 * (shipped from V8 11.4: Node 22+ runs it with no flag; newer V8s dropped the flag, and Node
 * refuses an unknown flag on its command line, so the benches turn it on from inside instead).
 */
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '../core/index.js';

/** The V8 flag that enables relaxed SIMD on Node 20. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Makes relaxed SIMD available where the engine has it behind the flag (Node 20): sets the V8
 * flag in this process, which takes effect for modules compiled afterwards (the kernels compile
 * on first use). Returns whether relaxed SIMD validates now. Does nothing where it already
 * validates, and never sets the flag on Node 21+ (there it ships, or the flag no longer exists).
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return relaxedSimdSupported();
}
