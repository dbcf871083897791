/**
 * Replay mode: a demo file opened in the page (file picker or drag and drop) is parsed in the demo
 * worker and replayed on the map — the arena pauses and hides, the timeline shows — until the user
 * goes back to the arena. "Train on this demo" imports the recording in the worker (the arena's
 * de_dust2 level boxes and nav mesh, the shipped egocentric model's layout, as `tickmind
 * import-demo`) and hands the rows to the training panel: by default it fine-tunes the shipped
 * egocentric model on the demo's humans.
 */
import { fetchModel, SHIPPED_MODELS } from '../assets.js';
import type { Sandbox } from '../game/sandbox.js';
import { ReplayScene } from '../render/replay-scene.js';
import type { CameraMode, View } from '../render/view.js';
import { decodeModel, parsePolicySpec, type TokenLayoutJson } from '../sdk.js';
import type { ErrorPanel } from '../ui/errors.js';
import type { Timeline } from '../ui/timeline.js';
import type { TrainPanel } from '../ui/train-panel.js';
import { createPose, DemoReplay } from './demo-replay.js';
import { DemoWorkerClient } from './demo-worker-client.js';

/** Rows every K demo ticks when training (16 Hz at 64 Hz: the labels' best agreement, docs/demos.md). */
const TRAIN_EVERY = 4;

/** The page's replay mode (see the module comment). */
export class ReplayMode {
  /** The replay shown, if any. */
  replay: DemoReplay | undefined;
  /** The player the camera follows (the first human by default). */
  follow = -1;
  /** What the page is doing with demos (for the panel and the tests). */
  status = 'no demo open';
  /** Training options of the Demo folder. */
  readonly options = { humansOnly: true, fineTune: true };
  /** The last import for training: frames, episodes, human frames, label agreement, seconds. */
  imported: { frames: number; episodes: number; humanFrames: number; labelAgreement: number; seconds: number } | undefined;
  private scene: ReplayScene | undefined;
  private readonly client = new DemoWorkerClient();
  private shipped: { bytes: Uint8Array; layout: TokenLayoutJson } | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly view: View,
    private readonly timeline: Timeline,
    private readonly trainPanel: TrainPanel,
    private readonly errors: ErrorPanel,
  ) {}

  /** Whether a replay is shown (the arena is paused then). */
  get active(): boolean {
    return this.replay !== undefined;
  }

  /** Parses a demo file in the worker and replays it; failures are shown in the page, the arena goes on. */
  async open(bytes: Uint8Array, file: string): Promise<void> {
    this.status = `reading ${file}`;
    try {
      const { recording, seconds } = await this.client.parse(bytes, file);
      const map = this.sandbox.arena.map.name;
      if (recording.map !== map) throw new Error(`the demo is on ${recording.map || 'an unnamed map'}; the sandbox replays ${map} demos`);
      // A damaged file replays up to the damage; say where it stopped.
      if (recording.error !== undefined) this.errors.show(recording.error.message, file);
      this.enter(new DemoReplay(recording, file));
      this.status = `replaying ${file} (parsed in ${seconds.toFixed(1)} s)`;
    } catch (err) {
      this.status = `could not open ${file}`;
      this.errors.show(err, file);
    }
  }

  /** Back to the arena (its game resumes). */
  leave(): void {
    if (this.replay === undefined) return;
    this.view.showReplay(undefined);
    this.timeline.show(undefined);
    this.replay = undefined;
    this.scene = undefined;
    this.status = 'no demo open';
  }

  /** One frame of replay mode: the timeline moves on by `seconds` of real time, then the view draws it. */
  frame(seconds: number, camera: CameraMode): void {
    if (this.replay === undefined) return;
    this.replay.advance(seconds);
    if (this.follow < 0 || this.follow >= this.replay.recording.players.length) this.follow = this.replay.humans[0] ?? 0;
    this.timeline.update();
    this.view.renderReplay(camera, this.follow);
  }

  /** The camera follows the next player alive. */
  followNext(): void {
    const r = this.replay;
    if (r === undefined) return;
    const n = r.recording.players.length;
    const pose = createPose();
    for (let k = 1; k <= n; k++) {
      const p = (this.follow + k) % n;
      if (r.pose(p, pose).alive) {
        this.follow = p;
        return;
      }
    }
  }

  /** "Train on this demo": imports the recording in the worker, then trains in the training panel. */
  async train(): Promise<void> {
    const r = this.replay;
    if (r === undefined) {
      this.errors.show('open a demo file first (Demo → open demo file)', 'train on this demo');
      return;
    }
    if (this.trainPanel.busy()) return;
    const who = this.options.humansOnly ? 'the humans' : 'every player';
    this.trainPanel.preparing(`Importing ${r.file}`, `${who}: tokens, labels and waypoints on ${r.recording.map}…`);
    this.status = `importing ${r.file}`;
    try {
      const shipped = await this.shippedModel();
      const out = await this.client.importForTraining(r.recording, this.sandbox.arena.map, shipped.layout, {
        humansOnly: this.options.humansOnly,
        every: TRAIN_EVERY,
        file: r.file,
      });
      const s = out.stats;
      this.imported = {
        frames: s.frames,
        episodes: out.episodes,
        humanFrames: s.humanFrames,
        labelAgreement: s.labelAgreement,
        seconds: out.seconds,
      };
      this.status = `imported ${r.file} for training: ${s.frames} frames`;
      this.trainPanel.train(
        {
          npz: out.npz,
          data: `demo ${r.file} (${who})`,
          frames: s.frames,
          episodes: out.episodes,
          ...(this.options.fineTune ? { init: { model: shipped.bytes.slice(), file: SHIPPED_MODELS.egocentric.file } } : {}),
        },
        r.file,
        `${who}: ${s.frames} frames, ${out.episodes} episodes, labels ${(100 * s.labelAgreement).toFixed(0)} % in agreement with the recorded motion`,
      );
    } catch (err) {
      this.status = `could not import ${r.file}`;
      this.trainPanel.preparing(`Importing ${r.file}`, `failed: ${err instanceof Error ? err.message : String(err)}`);
      this.errors.show(err, 'train on this demo');
    }
  }

  /** The state tests read: the replay's tick, what was drawn, every player's recorded and drawn position. */
  state() {
    const r = this.replay;
    if (r === undefined) return { active: false, status: this.status, imported: this.imported ?? null };
    const pose = createPose();
    return {
      active: true,
      status: this.status,
      imported: this.imported ?? null,
      file: r.file,
      tick: r.tick,
      drawnTick: this.scene?.drawnTick ?? null,
      playing: r.playing,
      speed: r.speed,
      round: r.round,
      first: r.first,
      last: r.last,
      rounds: r.recording.rounds.map((x) => ({ start: x.start, end: x.end })),
      humans: [...r.humans],
      follow: this.follow,
      players: r.recording.players.map((p, i) => {
        const s = r.pose(i, pose);
        return {
          name: p.name,
          bot: p.bot,
          side: s.side,
          alive: s.alive,
          x: s.x,
          y: s.y,
          z: s.z,
          yaw: s.yaw,
          drawn: this.scene?.figureAt(i) ?? null,
        };
      }),
    };
  }

  private enter(replay: DemoReplay): void {
    this.leave();
    this.replay = replay;
    this.scene = new ReplayScene(replay);
    this.follow = replay.humans[0] ?? 0;
    this.view.showReplay(this.scene);
    this.timeline.show(replay);
    replay.playing = true;
  }

  /** The shipped egocentric model (fine-tuning starts from it) and its token layout (the rows the import writes). */
  private async shippedModel(): Promise<{ bytes: Uint8Array; layout: TokenLayoutJson }> {
    if (this.shipped === undefined) {
      const bytes = await fetchModel('egocentric');
      const layout = parsePolicySpec(decodeModel(bytes).metadata, SHIPPED_MODELS.egocentric.file).observation;
      this.shipped = { bytes, layout };
    }
    return this.shipped;
  }
}
