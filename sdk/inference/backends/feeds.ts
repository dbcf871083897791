/**
 * Feed validation shared by the backends: names, dtypes, ranks, dims (symbolic dims bound
 * consistently across inputs) and element counts, each failure a TickmindError naming the input.
 * Runs when feeds change (the native backend's slow path; every onnxruntime call).
 */
import { TickmindError } from '../../core/errors.js';
import type { ValueInfo } from '../ir/graph.js';
import { DEFAULT_LIMITS } from '../onnx/limits.js';
import type { Feeds } from '../session.js';
import { dtypeOfArray, sizeOf } from '../tensor.js';

/** Validates feeds against a model's inputs; its scratch (symbol bindings) is allocated once. */
export class FeedChecker {
  private readonly symbolIndex: Int32Array[];
  private readonly symbolValues: Float64Array;
  private readonly names: Set<string>;

  /**
   * @param inputs The model's graph inputs.
   * @param maxElements The most elements one feed may have (MODEL_LIMIT beyond).
   */
  constructor(
    private readonly inputs: readonly ValueInfo[],
    private readonly maxElements: number = DEFAULT_LIMITS.maxElements,
  ) {
    const symbols = new Map<string, number>();
    this.symbolIndex = inputs.map(
      (vi) =>
        new Int32Array(
          vi.dims.map((d) => {
            if (typeof d === 'number') return -1;
            if (!symbols.has(d)) symbols.set(d, symbols.size);
            return symbols.get(d)!;
          }),
        ),
    );
    this.symbolValues = new Float64Array(symbols.size);
    this.names = new Set(inputs.map((i) => i.name));
  }

  /** Checks names, dtypes and dims against the model; throws a TickmindError naming the input. */
  check(feeds: Feeds): void {
    if (typeof feeds !== 'object' || feeds === null) {
      throw new TickmindError('INVALID_ARGUMENT', 'feeds must be an object of tensors by input name', { field: 'feeds' });
    }
    const inputs = this.inputs;
    this.symbolValues.fill(-1);
    for (const name of Object.keys(feeds)) {
      if (!this.names.has(name)) {
        const known = inputs.map((i) => i.name).join(', ');
        throw new TickmindError('FEED_UNKNOWN', `feed '${name}' is not an input of the model (inputs: ${known})`, { field: name });
      }
    }
    for (let i = 0; i < inputs.length; i++) this.checkInput(i, feeds[inputs[i]!.name]);
  }

  /** One input's feed: present, of the input's dtype, rank and dims, within the element limit. */
  private checkInput(i: number, feed: Feeds[string] | undefined): void {
    const vi = this.inputs[i]!;
    if (feed === undefined) throw new TickmindError('FEED_MISSING', `input '${vi.name}' was not fed`, { field: vi.name });
    if (typeof feed !== 'object' || feed === null) {
      throw new TickmindError('INVALID_ARGUMENT', `feed '${vi.name}' must be { data, dims }`, { field: vi.name });
    }
    const got = dtypeOfArray(feed.data);
    if (got !== vi.dtype && !(vi.dtype === 'bool' && got === 'uint8')) {
      throw new TickmindError(
        'DTYPE_MISMATCH',
        `input '${vi.name}' expects ${vi.dtype}${vi.dtype === 'bool' ? ' (Uint8Array)' : ''}, got ${got ?? typeof feed.data}`,
        { field: vi.name },
      );
    }
    const dims = feed.dims;
    if (!Array.isArray(dims)) throw new TickmindError('SHAPE_MISMATCH', `input '${vi.name}' has no dims array`, { field: vi.name });
    if (vi.unranked !== true && dims.length !== vi.dims.length) {
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `input '${vi.name}' has rank ${dims.length}, expected ${vi.dims.length} [${vi.dims.join(', ')}]`,
        {
          field: vi.name,
        },
      );
    }
    for (let a = 0; a < dims.length; a++) this.checkDim(i, a, dims[a]!);
    // Sized from the dims before the data is looked at: a feed over the limit is refused without being touched.
    const n = sizeOf(dims);
    if (n > this.maxElements) {
      throw new TickmindError('MODEL_LIMIT', `input '${vi.name}' [${dims.join(', ')}] has more than ${this.maxElements} elements`, {
        field: vi.name,
      });
    }
    if (feed.data.length !== n) {
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `input '${vi.name}' has ${feed.data.length} elements, dims [${dims.join(', ')}] need ${n}`,
        {
          field: vi.name,
        },
      );
    }
  }

  /** Axis `a` of input `i` is `d`: a whole number, equal to a fixed dim, bound consistently to a symbolic one. */
  private checkDim(i: number, a: number, d: number): void {
    const vi = this.inputs[i]!;
    if (!Number.isSafeInteger(d) || d < 0)
      throw new TickmindError('SHAPE_MISMATCH', `input '${vi.name}' has invalid dimension ${d} at axis ${a}`, { field: vi.name });
    if (vi.unranked === true) return;
    const s = this.symbolIndex[i]![a]!;
    if (s < 0) {
      if (d !== vi.dims[a]) {
        throw new TickmindError('SHAPE_MISMATCH', `input '${vi.name}' axis ${a} is ${d}, the model requires ${vi.dims[a]}`, {
          field: vi.name,
        });
      }
    } else if (this.symbolValues[s]! < 0) {
      this.symbolValues[s] = d;
    } else if (this.symbolValues[s] !== d) {
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `input '${vi.name}' axis ${a} ('${vi.dims[a]}') is ${d}, but another input bound it to ${this.symbolValues[s]}`,
        { field: vi.name },
      );
    }
  }
}
