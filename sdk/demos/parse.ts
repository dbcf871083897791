/**
 * Demo files → {@link DemoRecording}. The game is told by the file's first 8 bytes: `HL2DEMO\0`
 * (CS:GO, read with `demofile`, pure JavaScript) or `PBDEMS2\0` (CS2, read with
 * `@laihoe/demoparser2`, prebuilt binaries, Node only). Both parsers are optional peer
 * dependencies, loaded only here ({@link loadDemoParser}: a registered module, else a computed
 * import); a missing one is BACKEND_UNAVAILABLE naming the package. A file that is no demo is an
 * INVALID_ARGUMENT error; a file cut short or corrupt part-way returns what was read before the
 * damage, the error in `recording.error`.
 */
import { TickmindError } from '../core/errors.js';
import { loadDemoParser } from './parsers.js';
import { type DemoPlayer, type DemoRecording, type DemoRound, RowLog } from './recording.js';
import { DEFAULT_RUN_SPEED, weaponRunSpeed } from './weapons.js';

const CSGO_MAGIC = 'HL2DEMO\0';
const CS2_MAGIC = 'PBDEMS2\0';

/** Which game wrote a demo, from its first bytes (undefined: not a demo tickmind reads). */
export function demoGame(bytes: Uint8Array): 'csgo' | 'cs2' | undefined {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  return magic === CSGO_MAGIC ? 'csgo' : magic === CS2_MAGIC ? 'cs2' : undefined;
}

/**
 * Parses a demo file (its bytes; CS2 also needs its path, the parser reads files). Throws a
 * coded error when the file is no demo or cannot be read at all; a file cut short returns what
 * was read with `error` set.
 */
export async function parseDemo(bytes: Uint8Array, file: string): Promise<DemoRecording> {
  const game = demoGame(bytes);
  if (game === undefined)
    throw new TickmindError('INVALID_ARGUMENT', 'not a CS:GO (HL2DEMO) or CS2 (PBDEMS2) demo file', { file, field: 'header' });
  return game === 'csgo' ? parseCsgo(bytes, file) : parseCs2(file);
}

interface CsgoPlayer {
  userId: number;
  name: string;
  teamNumber: number;
  isFakePlayer: boolean;
  isAlive: boolean;
  health: number;
  position: { x: number; y: number; z: number };
  velocity: { x: number; y: number; z: number };
  eyeAngles: { pitch: number; yaw: number };
  isDucking: boolean;
  isDucked: boolean;
  weapon: { className: string } | null;
}

interface CsgoDemo {
  header: { mapName: string; playbackTicks: number };
  tickRate: number;
  currentTick: number;
  players: CsgoPlayer[];
  entities: { getByUserId(id: number): CsgoPlayer | undefined };
  gameEvents: { on(name: string, f: (e: Record<string, number>) => void): void };
  on(name: string, f: (e: { error?: unknown }) => void): void;
  parse(buffer: Uint8Array): void;
  cancel(): void;
}

async function parseCsgo(bytes: Uint8Array, file: string): Promise<DemoRecording> {
  const mod = (await loadDemoParser('demofile')) as { DemoFile: new () => CsgoDemo };
  const demo = new mod.DemoFile();
  const log = new RowLog();
  const players: DemoPlayer[] = [];
  const slot = new Map<number, number>();
  const rounds: DemoRound[] = [];
  const recording: DemoRecording = { game: 'csgo', map: '', tickRate: 64, players, frames: log.toFrames(0), rounds, plants: [] };
  let roundStart = -1;
  // The last tick fully read: a damaged file can leave demo.currentTick at garbage.
  let lastTick = 0;
  demo.on('start', () => {
    recording.map = demo.header.mapName;
    recording.tickRate = Math.round(demo.tickRate) || 64;
  });
  demo.gameEvents.on('round_freeze_end', () => {
    roundStart = demo.currentTick;
  });
  demo.gameEvents.on('round_end', (e) => {
    if (roundStart >= 0)
      rounds.push({
        start: roundStart,
        end: demo.currentTick,
        ...(e.winner === 3 ? { winner: 'ct' as const } : e.winner === 2 ? { winner: 't' as const } : {}),
      });
    roundStart = -1;
  });
  demo.gameEvents.on('bomb_planted', (e) => {
    const p = demo.entities.getByUserId(e.userid!);
    if (p !== undefined) recording.plants.push({ tick: demo.currentTick, position: [p.position.x, p.position.y, p.position.z] });
  });
  demo.on('tickend', () => {
    lastTick = demo.currentTick;
    for (const p of demo.players) {
      if (p.teamNumber !== 2 && p.teamNumber !== 3) continue; // spectators, unassigned
      let i = slot.get(p.userId);
      if (i === undefined) {
        i = players.length;
        slot.set(p.userId, i);
        players.push({ id: p.userId, name: p.name, side: p.teamNumber === 3 ? 'ct' : 't', bot: p.isFakePlayer });
      }
      players[i]!.side = p.teamNumber === 3 ? 'ct' : 't';
      const { position: x, velocity: v } = p;
      const weapon = p.weapon;
      const run = (weapon !== null && weaponRunSpeed(weapon.className)) || DEFAULT_RUN_SPEED;
      log.push(
        demo.currentTick,
        i,
        x.x,
        x.y,
        x.z,
        v.x,
        v.y,
        v.z,
        p.eyeAngles.yaw,
        p.health,
        p.isAlive,
        p.isDucking || p.isDucked,
        p.teamNumber === 3 ? 0 : 1,
        run,
      );
    }
  });
  await new Promise<void>((resolve) => {
    // demofile emits 'error' before 'end' on a damaged file; without a listener Node would throw it.
    demo.on('error', () => {});
    demo.on('end', (e) => {
      if (e.error !== undefined)
        recording.error = {
          code: 'INVALID_ARGUMENT',
          message: `the demo ends early or is corrupt after tick ${lastTick}: ${String((e.error as Error).message ?? e.error)}`,
        };
      resolve();
    });
    try {
      demo.parse(bytes);
    } catch (err) {
      recording.error = { code: 'INVALID_ARGUMENT', message: `the demo could not be read: ${(err as Error).message}` };
      resolve();
    }
  });
  if (roundStart >= 0 && log.length > 0 && lastTick > roundStart) rounds.push({ start: roundStart, end: lastTick }); // cut short mid-round
  recording.frames = log.toFrames(players.length);
  if (recording.map === '')
    throw new TickmindError('INVALID_ARGUMENT', `no demo header could be read${recording.error ? `: ${recording.error.message}` : ''}`, {
      file,
      field: 'header',
    });
  return recording;
}

interface Cs2Module {
  parseHeader(path: string): Record<string, string>;
  parseTicks(path: string, fields: string[]): Record<string, number | string | boolean | null>[];
  parseEvent(path: string, name: string, player?: string[]): Record<string, number | string | null>[];
}

async function parseCs2(file: string): Promise<DemoRecording> {
  const m = (await loadDemoParser('@laihoe/demoparser2')) as Cs2Module;
  let header: Record<string, string>;
  let rows: Record<string, number | string | boolean | null>[];
  try {
    header = m.parseHeader(file);
    rows = m.parseTicks(file, [
      'X',
      'Y',
      'Z',
      'velocity_X',
      'velocity_Y',
      'velocity_Z',
      'yaw',
      'health',
      'is_alive',
      'team_num',
      'is_bot',
      'ducking',
      'active_weapon_name',
    ]);
  } catch (err) {
    throw new TickmindError('INVALID_ARGUMENT', `the CS2 demo could not be read: ${(err as Error).message}`, { file });
  }
  const log = new RowLog();
  const players: DemoPlayer[] = [];
  const slot = new Map<string, number>();
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  for (const r of rows) {
    const team = num(r.team_num);
    if (team !== 2 && team !== 3) continue;
    const key = String(r.steamid ?? r.name);
    let i = slot.get(key);
    if (i === undefined) {
      i = players.length;
      slot.set(key, i);
      players.push({ id: i, name: String(r.name ?? key), side: team === 3 ? 'ct' : 't', bot: r.is_bot === true });
    }
    log.push(
      num(r.tick),
      i,
      num(r.X),
      num(r.Y),
      num(r.Z),
      num(r.velocity_X),
      num(r.velocity_Y),
      num(r.velocity_Z),
      num(r.yaw),
      r.health === null ? 100 : num(r.health),
      r.is_alive === true,
      r.ducking === true,
      team === 3 ? 0 : 1,
      (typeof r.active_weapon_name === 'string' && weaponRunSpeed(r.active_weapon_name)) || DEFAULT_RUN_SPEED,
    );
  }
  const frames = log.toFrames(players.length);
  const rounds = cs2Rounds(m, file, frames.ticks);
  return { game: 'cs2', map: header.map_name ?? '', tickRate: 64, players, frames, rounds, plants: [] };
}

/** CS2 rounds from its events; a clip without them is one round over every recorded tick. */
function cs2Rounds(m: Cs2Module, file: string, ticks: Int32Array): DemoRound[] {
  const first = ticks.length > 0 ? ticks[0]! : 0;
  const last = ticks.length > 0 ? ticks[ticks.length - 1]! : 0;
  try {
    const starts = m.parseEvent(file, 'round_freeze_end').map((e) => Number(e.tick));
    const ends = m.parseEvent(file, 'round_end').map((e) => Number(e.tick));
    const rounds: DemoRound[] = [];
    for (const s of starts) {
      const e = ends.find((t) => t > s) ?? last;
      rounds.push({ start: s, end: e });
    }
    if (rounds.length > 0) return rounds;
  } catch {
    // no such events in a short clip
  }
  return [{ start: first, end: last }];
}
