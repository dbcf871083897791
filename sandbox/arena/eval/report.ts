/** The evaluation as one self-contained HTML page: the figures, and each rollout's occupancy per side, side by side. */
import type { Heatmap } from './distances.js';
import type { ControllerMetrics, Evaluation } from './evaluate.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** The report page (no scripts, no external requests). */
export function evalReportHtml(e: Evaluation): string {
  const r = e.result;
  const v = r.validation;
  const row = (name: string, m: ControllerMetrics) =>
    `<tr><th>${name}</th><td>${fmt(m.occupancyEmd.ct)} / ${fmt(m.occupancyEmd.t)}</td><td>${fmt(m.speedEmd.ct)} / ${fmt(m.speedEmd.t)}</td><td>${fmt(m.turnRateEmd.ct, 0)} / ${fmt(m.turnRateEmd.t, 0)}</td><td>${fmt(m.lifetime.ct, 1)} / ${fmt(m.lifetime.t, 1)}</td><td>${fmt(100 * m.ctWinRate, 0)} %</td><td>${fmt(m.meanRoundSeconds, 1)}</td><td>${fmt(m.stuckPerRound)}</td></tr>`;
  const pct = (x: number) => `${fmt(100 * x, 0)} %`;
  const sight = (name: string, m: ControllerMetrics) =>
    `<tr><th>${name}</th><td>${pct(m.inSight.ct.standing)} / ${pct(m.inSight.t.standing)}</td><td>${pct(m.inSight.ct.walking)} / ${pct(m.inSight.t.walking)}</td><td>${pct(m.inSight.ct.running)} / ${pct(m.inSight.t.running)}</td><td>${fmt(100 * m.ctWinRate, 1)} % (${fmt(100 * m.ctWinRateInterval[0], 1)}–${fmt(100 * m.ctWinRateInterval[1], 1)} %)</td></tr>`;
  const maps = (['reference', 'policy', 'random', 'teacher'] as const)
    .map(
      (k) =>
        `<figure><figcaption>${{ reference: 'teacher (reference)', policy: 'policy', random: 'random', teacher: 'teacher, other randomness' }[k]}</figcaption>${heatmapSvg(e.heatmaps[k][0], '#1f77b4', `${k} occupancy, CT`)}${heatmapSvg(e.heatmaps[k][1], '#d62728', `${k} occupancy, T`)}</figure>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tickmind eval — ${esc(r.policy)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}th,td{text-align:left;padding:3px 12px 3px 0}thead th{border-bottom:1px solid #999}figure{display:inline-block;margin:0 16px 16px 0}figcaption{font-weight:600;margin-bottom:4px}svg{display:block;margin-bottom:6px;background:#fafafa}</style>
</head><body><h1>tickmind eval</h1>
<p>${esc(r.policy)} (${esc(r.mode)}) on ${esc(r.map)}, ${r.rounds} rounds from held-out plant states, seed ${r.seed}.</p>
<h2>Held-out teacher decisions</h2>
<table><tr><th>frames</th><td>${v.frames} (${v.targets} decisions)</td></tr><tr><th>action accuracy</th><td>${fmt(100 * v.accuracy, 1)} % (majority class ${fmt(100 * v.majorityClassAccuracy, 1)} %, random ${fmt(100 * v.randomAccuracy, 1)} %)</td></tr><tr><th>NLL</th><td>${fmt(v.nll, 3)} nats (random ${fmt(v.randomNll, 3)})</td></tr></table>
<h2>Rollouts against the teacher's play (CT / T)</h2>
<table><thead><tr><th></th><th>occupancy EMD (m)</th><th>speed EMD (m/s)</th><th>turn-rate EMD (°/s)</th><th>lifetime (s)</th><th>CT wins</th><th>round (s)</th><th>stuck / round</th></tr></thead>
${row('policy', r.policyMetrics)}${row('teacher, other randomness', r.teacherMetrics)}${row('random', r.randomMetrics)}</table>
<h2>Fights: movement while an enemy is in sight (CT / T), and CT wins with 95 % intervals</h2>
<table><thead><tr><th></th><th>standing</th><th>walking</th><th>running</th><th>CT wins</th></tr></thead>
${sight('policy', r.policyMetrics)}${sight('teacher (reference)', r.referenceMetrics)}${sight('teacher, other randomness', r.teacherMetrics)}${sight('random', r.randomMetrics)}</table>
<h2>Occupancy (blue CT, red T)</h2>${maps}
</body></html>\n`;
}

function heatmapSvg(h: Heatmap, color: string, label: string): string {
  const px = 4;
  let max = 0;
  for (const c of h.counts) max = Math.max(max, c);
  const cells: string[] = [];
  for (let r = 0; r < h.rows; r++)
    for (let c = 0; c < h.cols; c++) {
      const v = h.counts[r * h.cols + c]!;
      if (v === 0) continue;
      const o = Math.sqrt(v / max);
      cells.push(`<rect x="${c * px}" y="${r * px}" width="${px}" height="${px}" fill="${color}" fill-opacity="${o.toFixed(2)}"/>`);
    }
  return `<svg width="${h.cols * px}" height="${h.rows * px}" viewBox="0 0 ${h.cols * px} ${h.rows * px}" role="img" aria-label="${label}">${cells.join('')}</svg>`;
}
