/** The page's side of the demo worker: one worker, started on first use; each request a promise. */
import type { ArenaMap } from '../../../arena/map/arena-map.js';
import type { DemoRecording, ImportStats, TokenLayoutJson } from '../sdk.js';
import type { DemoReply, DemoRequest } from './messages.js';

/** Distributes a request over Omit of each union member (keeps the discriminant). */
type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** What an import for training gives back. */
export interface ImportedDemo {
  /** The dataset, `.npz` bytes (what the training worker reads). */
  npz: Uint8Array;
  /** Frames, label agreement, seconds of play. */
  stats: ImportStats;
  /** Episodes (one per player and round). */
  episodes: number;
  /** Seconds the import took in the worker. */
  seconds: number;
}

/** Parses and imports demos in a Web Worker. */
export class DemoWorkerClient {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<number, { resolve(r: DemoReply): void; reject(e: Error): void }>();

  /** Parses a demo file (the bytes are moved to the worker). */
  async parse(bytes: Uint8Array, file: string): Promise<{ recording: DemoRecording; seconds: number }> {
    const r = await this.send({ kind: 'parse', bytes, file }, [bytes.buffer as ArrayBuffer]);
    if (r.kind !== 'parsed') throw new Error(`unexpected reply ${r.kind}`);
    return { recording: r.recording, seconds: r.seconds };
  }

  /** Imports a recording into token rows on the arena's map, in the egocentric layout given. */
  async importForTraining(
    recording: DemoRecording,
    map: ArenaMap,
    layout: TokenLayoutJson,
    options: { humansOnly: boolean; every: number; file: string },
  ): Promise<ImportedDemo> {
    const r = await this.send({ kind: 'import', recording, map, layout, ...options });
    if (r.kind !== 'imported') throw new Error(`unexpected reply ${r.kind}`);
    return { npz: r.npz, stats: r.stats, episodes: r.episodes, seconds: r.seconds };
  }

  private send(request: Without<DemoRequest, 'id'>, transfer: Transferable[] = []): Promise<DemoReply> {
    const worker = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as DemoRequest, transfer);
    });
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(new URL('./demo-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<DemoReply>) => {
      const w = this.waiting.get(e.data.id);
      if (w === undefined) return;
      this.waiting.delete(e.data.id);
      if (e.data.kind === 'error') w.reject(new Error(e.data.message));
      else w.resolve(e.data);
    };
    worker.onerror = (e) => {
      // A worker that fails to start or crashes fails every request in flight; the next one starts afresh.
      const err = new Error(e.message || 'the demo worker failed');
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.worker?.terminate();
      this.worker = undefined;
    };
    this.worker = worker;
    return worker;
  }
}
