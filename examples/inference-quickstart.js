// Inference quickstart: load an ONNX policy, decide for a batch of agents every tick on the
// native backend (synchronous, allocation-free per call), and sample actions with a seeded RNG.
//
//   npm install && node examples/inference-quickstart.js [model.onnx]
//
// The default model is the MLP fixture (200 observation features -> 32 action logits).
import { readFileSync } from 'node:fs';
import { Rng } from 'tickmind/core';
import { NativeSession } from 'tickmind/inference';

const file = process.argv[2] ?? new URL('../tests/fixtures/models/mlp_200_256_256_32.onnx', import.meta.url).pathname;
const policy = NativeSession.create(new Uint8Array(readFileSync(file)), { file });
const [input] = policy.inputs;
const [output] = policy.outputs;
console.log(`model: ${input.name} ${input.dtype}[${input.dims}] -> ${output.name} ${output.dtype}[${output.dims}]`);

// One observation row per agent, preallocated once; the game overwrites it every tick.
const agents = 8;
const features = input.dims[1];
const obs = new Float32Array(agents * features);
const feeds = { [input.name]: { data: obs, dims: [agents, features] } };
const rng = new Rng(42);
const actions = new Int32Array(agents);

/** Samples a class from one row of logits (softmax with a temperature). */
function sample(logits, offset, classes, temperature) {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp((logits[offset + c] - max) / temperature);
  let u = rng.next() * sum;
  for (let c = 0; c < classes; c++) {
    u -= Math.exp((logits[offset + c] - max) / temperature);
    if (u <= 0) return c;
  }
  return classes - 1;
}

let worstUs = 0;
for (let tick = 0; tick < 64; tick++) {
  for (let i = 0; i < obs.length; i++) obs[i] = Math.sin(tick * 0.1 + i); // stand-in for sensing
  const t = performance.now();
  const logits = policy.runSync(feeds)[output.name].data; // a view, valid until the next call
  worstUs = Math.max(worstUs, (performance.now() - t) * 1000);
  const classes = logits.length / agents;
  for (let a = 0; a < agents; a++) actions[a] = sample(logits, a * classes, classes, 1.0);
}
console.log(`actions on the last tick: ${Array.from(actions).join(' ')}`);
console.log(`slowest decide call over 64 ticks (incl. the first, which plans): ${worstUs.toFixed(1)} µs`);
