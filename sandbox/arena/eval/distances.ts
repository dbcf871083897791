/**
 * Distances between distributions for the evaluation: the earth mover's distance between two
 * occupancy heatmaps (entropic optimal transport, log-domain Sinkhorn, on the occupied cells;
 * ground distance in meters between cell centres), and the 1-D EMD between histograms.
 */

/** A heatmap: counts on a grid of `cols` × `rows` cells of `cell` m from (x0, z0). */
export interface Heatmap {
  /** Cell size, m. */
  cell: number;
  /** Grid origin x, m. */
  x0: number;
  /** Grid origin z, m. */
  z0: number;
  /** Columns (x). */
  cols: number;
  /** Rows (z). */
  rows: number;
  /** Counts, row-major (z major). */
  counts: Float64Array;
}

/** An empty heatmap over the bounds [minX, minZ, maxX, maxZ]. */
export function createHeatmap(bounds: readonly [number, number, number, number], cell: number): Heatmap {
  const cols = Math.max(1, Math.ceil((bounds[2] - bounds[0]) / cell));
  const rows = Math.max(1, Math.ceil((bounds[3] - bounds[1]) / cell));
  return { cell, x0: bounds[0], z0: bounds[1], cols, rows, counts: new Float64Array(cols * rows) };
}

/** Adds one sample at (x, z) (clamped onto the grid). */
export function addSample(h: Heatmap, x: number, z: number): void {
  const c = Math.min(h.cols - 1, Math.max(0, Math.floor((x - h.x0) / h.cell)));
  const r = Math.min(h.rows - 1, Math.max(0, Math.floor((z - h.z0) / h.cell)));
  h.counts[r * h.cols + c] = h.counts[r * h.cols + c]! + 1;
}

/**
 * Earth mover's distance between two heatmaps of the same grid, m: the cost of moving one
 * normalised occupancy onto the other. Entropic regularisation ε = 0.5 m (a tenth of the typical
 * 4 m cell), log-domain Sinkhorn to convergence; NaN when either map is empty.
 */
export function heatmapEmd(a: Heatmap, b: Heatmap, epsilon = 0.5, iterations = 500): number {
  const ia: number[] = [];
  const ib: number[] = [];
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.counts.length; i++) {
    if (a.counts[i]! > 0) ia.push(i);
    if (b.counts[i]! > 0) ib.push(i);
    sa += a.counts[i]!;
    sb += b.counts[i]!;
  }
  if (sa === 0 || sb === 0) return Number.NaN;
  const n = ia.length;
  const m = ib.length;
  const cost = new Float64Array(n * m);
  const xy = (h: Heatmap, i: number): [number, number] => [((i % h.cols) + 0.5) * h.cell, (Math.floor(i / h.cols) + 0.5) * h.cell];
  for (let i = 0; i < n; i++) {
    const [x1, y1] = xy(a, ia[i]!);
    for (let j = 0; j < m; j++) {
      const [x2, y2] = xy(b, ib[j]!);
      cost[i * m + j] = Math.hypot(x1 - x2, y1 - y2);
    }
  }
  const logA = Float64Array.from(ia, (i) => Math.log(a.counts[i]! / sa));
  const logB = Float64Array.from(ib, (j) => Math.log(b.counts[j]! / sb));
  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const lse = (vals: (k: number) => number, len: number): number => {
    let max = -Infinity;
    for (let k = 0; k < len; k++) max = Math.max(max, vals(k));
    let s = 0;
    for (let k = 0; k < len; k++) s += Math.exp(vals(k) - max);
    return max + Math.log(s);
  };
  for (let it = 0; it < iterations; it++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      const v = epsilon * (logA[i]! - lse((j) => (g[j]! - cost[i * m + j]!) / epsilon, m));
      change = Math.max(change, Math.abs(v - f[i]!));
      f[i] = v;
    }
    for (let j = 0; j < m; j++) g[j] = epsilon * (logB[j]! - lse((i) => (f[i]! - cost[i * m + j]!) / epsilon, n));
    if (change < 1e-6) break;
  }
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) total += Math.exp((f[i]! + g[j]! - cost[i * m + j]!) / epsilon) * cost[i * m + j]!;
  return total;
}

/** 1-D EMD between two histograms on the same bins of width `binWidth`: Σ |CDF_a − CDF_b| · width. */
export function histogramEmd(a: Float64Array, b: Float64Array, binWidth: number): number {
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  if (sa === 0 || sb === 0) return Number.NaN;
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    ca += a[i]! / sa;
    cb += b[i]! / sb;
    d += Math.abs(ca - cb) * binWidth;
  }
  return d;
}
