/** Planning a model file directly (after the load-time passes), for tests of the plan-time rewrites. */
import { ConstantStore } from '../../sdk/inference/exec/constants.js';
import { buildPlan, type PlanOptions } from '../../sdk/inference/exec/plan.js';
import { decodeModel, optimizeGraph } from '../../sdk/inference/index.js';
import { AllocationScope, sharedRuntime } from '../../sdk/inference/wasm/runtime.js';

/** Kernel calls of the model's plan for these input dims (WebAssembly kernels unless options say otherwise). */
export function planStepCount(bytes: Uint8Array, dims: number[][], options: Partial<PlanOptions> = {}): number {
  const { graph } = decodeModel(bytes);
  optimizeGraph(graph);
  const runtime = sharedRuntime();
  const constants = new ConstantStore(new AllocationScope(runtime));
  const plan = buildPlan(graph, dims, runtime, constants, { wasm: true, ...options });
  const count = plan.stepCount;
  plan.dispose();
  constants.dispose();
  return count;
}
