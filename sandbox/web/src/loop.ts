/**
 * The page's clock: the game advances in fixed ticks (64 Hz) from the display's frames; each
 * frame renders with the fraction of a tick left over (interpolation). A slow frame runs at most
 * a few ticks — the game then slows down instead of spiralling — and an error in a tick or a frame
 * is reported without stopping the loop.
 */

/** Ticks run per animation frame at most. */
const MAX_TICKS_PER_FRAME = 6;

/** What the loop drives. */
export interface LoopTargets {
  /** Seconds per tick. */
  dt: number;
  /** Whether ticks are paused (frames still render). */
  paused(): boolean;
  /** One game tick. */
  tick(): void;
  /** One frame, `alpha` of the way from the previous tick to the current one. */
  frame(alpha: number, frameIndex: number): void;
  /** Reports an error (the loop goes on). */
  error(err: unknown): void;
}

/** Starts the loop; returns the frame counter. */
export function startLoop(t: LoopTargets): { frames: number } {
  const counter = { frames: 0 };
  let acc = 0;
  let last = performance.now();
  const frame = (now: number) => {
    requestAnimationFrame(frame);
    acc += Math.min(0.25, (now - last) / 1000);
    last = now;
    let n = 0;
    try {
      while (acc >= t.dt && n < MAX_TICKS_PER_FRAME) {
        acc -= t.dt;
        n++;
        if (!t.paused()) t.tick();
      }
      if (n === MAX_TICKS_PER_FRAME) acc = 0;
      t.frame(t.paused() ? 1 : acc / t.dt, counter.frames++);
    } catch (err) {
      t.error(err);
    }
  };
  requestAnimationFrame(frame);
  return counter;
}
