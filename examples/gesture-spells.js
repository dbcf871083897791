// Gesture spells: the inference core running a model that is not a movement policy. The player
// draws a spell with the mouse; when the stroke ends, a small 1-D convolutional classifier
// recognises its shape on the native backend, in the game loop, allocation-free.
//
//   npm install && node examples/gesture-spells.js
//
// The classifier is template matching written as an ONNX graph: a stroke is resampled by arc
// length into 32 unit direction vectors (dx, dy); one Conv1d filter per spell holds that spell's
// template directions, so each output is the mean cosine between the stroke and a template;
// Softmax turns the sharpened similarities into probabilities. No training needed, and any ONNX
// classifier (say one trained in PyTorch on real strokes) loads the same way.
import { Rng } from 'tickmind/core';
import { encodeModel, NativeSession } from 'tickmind/inference';
import { f32, GraphBuilder } from 'tickmind/policy';

const SEGMENTS = 32;

/** The spells and the shape each one is drawn with, as points in a unit box (y up). */
const SPELLS = {
  fireball: Array.from({ length: 41 }, (_, i) => [Math.cos((i / 40) * 2 * Math.PI), Math.sin((i / 40) * 2 * Math.PI)]),
  shield: [
    [-1, 0],
    [1, 0],
  ],
  lightning: [
    [-1, 1],
    [1, 1],
    [-1, -1],
    [1, -1],
  ],
  heal: [
    [-1, 1],
    [0, -1],
    [1, 1],
  ],
  blink: [
    [0, -1],
    [0, 1],
  ],
};
const NAMES = Object.keys(SPELLS);

// Preallocated once: the resampled stroke and the model's input row.
const resampled = new Float64Array(2 * (SEGMENTS + 1));
const stroke = new Float32Array(2 * SEGMENTS);

/** Resamples a polyline (x, y pairs in `pts[0..2n)`) into SEGMENTS unit directions, channel-major (dx…, dy…), into `out`. */
function directions(pts, n, out) {
  let length = 0;
  for (let i = 1; i < n; i++) length += Math.hypot(pts[2 * i] - pts[2 * i - 2], pts[2 * i + 1] - pts[2 * i - 1]);
  const step = length / SEGMENTS;
  resampled[0] = pts[0];
  resampled[1] = pts[1];
  let k = 1;
  let carried = 0;
  for (let i = 1; i < n && k <= SEGMENTS; i++) {
    const ax = pts[2 * i - 2];
    const ay = pts[2 * i - 1];
    const seg = Math.hypot(pts[2 * i] - ax, pts[2 * i + 1] - ay);
    while (k <= SEGMENTS && carried + seg >= k * step - 1e-9 && seg > 0) {
      const t = (k * step - carried) / seg;
      resampled[2 * k] = ax + t * (pts[2 * i] - ax);
      resampled[2 * k + 1] = ay + t * (pts[2 * i + 1] - ay);
      k++;
    }
    carried += seg;
  }
  for (; k <= SEGMENTS; k++) {
    resampled[2 * k] = pts[2 * n - 2];
    resampled[2 * k + 1] = pts[2 * n - 1];
  }
  for (let s = 0; s < SEGMENTS; s++) {
    const dx = resampled[2 * s + 2] - resampled[2 * s];
    const dy = resampled[2 * s + 3] - resampled[2 * s + 1];
    const d = Math.hypot(dx, dy) || 1;
    out[s] = dx / d;
    out[SEGMENTS + s] = dy / d;
  }
}

/** The classifier: Conv1d(2 → spells, kernel 32) with the templates as filters, ×8, Softmax. */
function buildClassifier() {
  const g = new GraphBuilder(1);
  const filters = new Float32Array(NAMES.length * 2 * SEGMENTS);
  NAMES.forEach((name, c) => {
    const pts = SPELLS[name].flat();
    directions(pts, pts.length / 2, stroke);
    for (let i = 0; i < 2 * SEGMENTS; i++) filters[c * 2 * SEGMENTS + i] = stroke[i] / SEGMENTS;
  });
  g.inputs.push({ name: 'stroke', dtype: 'float32', dims: ['batch', 2, SEGMENTS] });
  const w = g.constant(f32([NAMES.length, 2, SEGMENTS], filters), 'templates');
  const cos = g.op1('Flatten', [g.op1('Conv', ['stroke', w], { kernel_shape: [SEGMENTS] })], { axis: 1 });
  const sharp = g.op1('Mul', [cos, g.constant(f32([], [8]), 'sharpness')]);
  g.nodes.push({ name: 'softmax', op: 'Softmax', domain: '', inputs: [sharp], outputs: ['spell'], attrs: { axis: 1 } });
  g.outputs.push({ name: 'spell', dtype: 'float32', dims: ['batch', NAMES.length] });
  return encodeModel(g.build(13, {}), 'gesture-spells');
}

const session = NativeSession.create(buildClassifier(), { file: 'gesture-spells.onnx' });
console.log(
  `classifier: ${session.inputs[0].name}[${session.inputs[0].dims}] -> ${session.outputs[0].name}[${session.outputs[0].dims}], backend ${session.backend}`,
);
const feeds = { stroke: { data: stroke, dims: [1, 2, SEGMENTS] } };
// At load (a loading screen, not mid-game): the first call builds the plan for this input shape,
// and a few more let the JIT compile the resampling and the call path.
const warm = SPELLS.heal.flat();
for (let i = 0; i < 200; i++) {
  directions(warm, warm.length / 2, stroke);
  session.runSync(feeds);
}

/**
 * A player's stroke as the game receives it: pointer samples at 60 Hz along a spell's shape,
 * at their own size, position, speed and slant, with hand jitter. Written into `out`; returns the sample count.
 */
function drawStroke(rng, shape, out) {
  const scale = 40 + 80 * rng.next();
  const slant = (rng.next() - 0.5) * 0.5;
  const ox = 400 * rng.next();
  const oy = 300 * rng.next();
  const speed = 8 + 10 * rng.next(); // pixels per frame
  let n = 0;
  for (let i = 1; i < shape.length; i++) {
    const [ax, ay] = shape[i - 1];
    const [bx, by] = shape[i];
    const steps = Math.max(1, Math.round((Math.hypot(bx - ax, by - ay) * scale) / speed));
    for (let s = i === 1 ? 0 : 1; s <= steps; s++) {
      const t = s / steps;
      const x = ax + t * (bx - ax);
      const y = ay + t * (by - ay);
      out[2 * n] = ox + scale * (x * Math.cos(slant) - y * Math.sin(slant)) + 2 * rng.normal();
      out[2 * n + 1] = oy + scale * (x * Math.sin(slant) + y * Math.cos(slant)) + 2 * rng.normal();
      n++;
    }
  }
  return n;
}

const rng = new Rng(7);
const pointer = new Float64Array(2 * 4096);
const strokes = 60;
let correct = 0;
let fizzled = 0;
let worstUs = 0;
const times = new Float64Array(strokes);
for (let k = 0; k < strokes; k++) {
  const drawn = NAMES[k % NAMES.length];
  const n = drawStroke(rng, SPELLS[drawn], pointer);
  // Stroke ended (mouse up): classify it inside the frame.
  const t0 = performance.now();
  directions(pointer, n, stroke);
  const probs = session.runSync(feeds).spell.data;
  const us = (performance.now() - t0) * 1000;
  times[k] = us;
  worstUs = Math.max(worstUs, us);
  let best = 0;
  for (let c = 1; c < NAMES.length; c++) if (probs[c] > probs[best]) best = c;
  if (probs[best] < 0.5) fizzled++;
  else if (NAMES[best] === drawn) correct++;
  if (k < 5) console.log(`drew ${drawn.padEnd(9)} (${n} pointer samples) -> ${NAMES[best]} ${(100 * probs[best]).toFixed(0)} %`);
}
times.sort();
console.log(`recognized ${correct} of ${strokes} strokes (${fizzled} fizzled below 50 % confidence)`);
console.log(`classification (resample + model) median ${times[strokes >> 1].toFixed(1)} µs, worst ${worstUs.toFixed(1)} µs`);
// The model call itself allocates nothing (node --expose-gc examples/gesture-spells.js measures it).
function classifyMany(times) {
  for (let i = 0; i < times; i++) session.runSync(feeds);
}
if (typeof globalThis.gc === 'function') {
  classifyMany(10_000);
  globalThis.gc();
  const heap0 = process.memoryUsage().heapUsed;
  classifyMany(10_000);
  console.log(`heap growth over 10,000 calls: ${((process.memoryUsage().heapUsed - heap0) / 10_000).toFixed(1)} B per call`);
}
