/**
 * Per-tick game events in preallocated typed arrays: cleared at the start of each tick, read by
 * metrics, the recorder and the renderer after it. A tick with more events than the log holds
 * drops the excess and counts it (never throws in the game loop).
 */

/** Event types. */
export const ArenaEvent = {
  /** actor spotted target (starts its reaction). */
  spotted: 1,
  /** actor fired at target; value 1 on a hit, 0 on a miss. */
  shot: 2,
  /** actor hit target for value damage. */
  hit: 3,
  /** target died to actor; value 1 for a head shot. */
  death: 4,
  /** actor started defusing. */
  defuseStart: 5,
  /** actor's defuse progress, value in (0, 1]. */
  defuseProgress: 6,
  /** actor stopped defusing before the end. */
  defuseAbort: 7,
  /** actor defused the bomb. */
  defused: 8,
  /** the bomb exploded. */
  exploded: 9,
  /** the round ended; actor = winning side (0 CT, 1 T). */
  roundEnd: 10,
  /** actor got stuck (the stuck detector: value 0), or fell out of the map and was put back (value 1). */
  stuck: 11,
} as const;

/** The log of one tick's events. */
export class EventLog {
  /** Events this tick. */
  count = 0;
  /** Events dropped this tick for lack of room. */
  dropped = 0;
  /** Event type per slot (see ArenaEvent). */
  readonly type: Uint8Array;
  /** Acting entity (or side), -1 for none. */
  readonly actor: Int32Array;
  /** Target entity, -1 for none. */
  readonly target: Int32Array;
  /** Value (damage, progress, flags). */
  readonly value: Float32Array;

  constructor(readonly capacity = 256) {
    this.type = new Uint8Array(capacity);
    this.actor = new Int32Array(capacity);
    this.target = new Int32Array(capacity);
    this.value = new Float32Array(capacity);
  }

  /** Empties the log (start of a tick). */
  clear(): void {
    this.count = 0;
    this.dropped = 0;
  }

  /** Appends an event. */
  push(type: number, actor: number, target: number, value: number): void {
    if (this.count === this.capacity) {
      this.dropped++;
      return;
    }
    const i = this.count++;
    this.type[i] = type;
    this.actor[i] = actor;
    this.target[i] = target;
    this.value[i] = value;
  }
}
