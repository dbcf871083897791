/**
 * The demo worker: parses a demo file with the SDK (`demofile`, bundled for the browser, handed in
 * with registerDemoParser) and imports a parsed recording into token rows for the trainer — off
 * the main thread, so the page stays responsive while a 4 MB demo is read.
 */
import { Buffer } from 'buffer';
import { mapBoxes, mapNavigation } from '../../../arena/map/arena-map.js';
import { type DemoRecording, datasetToNpz, importRecording, levelFromBoxes, parseDemo, registerDemoParser } from '../sdk.js';
import type { DemoReply, DemoRequest } from './messages.js';

// demofile reads Node's Buffer as a global; `events` and the rest resolve through the Vite config.
(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
registerDemoParser('demofile', () => import('demofile'));

const post = (m: DemoReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<DemoRequest>) => {
  const req = e.data;
  const t0 = performance.now();
  try {
    if (req.kind === 'parse') {
      const recording = await parseDemo(req.bytes, req.file);
      post({ kind: 'parsed', id: req.id, recording, seconds: (performance.now() - t0) / 1000 }, buffersOf(recording));
      return;
    }
    const map = { name: req.recording.map, level: levelFromBoxes(mapBoxes(req.map)), navMesh: mapNavigation(req.map).mesh };
    const result = importRecording(req.recording, map, {
      layout: req.layout,
      every: req.every,
      humansOnly: req.humansOnly,
      file: req.file,
    });
    if (result.episodes.length === 0) throw new Error(`no ${req.humansOnly ? 'human ' : ''}player is alive in any round of ${req.file}`);
    const npz = datasetToNpz({ spec: result.spec, episodes: result.episodes });
    post(
      {
        kind: 'imported',
        id: req.id,
        npz,
        stats: result.stats,
        episodes: result.episodes.length,
        seconds: (performance.now() - t0) / 1000,
      },
      [npz.buffer],
    );
  } catch (err) {
    post({ kind: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
};

/** The recording's typed arrays (moved to the page, not copied). */
function buffersOf(r: DemoRecording): ArrayBuffer[] {
  const f = r.frames;
  return [f.ticks, f.position, f.velocity, f.yaw, f.health, f.alive, f.crouch, f.side, f.runSpeed].map((a) => a.buffer as ArrayBuffer);
}
