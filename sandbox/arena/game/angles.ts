/** Small angle helpers (radians). */

/** b − a wrapped into (−π, π]. */
export function angleDiff(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  else if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

/** Turns `from` toward `to` by `gain` of the difference, at most `maxStep`; the result wrapped into (−π, π]. */
export function turnToward(from: number, to: number, gain: number, maxStep: number): number {
  const d = angleDiff(from, to);
  const s = Math.max(-maxStep, Math.min(maxStep, d * gain));
  return angleDiff(0, from + s);
}
