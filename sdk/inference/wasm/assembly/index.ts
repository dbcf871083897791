// tickmind's WebAssembly kernels. Every function works on byte pointers into this
// module's memory, which the host (sdk/inference/wasm/runtime.ts) lays out and grows; the
// kernels themselves never allocate.

export { attention, attentionScratchBytes } from './attention';
export { activate, binary, unary } from './eltwise';
export { gemmFetchSink, gemmPacked } from './gemm';
export { gemmSparseRows, packStrips, sparseListBytes, stripsSize } from './gemm-sparse';
export { packB, packedSize } from './gemm-pack';
export { matmulBatched } from './matmul-batched';
export { gemvInt8, gemvPacked, packDot, packedDotSize, packedInt8Size, packInt8 } from './gemv';
export { layerNorm, softmax, sumRuns } from './norm';

export { heapBase } from './scratch';
export { copyBlocks, fillF32, select } from './copy';
export { depthwise2d, im2colPanels, padPlanes, pool2d } from './window';
export { gru, lstm, rnnScratchFloats } from './rnn';
export { gemmInt8, gemmInt8Grouped, packedInt8GemmSize, packInt8Gemm } from './gemm-int8';
export { addRowBias, quantizePanels } from './conv-int8';
export { absMax, quantizeRowGroups } from './quant';
