// Vector math shared by the kernels: exp, erf and tanh (sigmoid) as SIMD polynomials, with scalar
// twins that evaluate the same polynomials so both builds agree to rounding.

/**
 * acc + a * b per lane, the multiply-accumulate of every hot loop (arguments in the order the
 * SIMD128 expression `f32x4.add(acc, f32x4.mul(a, b))` evaluates them). The relaxed-SIMD build
 * (`--enable relaxed-simd`) emits one `f32x4.relaxed_madd`: a fused multiply-add where the
 * hardware has one (x86 FMA3, Arm NEON), rounded once; an engine without FMA may round twice.
 * The SIMD128 build emits exactly the multiply then add it always did, so its results are
 * unchanged. Either build is deterministic on a given machine and engine; the two differ from
 * each other in the last bits. Used where several accumulators are in flight (the GEMM tiles,
 * GEMV, attention's 16/32-wide heads, two-chain batched matmul): a fused multiply-add waits 4
 * cycles for its accumulator on x86, a plain add 2-3, so a loop with a single accumulator chain
 * (LayerNorm's variance, attention of other head sizes) keeps multiply-then-add. Also the steps
 * of the exp, erf and tanh polynomials (Horner), where the multiply is on the chain too: one FMA
 * there waits 4 cycles where multiply then add waits 6-7.
 */
// @ts-expect-error: decorator
@inline
export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// Cephes-style expf: exp(x) = 2^n * p(r), x = n ln2 + r, |r| <= ln2 / 2.
const EXP_HI: f32 = 88.3762626647949;
const EXP_LO: f32 = -87.3365447505531;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/**
 * 1.5 * 2^23: for |a| < 2^22, a + ROUNDER lands where floats are whole numbers, so the add
 * rounds a to the nearest integer (ties to even, as `nearest`), and the sum's low mantissa bits
 * hold that integer: its bits are 0x4B400000 + n.
 */
const ROUNDER: f32 = 12582912.0;

// @ts-expect-error: decorator
@inline
export function expScalar(x0: f32): f32 {
  let x = min<f32>(max<f32>(x0, EXP_LO), EXP_HI);
  const n = nearest<f32>(x * LOG2E);
  x = x - n * LN2_HI;
  x = x - n * LN2_LO;
  const z = x * x;
  let y = P0;
  y = y * x + P1;
  y = y * x + P2;
  y = y * x + P3;
  y = y * x + P4;
  y = y * x + P5;
  y = y * z + x + 1.0;
  const pow2 = reinterpret<f32>((<i32>n + 127) << 23);
  return y * pow2;
}

// @ts-expect-error: decorator
@inline
export function expVec(x0: v128): v128 {
  let x = f32x4.pmin(f32x4.pmax(x0, v128.load(VC, V_EXP_LO)), v128.load(VC, V_EXP_HI));
  // n = nearest(x * log2e) by the rounder, which also leaves n as an integer in the low bits
  // (see ROUNDER): the same n, bit for bit, without a float-to-int conversion (on x86 that
  // conversion's saturation costs several instructions per vector).
  const t = f32x4.add(f32x4.mul(x, v128.load(VC, V_LOG2E)), v128.load(VC, V_ROUNDER));
  const n = f32x4.sub(t, v128.load(VC, V_ROUNDER));
  x = f32x4.sub(x, f32x4.mul(n, v128.load(VC, V_LN2_HI)));
  x = f32x4.sub(x, f32x4.mul(n, v128.load(VC, V_LN2_LO)));
  const z = f32x4.mul(x, x);
  let y = v128.load(VC, V_P0);
  y = madd(v128.load(VC, V_P1), y, x);
  y = madd(v128.load(VC, V_P2), y, x);
  y = madd(v128.load(VC, V_P3), y, x);
  y = madd(v128.load(VC, V_P4), y, x);
  y = madd(v128.load(VC, V_P5), y, x);
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), v128.load(VC, V_ONE));
  // t's bits are ROUNDER's plus n, and ROUNDER's bits shift out past bit 31: 2^n's bits.
  const pow2 = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

/** Below this, softmax's exp weighs exactly 0: exp(-86) ~ 2^-124, so every lane's result stays a normal float. */
const ZERO_BELOW: f32 = -86.0;

/**
 * exp(x), but exactly 0 where x < -86 (softmax's underflow; the reference gives at most ~1e-38
 * there); NaN stays NaN. Masked scores (-inf) then weigh exactly 0, as in the reference. The
 * input is raised to -86 before the polynomial, not only the output masked: a lane clamped at
 * EXP_LO would still multiply out a subnormal, which x86 runs through a microcode assist (~100
 * cycles; masked attention ran ~12x slower on Intel, and 40 % masked keys still cost a third of
 * the attention time).
 */
// @ts-expect-error: decorator
@inline
export function expOrZeroVec(x: v128): v128 {
  const lo = f32x4.splat(ZERO_BELOW);
  return v128.andnot(expVec(f32x4.pmax(x, lo)), f32x4.lt(x, lo));
}

// @ts-expect-error: decorator
@inline
export function expOrZeroScalar(x: f32): f32 {
  return x < ZERO_BELOW ? 0 : expScalar(x);
}

// Rational approximation of erf on [-4, 4] (erf is +-1 to float precision beyond).
const A1: f32 = -1.60960333262415e-2;
const A3: f32 = -2.95459980854025e-3;
const A5: f32 = -7.34990630326855e-4;
const A7: f32 = -5.6925063946234e-5;
const A9: f32 = -2.10102402082508e-6;
const A11: f32 = 2.77068142495902e-8;
const A13: f32 = -2.72614225801306e-10;
const B0: f32 = -1.42647390514189e-2;
const B2: f32 = -7.37332916720468e-3;
const B4: f32 = -1.68282697438203e-3;
const B6: f32 = -2.13374055278905e-4;
const B8: f32 = -1.45660718464996e-5;

// tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±7.9053111 (beyond, tanh rounds to within 3e-7 of ±1):
// a 13/6-degree rational interpolant, accurate to a few ulp there, with the coefficients Eigen
// publishes for its float tanh — one division and two short polynomials, no exp. Past ~8.1 the
// interpolant overshoots 1 (by up to 2e-7 at 8.5), hence this clamp rather than 9, so |tanh| ≤ 1
// and σ stays in [0, 1]. σ(x) = 1/2 + tanh(x/2)/2: absolute error ≤ ~3e-7 (relative accuracy is
// lost only where σ itself is below ~1e-6).
const TANH_CLAMP: f32 = 7.90531110763549805;
const T1: f32 = 4.89352455891786e-3;
const T3: f32 = 6.37261928875436e-4;
const T5: f32 = 1.48572235717979e-5;
const T7: f32 = 5.12229709037114e-8;
const T9: f32 = -8.60467152213735e-11;
const T11: f32 = 2.00018790482477e-13;
const T13: f32 = -2.76076847742355e-16;
const U0: f32 = 4.89352518554385e-3;
const U2: f32 = 2.26843463243900e-3;
const U4: f32 = 1.18534705686654e-4;
const U6: f32 = 1.19825839466702e-6;

// Every vector constant as a 16-byte row of one table, read with v128.load at a fixed address:
// V8 builds an f32x4.splat of a constant with three instructions (movabs, vmovq, vpunpcklqdq)
// at each use inside a loop, a load is one. Same values, so the same results bit for bit.
const VC = memory.data<f32>(
  [
  EXP_LO, EXP_LO, EXP_LO, EXP_LO,
  EXP_HI, EXP_HI, EXP_HI, EXP_HI,
  LOG2E, LOG2E, LOG2E, LOG2E,
  LN2_HI, LN2_HI, LN2_HI, LN2_HI,
  LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  P0, P0, P0, P0,
  P1, P1, P1, P1,
  P2, P2, P2, P2,
  P3, P3, P3, P3,
  P4, P4, P4, P4,
  P5, P5, P5, P5,
  1.0, 1.0, 1.0, 1.0,
  -4.0, -4.0, -4.0, -4.0,
  4.0, 4.0, 4.0, 4.0,
  A13, A13, A13, A13,
  A11, A11, A11, A11,
  A9, A9, A9, A9,
  A7, A7, A7, A7,
  A5, A5, A5, A5,
  A3, A3, A3, A3,
  A1, A1, A1, A1,
  B8, B8, B8, B8,
  B6, B6, B6, B6,
  B4, B4, B4, B4,
  B2, B2, B2, B2,
  B0, B0, B0, B0,
  0.7071067811865476, 0.7071067811865476, 0.7071067811865476, 0.7071067811865476,
  0.5, 0.5, 0.5, 0.5,
  TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, TANH_CLAMP,
  -TANH_CLAMP, -TANH_CLAMP, -TANH_CLAMP, -TANH_CLAMP,
  T13, T13, T13, T13,
  T11, T11, T11, T11,
  T9, T9, T9, T9,
  T7, T7, T7, T7,
  T5, T5, T5, T5,
  T3, T3, T3, T3,
  T1, T1, T1, T1,
  U6, U6, U6, U6,
  U4, U4, U4, U4,
  U2, U2, U2, U2,
  U0, U0, U0, U0,
  ROUNDER, ROUNDER, ROUNDER, ROUNDER,
  ],
  16,
);
const V_EXP_LO: usize = 0;
const V_EXP_HI: usize = 16;
const V_LOG2E: usize = 32;
const V_LN2_HI: usize = 48;
const V_LN2_LO: usize = 64;
const V_P0: usize = 80;
const V_P1: usize = 96;
const V_P2: usize = 112;
const V_P3: usize = 128;
const V_P4: usize = 144;
const V_P5: usize = 160;
const V_ONE: usize = 176;
const V_ERF_LO: usize = 192;
const V_ERF_HI: usize = 208;
const V_A13: usize = 224;
const V_A11: usize = 240;
const V_A9: usize = 256;
const V_A7: usize = 272;
const V_A5: usize = 288;
const V_A3: usize = 304;
const V_A1: usize = 320;
const V_B8: usize = 336;
const V_B6: usize = 352;
const V_B4: usize = 368;
const V_B2: usize = 384;
const V_B0: usize = 400;
const V_SQRT1_2: usize = 416;
const V_HALF: usize = 432;
const V_TANH_HI: usize = 448;
const V_TANH_LO: usize = 464;
const V_T13: usize = 480;
const V_T11: usize = 496;
const V_T9: usize = 512;
const V_T7: usize = 528;
const V_T5: usize = 544;
const V_T3: usize = 560;
const V_T1: usize = 576;
const V_U6: usize = 592;
const V_U4: usize = 608;
const V_U2: usize = 624;
const V_U0: usize = 640;
const V_ROUNDER: usize = 656;

/** A vector of 1s from the constant table (a splat costs V8 three instructions per use in a loop). */
// @ts-expect-error: decorator
@inline
export function ONE_VEC(): v128 {
  return v128.load(VC, V_ONE);
}

// @ts-expect-error: decorator
@inline
export function erfScalar(x0: f32): f32 {
  const x = min<f32>(max<f32>(x0, -4.0), 4.0);
  const x2 = x * x;
  let p = A13;
  p = p * x2 + A11;
  p = p * x2 + A9;
  p = p * x2 + A7;
  p = p * x2 + A5;
  p = p * x2 + A3;
  p = p * x2 + A1;
  p = p * x;
  let q = B8;
  q = q * x2 + B6;
  q = q * x2 + B4;
  q = q * x2 + B2;
  q = q * x2 + B0;
  return p / q;
}

// @ts-expect-error: decorator
@inline
export function erfVec(x0: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(x0, v128.load(VC, V_ERF_LO)), v128.load(VC, V_ERF_HI));
  const x2 = f32x4.mul(x, x);
  let p = v128.load(VC, V_A13);
  p = madd(v128.load(VC, V_A11), p, x2);
  p = madd(v128.load(VC, V_A9), p, x2);
  p = madd(v128.load(VC, V_A7), p, x2);
  p = madd(v128.load(VC, V_A5), p, x2);
  p = madd(v128.load(VC, V_A3), p, x2);
  p = madd(v128.load(VC, V_A1), p, x2);
  p = f32x4.mul(p, x);
  let q = v128.load(VC, V_B8);
  q = madd(v128.load(VC, V_B6), q, x2);
  q = madd(v128.load(VC, V_B4), q, x2);
  q = madd(v128.load(VC, V_B2), q, x2);
  q = madd(v128.load(VC, V_B0), q, x2);
  return f32x4.div(p, q);
}

// @ts-expect-error: decorator
@inline
export function geluScalar(x: f32): f32 {
  return <f32>0.5 * x * (<f32>1.0 + erfScalar(x * <f32>0.7071067811865476));
}

// @ts-expect-error: decorator
@inline
export function geluVec(x: v128): v128 {
  const e = erfVec(f32x4.mul(x, v128.load(VC, V_SQRT1_2)));
  return f32x4.mul(f32x4.mul(v128.load(VC, V_HALF), x), f32x4.add(v128.load(VC, V_ONE), e));
}

// @ts-expect-error: decorator
@inline
export function tanhScalar(x0: f32): f32 {
  // NaN passes through min and max.
  const x = max<f32>(min<f32>(x0, TANH_CLAMP), -TANH_CLAMP);
  const x2 = x * x;
  let p = T13;
  p = p * x2 + T11;
  p = p * x2 + T9;
  p = p * x2 + T7;
  p = p * x2 + T5;
  p = p * x2 + T3;
  p = p * x2 + T1;
  let q = U6;
  q = q * x2 + U4;
  q = q * x2 + U2;
  q = q * x2 + U0;
  return (p * x) / q;
}

// @ts-expect-error: decorator
@inline
export function tanhVec(x0: v128): v128 {
  // pmin/pmax keep a NaN lane NaN (one minps/maxps each; f32x4.min/max expand to NaN-safe sequences).
  const x = f32x4.pmax(f32x4.pmin(x0, v128.load(VC, V_TANH_HI)), v128.load(VC, V_TANH_LO));
  const x2 = f32x4.mul(x, x);
  let p = v128.load(VC, V_T13);
  p = madd(v128.load(VC, V_T11), p, x2);
  p = madd(v128.load(VC, V_T9), p, x2);
  p = madd(v128.load(VC, V_T7), p, x2);
  p = madd(v128.load(VC, V_T5), p, x2);
  p = madd(v128.load(VC, V_T3), p, x2);
  p = madd(v128.load(VC, V_T1), p, x2);
  let q = v128.load(VC, V_U6);
  q = madd(v128.load(VC, V_U4), q, x2);
  q = madd(v128.load(VC, V_U2), q, x2);
  q = madd(v128.load(VC, V_U0), q, x2);
  return f32x4.div(f32x4.mul(p, x), q);
}

// @ts-expect-error: decorator
@inline
export function sigmoidScalar(x: f32): f32 {
  return 0.5 + 0.5 * tanhScalar(0.5 * x);
}

// @ts-expect-error: decorator
@inline
export function sigmoidVec(x: v128): v128 {
  const half = v128.load(VC, V_HALF);
  return madd(half, half, tanhVec(f32x4.mul(x, half)));
}

/** Activation codes shared with the host (see kernels/wasm-kernels.ts). */
export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_GELU: i32 = 2;

// @ts-expect-error: decorator
@inline
export function activateScalar(x: f32, act: i32): f32 {
  if (act == ACT_RELU) return max<f32>(x, 0);
  if (act == ACT_GELU) return geluScalar(x);
  return x;
}

// @ts-expect-error: decorator
@inline
export function activateVec(x: v128, act: i32): v128 {
  if (act == ACT_RELU) return f32x4.pmax(x, f32x4.splat(0));
  if (act == ACT_GELU) return geluVec(x);
  return x;
}
