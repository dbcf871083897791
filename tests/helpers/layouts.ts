/** Layout JSON for tests of code that reads only a layout's shape (trainers, graph builders). */
import type { TokenLayoutJson } from '../../sdk/core/index.js';

/** A layout (egocentric unless told) of `tokens` tokens whose entity block has `features` made-up names (no writer could fill it; shape only). */
export function shapeOnlyLayout(tokens: number, features: number, mode: 'egocentric' | 'joint' = 'egocentric'): TokenLayoutJson {
  const names = Array.from({ length: features }, (_, i) => `f${i}`);
  const maxAllies = Math.floor((tokens - 1) / 2);
  return {
    version: 2,
    mode,
    tokens,
    playerTokens: tokens,
    objectives: 0,
    featuresPerToken: features,
    stack: 1,
    maxAllies,
    maxEnemies: tokens - 1 - maxAllies,
    blocks: [{ kind: 'entity', scope: 'all', offset: 0, width: features, names, positionScale: 20, velocityScale: 5, maxHealth: 100 }],
    entityFeatures: names,
    rays: null,
    ...(mode === 'joint' ? { center: [0, 0, 0] as [number, number, number], halfExtent: 20 } : {}),
  };
}
