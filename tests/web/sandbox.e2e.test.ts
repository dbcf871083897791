/**
 * The browser sandbox end to end: the built static site (dist/web, made by `npm run build`)
 * served by a plain static server and driven in Debian's chromium. Saves screenshots to
 * dist/test-artifacts/ (sandbox.png, sandbox-trained.png, sandbox-replay.png).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFromNpz, MemoryFiles, readLeRobot } from '../../sdk/dataset/index.js';
import { type DemoRecording, parseDemo } from '../../sdk/demos/index.js';
import { launchChromium } from '../helpers/browser.js';
import { type StaticServer, serveStatic } from '../helpers/static-server.js';

const root = join(import.meta.dirname, '..', '..');
const site = join(root, 'dist', 'web');
const artifacts = join(root, 'dist', 'test-artifacts');

interface ReplayState {
  active: boolean;
  status: string;
  imported: { frames: number; episodes: number; humanFrames: number; labelAgreement: number } | null;
  tick: number;
  drawnTick: number | null;
  playing: boolean;
  speed: number;
  humans: number[];
  players: { name: string; bot: boolean; alive: boolean; yaw: number; drawn: [number, number, number] | null }[];
}

interface PageState {
  replay: ReplayState;
  ticks: number;
  round: number;
  human: number;
  players: { entity: number; team: number; x: number; z: number }[];
  errors: string[];
  customModel: string | null;
}

let server: StaticServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

const state = (): Promise<PageState> => page.evaluate(() => (window as unknown as { tickmind: { state(): PageState } }).tickmind.state());
const ticksAdvance = async (ticks: number) => {
  const start = (await state()).ticks;
  await page.waitForFunction(
    (target) => (window as unknown as { tickmind: { state(): { ticks: number } } }).tickmind.state().ticks >= target,
    start + ticks,
    { timeout: 60_000 },
  );
};
const clickButton = (name: string) => page.getByRole('button', { name, exact: true }).click();

beforeAll(async () => {
  server = await serveStatic(site);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreignRequests.push(r.url());
  });
  await page.goto(server.url);
  await page.waitForFunction(() => 'tickmind' in window, null, { timeout: 90_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the sandbox page', () => {
  it('loads with no console errors and no request leaving its origin', async () => {
    await ticksAdvance(32);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(server.requests.some((p) => p.endsWith('.onnx'))).toBe(true);
    expect((await state()).errors).toEqual([]);
  });

  it('draws the arena (the canvas is not blank) and saves a screenshot', async () => {
    await ticksAdvance(16);
    const variance = await page.evaluate(() => {
      const src = document.getElementById('view') as HTMLCanvasElement;
      const c = document.createElement('canvas');
      c.width = 160;
      c.height = 90;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(src, 0, 0, c.width, c.height);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let sq = 0;
      const n = d.length / 4;
      for (let i = 0; i < d.length; i += 4) {
        const l = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
        sum += l;
        sq += l * l;
      }
      return sq / n - (sum / n) ** 2;
    });
    expect(variance).toBeGreaterThan(50);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'sandbox.png') });
  });

  it('moves the bots over two seconds of play', async () => {
    const before = await state();
    await ticksAdvance(128);
    const after = await state();
    const moved = after.players.filter((p) => {
      const q = before.players.find((b) => b.entity === p.entity);
      return q !== undefined && Math.hypot(p.x - q.x, p.z - q.z) > 1;
    });
    expect(after.round === before.round ? moved.length : 1).toBeGreaterThan(0);
  });

  it('shows the AI cost per tick with percentiles', async () => {
    const text = await page.getByTestId('cost-numbers').textContent();
    expect(text).toMatch(/AI tick p50 \d+ µs · p99 \d+ µs · decide p50 \d+ µs · deferred \d+ · \d+ fps/);
  });

  it('moves the human player with the keyboard, without pointer lock', async () => {
    await page.evaluate(async () => {
      const t = (window as unknown as { tickmind: { sandbox: { settings: object; apply(s: object): Promise<void> } } }).tickmind;
      await t.sandbox.apply({ ...t.sandbox.settings, side: 'ct', t: 'teacher' });
    });
    const start = await state();
    expect(start.human).toBeGreaterThanOrEqual(0);
    const me = () => state().then((s) => s.players.find((p) => p.entity === s.human));
    await page.locator('#view').focus();
    // Half a second per key: one of the four directions is open wherever the round put the player.
    let farthest = 0;
    for (const key of ['KeyW', 'KeyS', 'KeyA', 'KeyD']) {
      const p0 = await me();
      await page.keyboard.down(key);
      await ticksAdvance(32);
      await page.keyboard.up(key);
      const p1 = await me();
      if (p0 === undefined || p1 === undefined || (await state()).round !== start.round) break;
      farthest = Math.max(farthest, Math.hypot(p1.x - p0.x, p1.z - p0.z));
    }
    // Run speed is 4.8 m/s: half a second into open space covers about 2.4 m.
    if ((await state()).round === start.round) expect(farthest).toBeGreaterThan(1.2);
  });

  it('records play into files the SDK reads back (npz and LeRobot Parquet)', async () => {
    await clickButton('● record');
    await page.keyboard.down('KeyD');
    await ticksAdvance(160);
    await page.keyboard.up('KeyD');
    const npzDownload = page.waitForEvent('download');
    await clickButton('download .npz');
    const npz = await npzDownload;
    expect(npz.suggestedFilename()).toBe('tickmind-recording.npz');
    const dataset = datasetFromNpz(new Uint8Array(readFileSync((await npz.path())!)), 'tickmind-recording.npz');
    expect(dataset.episodes.length).toBeGreaterThan(0);
    expect(dataset.spec.features['observation.state']!.shape[0]).toBeGreaterThan(0);
    const zipDownload = page.waitForEvent('download');
    await clickButton('download Parquet (LeRobot .zip)');
    const zip = unzipSync(new Uint8Array(readFileSync((await (await zipDownload).path())!)));
    const files = new MemoryFiles('recording');
    for (const [path, bytes] of Object.entries(zip)) await files.write(path.replace(/^tickmind-recording\//, ''), bytes);
    const lerobot = await readLeRobot(files);
    expect(lerobot.episodes.length).toBe(dataset.episodes.length);
  });

  it('shows an error for a broken model file and keeps the game running', async () => {
    const chooser = page.waitForEvent('filechooser');
    await clickButton('load model file (.onnx)…');
    await (await chooser).setFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not an onnx model') });
    await page.locator('#errors .error').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#errors .error').first().textContent()).toContain('broken.onnx');
    await ticksAdvance(64);
    const s = await state();
    expect(s.customModel).toBeNull();
    expect(s.errors.some((e) => e.includes('broken.onnx'))).toBe(true);
  });

  it('hot-swaps a valid model file from disk into the bots', async () => {
    const chooser = page.waitForEvent('filechooser');
    await clickButton('load model file (.onnx)…');
    await (await chooser).setFiles(join(root, 'models', 'mlp.onnx'));
    await page.waitForFunction(
      () => (window as unknown as { tickmind: { state(): { customModel: string | null } } }).tickmind.state().customModel === 'mlp.onnx',
      null,
      { timeout: 30_000 },
    );
    await ticksAdvance(64);
    expect(consoleErrors).toEqual([]);
  });

  it('trains a bot from a recording in a Web Worker and hot-swaps it in', async () => {
    await page.locator('.lil-gui .lil-controller', { hasText: 'include the bots' }).locator('input').check();
    await clickButton('● record');
    await ticksAdvance(192);
    await clickButton('■ stop');
    const epochs = page.locator('.lil-gui .lil-controller', { hasText: 'epochs' }).locator('input');
    await epochs.fill('2');
    await epochs.press('Enter');
    await clickButton('train from my recordings');
    await page.getByTestId('train-status').filter({ hasText: 'trained in' }).waitFor({ timeout: 120_000 });
    await page.waitForFunction(
      () => (window as unknown as { tickmind: { state(): { customModel: string | null } } }).tickmind.state().customModel === 'my-bot.onnx',
      null,
      { timeout: 30_000 },
    );
    await ticksAdvance(64);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'sandbox-trained.png') });
  });
});

describe('demo replay in the sandbox', () => {
  const demos = join(root, 'tests', 'fixtures', 'demos');
  const csgoFile = join(demos, 'csgo_de_dust2_test_2_17_21.dem');
  let rec: DemoRecording;
  const replay = () => state().then((s) => s.replay);
  const openDemo = async (file: string) => {
    const chooser = page.waitForEvent('filechooser');
    await clickButton('open demo file (.dem)…');
    await (await chooser).setFiles(file);
  };
  /** Where the recording puts player p at (fractional) tick t, in the arena frame (x, z·0.0254, −y·0.0254), computed here from the Node parse. */
  const recorded = (p: number, t: number): [number, number, number] => {
    const f = rec.frames;
    const N = rec.players.length;
    let r = 0;
    while (r + 1 < f.count && f.ticks[r + 1]! <= t) r++;
    const at = (row: number) => [f.position[3 * (row * N + p)]!, f.position[3 * (row * N + p) + 1]!, f.position[3 * (row * N + p) + 2]!];
    const a = at(r);
    const b = r + 1 < f.count ? at(r + 1) : a;
    const k = r + 1 < f.count ? (t - f.ticks[r]!) / (f.ticks[r + 1]! - f.ticks[r]!) : 0;
    const [x, y, z] = a.map((v, c) => v + (b[c]! - v) * k) as [number, number, number];
    return [x * 0.0254, z * 0.0254, -y * 0.0254];
  };
  const off = (a: [number, number, number] | null, b: [number, number, number]) =>
    a === null ? Number.POSITIVE_INFINITY : Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  /** Waits until a frame has drawn the replay's current tick, paused. */
  const settled = () =>
    page.waitForFunction(
      () => {
        const r = (window as unknown as { tickmind: { state(): { replay: ReplayState } } }).tickmind.state().replay;
        return !r.playing && r.drawnTick === r.tick;
      },
      null,
      { timeout: 30_000 },
    );

  beforeAll(async () => {
    rec = await parseDemo(new Uint8Array(readFileSync(csgoFile)), 'csgo_de_dust2_test_2_17_21.dem');
  }, 60_000);

  it('says that a CS2 demo is imported in Node, and the game goes on', async () => {
    await openDemo(join(demos, 'cs2_de_dust2_14155.dem'));
    await page.waitForFunction(
      () =>
        (window as unknown as { tickmind: { state(): { errors: string[] } } }).tickmind
          .state()
          .errors.some((e) => e.includes('cs2_de_dust2')),
      null,
      { timeout: 30_000 },
    );
    const s = await state();
    expect(s.errors.find((e) => e.includes('cs2_de_dust2'))).toMatch(/CS2 demos parse in Node only.*tickmind import-demo/);
    expect(s.replay.active).toBe(false);
    await ticksAdvance(32);
  });

  it('replays the CS:GO demo: the human’s figure moves along the recorded path', async () => {
    await openDemo(csgoFile);
    await page.waitForFunction(
      () => (window as unknown as { tickmind: { state(): { replay: ReplayState } } }).tickmind.state().replay.active,
      null,
      { timeout: 120_000 },
    );
    const human = rec.players.findIndex((p) => !p.bot);
    let s = await replay();
    expect(s.players.map((p) => p.name)).toEqual(rec.players.map((p) => p.name));
    expect(s.humans).toEqual([human]);
    // The arena pauses while the demo replays.
    const arenaTicks = (await state()).ticks;
    if (s.playing) await page.getByTestId('replay-play').click();
    // Seek with the slider to recorded ticks in both rounds where the human is alive: its figure stands where the recording says.
    const f = rec.frames;
    const N = rec.players.length;
    const rows = [rec.rounds[0]!.start + 320, rec.rounds[0]!.start + 1280, rec.rounds[1]!.start + 640].map((t) =>
      f.ticks.findIndex((x) => x >= t),
    );
    const ticks = rows.filter((r) => f.alive[r * N + human] === 1).map((r) => f.ticks[r]!);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    const drawn: [number, number, number][] = [];
    for (const tick of ticks) {
      await page.getByTestId('replay-slider').evaluate((el, t) => {
        (el as HTMLInputElement).value = String(t);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, tick);
      await settled();
      s = await replay();
      expect(s.tick).toBe(tick);
      const me = s.players[human]!;
      expect(off(me.drawn, recorded(human, tick)), `tick ${tick}`).toBeLessThan(0.03);
      const r = f.ticks.indexOf(tick);
      expect(Math.abs(Math.sin((me.yaw + (f.yaw[r * N + human]! * Math.PI) / 180) / 2))).toBeLessThan(1e-3);
      drawn.push(me.drawn!);
    }
    // Different places: the figure moved (metres apart, not a jitter).
    expect(Math.hypot(drawn[1]![0] - drawn[0]![0], drawn[1]![2] - drawn[0]![2])).toBeGreaterThan(1);
    // Play at ×4 for a while, pause: the figure is on the recorded path at the tick shown, between recorded ticks.
    await page.getByTestId('replay-speed').click();
    await page.getByTestId('replay-play').click();
    const from = ticks[ticks.length - 1]!;
    await page.waitForFunction(
      (t0) => (window as unknown as { tickmind: { state(): { replay: ReplayState } } }).tickmind.state().replay.tick > t0 + 96,
      from,
      { timeout: 30_000 },
    );
    await page.getByTestId('replay-play').click();
    await settled();
    s = await replay();
    expect(s.speed).toBe(4);
    expect(s.tick).toBeGreaterThan(from + 96);
    const at = s.tick;
    if (s.players[human]!.alive) expect(off(s.players[human]!.drawn, recorded(human, at)), `tick ${at}`).toBeLessThan(0.03);
    // Dead players are hidden, the living drawn where the recording has them.
    for (const [p, q] of s.players.entries()) {
      if (!q.alive) expect(q.drawn).toBeNull();
      else expect(off(q.drawn, recorded(p, at)), `${q.name} at tick ${at}`).toBeLessThan(0.03);
    }
    expect((await state()).ticks).toBe(arenaTicks);
    expect(await page.getByTestId('replay-readout').textContent()).toMatch(/tick \d+ · round 2\/2 · alive CT \d T \d/);
    await page.screenshot({ path: join(artifacts, 'sandbox-replay.png') });
  });

  it('trains on the demo: the import feeds the trainer the human’s rows, and a short fine-tuning finishes', async () => {
    const epochs = page.locator('.lil-gui .lil-controller', { hasText: 'epochs' }).locator('input');
    await epochs.fill('1');
    await epochs.press('Enter');
    await page.getByTestId('replay-train').click();
    await page.waitForFunction(
      () => (window as unknown as { tickmind: { state(): { replay: ReplayState } } }).tickmind.state().replay.imported !== null,
      null,
      { timeout: 60_000 },
    );
    const imported = (await replay()).imported!;
    // The human's rows only, at 16 Hz over both rounds (63.6 s of play): about a thousand, labels as in docs/demos.md.
    expect(imported.frames).toBeGreaterThan(800);
    expect(imported.humanFrames).toBe(imported.frames);
    expect(imported.labelAgreement).toBeGreaterThan(0.9);
    await page
      .getByTestId('train-status')
      .filter({ hasText: `on ${imported.frames} frames (${imported.episodes} episodes), 1 epochs from models/egocentric.onnx` })
      .waitFor({ timeout: 120_000 });
    expect((await state()).customModel).toBe('my-bot.onnx');
  });

  it('goes back to the arena, whose game resumes', async () => {
    await page.getByTestId('replay-leave').click();
    expect((await replay()).active).toBe(false);
    await ticksAdvance(32);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
