/**
 * Reading a token layout's JSON (see `layout-json.ts` for the format): every field validated, with
 * the path of the first bad one in the error, and version-1 observations (older policy specs and
 * datasets) upgraded to version 2.
 */
import { TickmindError } from './errors.js';
import {
  BLOCK_KINDS,
  type BlockBase,
  type EntityBlockJson,
  type FeatureBlockJson,
  isObject,
  type LineOfSightBlockJson,
  type RayLayout,
  type RaysBlockJson,
  rayNames,
  TOKEN_LAYOUT_VERSION,
  type TokenLayoutJson,
  type TokenScope,
  type WaypointBlockJson,
} from './layout-json.js';

/** Where a layout came from, for error messages. */
export interface LayoutSource {
  /** File named in errors. */
  file?: string;
  /** Path prefix of the layout inside its document (default `observation`). */
  path?: string;
  /** Error code of a malformed layout (default MODEL_INVALID). */
  code?: 'MODEL_INVALID' | 'INVALID_ARGUMENT';
}

class LayoutError {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

function bad(field: string, message: string): never {
  throw new LayoutError(field, message);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min;

function num(o: Record<string, unknown>, key: string, at: string, positive = false): number {
  const v = o[key];
  if (!isNumber(v) || (positive && !(v > 0)))
    bad(`${at}.${key}`, `must be a ${positive ? 'positive ' : ''}finite number, got ${JSON.stringify(v)}`);
  return v;
}

function count(o: Record<string, unknown>, key: string, at: string, min = 0): number {
  const v = o[key];
  if (!isCount(v, min)) bad(`${at}.${key}`, `must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

function strings(v: unknown, at: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) bad(at, 'must be an array of strings');
  return [...(v as string[])];
}

/**
 * Parses and validates a layout (version 2), or upgrades a version-1 observation (the
 * `{tokens, featuresPerToken, entityFeatures, rays, objectives}` of older policy specs and
 * datasets; `mode` from the spec when the observation lacks it). Throws a TickmindError naming
 * the field at fault.
 */
export function parseTokenLayout(raw: unknown, source: LayoutSource = {}, mode?: string): TokenLayoutJson {
  const path = source.path ?? 'observation';
  try {
    if (!isObject(raw)) bad(path, 'must be an object');
    const layout = raw.blocks === undefined ? upgradeV1(raw, path, mode) : parseV2(raw, path);
    checkSummary(raw, layout, path);
    return layout;
  } catch (err) {
    if (!(err instanceof LayoutError)) throw err;
    throw new TickmindError(source.code ?? 'MODEL_INVALID', `token layout: ${err.field}: ${err.message}`, {
      field: err.field,
      ...(source.file !== undefined ? { file: source.file } : {}),
    });
  }
}

function parseMode(v: unknown, at: string): 'joint' | 'egocentric' {
  if (v !== 'joint' && v !== 'egocentric') bad(at, `must be 'joint' or 'egocentric', got ${JSON.stringify(v)}`);
  return v;
}

function parseV2(o: Record<string, unknown>, at: string): TokenLayoutJson {
  if (o.version !== TOKEN_LAYOUT_VERSION)
    bad(`${at}.version`, `layout version ${JSON.stringify(o.version)} is not supported (this SDK reads 1 and ${TOKEN_LAYOUT_VERSION})`);
  const mode = parseMode(o.mode, `${at}.mode`);
  const tokens = count(o, 'tokens', at, 1);
  const objectives = count(o, 'objectives', at);
  const playerTokens = count(o, 'playerTokens', at, 1);
  if (playerTokens + objectives !== tokens)
    bad(`${at}.playerTokens`, `${playerTokens} player tokens + ${objectives} objectives is not the ${tokens} tokens`);
  if (o.stack !== undefined && o.stack !== 1) bad(`${at}.stack`, `only 1 (no stacking) is supported, got ${JSON.stringify(o.stack)}`);
  const layout: TokenLayoutJson = {
    version: TOKEN_LAYOUT_VERSION,
    mode,
    tokens,
    playerTokens,
    objectives,
    featuresPerToken: count(o, 'featuresPerToken', at, 1),
    stack: 1,
    ...players(o, mode, playerTokens, at),
    blocks: [],
    entityFeatures: [],
    rays: null,
  };
  if (!Array.isArray(o.blocks) || o.blocks.length === 0) bad(`${at}.blocks`, 'must be a non-empty array of feature blocks');
  let offset = 0;
  const seen = new Set<string>();
  o.blocks.forEach((b: unknown, i: number) => {
    const where = `${at}.blocks[${i}]`;
    const block = parseBlock(b, where, mode);
    if (seen.has(block.kind)) bad(`${where}.kind`, `a second '${block.kind}' block (each kind appears once)`);
    seen.add(block.kind);
    if (block.offset !== offset) bad(`${where}.offset`, `is ${block.offset}; the blocks before it end at ${offset}`);
    offset += block.width;
    layout.blocks.push(block);
  });
  if (offset !== layout.featuresPerToken)
    bad(`${at}.featuresPerToken`, `${layout.featuresPerToken} does not equal the blocks' widths summed (${offset})`);
  const order = layout.blocks.map((b) => BLOCK_KINDS.indexOf(b.kind));
  if (order.some((k, i) => i > 0 && k < order[i - 1]!)) bad(`${at}.blocks`, `blocks must come in the order ${BLOCK_KINDS.join(', ')}`);
  if (layout.blocks[0]!.kind !== 'entity') bad(`${at}.blocks[0].kind`, "the first block must be 'entity'");
  summarize(layout);
  return layout;
}

function players(o: Record<string, unknown>, mode: 'joint' | 'egocentric', playerTokens: number, at: string) {
  if (mode === 'egocentric') {
    const maxAllies = count(o, 'maxAllies', at);
    const maxEnemies = count(o, 'maxEnemies', at);
    if (1 + maxAllies + maxEnemies !== playerTokens)
      bad(`${at}.maxAllies`, `1 + ${maxAllies} allies + ${maxEnemies} enemies is not the ${playerTokens} player tokens`);
    return { maxAllies, maxEnemies };
  }
  const c = o.center;
  if (!Array.isArray(c) || c.length !== 3 || !c.every(isNumber)) bad(`${at}.center`, 'must be [x, y, z] in meters');
  return { center: [c[0], c[1], c[2]] as [number, number, number], halfExtent: num(o, 'halfExtent', at, true) };
}

const SCOPES: readonly TokenScope[] = ['self', 'players', 'all'];

function parseBlock(b: unknown, at: string, mode: 'joint' | 'egocentric'): FeatureBlockJson {
  if (!isObject(b)) bad(at, 'must be an object');
  const kind = b.kind;
  if (!(BLOCK_KINDS as readonly unknown[]).includes(kind))
    bad(`${at}.kind`, `unknown block kind ${JSON.stringify(kind)} (this SDK writes ${BLOCK_KINDS.join(', ')})`);
  const scope = b.scope as TokenScope;
  if (!SCOPES.includes(scope)) bad(`${at}.scope`, `must be one of ${SCOPES.join(', ')}, got ${JSON.stringify(b.scope)}`);
  if (scope === 'self' && mode === 'joint') bad(`${at}.scope`, "joint rows have no 'self' token");
  const base = { scope, offset: count(b, 'offset', at), width: count(b, 'width', at, 1), names: strings(b.names, `${at}.names`) };
  if (base.names.length !== base.width) bad(`${at}.names`, `${base.names.length} names for a width of ${base.width}`);
  switch (kind as FeatureBlockJson['kind']) {
    case 'entity':
      return {
        kind: 'entity',
        ...base,
        ...(mode === 'egocentric' ? { positionScale: num(b, 'positionScale', at, true) } : {}),
        velocityScale: num(b, 'velocityScale', at, true),
        maxHealth: num(b, 'maxHealth', at, true),
      };
    case 'lineOfSight':
      return { kind: 'lineOfSight', ...base, eyeHeight: num(b, 'eyeHeight', at), maxDistance: num(b, 'maxDistance', at, true) };
    case 'waypoint':
      return { kind: 'waypoint', ...base };
    case 'rays':
      return parseRays(b, at, base);
  }
}

function parseRays(b: Record<string, unknown>, at: string, base: BlockBase): RaysBlockJson {
  const rays = count(b, 'count', at, 1);
  const valuesPerRay = count(b, 'valuesPerRay', at, 2);
  const tags = b.detectableTags;
  if (!Array.isArray(tags) || tags.some((t) => !isCount(t)))
    bad(`${at}.detectableTags`, 'must be an array of non-negative integer tag ids');
  if (tags.length + 2 !== valuesPerRay)
    bad(`${at}.valuesPerRay`, `${valuesPerRay} is not ${tags.length} detectable tags + miss + distance`);
  if (rays * valuesPerRay !== base.width) bad(`${at}.width`, `${base.width} is not ${rays} rays × ${valuesPerRay} values`);
  const block: RaysBlockJson = { kind: 'rays', ...base, count: rays, valuesPerRay, detectableTags: [...(tags as number[])] };
  if (b.tagNames !== undefined) {
    block.tagNames = strings(b.tagNames, `${at}.tagNames`);
    if (block.tagNames.length !== tags.length) bad(`${at}.tagNames`, `${block.tagNames.length} names for ${tags.length} detectable tags`);
  }
  if (b.sensor !== undefined) {
    const s = b.sensor;
    if (!isObject(s)) bad(`${at}.sensor`, 'must be an object {layout, length, eyeHeight, radius}');
    if (!isObject(s.layout) || typeof s.layout.kind !== 'string') bad(`${at}.sensor.layout`, 'must be a ray layout {kind, …}');
    block.sensor = {
      layout: s.layout as unknown as RayLayout,
      length: num(s, 'length', `${at}.sensor`, true),
      eyeHeight: num(s, 'eyeHeight', `${at}.sensor`),
      radius: num(s, 'radius', `${at}.sensor`),
    };
  }
  return block;
}

/** Fills the summary fields from the blocks. */
function summarize(layout: TokenLayoutJson): void {
  const rays = layout.blocks.find((b): b is RaysBlockJson => b.kind === 'rays');
  layout.entityFeatures = layout.blocks.filter((b) => b.kind !== 'rays').flatMap((b) => b.names);
  layout.rays =
    rays === undefined ? null : { count: rays.count, valuesPerRay: rays.valuesPerRay, detectableTags: [...rays.detectableTags] };
}

/** Summary fields, when a document carries them, must agree with its blocks. */
function checkSummary(raw: Record<string, unknown>, layout: TokenLayoutJson, at: string): void {
  if (raw.blocks === undefined) return;
  if (raw.entityFeatures !== undefined && JSON.stringify(raw.entityFeatures) !== JSON.stringify(layout.entityFeatures))
    bad(`${at}.entityFeatures`, `disagrees with the blocks (${layout.entityFeatures.join(', ')})`);
  if (raw.rays !== undefined && JSON.stringify(raw.rays) !== JSON.stringify(layout.rays))
    bad(`${at}.rays`, `disagrees with the rays block (${JSON.stringify(layout.rays)})`);
}

/** Version-1 names that mark where the blocks after the entity features begin. */
const V1_LINE_OF_SIGHT = 'lineOfSight';
const V1_FIRST_WAYPOINT = 'waypointForward';

/**
 * Version 1 (policy spec version 1; datasets recorded before layouts): the entity features as
 * one list — egocentric [8 entity features, lineOfSight, waypoint features?], joint [10 entity
 * features, waypoint features?] — then the rays on the self token (egocentric) or every player
 * token (joint). Frames and scales were the SDK's defaults unless the dataset recorded them.
 */
function upgradeV1(o: Record<string, unknown>, at: string, specMode: string | undefined): TokenLayoutJson {
  const mode = parseMode(o.mode ?? specMode, `${at}.mode`);
  const tokens = count(o, 'tokens', at, 1);
  const objectives = o.objectives === undefined ? 0 : count(o, 'objectives', at);
  if (objectives >= tokens) bad(`${at}.objectives`, `${objectives} objective tokens leave no player token of ${tokens}`);
  if (o.stack !== undefined && o.stack !== 1) bad(`${at}.stack`, `only 1 (no stacking) is supported, got ${JSON.stringify(o.stack)}`);
  const playerTokens = tokens - objectives;
  const names = strings(o.entityFeatures, `${at}.entityFeatures`);
  const los = names.indexOf(V1_LINE_OF_SIGHT);
  const wp = names.indexOf(V1_FIRST_WAYPOINT);
  const entityEnd = los >= 0 ? los : wp >= 0 ? wp : names.length;
  const blocks: FeatureBlockJson[] = [];
  let offset = 0;
  const push = <B extends FeatureBlockJson>(block: Omit<B, 'offset' | 'width'>) => {
    const b = { ...block, offset, width: block.names.length } as B;
    offset += b.width;
    blocks.push(b);
  };
  push<EntityBlockJson>({
    kind: 'entity',
    scope: 'all',
    names: names.slice(0, entityEnd),
    ...(mode === 'egocentric' ? { positionScale: 20 } : {}),
    velocityScale: 5,
    maxHealth: 100,
  });
  if (los >= 0)
    push<LineOfSightBlockJson>({ kind: 'lineOfSight', scope: 'players', names: [V1_LINE_OF_SIGHT], eyeHeight: 1.6, maxDistance: 1000 });
  if (wp >= 0) push<WaypointBlockJson>({ kind: 'waypoint', scope: mode === 'joint' ? 'players' : 'self', names: names.slice(wp) });
  if (los >= 0 && wp >= 0 && wp !== los + 1)
    bad(`${at}.entityFeatures`, 'version-1 features must end with lineOfSight then the waypoint features');
  if (o.rays !== null && o.rays !== undefined) {
    const r = o.rays;
    if (!isObject(r)) bad(`${at}.rays`, 'must be {count, valuesPerRay, detectableTags} or null');
    const rays = count(r, 'count', `${at}.rays`, 1);
    const vpr = count(r, 'valuesPerRay', `${at}.rays`, 2);
    const tags = r.detectableTags;
    if (!Array.isArray(tags) || tags.some((t) => !isCount(t))) bad(`${at}.rays.detectableTags`, 'must be an array of tag ids');
    const valueNames = [...(tags as number[]).map((t) => `tag${t}`), 'miss', 'distance'];
    push<RaysBlockJson>({
      kind: 'rays',
      scope: mode === 'joint' ? 'players' : 'self',
      names: rayNames(rays, valueNames),
      count: rays,
      valuesPerRay: vpr,
      detectableTags: [...(tags as number[])],
    });
  }
  const featuresPerToken = o.featuresPerToken === undefined ? offset : count(o, 'featuresPerToken', at, 1);
  if (featuresPerToken !== offset)
    bad(`${at}.featuresPerToken`, `${featuresPerToken} does not equal ${entityEnd} entity features + the rest (${offset} in all)`);
  const frame =
    mode === 'egocentric'
      ? egocentricSlots(o, playerTokens, at)
      : {
          center: (Array.isArray(o.center) && o.center.length === 3 && o.center.every(isNumber) ? o.center : [0, 0, 0]) as [
            number,
            number,
            number,
          ],
          halfExtent: isNumber(o.halfExtent) && o.halfExtent > 0 ? o.halfExtent : 50,
        };
  const layout: TokenLayoutJson = {
    version: TOKEN_LAYOUT_VERSION,
    mode,
    tokens,
    playerTokens,
    objectives,
    featuresPerToken,
    stack: 1,
    ...frame,
    blocks,
    entityFeatures: [],
    rays: null,
  };
  summarize(layout);
  return layout;
}

function egocentricSlots(o: Record<string, unknown>, playerTokens: number, at: string): { maxAllies: number; maxEnemies: number } {
  if (o.maxAllies !== undefined || o.maxEnemies !== undefined)
    return players(o, 'egocentric', playerTokens, at) as { maxAllies: number; maxEnemies: number };
  // Version 1's defaults: 4 allies, the rest enemies.
  const maxAllies = Math.min(4, playerTokens - 1);
  return { maxAllies, maxEnemies: playerTokens - 1 - maxAllies };
}
