/** Which player the camera, the ray view and the action plot follow: cycles through the live players, skipping the human while it plays. */
import type { Sandbox } from './sandbox.js';

/** The followed player. */
export class Follow {
  /** The followed entity, -1 for none. */
  entity = -1;

  constructor(private readonly sandbox: Sandbox) {
    sandbox.listeners.roundStart.push(() => {
      this.entity = -1;
      this.next();
    });
  }

  /** Moves to the next live player. */
  next(): void {
    const s = this.sandbox;
    const w = s.arena.world;
    if (w.agentCount === 0) return;
    const i = this.index();
    for (let k = 1; k <= w.agentCount; k++) {
      const e = w.agents[(i + k) % w.agentCount]!;
      if (e !== s.humanEntity || !s.humanAlive) {
        this.entity = e;
        return;
      }
    }
  }

  /** Keeps following someone alive (after a death, a new round). */
  ensure(): void {
    const w = this.sandbox.arena.world;
    if (this.entity < 0 || this.index() < 0 || w.c.Agent.alive[this.entity] !== 1) this.next();
  }

  private index(): number {
    const w = this.sandbox.arena.world;
    return w.agents.subarray(0, w.agentCount).indexOf(this.entity);
  }
}
