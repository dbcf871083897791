/** Human-likeness as one self-contained HTML page: the table, and each feature's distributions overlaid (empirical CDFs). */
import type { MovementFeatures } from './features.js';
import type { HumanEvaluation } from './human-eval.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const COLORS = ['#111', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

const PANELS: { key: keyof MovementFeatures; title: string; unit: string; max: number }[] = [
  { key: 'speed', title: 'speed', unit: 'm/s', max: 6 },
  { key: 'turnRate', title: 'turn rate', unit: '°/s', max: 720 },
  { key: 'acceleration', title: 'acceleration', unit: 'm/s²', max: 40 },
  { key: 'standingBouts', title: 'standing-still bouts', unit: 's', max: 10 },
  { key: 'wallDistance', title: 'distance to the nearest wall', unit: 'm', max: 8 },
];

/** The report page (no scripts, no external requests). */
export function humanReportHtml(e: HumanEvaluation): string {
  const r = e.result;
  const rows = r.rows
    .map(
      (x) =>
        `<tr><th>${esc(x.name)}</th><td>${fmt(x.distance.speed)}</td><td>${fmt(x.distance.turnRate, 0)}</td><td>${fmt(x.distance.acceleration, 1)}</td><td>${fmt(x.distance.standingBout)}</td><td>${fmt(x.distance.wallDistance)}</td><td>${fmt(100 * x.standingShare, 0)} %</td><td>${fmt(100 * x.discriminator.accuracy, 0)} % (${fmt(100 * x.discriminator.interval[0], 0)}–${fmt(100 * x.discriminator.interval[1], 0)}), ${x.discriminator.windowsPerClass} windows each</td></tr>`,
    )
    .join('');
  const legend = e.features.map((f, i) => `<span style="color:${COLORS[i % COLORS.length]}">■ ${esc(f.name)}</span>`).join(' &nbsp; ');
  const panels = PANELS.map((p) =>
    cdfSvg(
      p.title,
      p.unit,
      p.max,
      e.features.map((f) => f.features[p.key] as Float64Array),
    ),
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tickmind eval --human</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}th,td{text-align:left;padding:3px 12px 3px 0}thead th{border-bottom:1px solid #999}figure{display:inline-block;margin:0 16px 16px 0}figcaption{font-weight:600}svg{display:block;background:#fafafa}</style>
</head><body><h1>Human-likeness</h1>
<p>Humans: ${r.human.trajectories} trajectories, ${fmt(r.human.seconds, 1)} s (${r.human.frames} frames at ${r.fps} Hz) from ${r.human.sources.map(esc).join(', ')}; standing ${fmt(100 * r.human.standingShare, 0)} % of the time, median speed ${fmt(r.human.medianSpeed)} m/s.
Arena: ${r.arena.rounds} retake rounds on ${esc(r.arena.map)}, seed ${r.arena.seed}.</p>
<h2>Distance to the humans (earth mover's, lower is closer) and a discriminator (50 % = indistinguishable)</h2>
<table><thead><tr><th></th><th>speed (m/s)</th><th>turn rate (°/s)</th><th>acceleration (m/s²)</th><th>standing bout (s)</th><th>wall distance (m)</th><th>standing</th><th>discriminator accuracy (95 % interval)</th></tr></thead>${rows}</table>
<h2>Distributions (cumulative)</h2><p>${legend}</p>${panels}
</body></html>\n`;
}

/** Empirical CDFs of several samples on one axis (values past `max` drawn at the edge). */
function cdfSvg(title: string, unit: string, max: number, samples: Float64Array[]): string {
  const W = 300;
  const H = 170;
  const pad = 30;
  const lines = samples
    .map((s, i) => {
      if (s.length === 0) return '';
      const x = Float64Array.from(s).sort();
      const step = Math.max(1, Math.floor(x.length / 200));
      const pts: string[] = [];
      for (let k = 0; k < x.length; k += step) {
        const px = pad + (Math.min(x[k]!, max) / max) * (W - pad - 8);
        const py = H - pad - ((k + 1) / x.length) * (H - pad - 8);
        pts.push(`${px.toFixed(1)},${py.toFixed(1)}`);
      }
      return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="${i === 0 ? 2.5 : 1.5}" points="${pts.join(' ')}"/>`;
    })
    .join('');
  const axis = `<line x1="${pad}" y1="${H - pad}" x2="${W - 8}" y2="${H - pad}" stroke="#999"/><line x1="${pad}" y1="8" x2="${pad}" y2="${H - pad}" stroke="#999"/><text x="${pad}" y="${H - 12}" font-size="11">0</text><text x="${W - 40}" y="${H - 12}" font-size="11">${max} ${esc(unit)}</text><text x="4" y="14" font-size="11">1</text>`;
  return `<figure><figcaption>${esc(title)} (${esc(unit)})</figcaption><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${axis}${lines}</svg></figure>`;
}
