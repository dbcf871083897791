/** The training curve as one self-contained HTML page: loss and accuracy per epoch, train and validation, inline SVG. */
import type { EpochRecord } from './trainer.js';

const W = 560;
const H = 240;
const PAD = { l: 52, r: 16, t: 24, b: 36 };

/** The page (no scripts, no external requests). */
export function trainingCurveHtml(history: readonly EpochRecord[], title: string, facts: Record<string, string | number> = {}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = Object.entries(facts)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('');
  const loss = chart(
    'loss (nats)',
    history.map((h) => h.epoch),
    [
      ['train', history.map((h) => h.trainLoss), '#1f77b4'],
      ['validation', history.map((h) => h.valLoss), '#d62728'],
    ],
  );
  const accuracy = chart(
    'accuracy',
    history.map((h) => h.epoch),
    [
      ['train', history.map((h) => h.trainAccuracy), '#1f77b4'],
      ['validation', history.map((h) => h.valAccuracy), '#d62728'],
    ],
    [0, 1],
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}th,td{text-align:left;padding:2px 10px 2px 0}th{font-weight:600}svg{display:block;margin:8px 0 20px}</style>
</head><body><h1>${esc(title)}</h1><table>${rows}</table>${loss}${accuracy}</body></html>\n`;
}

function chart(label: string, xs: number[], series: [string, number[], string][], range?: [number, number]): string {
  const all = series.flatMap(([, ys]) => ys).filter(Number.isFinite);
  const lo = range?.[0] ?? Math.min(...all, 0);
  const hi = range?.[1] ?? Math.max(...all, lo + 1e-6);
  const x0 = xs[0] ?? 1;
  const x1 = Math.max(xs[xs.length - 1] ?? 1, x0 + 1);
  const px = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const py = (y: number) => H - PAD.b - ((y - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v.toFixed(2)}</text>`,
    )
    .join('');
  const lines = series
    .map(([name, ys, color], k) => {
      const pts = ys.map((y, i) => `${px(xs[i]!).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/><text x="${W - PAD.r - 90}" y="${PAD.t + 14 * k}" fill="${color}" font-size="12">${name}</text>`;
    })
    .join('');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}"><text x="${PAD.l}" y="14" font-size="13" font-weight="600">${label}</text>${grid}<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${H - PAD.b}" y2="${H - PAD.b}" stroke="#888"/><text x="${(W / 2).toFixed(0)}" y="${H - 8}" text-anchor="middle" font-size="11">epoch (${x0}–${x1})</text>${lines}</svg>`;
}
