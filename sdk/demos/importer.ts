/**
 * A demo recording → demonstrations in a policy's token layout, as the game would have built
 * them: every K ticks of a round, for each recorded player (humans, bots, or both), its token row
 * — entity features of everyone around it, line of sight and rays cast through the map's level
 * boxes with the batched BVH caster, the bomb once planted — its 97-class movement label from its
 * recorded velocity and view (the inverse of the actuators), and waypoint features from the map's
 * nav mesh toward where it actually went next (a hindsight goal a few seconds ahead).
 *
 * Frame: Source units, z up → meters, y up (x = x, y = z, z = −y; 0.0254 m per unit); yaw ψ° →
 * −ψ rad. Velocities are scaled so the running speed of the weapon in hand (250 units/s with a
 * knife, 215 with an AK-47) is the actuators' run speed (4.8 m/s): a label then means run, walk or
 * crouch as in the game. Labels come from {@link LabelFitter}: the key that explains the recorded
 * change of velocity through the game's inertia.
 */
import { createMovementCommand, DEFAULT_SPEEDS, decodeMovement } from '../actuators/index.js';
import { TickmindError } from '../core/index.js';
import { type Episode, Recorder, tokenDatasetSpec } from '../dataset/index.js';
import { Navigator } from '../navigation/index.js';
import { BvhRayCaster } from '../physics/index.js';
import { createPlayerStates, createRayBatch, SightTable, TokenLayout, type TokenSources } from '../sensors/index.js';
import { demoToArena } from './frame.js';
import type { DemoMap, ImportOptions, ImportResult } from './import-types.js';
import { createLabelFit, LabelFitter } from './labels.js';
import { hindsightWaypoint, label, loadPlayers, STAND_MS } from './recorded-player.js';
import type { DemoRecording } from './recording.js';

export type { DemoMap, ImportOptions, ImportResult, ImportStats } from './import-types.js';

/** Agreement threshold: relative velocity error. */
const AGREE = 0.2;

/** Imports a recording (see the module comment). Throws a coded error for another map than `map`'s. */
export function importRecording(rec: DemoRecording, map: DemoMap, options: ImportOptions): ImportResult {
  const file = options.file;
  if (rec.map !== map.name)
    throw new TickmindError('INVALID_ARGUMENT', `the demo is on ${rec.map}, the map given is ${map.name}`, {
      field: 'map',
      ...(file ? { file } : {}),
    });
  const layout = TokenLayout.fromJSON(options.layout, file !== undefined ? { file } : {});
  if (layout.mode !== 'egocentric')
    throw new TickmindError('INVALID_ARGUMENT', 'demos import as egocentric rows (one per recorded player): give an egocentric layout', {
      field: 'layout',
    });
  const sensor = layout.sensor(file);
  const every = Math.max(1, options.every ?? 8);
  const N = rec.players.length;
  const fps = rec.tickRate / every;
  const spec = tokenDatasetSpec(layout.toJSON(), {
    fps,
    robotType: `${rec.game}-player`,
    features: {
      'action.continuous': { dtype: 'float32', shape: [4], names: ['forward_mps', 'lateral_mps', 'stature', 'jump'] },
      'agent.team': { dtype: 'int64', shape: [1], names: null },
      'agent.human': { dtype: 'int64', shape: [1], names: null },
      'agent.slot': { dtype: 'int64', shape: [1], names: null },
      'round.index': { dtype: 'int64', shape: [1], names: null },
      'round.tick': { dtype: 'int64', shape: [1], names: null },
      'label.error': { dtype: 'float32', shape: [1], names: null },
      // The player's own state, arena frame: what human-likeness metrics read (speed, turns, walls).
      'agent.position': { dtype: 'float32', shape: [3], names: ['x', 'y', 'z'] },
      'agent.velocity': { dtype: 'float32', shape: [3], names: ['x', 'y', 'z'] },
      'agent.yaw': { dtype: 'float32', shape: [1], names: null },
    },
    extra: {
      map: rec.map,
      source: { game: rec.game, file: file ?? '', tickRate: rec.tickRate, players: rec.players.map((p) => ({ name: p.name, bot: p.bot })) },
      recordEveryTicks: every,
      // Velocities are scaled per frame: the run speed of the weapon in hand → the actuators' run speed.
      velocityScale: { runSpeed: DEFAULT_SPEEDS.run, by: 'weapon' },
      hindsightSeconds: options.hindsightSeconds ?? 4,
    },
  });
  const episodes: Episode[] = [];
  // Rounds clipped to the recorded ticks (a damaged file may claim more).
  const first = rec.frames.count > 0 ? rec.frames.ticks[0]! : 0;
  const last = rec.frames.count > 0 ? rec.frames.ticks[rec.frames.count - 1]! : -1;
  const rounds = rec.rounds.map((x) => ({ start: Math.max(x.start, first), end: Math.min(x.end, last) })).filter((x) => x.end >= x.start);
  const longest = rounds.reduce((m, x) => Math.max(m, x.end - x.start), 0);
  const recorder = new Recorder(spec, {
    slots: Math.max(1, N),
    maxFrames: Math.floor(longest / every) + 2,
    onEpisode: (e) => episodes.push(e),
  });
  const f = {
    state: recorder.feature('observation.state'),
    mask: recorder.feature('observation.mask'),
    action: recorder.feature('action'),
    cont: recorder.feature('action.continuous'),
    team: recorder.feature('agent.team'),
    human: recorder.feature('agent.human'),
    slot: recorder.feature('agent.slot'),
    round: recorder.feature('round.index'),
    tick: recorder.feature('round.tick'),
    error: recorder.feature('label.error'),
    position: recorder.feature('agent.position'),
    velocity: recorder.feature('agent.velocity'),
    yaw: recorder.feature('agent.yaw'),
  };
  const caster = new BvhRayCaster(map.level, { maxAgents: Math.max(N, 1) });
  const navigator = new Navigator(map.navMesh, { capacity: Math.max(N, 1), seed: 1 });
  const los = options.layout.blocks.find((b) => b.kind === 'lineOfSight');
  const players = createPlayerStates(N);
  const rays = new Float32Array(Math.max(N, 1) * (sensor?.size ?? 1));
  const waypoints = {
    x: new Float32Array(N),
    y: new Float32Array(N),
    z: new Float32Array(N),
    goalDistance: new Float32Array(N),
    active: new Uint8Array(N),
  };
  const objectives = new Float32Array(3);
  const sources: TokenSources = {
    rayStride: sensor?.size ?? 0,
    waypoints,
    objectives,
    objectiveCount: 0,
    stamp: 0,
    ...(sensor !== undefined ? { rays } : {}),
    ...(los !== undefined ? { sight: new SightTable({ eyeHeight: los.eyeHeight }), caster } : {}),
  };
  const missing = layout.missing(sources);
  if (missing !== undefined)
    throw new TickmindError('INVALID_ARGUMENT', `the layout cannot be fed from a demo: ${missing}`, { field: 'layout' });
  const poses = {
    count: 0,
    position: new Float32Array(3 * N),
    yaw: new Float32Array(N),
    pitch: new Float32Array(N),
    entity: new Int32Array(N),
  };
  const batch = createRayBatch(Math.max(1, N * (sensor?.rays ?? 1)));
  const due = new Int32Array(N);
  const rows = new Float32Array(Math.max(1, N) * layout.rowFloats);
  const mask = new Uint8Array(Math.max(1, N) * layout.tokens);
  const agentPos = new Float32Array(3 * N);
  const agentIds = new Int32Array(N);
  const command = createMovementCommand();
  const continuous = new Float32Array(4);
  const frames = rec.frames;
  const rowOf = new Map<number, number>();
  for (let r = 0; r < frames.count; r++) rowOf.set(frames.ticks[r]!, r);
  const stats = { frames: 0, humanFrames: 0, humanAgree: 0, agree: 0, humanTarget: 0, humanHold: 0, demoSeconds: 0, rounds: rounds.length };
  const fitter = new LabelFitter(STAND_MS);
  const fit = createLabelFit();
  const yaws = new Float64Array(every);
  const hindsight = Math.round((options.hindsightSeconds ?? 4) * rec.tickRate);
  const keep = (p: number, side: number) =>
    (!options.humansOnly || !rec.players[p]!.bot) &&
    (options.side === undefined || options.side === 'both' || (options.side === 'ct') === (side === 0));
  rounds.forEach((round, roundIndex) => {
    stats.demoSeconds += (round.end - round.start) / rec.tickRate;
    navigator.startRound();
    for (let p = 0; p < N; p++) navigator.resetAgent(p);
    const plant = rec.plants.find((x) => x.tick >= round.start && x.tick <= round.end);
    const open = new Uint8Array(N);
    for (let tick = round.start; tick <= round.end; tick++) {
      const r = rowOf.get(tick);
      if (r === undefined || (tick - round.start) % every !== 0) continue;
      loadPlayers(rec, r, players);
      let alive = 0;
      for (let p = 0; p < N; p++) {
        if (players.alive[p] !== 1) continue;
        agentPos.set(players.position.subarray(3 * p, 3 * p + 3), 3 * alive);
        agentIds[alive++] = p;
      }
      caster.setAgents(alive, agentPos, agentIds);
      sources.stamp = tick;
      sources.objectiveCount = plant !== undefined && plant.tick <= tick ? 1 : 0;
      if (plant !== undefined) demoToArena(plant.position, 0, objectives, 0);
      let n = 0;
      for (let p = 0; p < N; p++) {
        if (players.alive[p] !== 1 || !keep(p, players.team[p]!)) {
          if (open[p] === 1 && players.alive[p] !== 1) {
            recorder.end(p);
            open[p] = 0;
          }
          continue;
        }
        due[n++] = p;
        hindsightWaypoint(rec, navigator, p, r, tick, Math.min(round.end, tick + hindsight), rowOf, players, waypoints);
      }
      if (n === 0) continue;
      if (sensor !== undefined) {
        poses.count = n;
        for (let k = 0; k < n; k++) {
          const p = due[k]!;
          poses.position.set(players.position.subarray(3 * p, 3 * p + 3), 3 * k);
          poses.yaw[k] = players.yaw[p]!;
          poses.pitch[k] = 0;
          poses.entity[k] = p;
        }
        sensor.perceive(poses, caster, batch, rays, sensor.size, 0);
        // perceive wrote rows in due order: move them to each player's own row (entity order).
        for (let k = n - 1; k >= 0; k--) if (due[k] !== k) rays.copyWithin(due[k]! * sensor.size, k * sensor.size, (k + 1) * sensor.size);
      }
      layout.encodeAgents(players, sources, due, n, rows, mask);
      for (let k = 0; k < n; k++) {
        const p = due[k]!;
        if (open[p] === 0) {
          const who = rec.players[p]!;
          recorder.begin(p, `${rec.map} as ${players.team[p] === 0 ? 'CT' : 'T'} (${who.bot ? 'bot' : 'human'} ${who.name})`);
          open[p] = 1;
        }
        const cls = label(rec, fitter, players, p, r, rowOf.get(Math.min(tick + every, round.end)) ?? r, every, yaws, fit);
        decodeMovement(cls, command);
        continuous[0] = command.forward * command.speed;
        continuous[1] = command.lateral * command.speed;
        continuous[2] = command.stature;
        continuous[3] = command.jump ? 1 : 0;
        const err = fit.error;
        const agrees = err <= AGREE;
        const human = rec.players[p]!.bot ? 0 : 1;
        stats.frames++;
        if (agrees) stats.agree++;
        if (human === 1) {
          stats.humanFrames++;
          if (agrees) stats.humanAgree++;
          if (fit.targetError <= AGREE) stats.humanTarget++;
          if (fit.holdError <= AGREE) stats.humanHold++;
        }
        recorder.set(p, f.state, rows, k * layout.rowFloats);
        recorder.set(p, f.mask, mask, k * layout.tokens);
        recorder.setScalar(p, f.action, cls);
        recorder.set(p, f.cont, continuous);
        recorder.setScalar(p, f.team, players.team[p]!);
        recorder.setScalar(p, f.human, human);
        recorder.setScalar(p, f.slot, p);
        recorder.setScalar(p, f.round, roundIndex);
        recorder.setScalar(p, f.tick, tick - round.start);
        recorder.setScalar(p, f.error, err);
        recorder.set(p, f.position, players.position, 3 * p);
        recorder.set(p, f.velocity, players.velocity, 3 * p);
        recorder.setScalar(p, f.yaw, players.yaw[p]!);
        recorder.commit(p, (tick - round.start) / rec.tickRate);
      }
    }
    for (let p = 0; p < N; p++) if (open[p] === 1) recorder.end(p);
  });
  return {
    spec,
    episodes,
    stats: {
      frames: stats.frames,
      humanFrames: stats.humanFrames,
      humanLabelAgreement: stats.humanFrames > 0 ? stats.humanAgree / stats.humanFrames : 0,
      labelAgreement: stats.frames > 0 ? stats.agree / stats.frames : 0,
      humanTargetAgreement: stats.humanFrames > 0 ? stats.humanTarget / stats.humanFrames : 0,
      humanHoldAgreement: stats.humanFrames > 0 ? stats.humanHold / stats.humanFrames : 0,
      demoSeconds: stats.demoSeconds,
      rounds: stats.rounds,
    },
  };
}
