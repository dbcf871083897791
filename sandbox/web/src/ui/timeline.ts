/**
 * The replay's timeline: play/pause, speed (×1, ×4), a slider over the demo's ticks with the
 * rounds shaded on it, a readout (tick, round, players alive, the file) and buttons to train on the
 * demo and to go back to the arena. Shown only in replay mode, where the arena's HUD is.
 */
import { type DemoReplay, REPLAY_SPEEDS } from '../replay/demo-replay.js';

/** What the timeline's buttons do. */
export interface TimelineActions {
  /** "Train on this demo". */
  train(): void;
  /** Back to the arena. */
  leave(): void;
}

/** The timeline bar (see the module comment). */
export class Timeline {
  readonly element: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLButtonElement;
  private readonly slider: HTMLInputElement;
  private readonly marks: HTMLElement;
  private readonly readout: HTMLElement;
  private replay: DemoReplay | undefined;
  private dragging = false;
  private lastText = '';

  constructor(actions: TimelineActions) {
    const el = document.createElement('section');
    el.id = 'timeline';
    el.className = 'panel';
    el.hidden = true;
    el.innerHTML = `
      <div class="row">
        <button type="button" data-testid="replay-play" title="play / pause (P)">▶ play</button>
        <button type="button" data-testid="replay-speed" title="playback speed">×1</button>
        <div class="track"><div class="marks"></div><input type="range" min="0" max="1" step="1" data-testid="replay-slider" aria-label="demo tick"></div>
      </div>
      <div class="row">
        <span class="readout" data-testid="replay-readout"></span>
        <button type="button" data-testid="replay-train">train on this demo</button>
        <button type="button" data-testid="replay-leave">✕ back to the arena</button>
      </div>`;
    const q = <T extends HTMLElement>(s: string) => el.querySelector(s) as T;
    this.play = q('[data-testid="replay-play"]');
    this.speed = q('[data-testid="replay-speed"]');
    this.slider = q('input');
    this.marks = q('.marks');
    this.readout = q('.readout');
    this.play.onclick = () => this.toggle();
    this.speed.onclick = () => {
      const r = this.replay;
      if (r === undefined) return;
      r.speed = REPLAY_SPEEDS[(REPLAY_SPEEDS.indexOf(r.speed as 1 | 4) + 1) % REPLAY_SPEEDS.length]!;
    };
    this.slider.addEventListener('input', () => this.replay?.seek(Number(this.slider.value)));
    this.slider.addEventListener('pointerdown', () => {
      this.dragging = true;
    });
    window.addEventListener('pointerup', () => {
      this.dragging = false;
    });
    q<HTMLButtonElement>('[data-testid="replay-train"]').onclick = () => actions.train();
    q<HTMLButtonElement>('[data-testid="replay-leave"]').onclick = () => actions.leave();
    this.element = el;
  }

  /** Shows the timeline for `replay` (undefined hides it). */
  show(replay: DemoReplay | undefined): void {
    this.replay = replay;
    this.element.hidden = replay === undefined;
    this.lastText = '';
    if (replay === undefined) return;
    this.slider.min = String(replay.first);
    this.slider.max = String(replay.last);
    const span = Math.max(1, replay.last - replay.first);
    this.marks.replaceChildren(
      ...replay.recording.rounds.map((r, i) => {
        const band = document.createElement('span');
        band.style.left = `${(100 * (r.start - replay.first)) / span}%`;
        band.style.width = `${(100 * (r.end - r.start)) / span}%`;
        band.title = `round ${i + 1}${r.winner !== undefined ? `: ${r.winner.toUpperCase()} win` : ''}`;
        return band;
      }),
    );
    this.update();
  }

  /** Play or pause. */
  toggle(): void {
    const r = this.replay;
    if (r === undefined) return;
    if (!r.playing && r.tick >= r.last) r.seek(r.first);
    r.playing = !r.playing;
  }

  /** Follows the replay: the slider's knob and the readout (the DOM only when the text changes). */
  update(): void {
    const r = this.replay;
    if (r === undefined) return;
    if (!this.dragging) this.slider.value = String(Math.round(r.tick));
    const round = r.round;
    const [ct, t] = r.alive();
    const seconds = (r.tick - r.first) / r.recording.tickRate;
    const text = `tick ${Math.round(r.tick)} · ${
      round >= 0 ? `round ${round + 1}/${r.recording.rounds.length}` : 'between rounds'
    } · alive CT ${ct} T ${t} · ${clock(seconds)} · ${r.file}`;
    if (text !== this.lastText) {
      this.readout.textContent = text;
      this.lastText = text;
    }
    const play = r.playing ? '‖ pause' : '▶ play';
    if (this.play.textContent !== play) this.play.textContent = play;
    const speed = `×${r.speed}`;
    if (this.speed.textContent !== speed) this.speed.textContent = speed;
  }
}

function clock(s: number): string {
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;
}
