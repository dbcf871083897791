/** Issue 20: `tickmind train` on a corrupted dataset exits non-zero with the readers' coded error (runs the built CLI, like tests/cli). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { directorySink } from '../../sdk/cli/files.js';
import { datasetToNpz, LeRobotWriter } from '../../sdk/dataset/index.js';
import { record, spec } from './dataset-fixture.js';
import { parquetPages, zipMembers } from './file-layout.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tickmind.js');
type Result = { code?: number; stdout: string; stderr: string };
const tickmind = (...args: string[]): Promise<Result> => run(process.execPath, [BIN, ...args]).catch((e: Result) => e);

describe('tickmind train on a corrupted dataset', () => {
  it('a byte flipped in a Parquet page: exit 1, the IO error names the file and column, no policy written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-corrupt-'));
    const data = join(dir, 'demos');
    await new LeRobotWriter(spec, directorySink(data)).append(record([6, 5]));
    const file = join(data, 'data', 'chunk-000', 'file-000.parquet');
    const bytes = new Uint8Array(readFileSync(file));
    const page = parquetPages(bytes).find((p) => p.column === 'observation.state')!;
    bytes[page.end - 10]! ^= 0x04;
    writeFileSync(file, bytes);
    const out = join(dir, 'p.onnx');
    const r = await tickmind('train', '--data', data, '--out', out, '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tickmind: IO: .*file-000\.parquet: column 'observation\.state': corrupted GZIP page/);
    expect(existsSync(out)).toBe(false);
  });

  it('a byte flipped in an .npz member: exit 1, the IO error names the archive and member', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-corrupt-'));
    const file = join(dir, 'd.npz');
    const bytes = datasetToNpz({ spec, episodes: record([6, 5]) });
    const m = zipMembers(bytes).find((x) => x.name === 'observation.state.npy')!;
    bytes[m.data + m.size - 4]! ^= 0x04;
    writeFileSync(file, bytes);
    const r = await tickmind('train', '--data', file, '--out', join(dir, 'p.onnx'), '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tickmind: IO: .*d\.npz: member 'observation\.state\.npy': /);
  });
});
