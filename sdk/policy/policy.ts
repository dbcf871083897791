/**
 * A policy: a session plus its spec, with token and mask buffers preallocated for a maximum
 * batch. Native sessions run synchronously (`runSync`); onnxruntime-web sessions asynchronously
 * (`runAsync`, results for the following tick). Either way the caller fills `tokens` and `mask`
 * for the first n rows and reads logits for them.
 */
import { TickmindError } from '../core/errors.js';
import { type BackendChoice, createSession, decodeModel, NativeSession, type Results, type Session } from '../inference/index.js';
import { checkGraphSignature, probePolicy } from './graph-check.js';
import { type PolicySpec, parsePolicySpec } from './spec.js';

/** Options of {@link loadPolicy}. */
export interface PolicyOptions {
  /** Backend (default native). */
  backend?: BackendChoice;
  /** Most rows per call: agents per batch (egocentric) or matches (joint). Default 256. */
  maxBatch?: number;
  /** Named in errors. */
  file?: string;
}

/** A loaded policy: spec, session and preallocated input buffers (see the module comment). */
export class Policy {
  /** Token input, rows of tokens × featuresPerToken floats. */
  readonly tokens: Float32Array;
  /** Key-padding mask, rows of `tokens` bytes (1 = absent or dead). */
  readonly mask: Uint8Array;
  /** Floats per row of tokens. */
  readonly rowFloats: number;
  /** Most rows per call. */
  readonly maxBatch: number;
  /**
   * Logit floats per row of the output: tokens × classes, or classes alone where an egocentric
   * graph computes token 0 only. Row r's token t starts at r · logitRowFloats + t · classes.
   */
  readonly logitRowFloats: number;
  private readonly feeds: Record<string, { data: Float32Array | Uint8Array; dims: number[] }>[] = [];

  constructor(
    /** The policy's spec (from its metadata_props). */
    readonly spec: PolicySpec,
    /** The session that runs it. */
    readonly session: Session,
    maxBatch: number,
    /** Tokens per row of the logits output (the layout's tokens, or 1: see {@link logitRowFloats}). */
    logitTokens = spec.observation.tokens,
  ) {
    const o = spec.observation;
    this.maxBatch = maxBatch;
    this.logitRowFloats = logitTokens * spec.action.heads[0]!.classes;
    this.rowFloats = o.tokens * o.featuresPerToken;
    this.tokens = new Float32Array(maxBatch * this.rowFloats);
    this.mask = new Uint8Array(maxBatch * o.tokens);
    // One feeds object per batch size, made once, so a native call of a seen size allocates nothing.
    for (let n = 0; n <= maxBatch; n++) {
      this.feeds.push({
        [spec.io.tokens]: { data: this.tokens.subarray(0, n * this.rowFloats), dims: [n, o.tokens, o.featuresPerToken] },
        [spec.io.mask]: { data: this.mask.subarray(0, n * o.tokens), dims: [n, o.tokens] },
      });
    }
  }

  /** Classes of the movement head. */
  get classes(): number {
    return this.spec.action.heads[0]!.classes;
  }

  /** Runs the first n rows on a native session; returns logits [n, tokens or 1, classes] (a view, valid until the next call; rows {@link logitRowFloats} apart). */
  runSync(n: number): Float32Array {
    if (!(this.session instanceof NativeSession))
      throw new TickmindError('BACKEND_UNAVAILABLE', 'runSync needs the native backend; use runAsync', { field: 'backend' });
    this.checkBatch(n);
    return this.session.runSync(this.feeds[n]!)[this.spec.io.logits]!.data as Float32Array;
  }

  /** Runs the first n rows on any backend; resolves with the logits (copy them before the next call). */
  async runAsync(n: number): Promise<Float32Array> {
    this.checkBatch(n);
    const results: Results = await this.session.run(this.feeds[n]!);
    return results[this.spec.io.logits]!.data as Float32Array;
  }

  /** Whether this policy decides synchronously (native backend). */
  get synchronous(): boolean {
    return this.session instanceof NativeSession;
  }

  /** Releases the session (its WebAssembly memory goes back to the allocator); the policy cannot run afterwards. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  private checkBatch(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.maxBatch)
      throw new TickmindError('INVALID_ARGUMENT', `batch of ${n} rows; this policy holds 1..${this.maxBatch}`, { field: 'n' });
  }
}

/**
 * Loads a policy file: validates its spec (version 1 upgraded), creates its session, checks the
 * spec against the graph (input and output names, dtypes, ranks, dims) and runs it once on a zero
 * row to confirm the logits' shape — so a file that does not fit fails here with a TickmindError,
 * never later inside a tick.
 */
export async function loadPolicy(bytes: Uint8Array, options: PolicyOptions = {}): Promise<Policy> {
  const file = options.file;
  const maxBatch = options.maxBatch ?? 256;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 65536)
    throw new TickmindError('INVALID_ARGUMENT', `maxBatch must be an integer from 1 to 65536, got ${maxBatch}`, { field: 'maxBatch' });
  const spec = parsePolicySpec(decodeModel(bytes, file !== undefined ? { file } : {}).metadata, file);
  const session = await createSession(bytes, { backend: options.backend ?? 'native', ...(file !== undefined ? { file } : {}) });
  try {
    checkGraphSignature(spec, session, file);
    const logitTokens = await probePolicy(spec, session, file);
    return new Policy(spec, session, maxBatch, logitTokens);
  } catch (err) {
    await session.dispose();
    throw err;
  }
}
