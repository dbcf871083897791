/** A top-down SVG of a built map: floor areas shaded by height, walls, place labels, optional points. */
import type { ArenaMap } from './arena-map.js';

/** Renders the map seen from above (x right, z down, as a radar). `points` are [x, z] in meters. */
export function mapSvg(map: ArenaMap, points: [number, number][] = [], width = 900): string {
  const [minX, minY, minZ, maxX, maxY, maxZ] = map.bounds as [number, number, number, number, number, number];
  const scale = width / (maxX - minX);
  const height = Math.ceil((maxZ - minZ) * scale);
  const px = (x: number) => ((x - minX) * scale).toFixed(1);
  const pz = (z: number) => ((z - minZ) * scale).toFixed(1);
  const shade = (y: number) => {
    const t = (y - minY) / Math.max(maxY - minY, 1e-6);
    return `hsl(${Math.round(220 - 180 * t)},45%,${Math.round(78 - 30 * t)}%)`;
  };
  const areas = map.areas
    .map(
      (a) =>
        `<rect x="${px(a.minX)}" y="${pz(a.minZ)}" width="${((a.maxX - a.minX) * scale).toFixed(1)}" height="${((a.maxZ - a.minZ) * scale).toFixed(1)}" fill="${shade((a.yA + a.yB) / 2)}"/>`,
    )
    .join('');
  const walls = map.walls
    .map(
      (w) =>
        `<rect x="${px(w[0]!)}" y="${pz(w[2]!)}" width="${Math.max((w[3]! - w[0]!) * scale, 1).toFixed(1)}" height="${Math.max((w[5]! - w[2]!) * scale, 1).toFixed(1)}" fill="#333"/>`,
    )
    .join('');
  const byId = new Map(map.areas.map((a) => [a.id, a]));
  const labels = Object.entries(map.places)
    .map(([name, ids]) => {
      const rs = ids.map((id) => byId.get(id)!);
      const x = rs.reduce((s, a) => s + (a.minX + a.maxX) / 2, 0) / rs.length;
      const z = rs.reduce((s, a) => s + (a.minZ + a.maxZ) / 2, 0) / rs.length;
      return `<text x="${px(x)}" y="${pz(z)}" text-anchor="middle">${name}</text>`;
    })
    .join('');
  const dots = points.map(([x, z]) => `<circle cx="${px(x)}" cy="${pz(z)}" r="1.2" fill="#d62728" fill-opacity="0.35"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">
<title>${map.name} from above</title>
<rect width="100%" height="100%" fill="#fafafa"/>${areas}${walls}${dots}
<g font-family="sans-serif" font-size="11" fill="#111" stroke="#fafafa" stroke-width="3" paint-order="stroke">${labels}</g>
<text x="8" y="${height - 8}" font-family="sans-serif" font-size="12">${map.name}: ${map.areas.length} areas (shade: floor height), ${map.walls.length} walls (dark)${points.length > 0 ? `, ${points.length} players (red)` : ''}</text>
</svg>
`;
}
