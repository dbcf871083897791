/**
 * A bot's action distribution as a small polar plot: the softmax of its last logits summed per
 * movement direction (16 spokes, relative to its facing: up is forward), standing still as the
 * centre dot, and the share of walk / crouch / jump. For the teacher and random bots, which have
 * no distribution, the plot shows the class they chose.
 */
import { BOT_KINDS, type BotKind } from '../game/bots.js';
import type { Sandbox } from '../game/sandbox.js';
import { MOVEMENT_CLASSES, MOVEMENT_DIRECTIONS } from '../sdk.js';

/** The panel. */
export class PolarPlot {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly probs = new Float64Array(MOVEMENT_CLASSES);
  private readonly spokes = new Float64Array(MOVEMENT_DIRECTIONS);

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'panel polar';
    this.element.innerHTML = '<h3>Action distribution</h3>';
    this.canvas = document.createElement('canvas');
    this.canvas.width = 150;
    this.canvas.height = 150;
    this.caption = document.createElement('div');
    this.caption.className = 'numbers';
    this.element.append(this.canvas, this.caption);
  }

  /** Draws `logits` (a policy's, softmaxed at `temperature`) or, when null, the one chosen `cls`. */
  draw(title: string, logits: Float32Array | null, cls: number, temperature: number): void {
    const p = this.probs;
    if (logits === null) {
      p.fill(0);
      p[Math.max(0, Math.min(MOVEMENT_CLASSES - 1, cls))] = 1;
    } else {
      const t = Math.max(temperature, 1e-3);
      let max = -Infinity;
      for (let k = 0; k < MOVEMENT_CLASSES; k++) max = Math.max(max, logits[k]! / t);
      let sum = 0;
      for (let k = 0; k < MOVEMENT_CLASSES; k++) {
        p[k] = Math.exp(logits[k]! / t - max);
        sum += p[k]!;
      }
      for (let k = 0; k < MOVEMENT_CLASSES; k++) p[k] = p[k]! / sum;
    }
    this.spokes.fill(0);
    let walk = 0;
    let crouch = 0;
    let jump = 0;
    for (let k = 1; k < MOVEMENT_CLASSES; k++) {
      const j = k - 1;
      this.spokes[j % MOVEMENT_DIRECTIONS] = this.spokes[j % MOVEMENT_DIRECTIONS]! + p[k]!;
      const stature = Math.floor(j / MOVEMENT_DIRECTIONS) % 3;
      if (stature === 1) walk += p[k]!;
      if (stature === 2) crouch += p[k]!;
      if (j >= 48) jump += p[k]!;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const W = this.canvas.width;
    const c = W / 2;
    const R = c - 8;
    ctx.fillStyle = '#0b1220';
    ctx.fillRect(0, 0, W, W);
    ctx.strokeStyle = '#334155';
    for (const f of [0.33, 0.66, 1]) {
      ctx.beginPath();
      ctx.arc(c, c, R * f, 0, Math.PI * 2);
      ctx.stroke();
    }
    let peak = 0;
    for (let d = 0; d < MOVEMENT_DIRECTIONS; d++) peak = Math.max(peak, this.spokes[d]!);
    const scale = peak > 0 ? 1 / peak : 0;
    ctx.fillStyle = 'rgba(96,165,250,0.55)';
    ctx.strokeStyle = '#60a5fa';
    ctx.beginPath();
    for (let d = 0; d <= MOVEMENT_DIRECTIONS; d++) {
      // Direction d is d·22.5° toward the agent's right; forward points up.
      const a = (d % MOVEMENT_DIRECTIONS) * ((2 * Math.PI) / MOVEMENT_DIRECTIONS) - Math.PI / 2;
      const r = R * Math.sqrt(this.spokes[d % MOVEMENT_DIRECTIONS]! * scale);
      const x = c + Math.cos(a) * r;
      const y = c + Math.sin(a) * r;
      if (d === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = '#f8fafc';
    ctx.beginPath();
    ctx.arc(c, c, 3 + 12 * Math.sqrt(p[0]!), 0, Math.PI * 2);
    ctx.fill();
    this.caption.textContent = `${title} · stand ${pct(p[0]!)} · walk ${pct(walk)} · crouch ${pct(crouch)} · jump ${pct(jump)}`;
  }
}

function pct(v: number): string {
  return `${Math.round(v * 100)} %`;
}

/** Draws the followed player's distribution: its policy's logits (through the policy's probe), else the class it chose. */
export function drawFollowedPolicy(sandbox: Sandbox, polar: PolarPlot, e: number): void {
  if (e < 0) return;
  const w = sandbox.arena.world;
  const human = e === sandbox.humanEntity;
  const kind: BotKind = w.c.Agent.team[e] === 0 ? sandbox.settings.ct : sandbox.settings.t;
  // Every model's probe watches the followed player when that model moves it, nobody otherwise.
  for (const k of BOT_KINDS) {
    const p = sandbox.bots.probe(k);
    if (p !== undefined) p.entity = !human && k === kind ? e : -1;
  }
  const name = sandbox.names[e] ?? '?';
  const probe = human ? undefined : sandbox.bots.probe(kind);
  if (probe !== undefined && probe.tick >= 0 && probe.entity === e)
    polar.draw(`${name} (${kind})`, probe.logits, 0, sandbox.settings.temperature);
  else polar.draw(`${name} (${human ? 'you' : kind}, chosen class)`, null, w.c.Action.movement[e]!, 1);
}
