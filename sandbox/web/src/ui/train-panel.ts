/**
 * "Train from my recordings" and "train on this demo": sends the page's recording (or a demo
 * imported into the same rows) to the training worker, shows a progress bar and the live loss
 * curve (minibatch loss, and train / validation loss per epoch), then hot-swaps the trained policy
 * into the bots and offers it as a download.
 */
import type { PlayRecorder } from '../game/play-recorder.js';
import type { Sandbox } from '../game/sandbox.js';
import type { EpochRecord } from '../sdk.js';
import type { TrainReply, TrainRequest } from '../train/messages.js';
import { download } from './download.js';
import type { ErrorPanel } from './errors.js';

/** What a training runs on. */
export interface TrainSource {
  /** The dataset as `.npz` bytes (transferred to the worker). */
  npz: Uint8Array;
  /** Named in the panel's heading and the model's metadata. */
  data: string;
  /** Frames and episodes (the panel's first line). */
  frames: number;
  episodes: number;
  /** Fine-tune this policy instead of training from a seeded initialisation. */
  init?: { model: Uint8Array; file: string };
}

/** The panel (hidden until a training starts). */
export class TrainPanel {
  readonly element: HTMLElement;
  /** Epochs at most (the Train folder edits it; demos train with it too). */
  readonly options = { epochs: 10 };
  private readonly heading: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private worker: Worker | undefined;
  private batchLoss: number[] = [];
  private epochs: EpochRecord[] = [];
  private model: Uint8Array | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly recorder: PlayRecorder,
    private readonly errors: ErrorPanel,
    /** Called once the trained model plays (the panel's caller updates its menus). */
    private readonly onModel: () => void,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'panel train';
    this.element.hidden = true;
    this.heading = document.createElement('h3');
    this.element.append(this.heading);
    this.bar = document.createElement('progress');
    this.bar.max = 1;
    this.bar.value = 0;
    this.canvas = document.createElement('canvas');
    this.canvas.width = 260;
    this.canvas.height = 90;
    this.text = document.createElement('div');
    this.text.className = 'numbers';
    this.text.dataset.testid = 'train-status';
    this.element.append(this.bar, this.canvas, this.text);
  }

  /** Whether a training is running. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts training on the current recording (stops the recording first). */
  start(): void {
    if (this.busy()) return;
    this.recorder.stop();
    let npz: Uint8Array;
    try {
      npz = this.recorder.npz();
    } catch (err) {
      this.errors.show(err, 'train');
      return;
    }
    this.train({ npz, data: 'sandbox recording', frames: this.recorder.frames, episodes: this.recorder.episodes.length }, 'your recording');
  }

  /** Whether a training is running (then says so in the page). */
  busy(): boolean {
    if (this.worker !== undefined) this.errors.show('a training is already running', 'train');
    return this.worker !== undefined;
  }

  /** Starts training on `source` (`about` completes the heading "Training on …"; `detail`, if any, is the first line under it). */
  train(source: TrainSource, about: string, detail?: string): void {
    if (this.busy()) return;
    const epochs = this.options.epochs;
    this.element.hidden = false;
    this.heading.textContent = `${source.init !== undefined ? `Fine-tuning ${source.init.file.replace(/^.*\//, '')}` : 'Training'} on ${about}`;
    this.batchLoss = [];
    this.epochs = [];
    this.model = undefined;
    this.bar.value = 0;
    this.text.textContent = detail ?? `starting: ${source.frames} frames, ${source.episodes} episodes`;
    const worker = new Worker(new URL('../train/train-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<TrainReply>) => this.receive(e.data, epochs);
    worker.onerror = (e) => this.fail(e.message || 'the training worker failed');
    const request: TrainRequest = {
      kind: 'train',
      npz: source.npz,
      data: source.data,
      epochs,
      seed: 1,
      ...(source.init !== undefined ? { init: source.init } : {}),
    };
    worker.postMessage(request, [source.npz.buffer]);
  }

  /** Shows a step before training starts (importing a demo). */
  preparing(heading: string, text: string): void {
    this.element.hidden = false;
    this.heading.textContent = heading;
    this.bar.value = 0;
    this.text.textContent = text;
  }

  /** Saves the last trained model. */
  downloadModel(): void {
    if (this.model === undefined) {
      this.errors.show('no model trained yet', 'download');
      return;
    }
    download('my-bot.onnx', this.model);
  }

  private receive(m: TrainReply, epochs: number): void {
    if (m.kind === 'error') {
      this.fail(m.message);
      return;
    }
    if (m.kind === 'progress') {
      const e = m.event;
      if (e.kind === 'batch') {
        this.batchLoss.push(e.loss);
        this.bar.value = (e.epoch - 1 + e.step / e.stepsPerEpoch) / epochs;
        this.text.textContent = `epoch ${e.epoch}/${e.epochs} · step ${e.step}/${e.stepsPerEpoch} · loss ${e.loss.toFixed(3)}`;
      } else {
        this.epochs.push(e.record);
        this.bar.value = e.record.epoch / epochs;
      }
      this.drawCurve();
      return;
    }
    this.finish();
    this.model = m.model;
    this.bar.value = 1;
    const s = m.summary;
    this.text.textContent = `trained in ${s.seconds.toFixed(1)} s on ${s.frames} frames (${s.episodes} episodes), ${s.epochs} epochs${s.from !== undefined ? ` from ${s.from}` : ''}: validation accuracy ${(100 * s.valAccuracy).toFixed(1)} % (class prior ${(100 * s.classPriorAccuracy).toFixed(1)} %) — now playing as 'model file from disk'`;
    this.sandbox.bots.loadFile(m.model.slice(), 'my-bot.onnx').then(
      () => this.onModel(),
      (err: unknown) => this.errors.show(err, 'trained model'),
    );
  }

  private fail(message: string): void {
    this.finish();
    this.text.textContent = `failed: ${message}`;
    this.errors.show(message, 'train');
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private drawCurve(): void {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const { width: W, height: H } = this.canvas;
    ctx.fillStyle = '#0b1220';
    ctx.fillRect(0, 0, W, H);
    const all = [...this.batchLoss, ...this.epochs.flatMap((e) => [e.trainLoss, e.valLoss])].filter(Number.isFinite);
    if (all.length === 0) return;
    const top = Math.max(...all) * 1.05;
    const y = (v: number) => H - (v / top) * (H - 4);
    const line = (values: number[], colour: string, xs: (i: number) => number) => {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < values.length; i++) {
        if (i === 0) ctx.moveTo(xs(i), y(values[i]!));
        else ctx.lineTo(xs(i), y(values[i]!));
      }
      ctx.stroke();
    };
    const n = Math.max(2, this.batchLoss.length);
    line(this.batchLoss, 'rgba(148,163,184,0.7)', (i) => (i / (n - 1)) * W);
    const per = this.batchLoss.length / Math.max(1, this.epochs.length);
    const ex = (i: number) => Math.min(W, ((i + 1) * per * W) / (n - 1));
    line(
      this.epochs.map((e) => e.trainLoss),
      '#60a5fa',
      ex,
    );
    line(this.epochs.map((e) => e.valLoss).filter(Number.isFinite), '#f97316', ex);
    ctx.fillStyle = '#cbd5e1';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillText('loss: minibatch (grey), train (blue), validation (orange)', 4, 11);
  }
}
