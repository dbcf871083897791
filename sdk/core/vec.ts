/** Small vector helpers over (array, offset), allocation-free. */

/** Writes a + b into out[o..o+3). */
export function add3(out: Float32Array, o: number, a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): void {
  out[o] = a[ao]! + b[bo]!;
  out[o + 1] = a[ao + 1]! + b[bo + 1]!;
  out[o + 2] = a[ao + 2]! + b[bo + 2]!;
}

/** Dot product of two 3-vectors. */
export function dot3(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  return a[ao]! * b[bo]! + a[ao + 1]! * b[bo + 1]! + a[ao + 2]! * b[bo + 2]!;
}

/** Euclidean length of a 3-vector. */
export function length3(a: ArrayLike<number>, ao: number): number {
  return Math.sqrt(dot3(a, ao, a, ao));
}

/** Rotates (x, z) by -yaw about the up axis, writing into out[o], out[o+1]: world → agent frame. */
export function toYawFrame(out: Float32Array, o: number, x: number, z: number, yaw: number): void {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  out[o] = c * x + s * z;
  out[o + 1] = -s * x + c * z;
}
