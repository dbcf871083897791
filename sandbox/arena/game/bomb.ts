/**
 * The bomb and the end of the round: the timer runs down; a live defender standing still within
 * reach of the bomb starts a defuse, which roots it until the end, as in CS (the arena holds it
 * still; dying aborts and resets); the round ends on a
 * defuse (defenders win), an explosion or the defenders' elimination (attackers win). As in
 * CS, eliminating the attackers does not end it: the bomb still has to be defused.
 */
import type { AiWorld } from '../../../sdk/ecs/index.js';
import { ArenaEvent, type EventLog } from './events.js';
import { type RoundEndReason, type RoundState, Side } from './round.js';
import type { RetakeRules } from './rules.js';

/** Fastest a defuser may move, m/s. */
const STILL_MS = 0.3;
/** Vertical reach of a defuser, m. */
const DEFUSE_DY = 1.5;

/** Advances the bomb and defuse by one tick and ends the round when a rule says so. */
export function bombSystem(world: AiWorld, round: RoundState, rules: RetakeRules, speed: Float32Array, events: EventLog): void {
  if (round.over) return;
  round.bombTicksLeft--;
  const needed = Math.round(rules.defuseSeconds * rules.tickRate);
  const d = round.defuser;
  if (d >= 0) {
    if (canDefuse(world, round, rules, speed, d)) {
      round.defuseTicks++;
      events.push(ArenaEvent.defuseProgress, d, -1, round.defuseTicks / needed);
      if (round.defuseTicks >= needed) {
        events.push(ArenaEvent.defused, d, -1, 1);
        end(round, Side.ct, 'defused', events);
        return;
      }
    } else {
      events.push(ArenaEvent.defuseAbort, d, -1, round.defuseTicks / needed);
      round.defuser = -1;
      round.defuseTicks = 0;
    }
  } else {
    for (let i = 0; i < world.agentCount; i++) {
      const e = world.agents[i]!;
      if (world.c.Agent.team[e] !== Side.ct || !canDefuse(world, round, rules, speed, e)) continue;
      round.defuser = e;
      round.defuseTicks = 1;
      events.push(ArenaEvent.defuseStart, e, -1, 1 / needed);
      break;
    }
  }
  if (round.bombTicksLeft <= 0) {
    events.push(ArenaEvent.exploded, -1, -1, 0);
    end(round, Side.t, 'exploded', events);
  } else if (round.alive[Side.ct] === 0) {
    end(round, Side.t, 'eliminated', events);
  }
}

function canDefuse(world: AiWorld, round: RoundState, rules: RetakeRules, speed: Float32Array, e: number): boolean {
  const { Agent, Transform } = world.c;
  if (Agent.alive[e] === 0 || speed[e]! > STILL_MS) return false;
  const dx = Transform.x[e]! - round.bomb[0]!;
  const dz = Transform.z[e]! - round.bomb[2]!;
  return dx * dx + dz * dz <= rules.defuseRangeM * rules.defuseRangeM && Math.abs(Transform.y[e]! - round.bomb[1]!) <= DEFUSE_DY;
}

function end(round: RoundState, winner: number, reason: RoundEndReason, events: EventLog): void {
  round.over = true;
  round.winner = winner;
  round.reason = reason;
  events.push(ArenaEvent.roundEnd, winner, -1, 0);
}
