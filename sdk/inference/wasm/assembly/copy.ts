// Data movement: strided block copies (Transpose, Slice, Split, Concat, Expand, Tile
// all reduce to copying runs of bytes), fills, and Where's select.

/**
 * For r < count: copy runBytes from src + (map ? map[r] : r * srcStride) to dst + r * dstStride.
 * map (i32 byte offsets) may be 0. Short runs use plain loads instead of memory.copy.
 */
export function copyBlocks(src: usize, srcStride: i32, map: usize, dst: usize, dstStride: i32, count: i32, runBytes: i32): void {
  let d = dst;
  for (let r = 0; r < count; r++) {
    const s = src + <usize>(map ? load<i32>(map + ((<usize>r) << 2)) : r * srcStride);
    if (runBytes == 4) store<i32>(d, load<i32>(s));
    else if (runBytes == 8) store<i64>(d, load<i64>(s));
    else if (runBytes == 1) store<u8>(d, load<u8>(s));
    else memory.copy(d, s, runBytes);
    d += dstStride;
  }
}

/** dst[i] = value for i < n (four at a time: short runs inline, memory.fill would be a call into the engine). */
export function fillF32(dst: usize, value: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(value);
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}

/** out[r, j] = cond[...] ? x[...] : y[...] over rows x cols blocks; operands strided like `binary`. */
export function select(
  c: usize,
  sc: i32,
  jc: i32,
  x: usize,
  sx: i32,
  jx: i32,
  y: usize,
  sy: i32,
  jy: i32,
  out: usize,
  rows: i32,
  cols: i32,
): void {
  let o = out;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const pick = load<u8>(c + <usize>(r * sc + j * jc));
      const v = pick ? load<f32>(x + ((<usize>(r * sx + j * jx)) << 2)) : load<f32>(y + ((<usize>(r * sy + j * jy)) << 2));
      store<f32>(o, v);
      o += 4;
    }
  }
}
