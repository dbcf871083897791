/** Messages between the page and the demo worker (parsing, and the import into training rows). */
import type { ArenaMap } from '../../../arena/map/arena-map.js';
import type { DemoRecording, ImportStats, TokenLayoutJson } from '../sdk.js';

/** Page → worker. */
export type DemoRequest =
  /** Parse a demo file (its bytes, transferred). */
  | { kind: 'parse'; id: number; bytes: Uint8Array; file: string }
  /** Import a parsed recording into token rows on `map` in `layout`; reply with the dataset as `.npz`. */
  | {
      kind: 'import';
      id: number;
      recording: DemoRecording;
      map: ArenaMap;
      layout: TokenLayoutJson;
      humansOnly: boolean;
      every: number;
      file: string;
    };

/** Worker → page (`id` answers the request's). */
export type DemoReply =
  | { kind: 'parsed'; id: number; recording: DemoRecording; seconds: number }
  | { kind: 'imported'; id: number; npz: Uint8Array; stats: ImportStats; episodes: number; seconds: number }
  | { kind: 'error'; id: number; message: string };
