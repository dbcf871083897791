// A uniform grid over the agents' footprints (x/z), rebuilt by the caster's setAgents past a few
// dozen agents: a ray walks the cells it crosses nearest first (a 2D DDA) and tests the capsules
// listed there, stopping as soon as a cell starts beyond its best hit. Building is a counting
// sort; nothing is allocated.
//
// Grid header (GRID_HEADER_BYTES, host-allocated): f32 x0, z0, cell, inv; i32 cols, rows,
// cellStart (ptr: cols · rows + 1 i32), items (ptr), itemStride. Items are four planes of
// itemStride entries (room for 4 per agent, and 3 past the last for a SIMD load): f32 x, z,
// radius; i32 agent: a cell's capsules' footprints inline and side by side, so a ray rejects the
// agents its XZ line misses four at a time without another load. An agent spanning two cells
// of one ray is tested twice, with the same result.

export const GRID_HEADER_BYTES: i32 = 36;
/** Most cells a side. */
const MAX_SIDE: i32 = 64;
/** Smallest cell, m. */
const MIN_CELL: f32 = 1;

/**
 * Builds the grid at `grid` over `count` agents whose footprints are the SoA planes (minX, minY,
 * minZ, maxX, maxY, maxZ, `stride` floats each) at `soa`.
 */
export function buildAgentGrid(soa: usize, stride: i32, caps: usize, count: i32, grid: usize): void {
  const plane = <usize>stride << 2;
  let x0: f32 = Infinity, z0: f32 = Infinity, x1: f32 = -Infinity, z1: f32 = -Infinity;
  let widest: f32 = 0;
  for (let i = 0; i < count; i++) {
    const p = soa + (<usize>i << 2);
    x0 = min(x0, load<f32>(p));
    z0 = min(z0, load<f32>(p + 2 * plane));
    x1 = max(x1, load<f32>(p + 3 * plane));
    z1 = max(z1, load<f32>(p + 5 * plane));
    widest = max(widest, max(load<f32>(p + 3 * plane) - load<f32>(p), load<f32>(p + 5 * plane) - load<f32>(p + 2 * plane)));
  }
  // About √n cells a side: about one agent per cell, a few cells per ray (a finer grid, 2 √n,
  // walked twice the cells for fewer capsules each and measured ~10 % slower with 256 agents).
  const side = min<i32>(MAX_SIDE, max<i32>(1, <i32>Mathf.ceil(Mathf.sqrt(<f32>count))));
  // No cell narrower than the widest footprint (with a margin for rounding): an agent then
  // covers at most 2 × 2 cells, the room the items have (piled or wide agents would overflow it).
  const cell = max(max(MIN_CELL, widest * 1.01), max(x1 - x0, z1 - z0) / <f32>side);
  const inv = <f32>1 / cell;
  const cols = min<i32>(MAX_SIDE, <i32>((x1 - x0) * inv) + 1);
  const rows = min<i32>(MAX_SIDE, <i32>((z1 - z0) * inv) + 1);
  store<f32>(grid, x0);
  store<f32>(grid, z0, 4);
  store<f32>(grid, cell, 8);
  store<f32>(grid, inv, 12);
  store<i32>(grid, cols, 16);
  store<i32>(grid, rows, 20);
  const start = <usize>load<i32>(grid, 24);
  const items = <usize>load<i32>(grid, 28);
  const itemPlane = <usize>load<i32>(grid, 32) << 2;
  const cells = cols * rows;
  memory.fill(start, 0, <usize>(cells + 1) << 2);
  // Count per cell (at start[c]), exclusive prefix sums, place (start[c] ends past its cell), shift back.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const p = soa + (<usize>i << 2);
      const c0 = min(cols - 1, <i32>((load<f32>(p) - x0) * inv));
      const c1 = min(cols - 1, <i32>((load<f32>(p + 3 * plane) - x0) * inv));
      const r0 = min(rows - 1, <i32>((load<f32>(p + 2 * plane) - z0) * inv));
      const r1 = min(rows - 1, <i32>((load<f32>(p + 5 * plane) - z0) * inv));
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const q = start + (<usize>(r * cols + c) << 2);
          const at = load<i32>(q);
          if (pass == 1) {
            const item = items + (<usize>at << 2);
            const q = caps + (<usize>(i * 5) << 2);
            store<f32>(item, load<f32>(q));
            store<f32>(item + itemPlane, load<f32>(q, 8));
            store<f32>(item + 2 * itemPlane, load<f32>(q, 16));
            store<i32>(item + 3 * itemPlane, i);
          }
          store<i32>(q, at + 1);
        }
      }
    }
    if (pass == 0) {
      let sum = 0;
      for (let c = 0; c <= cells; c++) {
        const q = start + (<usize>c << 2);
        const n = load<i32>(q);
        store<i32>(q, sum);
        sum += n;
      }
    }
  }
  for (let c = cells; c > 0; c--) store<i32>(start + (<usize>c << 2), load<i32>(start + (<usize>(c - 1) << 2)));
  store<i32>(start, 0);
}
