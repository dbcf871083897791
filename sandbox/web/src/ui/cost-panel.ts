/**
 * The AI cost panel (stats-gl style): one bar per tick for the AI step (sense, decide, act,
 * physics) with the decide part highlighted, the budget line, and the last ticks' p50 / p99 and
 * deferrals. Reads the sandbox's profiler; the chart's history is a preallocated ring.
 */
import type { Sandbox } from '../game/sandbox.js';

const HISTORY = 240;

/** The panel (a canvas plus a text line). */
export class CostPanel {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private readonly total = new Float64Array(HISTORY);
  private readonly decide = new Float64Array(HISTORY);
  private readonly sorted = new Float64Array(HISTORY);
  private filled = 0;
  private head = 0;
  private seenTicks = 0;
  private deferred = 0;
  private decideSpan = -1;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'panel cost';
    this.element.innerHTML = '<h3>AI cost per tick</h3>';
    this.canvas = document.createElement('canvas');
    this.canvas.width = 260;
    this.canvas.height = 80;
    this.text = document.createElement('div');
    this.text.className = 'numbers';
    this.text.dataset.testid = 'cost-numbers';
    this.element.append(this.canvas, this.text);
  }

  /** Takes the ticks recorded since the last call. */
  sample(sandbox: Sandbox): void {
    const p = sandbox.profiler;
    if (this.decideSpan < 0) this.decideSpan = p.names.indexOf('decide');
    if (p.ticks === this.seenTicks) return;
    this.seenTicks = p.ticks;
    const slot = p.latestSlot;
    if (slot < 0) return;
    this.total[this.head] = p.tickDurationOf(slot);
    this.decide[this.head] = this.decideSpan >= 0 ? p.spanTotalOf(slot, this.decideSpan) : 0;
    this.head = (this.head + 1) % HISTORY;
    this.filled = Math.min(HISTORY, this.filled + 1);
    this.deferred += sandbox.arena.world.stats.deferred;
  }

  /** Redraws (every few animation frames); `fps` is the page's frame rate. */
  draw(budgetUs: number, fps: number): void {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const { width: W, height: H } = this.canvas;
    ctx.fillStyle = '#0b1220';
    ctx.fillRect(0, 0, W, H);
    const n = this.filled;
    if (n === 0) return;
    const scale = Math.max(budgetUs * 1.25, this.percentile(this.total, 1));
    const bw = W / HISTORY;
    for (let k = 0; k < n; k++) {
      const i = (this.head - n + k + HISTORY) % HISTORY;
      const x = (HISTORY - n + k) * bw;
      const t = this.total[i]!;
      const d = this.decide[i]!;
      ctx.fillStyle = t > budgetUs ? '#ef4444' : '#3b82f6';
      ctx.fillRect(x, H - (t / scale) * H, Math.max(1, bw - 0.2), (t / scale) * H);
      ctx.fillStyle = '#a3e635';
      ctx.fillRect(x, H - (d / scale) * H, Math.max(1, bw - 0.2), (d / scale) * H);
    }
    const y = H - (budgetUs / scale) * H;
    ctx.strokeStyle = '#fbbf24';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(W, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#fbbf24';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText(`budget ${budgetUs} µs`, 4, Math.max(10, y - 3));
    const p50 = this.percentile(this.total, 0.5);
    const p99 = this.percentile(this.total, 0.99);
    const d50 = this.percentile(this.decide, 0.5);
    // Without cross-origin isolation browsers round performance.now() to 100 µs: say so next to the figures.
    const coarse =
      typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated ? ' (timer 100 µs: serve with COOP/COEP for 5 µs)' : '';
    this.text.textContent = `AI tick p50 ${p50.toFixed(0)} µs · p99 ${p99.toFixed(0)} µs · decide p50 ${d50.toFixed(0)} µs · deferred ${this.deferred} · ${fps.toFixed(0)} fps${coarse}`;
  }

  /** The q-quantile of the held samples (nearest rank). */
  private percentile(series: Float64Array, q: number): number {
    const n = this.filled;
    for (let k = 0; k < n; k++) this.sorted[k] = series[(this.head - n + k + HISTORY) % HISTORY]!;
    const view = this.sorted.subarray(0, n).sort();
    return view[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? 0;
  }
}
