/** The HUD: round timer, bomb timer and defuse progress, alive counts, the round's result, the kill feed. */
import { Side } from '../../../arena/game/round.js';
import type { Sandbox } from '../game/sandbox.js';

/** Updates the HUD's DOM (only when its text changes). */
export class Hud {
  private lastHud = '';
  private lastFeed = '';

  constructor(
    private readonly hud: HTMLElement,
    private readonly feed: HTMLElement,
  ) {}

  update(sandbox: Sandbox): void {
    const r = sandbox.arena.round;
    const rate = sandbox.arena.rules.tickRate;
    const elapsed = r.tick / rate;
    const bomb = Math.max(0, r.bombTicksLeft / rate);
    const defuse = r.defuser >= 0 ? r.defuseTicks / (sandbox.arena.rules.defuseSeconds * rate) : -1;
    const result = r.over ? `${r.winner === Side.ct ? 'Counter-terrorists' : 'Terrorists'} win — ${r.reason}` : '';
    const you =
      sandbox.humanEntity >= 0
        ? sandbox.humanAlive
          ? `you: ${sandbox.arena.world.c.Agent.health[sandbox.humanEntity]} HP`
          : 'you are dead — spectating'
        : 'spectating';
    const html =
      `<span class="ct">CT ${r.alive[Side.ct]}/${r.started[Side.ct]}</span>` +
      `<span class="clock" data-testid="round-clock">${fmt(elapsed)}</span>` +
      `<span class="t">T ${r.alive[Side.t]}/${r.started[Side.t]}</span>` +
      `<div class="bomb ${bomb < 10 ? 'urgent' : ''}">bomb ${bomb.toFixed(1)} s${defuse >= 0 ? ` · defusing ${Math.round(defuse * 100)} %` : ''}</div>` +
      `<div class="sub">round ${r.index} · ${you}</div>` +
      (result !== '' ? `<div class="result">${result}</div>` : '');
    if (html !== this.lastHud) {
      this.hud.innerHTML = html;
      this.lastHud = html;
    }
    const lines = sandbox.feed
      .map(
        (k) =>
          `<div><span class="${k.killerSide === Side.ct ? 'ct' : 't'}">${k.killer}</span> ⌖${k.headshot ? ' ●' : ''} <span class="${k.victimSide === Side.ct ? 'ct' : 't'}">${k.victim}</span></div>`,
      )
      .join('');
    if (lines !== this.lastFeed) {
      this.feed.innerHTML = lines;
      this.lastFeed = lines;
    }
  }
}

function fmt(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
