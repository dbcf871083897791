/**
 * A self-contained HTML report (inline SVG and CSS, no scripts, no network): the summary table, a
 * per-tick timeline of the top-level spans stacked against the budget line, and a latency histogram
 * per span with the budget line.
 */
import type { Profiler } from './profiler.js';
import { type ProfileSummary, profileSummary } from './summary.js';

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** Page title (default "tickmind profile"). */
  title?: string;
  /** Extra facts shown under the title, e.g. agents, backend, map. */
  facts?: Record<string, string | number>;
  /** Most ticks drawn on the timeline (the latest ones; default 600). */
  timelineTicks?: number;
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const W = 960;

/** Renders the report as one HTML string; write it to a `.html` file and open it in any browser. */
export function htmlReport(profiler: Profiler, options: HtmlReportOptions = {}): string {
  const summary = profileSummary(profiler);
  const title = options.title ?? 'tickmind profile';
  const facts = Object.entries({ ticks: summary.ticks, 'budget µs': summary.budgetUs, ...(options.facts ?? {}) })
    .map(([k, v]) => `<span><b>${esc(k)}</b> ${esc(String(v))}</span>`)
    .join(' ');
  const spans = profiler.names.map((name, id) => ({ name, id })).filter((s) => profiler.occurrences(s.id) > 0);
  const histograms = [
    ...spans.map(({ name, id }) => ({ name, samples: profiler.series(id), id })),
    { name: 'total', samples: profiler.totals(), id: profiler.names.length },
  ]
    .map((h) => histogram(h.name, h.samples, profiler.budgetUs, COLORS[h.id % COLORS.length]!))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:24px 0 8px}
.facts span{margin-right:16px}table{border-collapse:collapse}
td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}td:first-child,th:first-child{text-align:left}
.over{color:#c0392b;font-weight:600}.grid{display:flex;flex-wrap:wrap;gap:12px}
svg text{font:11px system-ui,sans-serif;fill:#444}
</style></head><body>
<h1>${esc(title)}</h1>
<div class="facts">${facts}</div>
<h2>Latency per phase (µs)</h2>
${table(summary, profiler.measuresHeap)}
<h2>Per-tick timeline (latest ${Math.min(options.timelineTicks ?? 600, summary.ticksSummarized)} ticks)</h2>
${timeline(profiler, options.timelineTicks ?? 600)}
<h2>Latency histograms</h2>
<div class="grid">${histograms}</div>
</body></html>
`;
}

function table(s: ProfileSummary, heap: boolean): string {
  const rows = Object.entries(s.phases)
    .map(([name, p]) => {
      const cells = [p.p50Us, p.p90Us, p.p99Us, p.p999Us, p.maxUs].map(
        (v) => `<td${v > s.budgetUs ? ' class="over"' : ''}>${v.toFixed(1)}</td>`,
      );
      return `<tr><td>${esc(name)}</td>${cells.join('')}</tr>`;
    })
    .join('');
  const counters = Object.entries(s.counters)
    .map(([k, v]) => `<tr><td>${esc(k)} (sum)</td><td colspan="5">${v}</td></tr>`)
    .join('');
  return `<table><tr><th>phase</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>${rows}
<tr><td>ticks over budget</td><td colspan="5" class="${s.overBudgetTicks > 0 ? 'over' : ''}">${s.overBudgetTicks} of ${s.ticks}</td></tr>${counters}
${heap ? `<tr><td>heap growth, bytes / 1k ticks</td><td colspan="5">${s.heapGrowthBytesPer1kTicks}</td></tr>` : ''}</table>`;
}

/** Stacked bars of the depth-0 spans per tick; the dashed line is the budget. */
function timeline(profiler: Profiler, maxTicks: number): string {
  const slots = profiler.slots().slice(-maxTicks);
  const H = 220;
  const top = 10;
  const totals = slots.map((s) => profiler.tickDurationOf(s));
  const yMax = Math.max(profiler.budgetUs * 1.2, ...totals) || 1;
  const y = (us: number) => top + H - (us / yMax) * H;
  const bw = (W - 60) / Math.max(slots.length, 1);
  const bars: string[] = [];
  slots.forEach((slot, k) => {
    let acc = 0;
    const x = 50 + k * bw;
    for (const span of profiler.spansOf(slot)) {
      if (span.depth !== 0) continue;
      const color = COLORS[span.id % COLORS.length]!;
      bars.push(
        `<rect x="${x.toFixed(2)}" y="${y(acc + span.dur).toFixed(2)}" width="${Math.max(bw, 0.5).toFixed(2)}" height="${((span.dur / yMax) * H).toFixed(2)}" fill="${color}"/>`,
      );
      acc += span.dur;
    }
  });
  const legend = profiler.names
    .map((n, id) => ({ n, id }))
    .filter(({ id }) => slots.some((slot) => profiler.spansOf(slot).some((s) => s.id === id && s.depth === 0)))
    .map(({ n, id }, k) => ({ n, id, k }))
    .map(
      ({ n, id, k }) =>
        `<rect x="${60 + k * 110}" y="${H + top + 24}" width="10" height="10" fill="${COLORS[id % COLORS.length]}"/><text x="${74 + k * 110}" y="${H + top + 33}">${esc(n)}</text>`,
    )
    .join('');
  const by = y(profiler.budgetUs).toFixed(2);
  return `<svg width="${W}" height="${H + top + 44}" viewBox="0 0 ${W} ${H + top + 44}" role="img" aria-label="per-tick timeline">
<line x1="50" y1="${top + H}" x2="${W - 10}" y2="${top + H}" stroke="#999"/>
<text x="4" y="${top + 8}">${yMax.toFixed(0)} µs</text><text x="4" y="${top + H}">0</text>
${bars.join('')}
<line x1="50" y1="${by}" x2="${W - 10}" y2="${by}" stroke="#c0392b" stroke-dasharray="6 4"/>
<text x="${W - 120}" y="${Number(by) - 4}" style="fill:#c0392b">budget ${profiler.budgetUs} µs</text>
<text x="50" y="${H + top + 16}">tick →</text>${legend}</svg>`;
}

/** A 40-bin histogram of one series, 0..max(p99.9·1.1, budget·1.1) with overflow in the last bin. */
function histogram(name: string, samples: Float64Array, budgetUs: number, color: string): string {
  const w = 300;
  const h = 140;
  const bins = new Int32Array(40);
  const sorted = Float64Array.from(samples).sort();
  const p999 = sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.ceil(0.999 * sorted.length) - 1)]! : 1;
  const hi = Math.max(p999 * 1.1, Math.min(budgetUs * 1.1, p999 * 4), 1e-3);
  for (const v of samples) bins[Math.min(bins.length - 1, Math.floor((v / hi) * bins.length))]!++;
  const peak = Math.max(1, ...bins);
  const bw = (w - 20) / bins.length;
  const rects = Array.from(bins, (c, i) => {
    const bh = (c / peak) * (h - 40);
    return `<rect x="${(10 + i * bw).toFixed(2)}" y="${(h - 20 - bh).toFixed(2)}" width="${(bw - 1).toFixed(2)}" height="${bh.toFixed(2)}" fill="${color}"/>`;
  }).join('');
  const budgetLine =
    budgetUs <= hi
      ? `<line x1="${(10 + (budgetUs / hi) * (w - 20)).toFixed(2)}" y1="14" x2="${(10 + (budgetUs / hi) * (w - 20)).toFixed(2)}" y2="${h - 20}" stroke="#c0392b" stroke-dasharray="4 3"/>`
      : `<text x="${w - 130}" y="28" style="fill:#c0392b">budget ${budgetUs} µs →</text>`;
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(name)} histogram">
<text x="10" y="11"><tspan font-weight="600">${esc(name)}</tspan> (n=${samples.length})</text>${rects}${budgetLine}
<line x1="10" y1="${h - 20}" x2="${w - 10}" y2="${h - 20}" stroke="#999"/>
<text x="10" y="${h - 6}">0</text><text x="${w - 60}" y="${h - 6}">${hi.toFixed(1)} µs</text></svg>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
