/**
 * The sandbox page: builds the game, the view and the panels, and runs them on the fixed-tick
 * loop. Errors from any part are shown in the page and the game goes on. `window.tickmind`
 * exposes the live objects and a state summary (for the console and the end-to-end tests).
 */
import { Follow } from './game/follow.js';
import { PlayRecorder } from './game/play-recorder.js';
import { Sandbox } from './game/sandbox.js';
import { startLoop } from './loop.js';
import { View, type ViewOptions } from './render/view.js';
import { registerOnnxRuntime } from './sdk.js';
import { CostPanel } from './ui/cost-panel.js';
import { ErrorPanel } from './ui/errors.js';
import { buildGui } from './ui/gui.js';
import { Hud } from './ui/hud.js';
import { drawFollowedPolicy, PolarPlot } from './ui/polar.js';
import { pageState } from './ui/state.js';
import { TrainPanel } from './ui/train-panel.js';

// The page bundles onnxruntime-web for model files the native backend cannot run (the SDK leaves
// that optional peer alone); it loads on first use.
registerOnnxRuntime(() => import('onnxruntime-web/wasm'));

const HELP =
  'WASD move · Shift walk · C/Ctrl crouch · Space jump · mouse (click to lock) or ←/→ look · click or F shoot · stand at the bomb to defuse · Tab next bot';

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
  buildGui({ sandbox, recorder, view: viewOptions, errors, followNext: () => follow.next(), paused, train });
  sandbox.human.attach(window, view.canvas, () => sandbox.humanEntity >= 0);
  window.addEventListener('keydown', (e) => {
    if (e.code !== 'Tab') return;
    e.preventDefault();
    follow.next();
  });
  element('help').textContent = HELP;
  const crosshair = element('crosshair');
  let fps = 60;
  let lastFrame = performance.now();
  element('loading').remove();

  const loop = startLoop({
    dt: 1 / sandbox.arena.rules.tickRate,
    paused: () => paused.value,
    tick: () => {
      sandbox.tick();
      cost.sample(sandbox);
    },
    frame: (alpha, index) => {
      const now = performance.now();
      fps += (1000 / Math.max(1, now - lastFrame) - fps) * 0.05;
      lastFrame = now;
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
    state: () => pageState(sandbox, errors, loop.frames),
  };
}

main().catch((err: unknown) => {
  const box = document.getElementById('errors');
  if (box !== null) new ErrorPanel(box).show(err, 'the sandbox could not start');
  document.getElementById('loading')?.remove();
  console.error(err);
});
