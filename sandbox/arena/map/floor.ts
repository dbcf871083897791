/** Which area a point stands on: a uniform grid over the map's areas for constant-time lookups. */
import { type ArenaMap, areaHeightAt, type MapArea } from './arena-map.js';

/** Finds the area under a point. Build once per map (allocates); lookups allocate nothing. */
export class FloorIndex {
  private readonly cell: number;
  private readonly x0: number;
  private readonly z0: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: MapArea[][];

  constructor(
    readonly map: ArenaMap,
    cellMeters = 4,
  ) {
    this.cell = cellMeters;
    this.x0 = map.bounds[0]! - 1;
    this.z0 = map.bounds[2]! - 1;
    this.cols = Math.ceil((map.bounds[3]! + 1 - this.x0) / cellMeters) + 1;
    this.rows = Math.ceil((map.bounds[5]! + 1 - this.z0) / cellMeters) + 1;
    this.cells = Array.from({ length: this.cols * this.rows }, () => []);
    for (const a of map.areas) {
      const c0 = this.col(a.minX - 1);
      const c1 = this.col(a.maxX + 1);
      const r0 = this.row(a.minZ - 1);
      const r1 = this.row(a.maxZ + 1);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.cells[r * this.cols + c]!.push(a);
    }
  }

  /**
   * The area whose footprint (grown by `slack` m) holds (x, z) and whose floor there is within
   * `heightSlack` m of y; the closest in height when several do (stacked levels). Undefined if none.
   */
  areaAt(x: number, y: number, z: number, slack = 0.1, heightSlack = 1): MapArea | undefined {
    const list = this.cells[this.row(z) * this.cols + this.col(x)];
    if (list === undefined) return undefined;
    let best: MapArea | undefined;
    let bestDy = heightSlack;
    for (const a of list) {
      if (x < a.minX - slack || x > a.maxX + slack || z < a.minZ - slack || z > a.maxZ + slack) continue;
      const dy = Math.abs(areaHeightAt(a, Math.min(a.maxX, Math.max(a.minX, x)), Math.min(a.maxZ, Math.max(a.minZ, z))) - y);
      if (dy <= bestDy) {
        bestDy = dy;
        best = a;
      }
    }
    return best;
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
  }

  private row(z: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((z - this.z0) / this.cell)));
  }
}
