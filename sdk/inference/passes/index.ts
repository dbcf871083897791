/** The load-time pass pipeline. */
import { Budget } from '../exec/infer.js';
import type { Graph } from '../ir/graph.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { foldConstants, removeDeadNodes } from './fold-constants.js';
import { fuseAttention } from './fuse-attention.js';
import { fuseGelu } from './fuse-gelu.js';
import { fuseLayerNorm } from './fuse-layernorm.js';
import { fuseMatMulAdd } from './fuse-matmul.js';

/** What the passes did, for `model check` and debugging. */
export interface PassReport {
  /** Nodes folded into constants. */
  folded: number;
  /** Dead nodes removed. */
  removed: number;
  /** Decomposed LayerNorms fused. */
  layerNorm: number;
  /** Erf GELUs fused. */
  gelu: number;
  /** Linear layers (and their activations) fused. */
  matmul: number;
  /** Attention cores fused. */
  attention: number;
  /** BatchNormalizations folded into the Conv before them. */
  batchNorm: number;
  /** If and Loop nodes lowered at load (constant condition: branch inlined; constant trip count: unrolled). */
  controlFlow: number;
}

/** Options: fusions can be turned off (the parity tests run both ways). */
export interface PassOptions {
  /** Run the fusions (default true); folding and dead-node removal always run. */
  fuse?: boolean;
  /** What constant folding may spend (default: a budget of DEFAULT_LIMITS). */
  budget?: Budget;
}

/** Runs folding, dead-node removal and the fusions, in place. */
export function optimizeGraph(graph: Graph, options: PassOptions = {}): PassReport {
  const report: PassReport = {
    folded: foldConstants(graph, options.budget ?? new Budget()),
    removed: removeDeadNodes(graph),
    layerNorm: 0,
    gelu: 0,
    matmul: 0,
    attention: 0,
    batchNorm: 0,
    controlFlow: 0,
  };
  if (options.fuse === false) return report;
  report.batchNorm = foldBatchNorm(graph);
  report.layerNorm = fuseLayerNorm(graph);
  report.gelu = fuseGelu(graph);
  report.matmul = fuseMatMulAdd(graph);
  report.attention = fuseAttention(graph);
  report.removed += removeDeadNodes(graph);
  return report;
}
