/**
 * The bots' controllers: the shipped models (joint transformer, egocentric transformer, MLP),
 * a model file loaded from disk, the scripted teacher and random. Each model gets one decider
 * slot in the arena's world, kept for the session; changing the temperature or the decide budget
 * replaces the decider in its slot (hot swap), as does loading another file.
 */
import type { Arena, Controller } from '../../../arena/game/arena.js';
import { fetchModel, SHIPPED_MODELS, type ShippedModel } from '../assets.js';
import { createDecisionProbe, type DecisionProbe, loadPolicy, type Policy, type PolicyDecider, policyDecider } from '../sdk.js';

/** Who moves a team's bots. */
export type BotKind = ShippedModel | 'custom' | 'teacher' | 'random';

/** Every kind, in menu order. */
export const BOT_KINDS: readonly BotKind[] = ['joint', 'egocentric', 'mlp', 'teacher', 'random', 'custom'];

/** Live settings of the model-driven bots. */
export interface BotTuning {
  /** Sampling temperature (0 = argmax). */
  temperature: number;
  /** Ticks between decisions. */
  period: number;
  /** Egocentric models: decide budget per tick, µs (0 = none). */
  budgetUs: number;
}

interface ModelSlot {
  policy: Policy;
  file: string;
  index: number;
  decider: PolicyDecider;
  probe: DecisionProbe;
}

/** The arena's model bots (see the module comment). */
export class BotLibrary {
  private readonly slots = new Map<BotKind, ModelSlot>();

  constructor(
    private readonly arena: Arena,
    private tuning: BotTuning,
  ) {}

  /** Whether `kind` can play now (models: loaded). */
  ready(kind: BotKind): boolean {
    return kind === 'teacher' || kind === 'random' || this.slots.has(kind);
  }

  /** Loads a shipped model the first time it is chosen (custom models come from {@link loadFile}). */
  async ensure(kind: BotKind): Promise<void> {
    if (this.ready(kind) || kind === 'custom' || kind === 'teacher' || kind === 'random') return;
    const bytes = await fetchModel(kind);
    await this.install(kind, bytes, SHIPPED_MODELS[kind].file, 'native');
  }

  /**
   * Loads a model file (bytes from the disk): validates it as a tickmind policy for this arena
   * (spec, sensor, tokens) and installs it as the 'custom' bots, replacing the previous one.
   * Throws a TickmindError naming what is wrong; the running game is untouched then.
   */
  async loadFile(bytes: Uint8Array, file: string): Promise<void> {
    await this.install('custom', bytes, file, 'auto');
  }

  /** The controller for a team of `kind` (call {@link ensure} first). */
  controller(kind: BotKind): Controller {
    if (kind === 'teacher' || kind === 'random') return kind;
    const slot = this.slots.get(kind);
    if (slot === undefined) throw new Error(`bots '${kind}' are not loaded`);
    return { decider: slot.index, period: this.tuning.period };
  }

  /** Applies new tuning: deciders are rebuilt in their slots (temperature, budget); periods apply at the next assignment. */
  retune(tuning: BotTuning): void {
    this.tuning = { ...tuning };
    for (const [kind, slot] of this.slots) this.place(kind, slot.policy, slot.file, slot.index, slot.probe);
  }

  /** The decider of a model kind, if loaded (its scheduler holds the budget's counters). */
  decider(kind: BotKind): PolicyDecider | undefined {
    return this.slots.get(kind)?.decider;
  }

  /** The probe of a model kind: the logits of the agent it watches. */
  probe(kind: BotKind): DecisionProbe | undefined {
    return this.slots.get(kind)?.probe;
  }

  /** The file a model kind was loaded from. */
  file(kind: BotKind): string | undefined {
    return this.slots.get(kind)?.file;
  }

  /** The decider slot index of a model kind, -1 if none. */
  index(kind: BotKind): number {
    return this.slots.get(kind)?.index ?? -1;
  }

  private async install(kind: BotKind, bytes: Uint8Array, file: string, backend: 'native' | 'auto'): Promise<void> {
    const policy = await loadPolicy(bytes, { file, backend, maxBatch: this.arena.world.capacity });
    const old = this.slots.get(kind);
    const probe = old?.probe ?? createDecisionProbe(policy.classes);
    // Build first: a decider that does not fit this arena throws here, before anything is replaced.
    const decider = this.build(policy, probe);
    const index = old?.index ?? this.arena.addDecider(decider);
    this.arena.world.deciders[index] = decider;
    this.slots.set(kind, { policy, file, index, decider, probe });
    // The replaced model's kernel memory goes back to the allocator (every retrain swaps one in).
    if (old !== undefined && old.policy !== policy) void old.policy.dispose();
  }

  private place(kind: BotKind, policy: Policy, file: string, index: number, probe: DecisionProbe): void {
    const decider = this.build(policy, probe);
    this.arena.world.deciders[index] = decider;
    this.slots.set(kind, { policy, file, index, decider, probe });
  }

  private build(policy: Policy, probe: DecisionProbe): PolicyDecider {
    const egocentric = policy.spec.mode === 'egocentric';
    return policyDecider(this.arena.world, policy, {
      temperature: this.tuning.temperature,
      center: this.arena.frame.center,
      halfExtent: this.arena.frame.halfExtent,
      probe,
      ...(egocentric && this.tuning.budgetUs > 0 ? { budgetUs: this.tuning.budgetUs } : {}),
    });
  }
}
