/**
 * Training examples from a recorded dataset: one row per frame (the token observation, its key
 * mask) and one target per token — egocentric recordings: the recorded class on the agent's own
 * token (token 0), -1 elsewhere; joint recordings: each player's class on its token (-1 where it
 * did not decide) — plus each frame's episode for splitting.
 */
import { parseTokenLayout, TickmindError, type TokenLayoutJson } from '../core/index.js';
import type { Dataset } from '../dataset/index.js';

/** Rows ready for the network. */
export interface TrainingData {
  /** Frames. */
  count: number;
  /** Tokens per row. */
  tokens: number;
  /** Features per token. */
  features: number;
  /** count × tokens × features. */
  rows: Float32Array;
  /** count × tokens (1 = absent token). */
  mask: Uint8Array;
  /** count × tokens target classes (-1: no target). */
  targets: Int32Array;
  /** Episode of each frame. */
  episode: Int32Array;
}

/** The observation layout a dataset declares (its spec's `extra.observation`): a token layout. */
export type ObservationLayout = TokenLayoutJson;

/** The observation layout of a dataset (version 1 upgraded), checked against its features. */
export function observationLayout(dataset: Dataset): ObservationLayout {
  const fail = (m: string): never => {
    throw new TickmindError('INVALID_ARGUMENT', `dataset: ${m}`, { field: 'observation' });
  };
  const raw = dataset.spec.extra?.observation;
  if (raw === undefined) fail('its spec has no extra.observation (a token layout); was it recorded by tickmind record?');
  const o = parseTokenLayout(raw, { code: 'INVALID_ARGUMENT', path: 'extra.observation' });
  const state = dataset.spec.features['observation.state'] ?? fail("no 'observation.state' feature");
  if (state.shape[0] !== o.tokens * o.featuresPerToken)
    fail(`'observation.state' has ${state.shape[0]} values per frame, not ${o.tokens} tokens × ${o.featuresPerToken}`);
  if (dataset.spec.features['observation.mask']?.shape[0] !== o.tokens) fail(`no 'observation.mask' feature of ${o.tokens} values`);
  const action = dataset.spec.features.action ?? fail("no 'action' feature");
  const perFrame = o.mode === 'joint' ? o.tokens : 1;
  if (action.shape[0] !== perFrame || action.shape.length !== 1)
    fail(`'action' has shape [${action.shape}], a ${o.mode} recording has [${perFrame}]`);
  return o;
}

/** Flattens a dataset's frames into training rows (egocentric: the target on token 0). */
export function trainingData(dataset: Dataset, classes = 97): TrainingData {
  const layout = observationLayout(dataset);
  const T = layout.tokens;
  const F = layout.featuresPerToken;
  const count = dataset.episodes.reduce((s, e) => s + e.length, 0);
  const rows = new Float32Array(count * T * F);
  const mask = new Uint8Array(count * T);
  const targets = new Int32Array(count * T).fill(-1);
  const episode = new Int32Array(count);
  let r = 0;
  for (const e of dataset.episodes) {
    rows.set(e.columns['observation.state']!, r * T * F);
    mask.set(e.columns['observation.mask']!, r * T);
    const actions = e.columns.action!;
    const perFrame = layout.mode === 'joint' ? T : 1;
    for (let f = 0; f < e.length; f++) {
      for (let k = 0; k < perFrame; k++) {
        const a = actions[f * perFrame + k]!;
        if (!Number.isInteger(a) || a < -1 || a >= classes || (a === -1 && layout.mode === 'egocentric'))
          throw new TickmindError('INVALID_ARGUMENT', `dataset: episode ${e.index}, frame ${f}: action ${a} is outside 0..${classes - 1}`, {
            field: 'action',
          });
        targets[(r + f) * T + k] = a;
      }
      episode[r + f] = e.index;
    }
    r += e.length;
  }
  return { count, tokens: T, features: F, rows, mask, targets, episode };
}
