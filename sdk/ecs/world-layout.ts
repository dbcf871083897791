/**
 * A world's side of the token layout: what a world can feed a policy's layout — its sensor's rays
 * (the full sensor), line of sight when it has a caster, its objective slots — as a layout JSON,
 * so the policy's layout and the world's compare with one structural diff that names the first
 * differing path. Also the layout a world's own recordings use (`layoutForWorld`).
 */
import { TickmindError } from '../core/errors.js';
import { layoutDifference, type RaysBlockJson, type TokenLayoutJson } from '../core/layout-json.js';
import { TokenLayout, type TokenLayoutConfig } from '../sensors/index.js';
import type { AiWorld } from './world.js';

/** Frame and slot settings a caller gives for a version-1 policy, which does not record them. */
export interface LayoutFrame {
  /** Joint: centre of the map-normalised frame. */
  center?: readonly [number, number, number];
  /** Joint: meters from the centre that map to ±1. */
  halfExtent?: number;
  /** Egocentric: ally slots. */
  maxAllies?: number;
  /** Egocentric: enemy slots. */
  maxEnemies?: number;
}

/** Options of {@link worldView}. */
export interface WorldViewOptions extends LayoutFrame {
  /** Index of the world sensor whose rays fill the rays block (default 0). */
  sensor?: number;
}

/** The policy's layout with the frame and slot settings given in `frame` (those absent keep the layout's). */
export function withFrame(layout: TokenLayoutJson, frame: LayoutFrame): TokenLayoutJson {
  const out = structuredClone(layout);
  if (out.mode === 'joint') {
    if (frame.center !== undefined) out.center = [frame.center[0], frame.center[1], frame.center[2]];
    if (frame.halfExtent !== undefined) out.halfExtent = frame.halfExtent;
  } else {
    if (frame.maxAllies !== undefined) out.maxAllies = frame.maxAllies;
    if (frame.maxEnemies !== undefined) out.maxEnemies = frame.maxEnemies;
  }
  return out;
}

/**
 * What `world` provides for `layout`: the same layout with each block as the world can fill it —
 * the rays block from world sensor `options.sensor`, line of sight at the world's eye height
 * (absent without a caster), objectives capped at the world's slots; frames from `options`.
 */
export function worldView(world: AiWorld, layout: TokenLayoutJson, options: WorldViewOptions = {}): TokenLayoutJson {
  const view = withFrame(layout, options);
  view.objectives = Math.min(layout.objectives, world.objectives.length / 3);
  const sensor = world.sensors[options.sensor ?? 0];
  view.blocks = [];
  for (const b of layout.blocks) {
    if (b.kind === 'lineOfSight') {
      if (world.sight !== undefined && world.caster !== undefined) view.blocks.push({ ...b, eyeHeight: world.sight.eyeHeight });
    } else if (b.kind === 'rays') {
      if (sensor !== undefined) view.blocks.push(worldRays(b, sensor, layout.mode));
    } else view.blocks.push(structuredClone(b));
  }
  return view;
}

function worldRays(policy: RaysBlockJson, sensor: AiWorld['sensors'][number], mode: 'joint' | 'egocentric'): RaysBlockJson {
  const built = TokenLayout.create({ mode, rays: sensor }).toJSON();
  const rays = built.blocks.find((b): b is RaysBlockJson => b.kind === 'rays')!;
  // Names are documentation, not a check (what the floats are is: tags, count, sensor, width).
  const out: RaysBlockJson = { ...rays, offset: policy.offset, scope: policy.scope, names: [...policy.names] };
  delete out.tagNames;
  if (policy.tagNames !== undefined) out.tagNames = [...policy.tagNames];
  return out;
}

/** Throws SHAPE_MISMATCH naming the first path where `world` cannot feed `layout`. */
export function checkLayoutAgainstWorld(world: AiWorld, layout: TokenLayoutJson, options: WorldViewOptions & { file?: string } = {}): void {
  const diff = layoutDifference(withFrame(layout, {}), worldView(world, layout, options));
  if (diff === undefined) return;
  const hint =
    diff.startsWith('observation.lineOfSight') && world.caster === undefined
      ? ' (the layout reads line of sight: give the world a caster)'
      : diff.startsWith('observation.rays') && world.sensors.length === 0
        ? ' (the layout reads rays: give the world the sensor, e.g. TokenLayout.sensor())'
        : '';
  throw new TickmindError('SHAPE_MISMATCH', `the layout does not fit this world: ${diff}${hint}`, {
    field: diff.slice(0, diff.indexOf(':')),
    ...(options.file !== undefined ? { file: options.file } : {}),
  });
}

/** How far line of sight reaches in a layout built from a world. */
export interface WorldSightRange {
  /** Nobody farther than this is in sight, m (default 100). */
  maxDistance?: number;
}

/** What {@link layoutForWorld} builds from a world (the rest of a TokenLayoutConfig). */
export type WorldLayoutConfig = Omit<TokenLayoutConfig, 'rays' | 'lineOfSight'> & {
  /** Line of sight: on by default when the world has a caster (its eye height); false for none. */
  lineOfSight?: false | WorldSightRange;
  /** Index of the world sensor whose rays the tokens carry (default 0; none when the world has no sensor). */
  sensor?: number;
};

/** A layout for what `world` provides: its sensor's rays and, when it has a caster, line of sight (recorders, your own policies). */
export function layoutForWorld(world: AiWorld, config: WorldLayoutConfig): TokenLayout {
  const { sensor: index, lineOfSight, ...rest } = config;
  const sight = world.sight;
  return TokenLayout.create({
    ...rest,
    rays: world.sensors[index ?? 0] ?? null,
    lineOfSight:
      lineOfSight === false || sight === undefined
        ? null
        : { eyeHeight: sight.eyeHeight, ...(lineOfSight?.maxDistance !== undefined ? { maxDistance: lineOfSight.maxDistance } : {}) },
  });
}
