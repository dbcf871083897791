/**
 * The stuck detector, the same for every controller: over a sliding two-second window, a bot
 * that was told to cover at least 3 m but moved less than a fifth of that is stuck. One event
 * per episode; it re-arms once the bot moves at least half of what it is told again.
 */

const WINDOW_TICKS = 64;
const MIN_COMMANDED_M = 3;

/** Per-entity counters for the detector. */
export class StuckDetector {
  private readonly commanded: Float32Array;
  private readonly moved: Float32Array;
  private readonly prevCommanded: Float32Array;
  private readonly prevMoved: Float32Array;
  private readonly stuck: Uint8Array;

  constructor(capacity: number) {
    this.commanded = new Float32Array(capacity);
    this.moved = new Float32Array(capacity);
    this.prevCommanded = new Float32Array(capacity);
    this.prevMoved = new Float32Array(capacity);
    this.stuck = new Uint8Array(capacity);
  }

  /** Forgets an entity (new round). */
  reset(e: number): void {
    this.commanded[e] = 0;
    this.moved[e] = 0;
    this.prevCommanded[e] = 0;
    this.prevMoved[e] = 0;
    this.stuck[e] = 0;
  }

  /** Whether the entity is in a stuck episode. */
  isStuck(e: number): boolean {
    return this.stuck[e] === 1;
  }

  /**
   * Adds one tick of commanded and actual travel (m); at each window boundary (`tick` a multiple
   * of one second) judges the last two windows. Returns true when a new stuck episode starts.
   */
  observe(e: number, commandedM: number, movedM: number, tick: number): boolean {
    this.commanded[e] = this.commanded[e]! + commandedM;
    this.moved[e] = this.moved[e]! + movedM;
    if (tick % WINDOW_TICKS !== 0) return false;
    const c = this.commanded[e]! + this.prevCommanded[e]!;
    const m = this.moved[e]! + this.prevMoved[e]!;
    this.prevCommanded[e] = this.commanded[e]!;
    this.prevMoved[e] = this.moved[e]!;
    this.commanded[e] = 0;
    this.moved[e] = 0;
    if (this.stuck[e] === 1) {
      if (m >= 0.5 * c) this.stuck[e] = 0;
      return false;
    }
    if (c >= MIN_COMMANDED_M && m < 0.2 * c) {
      this.stuck[e] = 1;
      return true;
    }
    return false;
  }
}
