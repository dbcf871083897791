/**
 * `tickmind/inference`: load ONNX models and run them on tickmind's zero-allocation
 * WebAssembly SIMD kernels (`native`), or on onnxruntime-web (`ort`) behind the same API.
 *
 * ```ts
 * import { NativeSession } from 'tickmind/inference';
 * const session = NativeSession.create(bytes);
 * const out = session.runSync({ obs: { data: obs, dims: [8, 200] } });
 * out.logits.data; // Float32Array view, valid until the next run
 * ```
 * @module inference
 */

export type { BackendDecision } from './backends/create.js';
export { chooseBackend, createSession } from './backends/create.js';
export { NativeSession } from './backends/native.js';
export { OrtSession, registerOnnxRuntime } from './backends/ort.js';
export type { GemmOptions } from './dense.js';
export { DenseGemm } from './dense.js';
export { Budget } from './exec/infer.js';
export type { OutputTensor } from './exec/plan.js';
export { runtimeV8Version, sparseRowsByDefault } from './exec/sparse-rows.js';
export type { AttrValue, Dim, Graph, Model, Node, Subgraph, ValueInfo } from './ir/graph.js';
export type { DecodeOptions } from './onnx/decode.js';
export { decodeModel } from './onnx/decode.js';
export { encodeModel } from './onnx/encode.js';
export type { ModelLimits } from './onnx/limits.js';
export { DEFAULT_LIMITS, MAX_OPSET, MIN_OPSET, resolveLimits } from './onnx/limits.js';
export { supportedOps, unsupportedOps } from './ops/registry.js';
export type { ControlFlowReport } from './passes/control-flow.js';
export { lowerControlFlow, MAX_UNROLL } from './passes/control-flow.js';
export type { PassOptions, PassReport } from './passes/index.js';
export { optimizeGraph } from './passes/index.js';
export type { QuantizeOptions, QuantizeReport } from './quantize-weights.js';
export { quantizeWeights } from './quantize-weights.js';
export type { BackendChoice, BackendKind, Feeds, Results, Session, SessionOptions, TensorDescription, TensorInput } from './session.js';
export type { DType, StorageArray, Tensor, TensorArray } from './tensor.js';
export type { KernelSet } from './wasm/runtime.js';
export {
  bestKernelSet,
  defaultKernelSet,
  describeKernelSet,
  KERNEL_SETS,
  kernelSetSupported,
  relaxedSimdSupported,
  setKernelSet,
  simdSupported,
} from './wasm/runtime.js';
