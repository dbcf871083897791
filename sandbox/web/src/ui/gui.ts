/**
 * The control panel (lil-gui): play (side, team size), bots (per team, temperature, decision
 * period, decide budget, a model file from disk), view (camera, followed bot, rays), record
 * (start/stop, downloads), train, demo (open a demo file to replay, train on it) and profile
 * (trace export). Every action reports failures in the page's error panel; the game keeps running.
 */
import GUI from 'lil-gui';
import { BOT_KINDS, type BotKind } from '../game/bots.js';
import type { PlayRecorder } from '../game/play-recorder.js';
import type { Sandbox, SandboxSettings } from '../game/sandbox.js';
import type { CameraMode, ViewOptions } from '../render/view.js';
import type { ReplayMode } from '../replay/replay-mode.js';
import { chromeTrace } from '../sdk.js';
import { download, pickFile } from './download.js';
import type { ErrorPanel } from './errors.js';
import type { TrainPanel } from './train-panel.js';

/** What the panel needs from the page. */
export interface GuiContext {
  sandbox: Sandbox;
  recorder: PlayRecorder;
  view: ViewOptions;
  errors: ErrorPanel;
  /** Moves the followed bot to the next live player. */
  followNext(): void;
  paused: { value: boolean };
  /** The training panel. */
  train: TrainPanel;
  /** Demo replay. */
  replay: ReplayMode;
}

/** The panel's shared state: the edited settings and how to apply them. */
interface Panel {
  gui: GUI;
  ctx: GuiContext;
  settings: SandboxSettings;
  /** Applies `settings` to the sandbox (errors shown, settings rolled back). */
  apply(): void;
}

/** Builds the panel: one folder per concern, and a refresh every half second. */
export function buildGui(ctx: GuiContext): GUI {
  const gui = new GUI({ title: 'tickmind sandbox', width: 290 });
  const settings: SandboxSettings = { ...ctx.sandbox.settings };
  const panel: Panel = {
    gui,
    ctx,
    settings,
    apply: () => {
      ctx.sandbox.apply({ ...settings }).catch((err: unknown) => {
        ctx.errors.show(err, 'settings');
        Object.assign(settings, ctx.sandbox.settings);
        refreshAll(gui);
      });
    },
  };
  playFolder(panel);
  const refreshModel = botsFolder(panel);
  viewFolder(panel);
  const refreshRecording = recordFolder(panel);
  trainFolder(panel);
  demoFolder(panel);
  profileFolder(panel);
  setInterval(() => {
    // Settings changed elsewhere (the console, tests, a trained model) show up in the panel.
    if (JSON.stringify(settings) !== JSON.stringify(ctx.sandbox.settings)) {
      Object.assign(settings, ctx.sandbox.settings);
      refreshAll(gui);
    }
    refreshModel();
    refreshRecording();
  }, 500);
  return gui;
}

function playFolder({ gui, ctx, settings, apply }: Panel): void {
  const play = gui.addFolder('Play');
  play
    .add(settings, 'side', { Spectate: 'spectate', 'Play as CT': 'ct', 'Play as T': 't' })
    .name('you')
    .onChange((side: string) => {
      ctx.view.camera = side === 'spectate' ? 'follow' : 'first-person';
      refreshAll(gui);
      apply();
    });
  play.add(settings, 'teamSize', 1, 5, 1).name('players per side').onFinishChange(apply);
  play.add({ restart: () => ctx.sandbox.startRound() }, 'restart').name('new round');
  play.add(ctx.paused, 'value').name('pause');
}

/** The Bots folder; returns the refresh of its model-file line. */
function botsFolder({ gui, ctx, settings, apply }: Panel): () => void {
  const { sandbox, errors } = ctx;
  const bots = gui.addFolder('Bots');
  const kinds: Record<string, BotKind> = {};
  for (const k of BOT_KINDS) kinds[label(k)] = k;
  bots.add(settings, 'ct', kinds).name('CT bots').onChange(apply);
  bots.add(settings, 't', kinds).name('T bots').onChange(apply);
  bots.add(settings, 'temperature', 0, 2, 0.05).onFinishChange(apply);
  bots.add(settings, 'period', 1, 16, 1).name('decision period (ticks)').onFinishChange(apply);
  bots.add(settings, 'budgetUs', 0, 2000, 50).name('decide budget µs (0 = off)').onFinishChange(apply);
  const model = { file: '(none)' };
  const modelLine = bots.add(model, 'file').name('model file').disable();
  const refresh = () => {
    const file = sandbox.bots.file('custom') ?? '(none)';
    if (model.file === file) return;
    model.file = file;
    modelLine.updateDisplay();
  };
  const load = async () => {
    const picked = await pickFile('.onnx');
    if (picked === null) return;
    try {
      await sandbox.bots.loadFile(picked.bytes, picked.name);
      refresh();
      // Hot swap: every bot plays the new model from the next round on.
      settings.ct = 'custom';
      settings.t = 'custom';
      refreshAll(gui);
      apply();
    } catch (err) {
      errors.show(err, picked.name);
    }
  };
  bots.add({ load }, 'load').name('load model file (.onnx)…');
  return refresh;
}

function viewFolder({ gui, ctx }: Panel): void {
  const view = gui.addFolder('View');
  const cameras: Record<string, CameraMode> = { 'first person': 'first-person', 'follow a bot': 'follow', 'free (orbit)': 'free' };
  view.add(ctx.view, 'camera', cameras).listen();
  view.add({ next: () => ctx.followNext() }, 'next').name('follow next bot (Tab)');
  view.add(ctx.view, 'rays', { off: 'off', 'followed bot': 'followed', everyone: 'all' });
  view.add(ctx.view, 'waypoints', { off: 'off', 'followed bot': 'followed', everyone: 'all' }).name('route (waypoint)');
}

/** The Record folder; returns the refresh of its status line. */
function recordFolder({ gui, ctx }: Panel): () => void {
  const { recorder, errors } = ctx;
  const rec = gui.addFolder('Record');
  const state = { everyone: false, status: 'idle' };
  const status = rec.add(state, 'status').name('recording').disable();
  rec.add(state, 'everyone').name('include the bots');
  rec.add({ start: () => recorder.start(state.everyone) }, 'start').name('● record');
  rec.add({ stop: () => recorder.stop() }, 'stop').name('■ stop');
  const parquet = () => {
    recorder.stop();
    recorder.lerobotZip().then(
      (zip) => download('tickmind-recording.zip', zip, 'application/zip'),
      (err: unknown) => errors.show(err, 'download'),
    );
  };
  const npz = () => {
    try {
      recorder.stop();
      download('tickmind-recording.npz', recorder.npz());
    } catch (err) {
      errors.show(err, 'download');
    }
  };
  rec.add({ parquet }, 'parquet').name('download Parquet (LeRobot .zip)');
  rec.add({ npz }, 'npz').name('download .npz');
  return () => {
    state.status = `${recorder.recording ? 'recording' : 'stopped'} · ${recorder.episodes.length} episodes, ${recorder.frames} frames`;
    status.updateDisplay();
  };
}

function trainFolder({ gui, ctx }: Panel): void {
  const train = gui.addFolder('Train');
  train.add(ctx.train.options, 'epochs', 1, 40, 1).name('epochs');
  train.add({ go: () => ctx.train.start() }, 'go').name('train from my recordings');
  train.add({ save: () => ctx.train.downloadModel() }, 'save').name('download trained model');
}

function demoFolder({ gui, ctx }: Panel): void {
  const { replay } = ctx;
  const demo = gui.addFolder('Demo');
  const open = async () => {
    const picked = await pickFile('.dem', 'demo-file');
    if (picked !== null) await replay.open(picked.bytes, picked.name);
  };
  demo.add({ open }, 'open').name('open demo file (.dem)…');
  demo.add(replay.options, 'humansOnly').name('train on the humans only');
  demo.add(replay.options, 'fineTune').name('fine-tune the shipped model');
  demo.add({ train: () => replay.train() }, 'train').name('train on this demo');
  demo.add({ leave: () => replay.leave() }, 'leave').name('back to the arena');
}

function profileFolder({ gui, ctx }: Panel): void {
  const trace = () => download('tickmind-trace.json', JSON.stringify(chromeTrace(ctx.sandbox.profiler)), 'application/json');
  gui.addFolder('Profile').add({ trace }, 'trace').name('export trace (Perfetto / DevTools)');
}

function label(k: BotKind): string {
  switch (k) {
    case 'joint':
      return 'joint transformer (shipped)';
    case 'egocentric':
      return 'egocentric transformer (shipped)';
    case 'mlp':
      return 'MLP (shipped)';
    case 'custom':
      return 'model file from disk';
    default:
      return k;
  }
}

/** Redraws every controller (after settings changed under it). */
function refreshAll(gui: GUI): void {
  for (const c of gui.controllersRecursive()) c.updateDisplay();
}
