/** Waypoint features: the game's navigation intent, in each player's frame, in the policy's tokens. */
import { describe, expect, it } from 'vitest';
import {
  type AiWorld,
  addAgent,
  constantDecider,
  createAiWorld,
  createDecisionProbe,
  type Decider,
  policyDecider,
  step,
  TokenObservations,
} from '../../sdk/ecs/index.js';
import { loadPolicy, starterModelBytes } from '../../sdk/policy/index.js';
import { EGOCENTRIC_FEATURES, JOINT_FEATURES, TokenLayout, WAYPOINT_FEATURES, writeWaypoint } from '../../sdk/sensors/index.js';

const out = new Float32Array(4);

describe('waypoint features', () => {
  it('give the direction to the waypoint in the player frame, its rise and the goal distance on a log scale', () => {
    // Facing +x (yaw 0): a waypoint 3 m along +z is 90° to the side (lateral +1).
    writeWaypoint(0, 0, 0, 0, 0, 0.6, 3, 10, out, 0);
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(0.6, 6);
    expect(out[3]).toBeCloseTo(Math.log1p(10) / 4, 6);
    // Facing +z (yaw 90°), the same waypoint is straight ahead.
    writeWaypoint(0, 0, 0, Math.PI / 2, 0, 0, 3, 10, out, 0);
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(0, 6);
  });

  it('fade the direction within half a meter, cap the rise and read 0 at the goal', () => {
    writeWaypoint(0, 0, 0, 0, 0.25, 9, 0, 0, out, 0);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[2]).toBe(2);
    expect(out[3]).toBe(0);
    writeWaypoint(1, 0, 1, 0, 1, 0, 1, 0, out, 0);
    expect([...out.subarray(0, 2)]).toEqual([0, 0]);
  });

  it('are a block of their own in the layout, after the entity features', () => {
    const layout = TokenLayout.create({ mode: 'joint', waypoints: true });
    expect(layout.block('waypoint')!.json).toMatchObject({
      offset: JOINT_FEATURES.length,
      names: [...WAYPOINT_FEATURES],
      scope: 'players',
    });
    expect(TokenLayout.create({ mode: 'joint' }).block('waypoint')).toBeUndefined();
  });
});

/** Three players (two guided) deciding with `decider` (default: standing still). */
function world3(decider: (world: AiWorld) => Decider = () => constantDecider(0)) {
  const world = createAiWorld({ seed: 1, capacity: 8, sensors: [], deciders: [] });
  world.deciders.push(decider(world));
  const a = addAgent(world, { team: 0, position: [0, 0, 0], yaw: 0 });
  const b = addAgent(world, { team: 0, position: [2, 0, 0], yaw: Math.PI });
  const c = addAgent(world, { team: 1, position: [0, 0, 5], yaw: 0 });
  const W = world.c.Waypoint;
  // a's waypoint 4 m ahead, b's 4 m along +z (to its right, facing -x: lateral -1), c has none.
  for (const [e, x, z] of [
    [a, 4, 0],
    [b, 2, 4],
  ] as const) {
    W.x[e] = x;
    W.z[e] = z;
    W.goalDistance[e] = 12;
    W.active[e] = 1;
  }
  return { world, a, b, c };
}

describe('token observations with waypoints', () => {
  it('egocentric: the self token carries its own waypoint; other tokens and unguided players read zeros', () => {
    const { world, a, c } = world3();
    const obs = new TokenObservations(world, TokenLayout.create({ mode: 'egocentric', waypoints: true }));
    expect(obs.entityFeatures).toEqual([...EGOCENTRIC_FEATURES, ...WAYPOINT_FEATURES]);
    const rows = new Float32Array(2 * obs.rowFloats);
    const mask = new Uint8Array(20);
    obs.gather();
    obs.encodeAgents(Int32Array.of(a, c), 2, rows, mask);
    const at = EGOCENTRIC_FEATURES.length;
    const F = obs.featuresPerToken;
    expect(rows[at]).toBeCloseTo(1, 6); // a: straight ahead
    expect(rows[at + 3]).toBeCloseTo(Math.log1p(12) / 4, 6);
    expect([...rows.subarray(F + at, F + at + 4)]).toEqual([0, 0, 0, 0]); // a's ally token
    expect([...rows.subarray(obs.rowFloats + at, obs.rowFloats + at + 4)]).toEqual([0, 0, 0, 0]); // c: no waypoint
  });

  it('joint: every live player token carries its own waypoint in its own frame', () => {
    const { world } = world3();
    const obs = new TokenObservations(world, TokenLayout.create({ mode: 'joint', playerTokens: 4, waypoints: true }));
    const row = new Float32Array(obs.rowFloats);
    obs.gather();
    obs.encodeMatch(row, new Uint8Array(4));
    const at = JOINT_FEATURES.length;
    const F = obs.featuresPerToken;
    expect(row[at]).toBeCloseTo(1, 6);
    expect(row[F + at]).toBeCloseTo(0, 5);
    expect(row[F + at + 1]).toBeCloseTo(-1, 5);
    expect(row[2 * F + at + 3]).toBe(0);
  });

  it('a policy built with waypoint features decides on them; one without ignores the waypoints', async () => {
    const layout = (waypoints: boolean) => TokenLayout.create({ mode: 'joint', playerTokens: 4, waypoints }).toJSON();
    const guided = await loadPolicy(starterModelBytes({ observation: layout(true), seed: 3 }));
    const plain = await loadPolicy(starterModelBytes({ observation: layout(false), seed: 3 }));
    const logitsWith = async (policy: typeof guided, waypointZ: number) => {
      const probe = createDecisionProbe(97);
      const { world, a } = world3((w) => policyDecider(w, policy, { temperature: 0, probe }));
      world.c.Waypoint.z[a] = waypointZ;
      probe.entity = a;
      step(world);
      return [...probe.logits];
    };
    expect(await logitsWith(guided, 3)).not.toEqual(await logitsWith(guided, 0));
    expect(await logitsWith(plain, 3)).toEqual(await logitsWith(plain, 0));
    // A layout whose blocks this SDK does not write fails at load, naming the block.
    const wrong = layout(true);
    wrong.blocks[1]!.names = [...wrong.blocks[1]!.names].reverse();
    wrong.entityFeatures = [...JOINT_FEATURES, ...wrong.blocks[1]!.names];
    const { world } = world3();
    expect(() => policyDecider(world, plain)).not.toThrow();
    expect(() => new TokenObservations(world, wrong)).toThrow(/waypoint features must be/);
  });
});
