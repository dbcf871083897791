/**
 * Records play in the page as demonstrations in the policies' own spaces (the arena recorder's
 * egocentric frames: tokens, mask, the 97-class action): the human's player only, or every
 * player. Exports the same two formats as `tickmind record`: a LeRobot v3.0 dataset (Parquet,
 * zipped into one download) and a single `.npz`.
 */
import { zipSync } from 'fflate';
import { ArenaRecorder } from '../../../arena/recording/arena-recorder.js';
import { type Dataset, datasetToNpz, type Episode, LeRobotWriter, MemoryFiles } from '../sdk.js';
import type { Sandbox } from './sandbox.js';

/** The recorder behind the page's Record button. */
export class PlayRecorder {
  /** Finished episodes of the current (or last) recording. */
  episodes: Episode[] = [];
  private recorder: ArenaRecorder | undefined;
  private everyone = false;

  constructor(private readonly sandbox: Sandbox) {
    sandbox.listeners.roundStart.push(() => this.recorder?.beginRound(sandbox.row));
    sandbox.listeners.tick.push(() => this.recorder?.afterTick());
    sandbox.listeners.roundEnd.push(() => this.recorder?.endRound());
  }

  /** Whether a recording is running. */
  get recording(): boolean {
    return this.recorder !== undefined;
  }

  /** Frames recorded so far (finished episodes). */
  get frames(): number {
    return this.episodes.reduce((s, e) => s + e.length, 0);
  }

  /** Starts recording: the human's player, or every player when `everyone` (or when spectating). */
  start(everyone: boolean): void {
    this.stop();
    this.episodes = [];
    const s = this.sandbox;
    this.everyone = everyone || s.humanEntity < 0;
    const who = this.everyone ? 'all players' : 'human';
    const rec = new ArenaRecorder(s.arena, {
      mode: 'egocentric',
      controller: who,
      ...(this.everyone ? {} : { players: (e: number) => e === s.humanEntity }),
      extra: { source: 'tickmind sandbox', players: who, bots: { ct: s.settings.ct, t: s.settings.t } },
      onEpisode: (e) => this.episodes.push(e),
    });
    rec.attach();
    if (!s.arena.round.over) rec.beginRound(s.row);
    this.recorder = rec;
  }

  /** Stops recording; open episodes end here. */
  stop(): void {
    if (this.recorder === undefined) return;
    this.recorder.endRound();
    this.sandbox.arena.record = undefined;
    this.last = this.recorder;
    this.recorder = undefined;
  }

  private last: ArenaRecorder | undefined;

  /** The recording as a dataset (throws when nothing was recorded). */
  dataset(): Dataset {
    const rec = this.recorder ?? this.last;
    if (rec === undefined || this.episodes.length === 0)
      throw new Error('nothing recorded yet: press Record, play at least a few seconds, then Stop');
    return { spec: rec.spec, episodes: this.episodes };
  }

  /** The recording as one `.npz` (numpy.load reads it). */
  npz(): Uint8Array {
    return datasetToNpz(this.dataset());
  }

  /** The recording as a LeRobot v3.0 dataset (meta/*.json, data/…/*.parquet), zipped. */
  async lerobotZip(): Promise<Uint8Array> {
    const d = this.dataset();
    const files = new MemoryFiles('recording');
    const writer = new LeRobotWriter(d.spec, files);
    await writer.append(d.episodes);
    await writer.flushed();
    const entries: Record<string, Uint8Array> = {};
    for (const [path, bytes] of files.files) entries[`tickmind-recording/${path}`] = bytes;
    return zipSync(entries, { level: 0 });
  }
}
