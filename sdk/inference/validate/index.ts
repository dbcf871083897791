/**
 * Whole-model validation, run by `decodeModel` for every backend before a model is accepted:
 *
 * 1. nodes.ts: no tickmind-internal domain; each node against its schema and attribute rules.
 * 2. topology.ts: names defined once, defined before use (nodes sorted as onnxruntime sorts them).
 * 3. types.ts: element types inferred and checked against every operator's schema.
 * 4. static.ts: shapes, sizes and work the planner can know without feeds, within the limits.
 *
 * Attribute kinds (an int where a float is declared) are checked in decode.ts, where they are known.
 * Sessions validate a model they did not get from `decodeModel` (a hand-built IR) themselves.
 */
import type { Model } from '../ir/graph.js';
import { MAX_OPSET, MIN_OPSET } from '../onnx/limits.js';
import { checkNodes } from './nodes.js';
import { checkStatic } from './static.js';
import { checkTopology } from './topology.js';
import { checkTypes } from './types.js';

const validated = new WeakSet<Model>();

/**
 * Validates a decoded model in place (see the module comment); throws a TickmindError naming the
 * node or field. Outside the opsets tickmind knows the schemas of (MIN_OPSET–MAX_OPSET), the
 * schema and type checks are onnxruntime's to make (only it can run such a model); names, order
 * and limits are still checked.
 */
export function validateModel(model: Model): void {
  const known = model.opset >= MIN_OPSET && model.opset <= MAX_OPSET;
  checkNodes(model, known);
  checkTopology(model.graph);
  if (known) checkTypes(model);
  checkStatic(model, !known);
  validated.add(model);
}

/** Validates the model unless it already was (every session calls this before it trusts a model). */
export function ensureValidated(model: Model): void {
  if (!validated.has(model)) validateModel(model);
}
