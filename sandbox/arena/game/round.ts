/** The state of one retake round: clock, bomb, defuse, outcome. */

/** Sides (the world's team index). */
export const Side = {
  /** Counter-terrorists: the defenders who retake the site and defuse. */
  ct: 0,
  /** Terrorists: the attackers who planted the bomb and hold it. */
  t: 1,
} as const;

/** Why a round ended. */
export type RoundEndReason = 'defused' | 'exploded' | 'eliminated';

/** A round in play (reused from round to round). */
export interface RoundState {
  /** Rounds started on this arena (1 for the first). */
  index: number;
  /** Ticks since the plant. */
  tick: number;
  /** Bomb position, m. */
  bomb: Float32Array;
  /** Ticks until the bomb explodes. */
  bombTicksLeft: number;
  /** Entity defusing, -1 for none. */
  defuser: number;
  /** Ticks of the current defuse. */
  defuseTicks: number;
  /** Whether the round has ended. */
  over: boolean;
  /** Winning side (Side), -1 while in play. */
  winner: number;
  /** Why it ended ('' while in play). */
  reason: RoundEndReason | '';
  /** Live players per side [ct, t]. */
  alive: Int32Array;
  /** Players per side at the start [ct, t]. */
  started: Int32Array;
  /** Stuck events this round. */
  stuckEvents: number;
  /** Kills this round per side [by ct, by t]. */
  kills: Int32Array;
}

/** A fresh, empty round state. */
export function createRoundState(): RoundState {
  return {
    index: 0,
    tick: 0,
    bomb: new Float32Array(3),
    bombTicksLeft: 0,
    defuser: -1,
    defuseTicks: 0,
    over: false,
    winner: -1,
    reason: '',
    alive: new Int32Array(2),
    started: new Int32Array(2),
    stuckEvents: 0,
    kills: new Int32Array(2),
  };
}
