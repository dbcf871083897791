/** Loads the committed PyTorch fixtures (models, reference inputs and outputs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../sdk/dataset/index.js';
import type { TensorInput } from '../../sdk/inference/index.js';
import type { TensorArray } from '../../sdk/inference/tensor.js';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'models');

export interface FixtureIo {
  name: string;
  shape: number[];
  dtype: string;
  file: string;
}

export interface Fixture {
  name: string;
  file: string;
  opset: number;
  description: string;
  inputs: FixtureIo[];
  outputs: FixtureIo[];
}

export function fixtures(): Fixture[] {
  return (JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')) as { fixtures: Fixture[] }).fixtures;
}

export function fixtureBytes(f: Fixture): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, f.file)));
}

export function loadNpy(file: string): { data: TensorArray; dims: number[] } {
  return readNpy(new Uint8Array(readFileSync(join(FIXTURE_DIR, file))), file);
}

/** Elementwise check |a - b| <= atol + rtol |b|; returns the worst violation (0 when all pass) and max abs diff. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-4, rtol = 1e-4): { maxAbsDiff: number; failures: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxAbsDiff = 0;
  let failures = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)) continue; // both NaN: the same answer
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= atol + rtol * Math.abs(b[i]!))) failures++;
    if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return { maxAbsDiff, failures };
}

export type { TensorInput };

/** The largest |a − b| relative to the largest |a|: how far apart two results are, for int8 tolerances. */
export function relativeDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(a[i]!));
  }
  return d / m;
}
