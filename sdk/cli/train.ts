/**
 * `tickmind train --data DIR [--data DIR…] --arch joint|egocentric|mlp --out FILE.onnx [--epochs E] [--seed S]
 * [--batch B] [--lr LR] [--d D] [--layers L] [--heads H] [--ff F] [--hidden N] [--val-fraction F] [--patience P]
 * [--curve FILE.html] [--init POLICY.onnx] [--json]`: behavior cloning (or fine-tuning from --init) on a recorded dataset (LeRobot layout
 * directory, or an .npz), a progress bar on stderr, the loss/accuracy curve page, and the policy
 * exported as ONNX with its spec (and how it was trained) in metadata_props.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TickmindError } from '../core/index.js';
import { type Dataset, DEFAULT_MAX_BYTES, datasetFromNpz, readLeRobot } from '../dataset/index.js';
import { encodeModel, type Model } from '../inference/index.js';
import {
  buildMlpPolicy,
  buildTokenTransformer,
  defaultLayers,
  mlpPolicyWeights,
  type TokenTransformerConfig,
  tokenTransformerWeights,
} from '../policy/index.js';
import { monotonicClock } from '../profiling/index.js';
import {
  MlpNet,
  type ObservationLayout,
  observationLayout,
  type PolicyNet,
  TokenNet,
  type TrainProgress,
  trainBehaviorCloning,
  trainingCurveHtml,
  trainingData,
} from '../training/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { directorySource, readDatasetFile } from './files.js';
import { type InitialPolicy, initialWeights, readInitialPolicy } from './train-init.js';

const OPTIONS = [
  'data',
  'arch',
  'out',
  'epochs',
  'seed',
  'batch',
  'lr',
  'd',
  'layers',
  'heads',
  'ff',
  'hidden',
  'val-fraction',
  'patience',
  'curve',
  'json',
  'init',
];

/** Runs `tickmind train`. */
export async function trainCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, OPTIONS);
  const dataPaths = args.options.get('data') ?? usage('--data DIR (or FILE.npz) is required');
  const dataPath = dataPaths.join(' + ');
  const out = option(args, 'out') ?? usage('--out FILE.onnx is required');
  const arch = option(args, 'arch') ?? 'egocentric';
  if (arch !== 'egocentric' && arch !== 'joint' && arch !== 'mlp') usage(`--arch must be joint, egocentric or mlp, got '${arch}'`);
  const json = args.options.has('json');
  const log = (s: string) => process.stderr.write(s);
  const dataset = await loadDatasets(dataPaths);
  const layout = observationLayout(dataset);
  if (arch !== 'mlp' && layout.mode !== arch)
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `--arch ${arch} needs ${arch === 'egocentric' ? 'an' : 'a'} ${arch} recording, but ${dataPath} holds ${layout.mode} observations (record with tickmind record --observations ${arch})`,
      { field: 'arch' },
    );
  const data = trainingData(dataset);
  const seed = intOption(args, 'seed', 1, 1, 2 ** 31 - 1);
  const initFile = option(args, 'init');
  const init = initFile !== undefined ? readInitialPolicy(initFile, arch, layout) : undefined;
  const { net, build, described } = architecture(args, arch, layout, seed, init);
  const epochs = intOption(args, 'epochs', 10, 1, 100_000);
  const lr = numberOption(args, 'lr', 1e-3);
  if (!(lr > 0 && lr <= 1)) throw new UsageError(`--lr must be in (0, 1], got ${lr}`);
  log(
    `tickmind train: ${data.count} frames from ${dataset.episodes.length} episodes (${dataPath}), ${described}, ${epochs} epochs, seed ${seed}\n`,
  );
  const progress = json ? undefined : progressPrinter(log);
  const result = trainBehaviorCloning(net, data, {
    epochs,
    lr,
    seed,
    valFraction: numberOption(args, 'val-fraction', 0.1),
    patience: intOption(args, 'patience', 4, 1, 100_000),
    clock: monotonicClock,
    ...(progress !== undefined ? { onProgress: progress } : {}),
  });
  const training = {
    data: dataPath,
    frames: data.count,
    epochs: result.history.length,
    bestEpoch: result.best.epoch,
    seed,
    lr,
    valAccuracy: round(result.best.valAccuracy),
    valLoss: round(result.best.valLoss),
    classPriorAccuracy: round(result.classPriorAccuracy),
  };
  const bytes = encodeModel(build(net.weights(), training), 'tickmind train');
  atomicWrite(out, bytes);
  const curve = option(args, 'curve') ?? `${out.replace(/\.onnx$/i, '')}.curve.html`;
  atomicWrite(
    curve,
    new TextEncoder().encode(
      trainingCurveHtml(result.history, `tickmind train — ${out}`, {
        data: dataPath,
        frames: `${result.split.trainFrames} train, ${result.split.valFrames} validation (${result.split.valEpisodes} held-out episodes)`,
        architecture: described,
        'best epoch': `${result.best.epoch} of ${result.history.length}${result.stoppedEarly ? ' (stopped early)' : ''}`,
        'validation accuracy': `${(100 * result.best.valAccuracy).toFixed(1)} % (class prior ${(100 * result.classPriorAccuracy).toFixed(1)} %)`,
        seed,
      }),
    ),
  );
  const summary = {
    out,
    curve,
    arch,
    frames: data.count,
    trainFrames: result.split.trainFrames,
    valFrames: result.split.valFrames,
    epochs: result.history.length,
    bestEpoch: result.best.epoch,
    stoppedEarly: result.stoppedEarly,
    valLoss: training.valLoss,
    valAccuracy: training.valAccuracy,
    classPriorAccuracy: training.classPriorAccuracy,
    seconds: round(result.history.at(-1)?.seconds ?? 0),
  };
  process.stdout.write(
    json
      ? `${JSON.stringify(summary)}\n`
      : `trained ${out}: validation accuracy ${(100 * result.best.valAccuracy).toFixed(1)} % (class prior ${(100 * result.classPriorAccuracy).toFixed(1)} %), loss ${result.best.valLoss.toFixed(3)}, best epoch ${result.best.epoch}/${result.history.length}, ${summary.seconds} s\ncurve: ${curve}\n`,
  );
  return 0;
}

/** The network to train and how to export it, for --arch and the recording's layout. */
function architecture(
  args: ParsedArgs,
  arch: 'joint' | 'egocentric' | 'mlp',
  layout: ObservationLayout,
  seed: number,
  init?: InitialPolicy,
): {
  net: PolicyNet;
  build: (weights: Record<string, Float32Array>, training: Record<string, number | string>) => Model;
  described: string;
} {
  const batch = intOption(args, 'batch', 64, 1, 65_536);
  const shape = { observation: layout, classes: 97, seed };
  if (arch === 'mlp') {
    const hidden = init !== undefined ? Number(init.architecture.hidden) : intOption(args, 'hidden', 256, 1, 8192);
    const mlp = { ...shape, hidden };
    const fresh = mlpPolicyWeights(mlp);
    return {
      net: new MlpNet(
        { tokens: layout.tokens, features: layout.featuresPerToken, hidden: mlp.hidden, classes: 97 },
        batch,
        init !== undefined ? initialWeights(init, fresh) : fresh,
      ),
      build: (weights, training) => buildMlpPolicy({ ...mlp, weights, training }),
      described: `mlp ${mlp.hidden}×2 (${layout.mode} rows)${init !== undefined ? `, from ${init.file}` : ''}`,
    };
  }
  const config: TokenTransformerConfig = {
    ...shape,
    d: init !== undefined ? Number(init.architecture.d) : intOption(args, 'd', 64, 1, 4096),
    layers: init !== undefined ? Number(init.architecture.layers) : intOption(args, 'layers', defaultLayers(layout.mode), 1, 64),
    heads: init !== undefined ? Number(init.architecture.heads) : intOption(args, 'heads', 4, 1, 256),
  };
  const d = config.d!;
  // The feed-forward width: 2d unless told (an egocentric model's last layer runs it for token 0 alone, so a wide one is cheap there).
  config.ff = init !== undefined ? Number(init.architecture.ff ?? 2 * d) : intOption(args, 'ff', 2 * d, 1, 65536);
  if (d % config.heads! !== 0) throw new UsageError(`--d ${d} must be a multiple of --heads ${config.heads}`);
  return {
    net: new TokenNet(
      {
        tokens: layout.tokens,
        features: layout.featuresPerToken,
        d,
        layers: config.layers!,
        heads: config.heads!,
        ff: config.ff,
        classes: 97,
      },
      batch,
      init !== undefined ? initialWeights(init, tokenTransformerWeights(config)) : tokenTransformerWeights(config),
    ),
    build: (weights, training) => buildTokenTransformer({ ...config, weights, training }),
    described: `${arch} token transformer, d=${d}, ${config.layers} layer${config.layers === 1 ? '' : 's'}, ${config.heads} heads, ff=${config.ff}${init !== undefined ? `, from ${init.file}` : ''}`,
  };
}

/** A progress bar on stderr for minibatches (redrawn at most every 100 ms) and a line per epoch. */
function progressPrinter(log: (s: string) => void): (e: TrainProgress) => void {
  let lastDraw = 0;
  return (e) => {
    if (e.kind === 'batch') {
      const now = monotonicClock();
      if (now - lastDraw < 100_000 && e.step !== e.stepsPerEpoch) return;
      lastDraw = now;
      const done = e.step / e.stepsPerEpoch;
      const bar = '#'.repeat(Math.round(done * 24)).padEnd(24, '.');
      log(`\r  epoch ${e.epoch}/${e.epochs} [${bar}] ${Math.round(done * 100)}% loss ${e.loss.toFixed(3)}   `);
      return;
    }
    const r = e.record;
    log(
      `\r  epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(3)} acc ${(100 * r.trainAccuracy).toFixed(1)} % · val loss ${r.valLoss.toFixed(3)} acc ${(100 * r.valAccuracy).toFixed(1)} % · ${r.seconds.toFixed(0)} s\n`,
    );
  };
}

/** Loads one dataset, or several recorded alike (the same observation layout) as one, episodes renumbered. */
async function loadDatasets(paths: readonly string[]): Promise<Dataset> {
  const all = await Promise.all(paths.map(loadDataset));
  const first = all[0]!;
  const layout = JSON.stringify(first.spec.extra?.observation);
  for (const [i, d] of all.entries())
    if (JSON.stringify(d.spec.extra?.observation) !== layout)
      throw new TickmindError(
        'INVALID_ARGUMENT',
        `${paths[i]}: its observation layout differs from ${paths[0]}'s; datasets trained together must be recorded alike`,
        {
          file: paths[i]!,
        },
      );
  let index = 0;
  return { spec: first.spec, episodes: all.flatMap((d) => d.episodes.map((e) => ({ ...e, index: index++ }))) };
}

async function loadDataset(path: string): Promise<Dataset> {
  if (!existsSync(path)) throw new TickmindError('IO', `no dataset at ${path}`, { file: path });
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'meta', 'info.json'))) return readLeRobot(directorySource(path));
    if (existsSync(join(path, 'dataset.npz'))) return readNpzFile(join(path, 'dataset.npz'));
    throw new TickmindError('IO', `${path}: neither meta/info.json (Parquet layout) nor dataset.npz; record one with tickmind record`, {
      file: path,
    });
  }
  return readNpzFile(path);
}

/** A dataset .npz; one larger than the readers' limit is refused from its size, unread. */
function readNpzFile(path: string): Dataset {
  return datasetFromNpz(readDatasetFile(path, DEFAULT_MAX_BYTES), path);
}

function atomicWrite(file: string, bytes: Uint8Array): void {
  try {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (err) {
    throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file });
  }
}

function numberOption(args: ParsedArgs, key: string, fallback: number): number {
  const v = option(args, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) usage(`--${key} expects a positive number, got '${v}'`);
  return n;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function usage(message: string): never {
  throw new UsageError(message);
}
