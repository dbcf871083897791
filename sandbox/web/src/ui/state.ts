/** The page's state as plain data (`window.tickmind.state()`): for the console and the end-to-end tests. */
import type { Sandbox } from '../game/sandbox.js';
import type { ErrorPanel } from './errors.js';

/** A snapshot of the game and the page. */
export function pageState(sandbox: Sandbox, errors: ErrorPanel, frames: number) {
  const w = sandbox.arena.world;
  const { Transform, Agent } = w.c;
  const players = [];
  for (let i = 0; i < w.agentCount; i++) {
    const e = w.agents[i]!;
    players.push({
      entity: e,
      team: Agent.team[e]!,
      alive: Agent.alive[e] === 1,
      health: Agent.health[e]!,
      x: Transform.x[e]!,
      y: Transform.y[e]!,
      z: Transform.z[e]!,
      yaw: Transform.yaw[e]!,
    });
  }
  return {
    ticks: sandbox.ticks,
    frames,
    round: sandbox.arena.round.index,
    over: sandbox.arena.round.over,
    human: sandbox.humanEntity,
    settings: { ...sandbox.settings },
    players,
    profiledTicks: sandbox.profiler.ticks,
    customModel: sandbox.bots.file('custom') ?? null,
    errors: [...errors.messages],
  };
}
