/** Which area a point stands on: a uniform grid over a nav mesh's areas for constant-time lookups. */
import type { NavArea, NavMesh } from './nav-mesh.js';

/** Finds the area under a point. Build once per mesh (allocates); lookups allocate nothing. */
export class FloorIndex {
  private readonly cell: number;
  private readonly x0: number;
  private readonly z0: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: Int32Array[];
  private readonly point = new Float64Array(2);

  constructor(
    /** The mesh. */
    readonly mesh: NavMesh,
    cellMeters = 4,
  ) {
    const b = mesh.bounds;
    this.cell = cellMeters;
    this.x0 = b[0] - 1;
    this.z0 = b[2] - 1;
    this.cols = Math.ceil((b[3] + 1 - this.x0) / cellMeters) + 1;
    this.rows = Math.ceil((b[5] + 1 - this.z0) / cellMeters) + 1;
    const lists: number[][] = Array.from({ length: this.cols * this.rows }, () => []);
    mesh.areas.forEach((a, i) => {
      for (let r = this.row(a.minZ - 1); r <= this.row(a.maxZ + 1); r++)
        for (let c = this.col(a.minX - 1); c <= this.col(a.maxX + 1); c++) lists[r * this.cols + c]!.push(i);
    });
    this.cells = lists.map((l) => Int32Array.from(l));
  }

  /**
   * The index of the area whose footprint (grown by `slack` m) holds (x, z) and whose floor there
   * is within `heightSlack` m of y — the closest in height when several do (stacked levels) — or -1.
   */
  indexAt(x: number, y: number, z: number, slack = 0.1, heightSlack = 1): number {
    const list = this.cells[this.row(z) * this.cols + this.col(x)];
    if (list === undefined) return -1;
    let best = -1;
    let bestDy = heightSlack;
    const p = this.point;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (!this.mesh.contains(i, x, z, slack)) continue;
      this.mesh.nearestPoint(i, x, z, p);
      const dy = Math.abs(this.mesh.heightAt(i, p[0]!, p[1]!) - y);
      if (dy <= bestDy) {
        bestDy = dy;
        best = i;
      }
    }
    return best;
  }

  /** The area under (x, y, z) as {@link indexAt} finds it, or undefined. */
  areaAt(x: number, y: number, z: number, slack = 0.1, heightSlack = 1): NavArea | undefined {
    const i = this.indexAt(x, y, z, slack, heightSlack);
    return i < 0 ? undefined : this.mesh.areas[i];
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
  }

  private row(z: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((z - this.z0) / this.cell)));
  }
}
