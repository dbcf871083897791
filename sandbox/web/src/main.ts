/**
 * The sandbox page: builds the game, the view and the panels, and runs them on the fixed-tick
 * loop; a demo file opened (or dropped on the page) switches to replay mode, where the arena
 * pauses. Errors from any part are shown in the page and the game goes on. `window.tickmind`
 * exposes the live objects and a state summary (for the console and the end-to-end tests).
 */
import { Follow } from './game/follow.js';
import { PlayRecorder } from './game/play-recorder.js';
import { Sandbox } from './game/sandbox.js';
import { startLoop } from './loop.js';
import { View, type ViewOptions } from './render/view.js';
import { ReplayMode } from './replay/replay-mode.js';
import { registerOnnxRuntime } from './sdk.js';
import { CostPanel } from './ui/cost-panel.js';
import { ErrorPanel } from './ui/errors.js';
import { buildGui } from './ui/gui.js';
import { Hud } from './ui/hud.js';
import { drawFollowedPolicy, PolarPlot } from './ui/polar.js';
import { pageState } from './ui/state.js';
import { Timeline } from './ui/timeline.js';
import { TrainPanel } from './ui/train-panel.js';

// The page bundles onnxruntime-web for model files the native backend cannot run (the SDK leaves
// that optional peer alone); it loads on first use.
registerOnnxRuntime(() => import('onnxruntime-web/wasm'));

const HELP =
  'WASD move · Shift walk · C/Ctrl crouch · Space jump · mouse (click to lock) or ←/→ look · click or F shoot · stand at the bomb to defuse · Tab next bot';

const REPLAY_HELP =
  'demo replay: P play/pause · drag the slider to seek · Tab follow the next player · View → camera: follow (from above), first person, free orbit · drop another .dem on the page';

function element<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page lacks #${id}`);
  return e as T;
}

async function main(): Promise<void> {
  const errors = new ErrorPanel(element('errors'));
  window.addEventListener('error', (e) => errors.show(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => errors.show(e.reason));
  const sandbox = await Sandbox.create();
  const view = new View(element<HTMLCanvasElement>('view'), sandbox);
  const follow = new Follow(sandbox);
  const viewOptions: ViewOptions = { camera: 'follow', follow: -1, rays: 'followed', waypoints: 'followed' };
  const recorder = new PlayRecorder(sandbox);
  const paused = { value: false };
  const hud = new Hud(element('hud'), element('killfeed'));
  const cost = new CostPanel();
  const polar = new PolarPlot();
  const train = new TrainPanel(sandbox, recorder, errors, () => {
    // Hot swap: every bot plays the freshly trained model from the next round.
    sandbox.apply({ ...sandbox.settings, ct: 'custom', t: 'custom' }).catch((err: unknown) => errors.show(err, 'trained model'));
  });
  element('panels').append(cost.element, polar.element, train.element);
  const timeline = new Timeline({ train: () => void replay.train(), leave: () => replay.leave() });
  element('app').append(timeline.element);
  const replay = new ReplayMode(sandbox, view, timeline, train, errors);
  acceptDroppedDemos(replay, errors);
  buildGui({ sandbox, recorder, view: viewOptions, errors, followNext: () => follow.next(), paused, train, replay });
  sandbox.human.attach(window, view.canvas, () => sandbox.humanEntity >= 0);
  window.addEventListener('keydown', (e) => {
    if (e.code === 'KeyP' && replay.active && !(e.target instanceof HTMLInputElement)) timeline.toggle();
    if (e.code !== 'Tab') return;
    e.preventDefault();
    if (replay.active) replay.followNext();
    else follow.next();
  });
  const help = element('help');
  help.textContent = HELP;
  const crosshair = element('crosshair');
  // What belongs to the live game: hidden while a demo replays.
  const arenaOnly = [element('hud'), element('killfeed'), cost.element, polar.element];
  let fps = 60;
  let lastFrame = performance.now();
  element('loading').remove();

  const loop = startLoop({
    dt: 1 / sandbox.arena.rules.tickRate,
    paused: () => paused.value || replay.active,
    tick: () => {
      sandbox.tick();
      cost.sample(sandbox);
    },
    frame: (alpha, index) => {
      const now = performance.now();
      const seconds = Math.min(0.25, (now - lastFrame) / 1000);
      fps += (1000 / Math.max(1, now - lastFrame) - fps) * 0.05;
      lastFrame = now;
      for (const e of arenaOnly) e.hidden = replay.active;
      const helpText = replay.active ? REPLAY_HELP : HELP;
      if (help.textContent !== helpText) help.textContent = helpText;
      if (replay.active) {
        crosshair.hidden = true;
        replay.frame(seconds, viewOptions.camera);
        return;
      }
      follow.ensure();
      viewOptions.follow = follow.entity;
      view.render(sandbox, alpha, viewOptions);
      crosshair.hidden = !(viewOptions.camera === 'first-person' && sandbox.humanAlive);
      hud.update(sandbox);
      if (index % 4 !== 0) return;
      cost.draw(sandbox.settings.budgetUs > 0 ? sandbox.settings.budgetUs : sandbox.profiler.budgetUs, fps);
      drawFollowedPolicy(sandbox, polar, follow.entity);
    },
    error: (err) => errors.show(err, 'game loop'),
  });
  (window as unknown as { tickmind: unknown }).tickmind = {
    sandbox,
    view,
    recorder,
    errors,
    train,
    replay,
    state: () => ({ ...pageState(sandbox, errors, loop.frames), replay: replay.state() }),
  };
}

/** A demo file dropped on the page opens in replay mode. */
function acceptDroppedDemos(replay: ReplayMode, errors: ErrorPanel): void {
  const hint = (on: boolean) => document.body.classList.toggle('drop-hint', on);
  window.addEventListener('dragover', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    hint(true);
  });
  window.addEventListener('dragleave', () => hint(false));
  window.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files[0];
    if (file === undefined) return;
    e.preventDefault();
    hint(false);
    file.arrayBuffer().then(
      (buffer) => replay.open(new Uint8Array(buffer), file.name),
      (err: unknown) => errors.show(err, file.name),
    );
  });
}

main().catch((err: unknown) => {
  const box = document.getElementById('errors');
  if (box !== null) new ErrorPanel(box).show(err, 'the sandbox could not start');
  document.getElementById('loading')?.remove();
  console.error(err);
});
