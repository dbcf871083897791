/** Text output of the runner. */
import type { RunSummary } from './run.js';

/** Human-readable summary lines. */
export function formatSummary(s: RunSummary): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `${s.rounds} rounds on ${s.map}, seed ${s.seed}: CT ${s.ct} vs T ${s.t} (${s.physics === 'rapier' ? "Rapier's character controller" : 'BvhMover'})`,
    `  outcomes     CT win ${pct(s.ctWinRate)} · T win ${pct(s.tWinRate)}  (defused ${s.reasons.defused}, exploded ${s.reasons.exploded}, CTs eliminated ${s.reasons.eliminated})`,
    `  round length ${s.meanRoundSeconds.toFixed(1)} s mean · kills per round CT ${s.meanKills.ct.toFixed(2)}, T ${s.meanKills.t.toFixed(2)}`,
    `  stuck events ${s.stuckEvents} (${s.stuckEventsPerRound.toFixed(2)} per round)`,
    `  speed        ${s.ticks} ticks in ${s.wallSeconds.toFixed(1)} s = ${Math.round(s.ticksPerSecond)} ticks/s (${(s.ticksPerSecond / 64).toFixed(0)}× real time at 64 Hz)`,
  ].join('\n');
}
