/**
 * The decision scheduler: which of the due agents decide this tick, so that the decide phase fits
 * a budget in µs. Cost is predicted by a model learned from measured calls (fixed cost per call +
 * cost per agent, a least-squares fit over recent calls). Oldest-waiting agents go first; the rest
 * are deferred to the next tick. An agent that has waited `maxWaitTicks` is taken even over budget,
 * but never more than one extra batch of them per tick, so the phase stays within budget plus at
 * most one batch; if more agents reach the bound at once than one batch holds, the rest go first
 * on the next tick (they are the oldest), so nobody starves. Allocation-free per tick.
 */
import { TickmindError } from '../core/errors.js';

/** Scheduler settings. */
export interface SchedulerConfig {
  /** Budget for the decide phase per tick, µs. */
  budgetUs: number;
  /** Ticks after which a deferred agent must decide (default 8). */
  maxWaitTicks?: number;
  /** Most agents taken over budget in one tick (default: as many as the budget holds, per the cost model). */
  maxOverBudgetBatch?: number;
  /** Initial cost model guess: µs per call and per agent (default 20 and 5). */
  initialCallUs?: number;
  /** Initial guess of µs per agent (default 5). */
  initialAgentUs?: number;
  /**
   * A fixed cost model instead of one fitted to measured times: the choices then depend only on
   * who is due and for how long, so a match is deterministic for a seed (measured times still
   * feed the over-budget counter).
   */
  costModel?: CostModel;
}

/** A decision's predicted cost: µs per call plus µs per agent. */
export interface CostModel {
  /** Fixed cost of one call, µs. */
  callUs: number;
  /** Cost per agent in the call, µs. */
  agentUs: number;
}

/** Counters since creation (or the last reset). */
export interface SchedulerStats {
  /** Ticks scheduled. */
  ticks: number;
  /** Agents that were due but deferred, summed over ticks. */
  deferrals: number;
  /** Longest wait of any agent that decided, ticks. */
  worstWaitTicks: number;
  /** Ticks whose measured decide cost exceeded the budget. */
  overBudgetTicks: number;
}

/** Distinct due ticks the counting sort handles (waits beyond it sort by insertion). */
const BUCKETS = 256;

/** Chooses which due agents decide each tick within a budget (see the module comment). */
export class DecisionScheduler {
  /** Current model: predicted µs = callUs + agentUs · n. */
  callUs: number;
  /** Current model: µs per agent. */
  agentUs: number;
  /** Counters. */
  readonly stats: SchedulerStats = { ticks: 0, deferrals: 0, worstWaitTicks: 0, overBudgetTicks: 0 };
  private readonly budgetUs: number;
  private readonly maxWait: number;
  private readonly maxForced: number;
  /** Tick since which each agent (by id) has been due, -1 when not waiting. */
  private readonly dueSince: Int32Array;
  private readonly order: Int32Array;
  /** Counting-sort buckets by due tick: the oldest BUCKETS ticks' worth (see sortOldestFirst). */
  private readonly buckets = new Int32Array(BUCKETS + 1);
  /** Whether the cost model is fixed (deterministic choices). */
  private readonly fixed: boolean;
  // Least squares of µs on (1, n) with exponential forgetting: sums of 1, n, n², y, n·y.
  private s1 = 0;
  private sn = 0;
  private snn = 0;
  private sy = 0;
  private sny = 0;

  constructor(capacity: number, config: SchedulerConfig) {
    if (!(config.budgetUs > 0))
      throw new TickmindError('INVALID_ARGUMENT', `budgetUs must be positive, got ${config.budgetUs}`, { field: 'budgetUs' });
    this.budgetUs = config.budgetUs;
    this.maxWait = Math.max(0, config.maxWaitTicks ?? 8);
    this.maxForced = config.maxOverBudgetBatch === undefined ? -1 : Math.max(1, config.maxOverBudgetBatch);
    const fixed = config.costModel;
    if (fixed !== undefined && !(fixed.callUs >= 0 && fixed.agentUs > 0))
      throw new TickmindError('INVALID_ARGUMENT', `costModel needs callUs >= 0 and agentUs > 0, got ${JSON.stringify(fixed)}`, {
        field: 'costModel',
      });
    this.fixed = fixed !== undefined;
    this.callUs = fixed?.callUs ?? config.initialCallUs ?? 20;
    this.agentUs = fixed?.agentUs ?? config.initialAgentUs ?? 5;
    this.dueSince = new Int32Array(capacity).fill(-1);
    this.order = new Int32Array(capacity);
  }

  /** Predicted cost of one call for n agents, µs. */
  predict(n: number): number {
    return n === 0 ? 0 : this.callUs + this.agentUs * n;
  }

  /**
   * Chooses who decides at `tick` among the `count` due agents (ids in `due`): writes them,
   * oldest first, into `out` and returns how many — never more than `max` (a policy's largest
   * batch). The others stay due and keep their place: they go first once they are the oldest.
   */
  select(tick: number, due: Int32Array, count: number, out: Int32Array, max = Number.MAX_SAFE_INTEGER): number {
    this.sortOldestFirst(tick, due, count);
    let n = 0;
    let forced = 0;
    // One batch over budget at most: by default, as many agents as the budget itself holds.
    const maxForced =
      this.maxForced > 0 ? this.maxForced : Math.max(1, Math.floor((this.budgetUs - this.callUs) / Math.max(this.agentUs, 1e-3)));
    for (let i = 0; i < count; i++) {
      const e = this.order[i]!;
      const waited = tick - this.dueSince[e]!;
      const fits = this.predict(n + 1) <= this.budgetUs;
      const mustGo = waited >= this.maxWait && forced < maxForced;
      if ((!fits && !mustGo) || n >= max) break;
      if (!fits) forced++;
      out[n++] = e;
      if (waited > this.stats.worstWaitTicks) this.stats.worstWaitTicks = waited;
      this.dueSince[e] = -1;
    }
    this.stats.deferrals += count - n;
    this.stats.ticks++;
    return n;
  }

  /**
   * Writes the due agents into `order`, oldest first: by the tick each became due, ties in the
   * order given. Those ticks span at most a few dozen values, so a stable counting sort over them
   * (O(count + span)); an insertion sort where the span is wider than the buckets (O(count²)).
   */
  private sortOldestFirst(tick: number, due: Int32Array, count: number): void {
    let oldest = tick;
    for (let i = 0; i < count; i++) {
      const e = due[i]!;
      if (this.dueSince[e]! < 0) this.dueSince[e] = tick;
      if (this.dueSince[e]! < oldest) oldest = this.dueSince[e]!;
    }
    const span = tick - oldest + 1;
    const buckets = this.buckets;
    if (span <= buckets.length - 1) {
      buckets.fill(0, 0, span + 1);
      for (let i = 0; i < count; i++) buckets[this.dueSince[due[i]!]! - oldest + 1]!++;
      for (let b = 1; b <= span; b++) buckets[b] = buckets[b]! + buckets[b - 1]!;
      for (let i = 0; i < count; i++) {
        const e = due[i]!;
        const b = this.dueSince[e]! - oldest;
        this.order[buckets[b]!] = e;
        buckets[b]!++;
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      const e = due[i]!;
      let j = i;
      while (j > 0 && this.dueSince[this.order[j - 1]!]! > this.dueSince[e]!) {
        this.order[j] = this.order[j - 1]!;
        j--;
      }
      this.order[j] = e;
    }
  }

  /**
   * Feeds a measured call (n agents took us µs) into the cost model and the over-budget counter.
   * The model is a least-squares line through recent calls (forgetting factor 0.98); until the
   * calls vary enough in size to separate the two terms, the per-agent term absorbs the error.
   */
  record(n: number, us: number): void {
    if (us > this.budgetUs) this.stats.overBudgetTicks++;
    if (n <= 0 || this.fixed) return;
    const f = 0.98;
    this.s1 = this.s1 * f + 1;
    this.sn = this.sn * f + n;
    this.snn = this.snn * f + n * n;
    this.sy = this.sy * f + us;
    this.sny = this.sny * f + n * us;
    const det = this.s1 * this.snn - this.sn * this.sn;
    if (det > 1e-6 * this.s1 * this.snn) {
      const agent = (this.s1 * this.sny - this.sn * this.sy) / det;
      const call = (this.sy - agent * this.sn) / this.s1;
      if (agent >= 0 && call >= 0) {
        this.agentUs = agent;
        this.callUs = call;
        return;
      }
    }
    this.agentUs = Math.max(0, (this.sy / this.s1 - this.callUs) / (this.sn / this.s1));
  }

  /** Zeroes the counters (e.g. after a warm-up); the cost model and waiting agents stay. */
  resetStats(): void {
    this.stats.ticks = 0;
    this.stats.deferrals = 0;
    this.stats.worstWaitTicks = 0;
    this.stats.overBudgetTicks = 0;
  }

  /** Forgets an agent (removed from the world). */
  forget(e: number): void {
    this.dueSince[e] = -1;
  }
}
