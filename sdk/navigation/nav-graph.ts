/**
 * The graph of a nav mesh: areas as nodes (by dense index), the mesh's directed edges as a
 * compressed adjacency list, and A* between areas. Built once per mesh; path queries allocate
 * nothing (their scratch arrays are sized for the mesh).
 */
import type { NavArea, NavMesh } from './nav-mesh.js';

/** Areas narrower than this (m) cost NARROW_COST_M extra to enter: a bot's capsule barely fits. */
const NARROW_M = 0.9;
const NARROW_COST_M = 2;
/** A rise between area centres above this (m) needs a jump and costs CLIMB_COST_M extra. */
const CLIMB_M = 0.6;
const CLIMB_COST_M = 4;
/** A drop between area centres above this (m) costs DROP_COST_M extra: drops often hide ledges and rails a bot cannot pass. */
const DROP_M = 1;
const DROP_COST_M = 6;

/** Areas, adjacency and A* over one nav mesh. */
export class NavGraph {
  /** Areas by dense index. */
  readonly areas: readonly NavArea[];
  /** Dense index of each area id. */
  readonly indexOf: ReadonlyMap<number, number>;
  /** Area centres, 3 floats per index (x, mean floor height, z), m. */
  readonly centers: Float32Array;
  /** Neighbours of index i are adj[adjStart[i] .. adjStart[i + 1]). */
  readonly adjStart: Int32Array;
  /** Neighbour indices. */
  readonly adj: Int32Array;
  /** Extra cost of entering each area, m: narrow areas and climbs a bot must jump are avoided when a walk exists. */
  readonly entryCost: Float32Array;
  private readonly g: Float32Array;
  private readonly came: Int32Array;
  private readonly seen: Int32Array;
  private readonly closed: Int32Array;
  private readonly heap: Int32Array;
  private readonly heapKey: Float32Array;
  private stamp = 0;

  constructor(
    /** The mesh. */
    readonly mesh: NavMesh,
  ) {
    const n = mesh.size;
    this.areas = mesh.areas;
    this.indexOf = mesh.indexOf;
    this.centers = mesh.centers;
    const indexOf = mesh.indexOf;
    const lists: number[][] = Array.from({ length: n }, () => []);
    for (const [from, to] of mesh.edges) {
      const f = indexOf.get(from);
      const t = indexOf.get(to);
      if (f !== undefined && t !== undefined && f !== t && !lists[f]!.includes(t)) lists[f]!.push(t);
    }
    this.adjStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.adjStart[i + 1] = this.adjStart[i]! + lists[i]!.length;
    this.adj = Int32Array.from(lists.flat());
    this.entryCost = Float32Array.from(mesh.areas, (_, i) => (mesh.widthOf(i) < NARROW_M ? NARROW_COST_M : 0));
    this.g = new Float32Array(n);
    this.came = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.closed = new Int32Array(n);
    this.heap = new Int32Array(this.adj.length + n + 1);
    this.heapKey = new Float32Array(this.adj.length + n + 1);
  }

  /** Number of areas. */
  get size(): number {
    return this.areas.length;
  }

  /** Straight-line distance between two area centres, m. */
  distance(a: number, b: number): number {
    const c = this.centers;
    const dx = c[3 * a]! - c[3 * b]!;
    const dy = c[3 * a + 1]! - c[3 * b + 1]!;
    const dz = c[3 * a + 2]! - c[3 * b + 2]!;
    // Math.hypot allocates in V8 (A* runs during ticks); sqrt of the sum differs from it by an ulp at most.
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /**
   * A* from area index `from` to `to`; writes the area indices of the path (both ends included)
   * into `out` and returns its length, or 0 when `to` is unreachable or the path does not fit.
   * `penalty[i]` (optional, ≥ 0) scales the cost of entering area i by 1 + penalty[i]: each bot
   * gets its own, so bots spread over different routes. `extra[i]` (optional, m) is added on
   * entering area i: what a team learned about places where bots got stuck.
   */
  findPath(from: number, to: number, out: Int32Array, penalty?: Float32Array, extra?: Float32Array): number {
    if (from === to) {
      out[0] = from;
      return 1;
    }
    const stamp = ++this.stamp;
    let size = 0;
    this.g[from] = 0;
    this.seen[from] = stamp;
    this.came[from] = -1;
    size = this.push(size, from, this.distance(from, to));
    while (size > 0) {
      const cur = this.heap[0]!;
      size = this.pop(size);
      if (this.closed[cur] === stamp) continue;
      this.closed[cur] = stamp;
      if (cur === to) return this.unwind(to, out);
      for (let k = this.adjStart[cur]!; k < this.adjStart[cur + 1]!; k++) {
        const nb = this.adj[k]!;
        if (this.closed[nb] === stamp) continue;
        const rise = this.centers[3 * nb + 1]! - this.centers[3 * cur + 1]!;
        const step = rise > CLIMB_M ? CLIMB_COST_M : rise < -DROP_M ? DROP_COST_M : 0;
        const cost =
          this.g[cur]! +
          this.distance(cur, nb) * (1 + (penalty === undefined ? 0 : penalty[nb]!)) +
          this.entryCost[nb]! +
          step +
          (extra === undefined ? 0 : extra[nb]!);
        if (this.seen[nb] === stamp && cost >= this.g[nb]!) continue;
        this.seen[nb] = stamp;
        this.g[nb] = cost;
        this.came[nb] = cur;
        size = this.push(size, nb, cost + this.distance(nb, to));
      }
    }
    return 0;
  }

  private unwind(to: number, out: Int32Array): number {
    let len = 0;
    for (let v = to; v >= 0; v = this.came[v]!) len++;
    if (len > out.length) return 0;
    let i = len - 1;
    for (let v = to; v >= 0; v = this.came[v]!) out[i--] = v;
    return len;
  }

  // Binary min-heap on heapKey; duplicates are allowed and skipped when popped (lazy deletion).
  private push(size: number, node: number, key: number): number {
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heapKey[parent]! <= key) break;
      this.heap[i] = this.heap[parent]!;
      this.heapKey[i] = this.heapKey[parent]!;
      i = parent;
    }
    this.heap[i] = node;
    this.heapKey[i] = key;
    return size + 1;
  }

  private pop(size: number): number {
    const last = size - 1;
    const node = this.heap[last]!;
    const key = this.heapKey[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.heapKey[child + 1]! < this.heapKey[child]!) child++;
      if (this.heapKey[child]! >= key) break;
      this.heap[i] = this.heap[child]!;
      this.heapKey[i] = this.heapKey[child]!;
      i = child;
    }
    this.heap[i] = node;
    this.heapKey[i] = key;
    return last;
  }
}
