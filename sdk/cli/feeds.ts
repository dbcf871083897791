/** Seeded random feeds for a model's inputs, with symbolic dims bound by the caller (default 1). */
import { Rng, TickmindError } from '../core/index.js';
import type { TensorDescription, TensorInput } from '../inference/index.js';

/** Concrete dims for an input: numbers kept, symbols from `dims` (default 1). */
export function concreteDims(input: TensorDescription, dims: Readonly<Record<string, number>>): number[] {
  return input.dims.map((d) => (typeof d === 'number' ? d : (dims[d] ?? 1)));
}

/**
 * Random feeds: floats uniform in [-1, 1), bools/masks mostly false with the first element of
 * each row false (so padding masks never hide a whole row), integers in [0, 4).
 */
export function randomFeeds(
  inputs: readonly TensorDescription[],
  dims: Readonly<Record<string, number>>,
  seed: number,
): Record<string, TensorInput> {
  const rng = new Rng(seed);
  const feeds: Record<string, TensorInput> = {};
  for (const input of inputs) {
    const shape = concreteDims(input, dims);
    const n = shape.reduce((a, b) => a * b, 1);
    const row = shape.length > 0 ? shape[shape.length - 1]! : 1;
    switch (input.dtype) {
      case 'float32':
        feeds[input.name] = { data: rng.fillUniform(new Float32Array(n)), dims: shape };
        break;
      case 'float64': {
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
        feeds[input.name] = { data, dims: shape };
        break;
      }
      case 'bool': {
        const data = new Uint8Array(n);
        for (let i = 0; i < n; i++) data[i] = i % row !== 0 && rng.next() < 0.3 ? 1 : 0;
        feeds[input.name] = { data, dims: shape };
        break;
      }
      case 'int64': {
        const data = new BigInt64Array(n);
        for (let i = 0; i < n; i++) data[i] = BigInt(rng.int(4));
        feeds[input.name] = { data, dims: shape };
        break;
      }
      case 'int32': {
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = rng.int(4);
        feeds[input.name] = { data, dims: shape };
        break;
      }
      default:
        throw new TickmindError('DTYPE_MISMATCH', `cannot generate random data for input '${input.name}' of type ${input.dtype}`, {
          field: input.name,
        });
    }
  }
  return feeds;
}
