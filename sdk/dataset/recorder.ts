/**
 * The trajectory recorder: per open episode, preallocated column buffers (maxFrames × width per
 * feature); a frame is written value by value into those buffers and committed; ending an
 * episode copies its frames out (the only allocation, once per episode) and hands it to
 * `onEpisode`. Recording a frame allocates nothing.
 */
import { TickmindError } from '../core/index.js';
import { columnArray, type DatasetSpec, type Episode, type FeatureSpec, featureWidth, fullFeatures } from './schema.js';

/** Options of a {@link Recorder}. */
export interface RecorderOptions {
  /** Episodes open at once (e.g. one per recorded agent; default 16). */
  slots?: number;
  /** Most frames per episode (default 4096); further frames are dropped and counted. */
  maxFrames?: number;
  /** Receives each finished episode (e.g. a dataset writer). */
  onEpisode?: (episode: Episode) => void;
}

/** Records frames into episodes (see the module comment). */
export class Recorder {
  /** Every feature, the standard columns last. */
  readonly features: Record<string, FeatureSpec>;
  /** Feature names in column order. */
  readonly names: string[];
  /** Frames dropped because an episode was full. */
  dropped = 0;
  /** Episodes finished so far (the next episode's index). */
  episodeCount = 0;
  /** Frames committed so far over all episodes (the next frame's global index). */
  frameCount = 0;
  private readonly widths: Int32Array;
  private readonly buffers: (Float32Array | Float64Array | Int32Array | Uint8Array)[][];
  private readonly length: Int32Array;
  private readonly open: Uint8Array;
  private readonly tasks: string[];
  private readonly taskIndex: Int32Array;
  private readonly taskIds = new Map<string, number>();
  private readonly maxFrames: number;
  private readonly onEpisode: ((episode: Episode) => void) | undefined;
  private readonly std: { timestamp: number; frame: number; episode: number; index: number; task: number };

  constructor(
    /** What the frames hold. */
    readonly spec: DatasetSpec,
    options: RecorderOptions = {},
  ) {
    this.features = fullFeatures(spec);
    this.names = Object.keys(this.features);
    this.widths = Int32Array.from(this.names, (n) => featureWidth(this.features[n]!));
    const slots = options.slots ?? 16;
    this.maxFrames = options.maxFrames ?? 4096;
    this.buffers = Array.from({ length: slots }, () =>
      this.names.map((n, i) => columnArray(this.features[n]!.dtype, this.maxFrames * this.widths[i]!)),
    );
    this.length = new Int32Array(slots);
    this.open = new Uint8Array(slots);
    this.tasks = new Array<string>(slots).fill('');
    this.taskIndex = new Int32Array(slots);
    this.onEpisode = options.onEpisode;
    this.std = {
      timestamp: this.feature('timestamp'),
      frame: this.feature('frame_index'),
      episode: this.feature('episode_index'),
      index: this.feature('index'),
      task: this.feature('task_index'),
    };
  }

  /** The column index of a feature (resolve once, at setup). */
  feature(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new TickmindError('INVALID_ARGUMENT', `no feature '${name}' (features: ${this.names.join(', ')})`, { field: name });
    return i;
  }

  /** Task strings in task-index order. */
  get taskList(): string[] {
    return [...this.taskIds.keys()];
  }

  /** Opens an episode in `slot` for `task`. */
  begin(slot: number, task: string): void {
    this.checkSlot(slot);
    if (this.open[slot] === 1) throw new TickmindError('INVALID_ARGUMENT', `episode slot ${slot} is already open`, { field: 'slot' });
    let t = this.taskIds.get(task);
    if (t === undefined) {
      t = this.taskIds.size;
      this.taskIds.set(task, t);
    }
    this.open[slot] = 1;
    this.length[slot] = 0;
    this.tasks[slot] = task;
    this.taskIndex[slot] = t;
  }

  /** Whether `slot` has an open episode. */
  isOpen(slot: number): boolean {
    return this.open[slot] === 1;
  }

  /** Whether the open episode in `slot` can take another frame. */
  hasRoom(slot: number): boolean {
    return this.length[slot]! < this.maxFrames;
  }

  /** Writes values[from .. from + width) as feature `f` of the frame being built in `slot`. */
  set(slot: number, f: number, values: ArrayLike<number>, from = 0): void {
    const w = this.widths[f]!;
    const row = this.length[slot]!;
    if (row >= this.maxFrames) return;
    const buf = this.buffers[slot]![f]!;
    const o = row * w;
    for (let j = 0; j < w; j++) buf[o + j] = values[from + j]!;
  }

  /** Writes a scalar feature `f` of the frame being built in `slot`. */
  setScalar(slot: number, f: number, value: number): void {
    const row = this.length[slot]!;
    if (row < this.maxFrames) this.buffers[slot]![f]![row * this.widths[f]!] = value;
  }

  /** Commits the frame being built in `slot` with its timestamp (seconds since the episode's start). */
  commit(slot: number, timestamp: number): void {
    const row = this.length[slot]!;
    if (this.open[slot] !== 1) throw new TickmindError('INVALID_ARGUMENT', `episode slot ${slot} is not open`, { field: 'slot' });
    if (row >= this.maxFrames) {
      this.dropped++;
      return;
    }
    const b = this.buffers[slot]!;
    b[this.std.timestamp]![row] = timestamp;
    b[this.std.frame]![row] = row;
    b[this.std.task]![row] = this.taskIndex[slot]!;
    this.length[slot] = row + 1;
  }

  /** Ends the episode in `slot`: hands it to onEpisode (empty episodes are discarded) and returns it. */
  end(slot: number): Episode | undefined {
    this.checkSlot(slot);
    if (this.open[slot] !== 1) return undefined;
    this.open[slot] = 0;
    const n = this.length[slot]!;
    if (n === 0) return undefined;
    const columns: Episode['columns'] = {};
    const b = this.buffers[slot]!;
    const index = this.episodeCount++;
    b[this.std.episode]!.fill(index, 0, n);
    for (let r = 0; r < n; r++) b[this.std.index]![r] = this.frameCount + r;
    this.frameCount += n;
    this.names.forEach((name, i) => {
      columns[name] = b[i]!.slice(0, n * this.widths[i]!);
    });
    const episode: Episode = { index, task: this.tasks[slot]!, length: n, columns };
    this.onEpisode?.(episode);
    return episode;
  }

  /** Discards the open episode in `slot` (e.g. a round abandoned midway). */
  discard(slot: number): void {
    this.checkSlot(slot);
    this.open[slot] = 0;
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.length.length)
      throw new TickmindError('INVALID_ARGUMENT', `episode slot ${slot} is outside 0..${this.length.length - 1}`, { field: 'slot' });
  }
}
