/**
 * A policy file is checked when it is loaded and when it meets a world — every check below can
 * fail, and each failure is a coded TickmindError naming the tensor or path, never an error from
 * inside a tick.
 */
import { describe, expect, it } from 'vitest';
import { createAiWorld, layoutForWorld, policyDecider } from '../../sdk/ecs/index.js';
import { BvhRayCaster, levelFromBoxes } from '../../sdk/physics/index.js';
import { loadPolicy, POLICY_METADATA_KEY, starterModelBytes } from '../../sdk/policy/index.js';
import { RaySensor, TokenLayout } from '../../sdk/sensors/index.js';
import { shapeOnlyLayout } from '../helpers/layouts.js';
import { buildModel, type InitSpec, type IoSpec, type NodeSpec } from '../helpers/onnx-builder.js';

const T = 2;
const F = 3;
const layout = shapeOnlyLayout(T, F);

interface Variant {
  inputs?: IoSpec[];
  outputs?: IoSpec[];
  nodes?: NodeSpec[];
  classes?: number;
  spec?: Record<string, unknown>;
  /** Initializers besides `w`. */
  initializers?: InitSpec[];
}

/** tokens [batch, 2, 3] · W[3, classes] = logits; the mask is declared (a policy feeds it) and unused. */
function policyFile(v: Variant = {}): Uint8Array {
  const classes = v.classes ?? 97;
  const spec = {
    version: 2,
    mode: 'egocentric',
    observation: layout,
    action: { heads: [{ name: 'movement', classes }] },
    io: { tokens: 'tokens', mask: 'mask', logits: 'logits' },
    architecture: { kind: 'test' },
    trained: false,
    ...v.spec,
  };
  return buildModel({
    inputs: v.inputs ?? [
      { name: 'tokens', type: 'float32', dims: ['batch', T, F] },
      { name: 'mask', type: 'bool', dims: ['batch', T] },
    ],
    outputs: v.outputs ?? [{ name: 'logits', type: 'float32', dims: ['batch', T, classes] }],
    nodes: v.nodes ?? [{ op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['logits'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [F, classes], values: Array.from({ length: F * classes }, (_, i) => (i % 7) / 7) },
      ...(v.initializers ?? []),
    ],
    metadata: { [POLICY_METADATA_KEY]: JSON.stringify(spec) },
  });
}

async function failure(bytes: Uint8Array): Promise<{ code?: string; message: string }> {
  try {
    await loadPolicy(bytes, { file: 'p.onnx' });
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('loadPolicy accepted the file');
}

describe('loadPolicy: the spec against the graph', () => {
  it('accepts a graph that matches its spec', async () => {
    const policy = await loadPolicy(policyFile());
    expect(policy.runSync(1).length).toBe(T * 97);
  });

  it.each<[string, Variant, RegExp]>([
    [
      'no mask input (a flat model)',
      { inputs: [{ name: 'tokens', type: 'float32', dims: ['batch', T, F] }] },
      /mask input 'mask' is not an input/,
    ],
    [
      'an input the policy never feeds',
      {
        inputs: [
          { name: 'tokens', type: 'float32', dims: ['batch', T, F] },
          { name: 'mask', type: 'bool', dims: ['batch', T] },
          { name: 'temperature', type: 'float32', dims: [1] },
        ],
      },
      /inputs the policy never feeds: 'temperature'/,
    ],
    [
      'tokens of rank 2',
      {
        inputs: [
          { name: 'tokens', type: 'float32', dims: ['batch', T * F] },
          { name: 'mask', type: 'bool', dims: ['batch', T] },
        ],
        nodes: [
          { op: 'Reshape', inputs: ['tokens', 'shape'], outputs: ['t3'] },
          { op: 'MatMul', inputs: ['t3', 'w'], outputs: ['logits'] },
        ],
      },
      /'tokens' is \[batch, 6\], the layout needs \[batch, 2, 3\]/,
    ],
    [
      'tokens of another width',
      {
        inputs: [
          { name: 'tokens', type: 'float32', dims: ['batch', T, 4] },
          { name: 'mask', type: 'bool', dims: ['batch', T] },
        ],
      },
      /'tokens' is \[batch, 2, 4\]/,
    ],
    [
      'int32 tokens',
      {
        inputs: [
          { name: 'tokens', type: 'int32', dims: ['batch', T, F] },
          { name: 'mask', type: 'bool', dims: ['batch', T] },
        ],
        nodes: [
          { op: 'Cast', inputs: ['tokens'], outputs: ['tf'], attrs: { to: 1 } },
          { op: 'MatMul', inputs: ['tf', 'w'], outputs: ['logits'] },
        ],
      },
      /'tokens' is int32, tokens are float32/,
    ],
    [
      'a float mask',
      {
        inputs: [
          { name: 'tokens', type: 'float32', dims: ['batch', T, F] },
          { name: 'mask', type: 'float32', dims: ['batch', T] },
        ],
      },
      /'mask' is float32, the key mask is bool/,
    ],
    [
      'a mask of another length',
      {
        inputs: [
          { name: 'tokens', type: 'float32', dims: ['batch', T, F] },
          { name: 'mask', type: 'bool', dims: ['batch', 3] },
        ],
      },
      /'mask' is \[batch, 3\], the layout needs \[batch, 2\]/,
    ],
    [
      'no logits output',
      {
        outputs: [{ name: 'out', type: 'float32', dims: ['batch', T, 97] }],
        nodes: [{ op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['out'] }],
      },
      /logits output 'logits' is not an output.*'out'/,
    ],
    [
      'logits of another class count',
      {
        // A valid graph that computes 10 classes, for a spec of 97.
        outputs: [{ name: 'logits', type: 'float32', dims: ['batch', T, 10] }],
        nodes: [{ op: 'MatMul', inputs: ['tokens', 'w10'], outputs: ['logits'] }],
        initializers: [{ name: 'w10', type: 'float32', dims: [F, 10], values: new Array(F * 10).fill(0.1) }],
      },
      /'logits' is \[batch, 2, 10\], the policy reads \[batch, tokens, 97\]/,
    ],
    [
      'logits for four tokens (the layout has 2; an egocentric graph may give 2, or 1: token 0 alone)',
      {
        outputs: [{ name: 'logits', type: 'float32', dims: ['batch', 4, 97] }],
        nodes: [
          { op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['all'] },
          { op: 'Concat', inputs: ['all', 'all'], outputs: ['logits'], attrs: { axis: 1 } },
        ],
      },
      /'logits' has 4 token\(s\), not the layout's 2 \(or 1: token 0 alone\)/,
    ],
    [
      'joint logits for one token only (a joint policy reads every player token)',
      {
        outputs: [{ name: 'logits', type: 'float32', dims: ['batch', 1, 97] }],
        nodes: [
          { op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['all'] },
          { op: 'ReduceMean', inputs: ['all'], outputs: ['logits'], attrs: { axes: [1], keepdims: 1 } },
        ],
        spec: { mode: 'joint', observation: shapeOnlyLayout(T, F, 'joint') },
      },
      /'logits' has 1 token\(s\), not the layout's 2: a joint policy reads one per player token/,
    ],
  ])('refuses %s, naming the tensor', async (_name, variant, message) => {
    const v = { ...variant };
    const bytes =
      _name === 'tokens of rank 2'
        ? buildModel({
            inputs: v.inputs!,
            outputs: [{ name: 'logits', type: 'float32', dims: ['batch', T, 97] }],
            nodes: v.nodes!,
            initializers: [
              { name: 'w', type: 'float32', dims: [F, 97], values: new Array(F * 97).fill(0.1) },
              { name: 'shape', type: 'int64', dims: [3], values: [0, T, F] },
            ],
            metadata: {
              [POLICY_METADATA_KEY]: JSON.stringify({
                version: 2,
                mode: 'egocentric',
                observation: layout,
                action: { heads: [{ name: 'movement', classes: 97 }] },
                io: { tokens: 'tokens', mask: 'mask', logits: 'logits' },
              }),
            },
          })
        : policyFile(v);
    const err = await failure(bytes);
    expect(err.code).toBe('SHAPE_MISMATCH');
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/p\.onnx/);
  });

  it('reads an egocentric graph that computes token 0 alone: rows one token of logits apart', async () => {
    const bytes = policyFile({
      outputs: [{ name: 'logits', type: 'float32', dims: ['batch', 1, 97] }],
      nodes: [
        { op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['all'] },
        { op: 'ReduceMean', inputs: ['all'], outputs: ['logits'], attrs: { axes: [1], keepdims: 1 } },
      ],
    });
    const policy = await loadPolicy(bytes, { maxBatch: 3 });
    expect(policy.logitRowFloats).toBe(97);
    expect(policy.runSync(3).length).toBe(3 * 97);
    const full = await loadPolicy(policyFile(), { maxBatch: 3 });
    expect(full.logitRowFloats).toBe(T * 97);
  });

  it('runs the policy once at load: logits that only a run reveals are checked too', async () => {
    // Declared symbolic, really 10 classes.
    const bytes = policyFile({ classes: 97, outputs: [{ name: 'logits', type: 'float32', dims: ['batch', 't', 'c'] }] });
    await expect(loadPolicy(bytes)).resolves.toBeDefined();
    const wrong = buildModel({
      inputs: [
        { name: 'tokens', type: 'float32', dims: ['batch', T, F] },
        { name: 'mask', type: 'bool', dims: ['batch', T] },
      ],
      outputs: [{ name: 'logits', type: 'float32', dims: ['batch', 't', 'c'] }],
      nodes: [{ op: 'MatMul', inputs: ['tokens', 'w'], outputs: ['logits'] }],
      initializers: [{ name: 'w', type: 'float32', dims: [F, 10], values: new Array(F * 10).fill(0.1) }],
      metadata: {
        [POLICY_METADATA_KEY]: JSON.stringify({
          version: 2,
          mode: 'egocentric',
          observation: layout,
          action: { heads: [{ name: 'movement', classes: 97 }] },
          io: { tokens: 'tokens', mask: 'mask', logits: 'logits' },
        }),
      },
    });
    const err = await failure(wrong);
    expect(err.code).toBe('SHAPE_MISMATCH');
    expect(err.message).toMatch(/one row gave logits \[1, 2, 10\]/);
  });

  it('reads a version-1 spec, upgraded to a layout', async () => {
    const v1 = {
      version: 1,
      mode: 'egocentric',
      observation: { tokens: T, featuresPerToken: F, entityFeatures: ['a', 'b', 'c'], rays: null, stack: 1 },
    };
    const policy = await loadPolicy(policyFile({ spec: v1 }));
    expect(policy.spec).toMatchObject({ version: 2, upgradedFrom: 1 });
    expect(policy.spec.observation.blocks.map((b) => [b.kind, b.width])).toEqual([['entity', 3]]);
    const err = await failure(policyFile({ spec: { ...v1, observation: { ...v1.observation, featuresPerToken: 5 } } }));
    expect(err).toMatchObject({ code: 'MODEL_INVALID' });
    expect(err.message).toMatch(/observation\.featuresPerToken/);
  });
});

describe('policyDecider: the world against the spec', () => {
  const level = levelFromBoxes([{ min: [-20, -1, -20], max: [20, 0, 20], tag: 2 }]);
  const sensor = () =>
    new RaySensor({
      layout: { kind: 'grid', cols: 8, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
      length: 20,
      detectableTags: [1, 2, 4],
    });
  const world = (options: { tags?: number[]; objectives?: number } = {}) => {
    const caster = new BvhRayCaster(level, { maxAgents: 8 });
    const s = options.tags === undefined ? sensor() : new RaySensor({ ...sensor().config, detectableTags: options.tags });
    return createAiWorld({ capacity: 8, sensors: [s], caster, bvh: caster, maxObjectives: options.objectives ?? 4 });
  };

  it.each<[string, () => ReturnType<typeof world>, (w: ReturnType<typeof world>) => Uint8Array, RegExp]>([
    [
      'other detectable tags',
      () => world({ tags: [1, 2, 3] }),
      () => starterModelBytes({ observation: layoutForWorld(world(), { mode: 'egocentric' }).toJSON() }),
      /observation\.rays\.detectableTags: policy \[1,2,4\], world \[1,2,3\]/,
    ],
    [
      'more objectives than the world holds',
      () => world({ objectives: 1 }),
      () => starterModelBytes({ observation: layoutForWorld(world(), { mode: 'egocentric', objectives: 2 }).toJSON() }),
      /observation\.objectives: policy 2, world 1/,
    ],
    [
      'another joint frame than the one given',
      () => world(),
      () => starterModelBytes({ observation: layoutForWorld(world(), { mode: 'joint', playerTokens: 4, halfExtent: 30 }).toJSON() }),
      /observation\.halfExtent: policy 30, world 50/,
    ],
  ])('names the first differing path: %s', async (_name, makeWorld, makePolicy, message) => {
    const w = makeWorld();
    const policy = await loadPolicy(makePolicy(w));
    const options = _name.startsWith('another joint') ? { halfExtent: 50 } : {};
    expect(() => policyDecider(w, policy, { ...options, file: 'p.onnx' })).toThrow(message);
    try {
      policyDecider(w, policy, options);
    } catch (err) {
      expect((err as { code: string }).code).toBe('SHAPE_MISMATCH');
    }
  });

  it('names a movement head the actuators cannot decode', async () => {
    const w = world();
    const observation = TokenLayout.create({ mode: 'egocentric', rays: sensor(), lineOfSight: {} }).toJSON();
    const policy = await loadPolicy(starterModelBytes({ observation, classes: 96 }));
    expect(() => policyDecider(w, policy)).toThrow(/action\.heads\.movement\.classes: policy 96, world 97/);
  });

  it('the world a policy file asks for is built from the file alone', async () => {
    const observation = TokenLayout.create({
      mode: 'egocentric',
      rays: sensor(),
      lineOfSight: { maxDistance: 40 },
      waypoints: true,
    }).toJSON();
    const policy = await loadPolicy(starterModelBytes({ observation }));
    const { createPolicyWorld } = await import('../../sdk/ecs/index.js');
    const caster = new BvhRayCaster(level, { maxAgents: 8 });
    const { world: built, layout: l } = createPolicyWorld(policy, { caster, bvh: caster, capacity: 8 });
    expect(built.sensors[0]!.config).toMatchObject({ length: 20, detectableTags: [1, 2, 4] });
    expect(built.sight!.eyeHeight).toBe(1.6);
    expect(l.toJSON()).toEqual(observation);
    expect(() => createPolicyWorld(policy, { capacity: 8 })).toThrow(/pass the level's caster/);
  });
});
