/**
 * Issue 20: seeded mutations of small datasets the SDK wrote (a LeRobot directory and a `.npz`),
 * read back through the SDK readers. Every outcome must be a coded refusal naming a file, or a
 * read that returns exactly the original data, within a time and memory budget. Scale it with
 * TICKMIND_FUZZ=1000 (mutations) and TICKMIND_FUZZ_SEED.
 */
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import { type Dataset, datasetFromNpz, datasetToNpz, type MemoryFiles, readLeRobot, readParquet } from '../../sdk/dataset/index.js';
import {
  datasetKey,
  type EditableTable,
  episodesKey,
  jsonBytes,
  lerobotFiles,
  parseJson,
  rewriteParquet,
  withFile,
} from './dataset-fixture.js';
import { parquetFooter, parquetPages, zipMembers } from './file-layout.js';

const MUTATIONS = Number(process.env.TICKMIND_FUZZ ?? 300);
const SEED = Number(process.env.TICKMIND_FUZZ_SEED ?? 20);
const MAX_MS = 2000;
const MAX_BYTES = 512 * 2 ** 20;

/** A mutated dataset: a LeRobot directory with one file changed, or a `.npz`. */
type Mutant = { kind: string; file: string; byteLevel: boolean } & ({ files: MemoryFiles } | { npz: Uint8Array });

type Outcome = 'refused' | 'identical' | 'info.json text read as written' | 'DIFFERENT DATA' | 'UNCODED ERROR' | 'OVER BUDGET';

interface Base {
  files: MemoryFiles;
  npz: Uint8Array;
  lerobot: Dataset;
  fromNpz: Dataset;
}

describe('dataset readers under seeded mutation', () => {
  it(`refuse with a coded error or read the original data: ${MUTATIONS} mutations, seed ${SEED}`, async () => {
    const { files, episodes } = await lerobotFiles([[5, 3], [4]]);
    const npz = datasetToNpz({ spec: (await readLeRobot(files)).spec, episodes });
    const base: Base = { files, npz, lerobot: await readLeRobot(files), fromNpz: datasetFromNpz(npz, 'dataset.npz') };
    const rng = new Rng(SEED);
    const counts = new Map<string, number>();
    const failures: string[] = [];
    const textEdits: string[] = [];
    let peakRss = 0;
    let peakArrayBuffers = 0;
    let maxGrowth = 0;
    let slowest = 0;
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    const started = performance.now();
    for (let m = 0; m < MUTATIONS; m++) {
      const mutant = mutate(base, rng);
      const maxRssBefore = process.resourceUsage().maxRSS * 1024;
      const abBefore = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      let outcome: Outcome;
      let detail = '';
      try {
        const back = 'files' in mutant ? await readLeRobot(mutant.files) : datasetFromNpz(mutant.npz, 'dataset.npz');
        const original = 'files' in mutant ? base.lerobot : base.fromNpz;
        if (datasetKey(back) === datasetKey(original)) outcome = 'identical';
        else if (
          mutant.file === 'meta/info.json' &&
          mutant.byteLevel &&
          episodesKey(back.episodes) === episodesKey(original.episodes) &&
          back.spec.features !== undefined
        ) {
          // info.json carries no checksum (nor does LeRobot's format): a flip that leaves valid JSON
          // with valid values is an edit the reader cannot tell from a deliberate one.
          outcome = 'info.json text read as written';
          textEdits.push(specDifference(original, back));
        } else outcome = 'DIFFERENT DATA';
      } catch (err) {
        if (err instanceof TickmindError && err.location.file !== undefined) {
          outcome = 'refused';
          detail = err.code;
        } else {
          outcome = 'UNCODED ERROR';
          detail = String(err);
        }
      }
      const ms = performance.now() - t0;
      // A Parquet file read alone: only coded errors may come out (its footer has no checksum, so
      // renamed columns and the like are for readLeRobot to catch against info.json).
      if ('files' in mutant && mutant.file.endsWith('.parquet') && mutant.files.files.has(mutant.file))
        try {
          readParquet(mutant.files.files.get(mutant.file)!, mutant.file);
        } catch (err) {
          if (!(err instanceof TickmindError)) failures.push(`${mutant.kind} on ${mutant.file}: readParquet threw ${String(err)}`);
        }
      const mem = process.memoryUsage();
      const growth = Math.max(process.resourceUsage().maxRSS * 1024 - maxRssBefore, mem.arrayBuffers - abBefore);
      peakRss = Math.max(peakRss, mem.rss);
      peakArrayBuffers = Math.max(peakArrayBuffers, mem.arrayBuffers);
      maxGrowth = Math.max(maxGrowth, growth);
      slowest = Math.max(slowest, ms);
      if (ms > MAX_MS || growth > MAX_BYTES) {
        outcome = 'OVER BUDGET';
        detail = `${ms.toFixed(0)} ms, ${(growth / 2 ** 20).toFixed(0)} MiB`;
      }
      count(`${outcome}${detail !== '' && outcome === 'refused' ? ` (${detail})` : ''}`);
      count(`  by target: ${'files' in mutant ? 'LeRobot' : '.npz'} ${mutant.byteLevel ? 'byte-level' : 'structured'}`);
      if (outcome === 'identical') count(`  identical: ${mutant.file}`);
      if (outcome !== 'refused' && outcome !== 'identical' && outcome !== 'info.json text read as written')
        failures.push(`#${m} ${mutant.kind} on ${mutant.file}: ${outcome} ${detail}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const table = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k.padEnd(44)} ${String(v).padStart(6)}`);
    console.log(
      [
        `dataset fuzz: ${MUTATIONS} mutations, seed ${SEED}, ${seconds.toFixed(1)} s`,
        ...table,
        `slowest read ${slowest.toFixed(1)} ms; peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB, peak arrayBuffers ${(peakArrayBuffers / 2 ** 20).toFixed(1)} MiB, largest growth over one read ${(maxGrowth / 2 ** 20).toFixed(1)} MiB`,
        ...(textEdits.length > 0 ? ['info.json text read as written (first 5):', ...textEdits.slice(0, 5).map((t) => `  ${t}`)] : []),
      ].join('\n'),
    );
    expect(failures).toEqual([]);
  });
});

function specDifference(a: Dataset, b: Dataset): string {
  const out: string[] = [];
  for (const k of ['fps', 'robotType', 'features', 'extra'] as const)
    if (JSON.stringify(a.spec[k]) !== JSON.stringify(b.spec[k])) out.push(`${k}: ${JSON.stringify(b.spec[k]).slice(0, 80)}`);
  return out.join('; ');
}

// --- mutations ---------------------------------------------------------------------------------

const LEROBOT_FILES = [
  'data/chunk-000/file-000.parquet',
  'data/chunk-000/file-001.parquet',
  'meta/episodes/chunk-000/file-000.parquet',
  'meta/tasks.parquet',
  'meta/info.json',
  'meta/stats.json',
];
const HUGE = [0, 0xffffffff, 0x7fffffff, 0x80000000, 0x60000000, 0xfffffff0];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function mutate(base: Base, rng: Rng): Mutant {
  const r = rng.next();
  if (r < 0.35) return bytesMutant(base, rng, rng.next() < 0.7 ? pick(rng, LEROBOT_FILES) : 'dataset.npz');
  if (r < 0.5) return npzFieldMutant(base, rng);
  if (r < 0.6) return parquetFieldMutant(base, rng);
  if (r < 0.75) return npzRepackMutant(base, rng);
  return lerobotStructuredMutant(base, rng);
}

function mutant(base: Base, file: string, bytes: Uint8Array | undefined, kind: string, byteLevel: boolean): Mutant {
  return file === 'dataset.npz'
    ? { kind, file, byteLevel, npz: bytes! }
    : { kind, file, byteLevel, files: withFile(base.files, file, bytes) };
}

function original(base: Base, file: string): Uint8Array {
  return file === 'dataset.npz' ? base.npz : base.files.files.get(file)!;
}

/** Byte flips, truncations, insertions, deletions, duplicated and zeroed ranges, 32-bit fields set huge. */
function bytesMutant(base: Base, rng: Rng, file: string): Mutant {
  const b = original(base, file);
  const at = rng.int(b.length);
  const ops: [string, () => Uint8Array][] = [
    [
      'bit flip',
      () => {
        const o = b.slice();
        o[at]! ^= 1 << rng.int(8);
        return o;
      },
    ],
    [
      'byte set',
      () => {
        const o = b.slice();
        o[at] = rng.int(256);
        return o;
      },
    ],
    ['truncation', () => b.slice(0, at)],
    ['insertion', () => concat(b.subarray(0, at), randomBytes(rng, 1 + rng.int(16)), b.subarray(at))],
    ['deletion', () => concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(16))))],
    [
      'duplicated range',
      () => {
        const n = 1 + rng.int(32);
        return concat(b.subarray(0, at), b.subarray(at, at + n), b.subarray(at));
      },
    ],
    [
      'zeroed range',
      () => {
        const o = b.slice();
        o.fill(0, at, at + 1 + rng.int(8));
        return o;
      },
    ],
    [
      'u32 set huge',
      () => {
        const o = b.slice();
        if (at + 4 <= o.length) new DataView(o.buffer).setUint32(at, pick(rng, HUGE), true);
        else o[at]! ^= 0xff;
        return o;
      },
    ],
  ];
  const [kind, op] = pick(rng, ops);
  return mutant(base, file, op(), kind, true);
}

/** Zip header fields: CRCs zeroed or swapped, sizes, offsets and name lengths set huge, negative or off by one. */
function npzFieldMutant(base: Base, rng: Rng): Mutant {
  const o = base.npz.slice();
  const v = new DataView(o.buffer);
  const members = zipMembers(o);
  const m = pick(rng, members);
  const kind = pick(rng, [
    'zero central CRC',
    'zero local CRC',
    'zero both CRCs',
    'swap CRCs',
    'central field',
    'local field',
    'end record field',
  ]);
  const value32 = (old: number) => pick(rng, [...HUGE, old + 1, old - 1, rng.int(2 ** 32)]) >>> 0;
  switch (kind) {
    case 'zero central CRC':
      o.fill(0, m.central + 16, m.central + 20);
      break;
    case 'zero local CRC':
      o.fill(0, m.local + 14, m.local + 18);
      break;
    case 'zero both CRCs':
      o.fill(0, m.central + 16, m.central + 20);
      o.fill(0, m.local + 14, m.local + 18);
      break;
    case 'swap CRCs': {
      const n = pick(
        rng,
        members.filter((x) => x !== m),
      );
      for (const [a, b] of [
        [m.central + 16, n.central + 16],
        [m.local + 14, n.local + 14],
      ] as const) {
        const t = v.getUint32(a, true);
        v.setUint32(a, v.getUint32(b, true), true);
        v.setUint32(b, t, true);
      }
      break;
    }
    case 'central field': {
      const [at, size] = pick(rng, [
        [16, 4],
        [20, 4],
        [24, 4],
        [42, 4],
        [28, 2],
        [30, 2],
        [10, 2],
        [8, 2],
      ] as const);
      set(v, m.central + at, size, value32(size === 4 ? v.getUint32(m.central + at, true) : v.getUint16(m.central + at, true)));
      break;
    }
    case 'local field': {
      const [at, size] = pick(rng, [
        [14, 4],
        [18, 4],
        [22, 4],
        [26, 2],
        [28, 2],
        [8, 2],
      ] as const);
      set(v, m.local + at, size, value32(size === 4 ? v.getUint32(m.local + at, true) : v.getUint16(m.local + at, true)));
      break;
    }
    default: {
      const end = o.length - 22;
      const [at, size] = pick(rng, [
        [8, 2],
        [10, 2],
        [12, 4],
        [16, 4],
        [20, 2],
      ] as const);
      set(v, end + at, size, value32(size === 4 ? v.getUint32(end + at, true) : v.getUint16(end + at, true)));
    }
  }
  return { kind: `npz ${kind}`, file: 'dataset.npz', byteLevel: true, npz: o };
}

function set(v: DataView, at: number, size: 2 | 4, value: number): void {
  if (size === 4) v.setUint32(at, value >>> 0, true);
  else v.setUint16(at, value & 0xffff, true);
}

/** Parquet fields: the footer length, gzip trailers (CRC, ISIZE), page header and footer bytes set to list sizes and varints. */
function parquetFieldMutant(base: Base, rng: Rng): Mutant {
  const file = pick(
    rng,
    LEROBOT_FILES.filter((f) => f.endsWith('.parquet')),
  );
  const o = original(base, file).slice();
  const v = new DataView(o.buffer);
  const page = pick(rng, parquetPages(o));
  const kind = pick(rng, ['footer length', 'gzip CRC zeroed', 'gzip CRC swapped', 'gzip ISIZE', 'page header byte', 'footer byte']);
  switch (kind) {
    case 'footer length':
      v.setUint32(o.length - 8, pick(rng, [...HUGE, o.length, v.getUint32(o.length - 8, true) + 1]), true);
      break;
    case 'gzip CRC zeroed':
      o.fill(0, page.end - 8, page.end - 4);
      break;
    case 'gzip CRC swapped': {
      const other = pick(rng, parquetPages(o));
      const t = v.getUint32(page.end - 8, true);
      v.setUint32(page.end - 8, v.getUint32(other.end - 8, true), true);
      v.setUint32(other.end - 8, t, true);
      break;
    }
    case 'gzip ISIZE':
      v.setUint32(page.end - 4, pick(rng, [...HUGE, v.getUint32(page.end - 4, true) + 1, v.getUint32(page.end - 4, true) - 1]) >>> 0, true);
      break;
    case 'page header byte':
      o[page.header + rng.int(page.body - page.header)] = pick(rng, [0x00, 0x7f, 0xff, 0xf9, 0x19, 0x15]);
      break;
    default: {
      const footer = parquetFooter(o);
      o[footer + rng.int(o.length - 8 - footer)] = pick(rng, [0x00, 0x7f, 0xff, 0xf9, 0x19, 0x15, rng.int(256)]);
    }
  }
  return mutant(base, file, o, `parquet ${kind}`, true);
}

/** Archives re-zipped with valid CRCs around inconsistent content: bad .npy headers, spec_json and tasks_json edits, episode arrays. */
function npzRepackMutant(base: Base, rng: Rng): Mutant {
  const members = unzipSync(base.npz);
  const names = Object.keys(members);
  const text = (name: string) => new TextDecoder('latin1').decode(members[name]!);
  const setText = (name: string, s: string) => {
    members[name] = Uint8Array.from(s, (c) => c.charCodeAt(0));
  };
  const npyJson = (name: string, edit: (v: unknown) => unknown) => {
    const s = text(name);
    const start = s.indexOf('\n') + 1;
    const json = new TextEncoder().encode(JSON.stringify(edit(JSON.parse(new TextDecoder().decode(members[name]!.subarray(start))))));
    const header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${json.length},), }`.padEnd(117, ' ');
    members[name] = concat(
      new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      new TextEncoder().encode(`${header}\n`),
      json,
    );
  };
  const int64 = (name: string, edit: (a: BigInt64Array) => BigInt64Array) => {
    const s = text(name);
    const start = s.indexOf('\n') + 1;
    const a = edit(new BigInt64Array(members[name]!.slice(start).buffer));
    const header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${a.length},), }`.padEnd(117, ' ');
    members[name] = concat(
      new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      new TextEncoder().encode(`${header}\n`),
      new Uint8Array(a.buffer),
    );
  };
  const spec = (edit: (s: Record<string, unknown>) => void) =>
    npyJson('spec_json.npy', (v) => {
      edit(v as Record<string, unknown>);
      return v;
    });
  const features = (edit: (f: Record<string, Record<string, unknown>>) => void) =>
    spec((s) => edit(s.features as Record<string, Record<string, unknown>>));
  const kinds: [string, () => void][] = [
    [
      'npy shape',
      () => {
        const n = pick(rng, names);
        setText(
          n,
          text(n).replace(
            /'shape': \([^)]*\)/,
            `'shape': ${pick(rng, ['(-1023,)', '(3.5,)', '(1e3,)', '(99999999999999999999,)', '(4294967296, 4294967296)', '(0,)', '()', '(12, 0)', '(2, -6)', '(x)'])}`,
          ),
        );
      },
    ],
    [
      'npy descr',
      () => {
        const n = pick(rng, names);
        setText(n, text(n).replace(/'descr': '[^']*'/, `'descr': '${pick(rng, ['<f8', '<i4', '>f4', '<f2', '|b1', '<i8', '|u1', 'O'])}'`));
      },
    ],
    ['npy fortran', () => setText(names[0]!, text(names[0]!).replace('False', 'True'))],
    [
      'spec fps',
      () =>
        spec((s) => {
          s.fps = pick(rng, ['abc', -8, 0, null, '64', [64], -1e-9]);
        }),
    ],
    ['spec drop feature', () => features((f) => delete f[pick(rng, Object.keys(f))])],
    [
      'spec dtype',
      () =>
        features((f) => {
          f[pick(rng, Object.keys(f))]!.dtype = pick(rng, ['float64', 'int32', 'bool', 'float32', 'uint8', 7]);
        }),
    ],
    [
      'spec shape',
      () =>
        features((f) => {
          f[pick(rng, Object.keys(f))]!.shape = pick(rng, [[2], [4], [3, 2], [-1], [], [1.5], null, [5, 1]]);
        }),
    ],
    [
      'spec extra feature',
      () =>
        features((f) => {
          f.extra = { dtype: 'float32', shape: [1], names: null };
        }),
    ],
    [
      'spec robotType',
      () =>
        spec((s) => {
          s.robotType = 5;
        }),
    ],
    ['tasks_json', () => npyJson('tasks_json.npy', (t) => pick(rng, [(t as string[]).slice(1), {}, [1, 2], 'x', null]))],
    [
      'episode starts',
      () =>
        int64('episode_index_start.npy', (a) => {
          const k = rng.int(a.length);
          const c = a.slice();
          c[k] = c[k]! + pick(rng, [-1n, 1n, -100n, 2n ** 40n]);
          return c;
        }),
    ],
    [
      'episode lengths',
      () =>
        int64('episode_length.npy', (a) => {
          const k = rng.int(a.length);
          const c = a.slice();
          c[k] = c[k]! + pick(rng, [-1n, 1n, -100n, 2n ** 40n]);
          return c;
        }),
    ],
    ['episode arrays shortened', () => int64(pick(rng, ['episode_length.npy', 'episode_index_start.npy']), (a) => a.slice(1))],
    ['member dropped', () => delete members[pick(rng, names)]],
    [
      'member added',
      () => {
        members['surprise.npy'] = members[pick(rng, names)]!;
      },
    ],
    [
      'member renamed',
      () => {
        const n = pick(rng, names);
        members[`${n.slice(0, -4)}x.npy`] = members[n]!;
        delete members[n];
      },
    ],
  ];
  const [kind, op] = pick(rng, kinds);
  op();
  return { kind: `npz ${kind}`, file: 'dataset.npz', byteLevel: false, npz: zipSync(members) };
}

/** Valid files with inconsistent content: info.json edits, episode ranges, tasks, data columns, missing files. */
function lerobotStructuredMutant(base: Base, rng: Rng): Mutant {
  const info = (edit: (i: Record<string, unknown>) => void): [string, Uint8Array] => {
    const i = parseJson(base.files.files.get('meta/info.json')!);
    edit(i);
    return ['meta/info.json', jsonBytes(i)];
  };
  const features = (edit: (f: Record<string, Record<string, unknown>>) => void) =>
    info((i) => edit(i.features as Record<string, Record<string, unknown>>));
  const parquet = (file: string, edit: (t: EditableTable) => void): [string, Uint8Array] => [
    file,
    rewriteParquet(base.files.files.get(file)!, edit),
  ];
  const episodes = (edit: (t: EditableTable) => void) => parquet('meta/episodes/chunk-000/file-000.parquet', edit);
  const column = (t: EditableTable, name: string) => t.columns.find((c) => c.name === name)!.data;
  const data = pick(rng, ['data/chunk-000/file-000.parquet', 'data/chunk-000/file-001.parquet']);
  const kinds: [string, () => [string, Uint8Array | undefined]][] = [
    [
      'info fps',
      () =>
        info((i) => {
          i.fps = pick(rng, ['abc', -8, 0, null, '64', [64], true]);
        }),
    ],
    ['info drop feature', () => features((f) => delete f[pick(rng, Object.keys(f))])],
    [
      'info dtype',
      () =>
        features((f) => {
          f[pick(rng, Object.keys(f))]!.dtype = pick(rng, ['float64', 'int32', 'bool', 'float32', 'video', null]);
        }),
    ],
    [
      'info shape',
      () =>
        features((f) => {
          // Shapes of another width or no shape at all (a reshape of the same width is a legitimate edit).
          f[pick(rng, Object.keys(f))]!.shape = pick(rng, [[2], [4], [3, 2], [-1], [], [1.5], null, 'x']);
        }),
    ],
    [
      'info counts',
      () =>
        info((i) => {
          const k = pick(rng, ['total_episodes', 'total_frames', 'total_tasks']);
          i[k] = pick(rng, [(i[k] as number) + 1, (i[k] as number) - 1, -1, 'x', 1.5, null, 1e300]);
        }),
    ],
    [
      'info version, path, types',
      () =>
        info((i) => {
          // Values of the wrong type or range (null robot_type or tickmind, a legitimate edit, excluded).
          const invalid: Record<string, unknown[]> = {
            codebase_version: ['v2.1', null, 3],
            data_path: [
              '../x/{chunk_index}.parquet',
              '/etc/{file_index}',
              '{nope}',
              5,
              'data/chunk-{chunk_index:03d}/file-{file_index:04d}.parquet',
            ],
            features: [null, 5, [], 'x'],
            robot_type: [5, [], {}],
            tickmind: [5, [], 'x', { extra: [] }, { extra: 5 }],
          };
          const k = pick(rng, Object.keys(invalid));
          i[k] = pick(rng, invalid[k]!);
        }),
    ],
    [
      'episodes overlap',
      () =>
        episodes((t) => {
          const e = 1 + rng.int(t.rows - 1);
          (column(t, 'dataset_from_index')[e] as number) -= 1;
          (column(t, 'dataset_to_index')[e] as number) -= 1;
        }),
    ],
    [
      'episodes range',
      () =>
        episodes((t) => {
          const c = column(
            t,
            pick(rng, ['length', 'dataset_from_index', 'dataset_to_index', 'episode_index', 'data/file_index', 'data/chunk_index']),
          );
          const e = rng.int(t.rows);
          c[e] = (c[e] as number) + pick(rng, [1, -1, 1000, -1000]);
        }),
    ],
    [
      'episodes task',
      () =>
        episodes((t) => {
          const c = column(t, 'tasks');
          c[rng.int(t.rows)] = pick(rng, ['retake as CT', 'retake as T', 'other']);
        }),
    ],
    [
      'episodes rows',
      () =>
        episodes((t) => {
          const drop = rng.next() < 0.5;
          for (const c of t.columns) {
            if (drop) c.data.splice(c.data.length - c.width, c.width);
            else c.data.push(...c.data.slice(c.data.length - c.width));
          }
          t.rows += drop ? -1 : 1;
        }),
    ],
    [
      'episodes column dropped',
      () =>
        episodes((t) => {
          t.columns.splice(rng.int(t.columns.length), 1);
        }),
    ],
    [
      'tasks table',
      () =>
        parquet('meta/tasks.parquet', (t) => {
          const k = rng.int(3);
          if (k === 0) column(t, 'task')[rng.int(t.rows)] = 'other';
          else if (k === 1) column(t, 'task_index')[rng.int(t.rows)] = 5;
          else {
            for (const c of t.columns) c.data.pop();
            t.rows--;
          }
        }),
    ],
    [
      'data standard column',
      () =>
        parquet(data, (t) => {
          const c = column(t, pick(rng, ['index', 'episode_index', 'frame_index', 'task_index']));
          const r = rng.int(t.rows);
          c[r] = (c[r] as number) + pick(rng, [1, -1]);
        }),
    ],
    [
      'data rows swapped',
      () =>
        parquet(data, (t) => {
          const a = rng.int(t.rows - 1);
          for (const c of t.columns)
            c.data.splice(
              a * c.width,
              2 * c.width,
              ...c.data.slice((a + 1) * c.width, (a + 2) * c.width),
              ...c.data.slice(a * c.width, (a + 1) * c.width),
            );
        }),
    ],
    [
      'data rows dropped',
      () =>
        parquet(data, (t) => {
          for (const c of t.columns) c.data.splice(c.data.length - c.width, c.width);
          t.rows--;
        }),
    ],
    [
      'data column',
      () =>
        parquet(data, (t) => {
          const k = rng.int(3);
          const i = rng.int(t.columns.length);
          if (k === 0) t.columns.splice(i, 1);
          else if (k === 1) t.columns.push({ name: 'surprise', type: 'FLOAT', width: 1, list: false, data: new Array(t.rows).fill(0) });
          else t.columns[i]!.type = t.columns[i]!.type === 'DOUBLE' ? 'FLOAT' : 'DOUBLE';
        }),
    ],
    [
      'file deleted',
      () => [
        pick(
          rng,
          LEROBOT_FILES.filter((f) => f !== 'meta/stats.json'),
        ),
        undefined,
      ],
    ],
  ];
  const [kind, op] = pick(rng, kinds);
  const [file, bytes] = op();
  return mutant(base, file, bytes, kind, false);
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
