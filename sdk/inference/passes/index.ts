/** The load-time pass pipeline. */
import type { Graph } from '../ir/graph.js';
import { foldConstants, removeDeadNodes } from './fold-constants.js';
import { fuseAttention } from './fuse-attention.js';
import { fuseGelu } from './fuse-gelu.js';
import { fuseLayerNorm } from './fuse-layernorm.js';
import { fuseMatMulAdd } from './fuse-matmul.js';

/** What the passes did, for `model check` and debugging. */
export interface PassReport {
  folded: number;
  removed: number;
  layerNorm: number;
  gelu: number;
  matmul: number;
  attention: number;
}

/** Options: fusions can be turned off (the parity tests run both ways). */
export interface PassOptions {
  fuse?: boolean;
}

/** Runs folding, dead-node removal and the fusions, in place. */
export function optimizeGraph(graph: Graph, options: PassOptions = {}): PassReport {
  const report: PassReport = {
    folded: foldConstants(graph),
    removed: removeDeadNodes(graph),
    layerNorm: 0,
    gelu: 0,
    matmul: 0,
    attention: 0,
  };
  if (options.fuse === false) return report;
  report.layerNorm = fuseLayerNorm(graph);
  report.gelu = fuseGelu(graph);
  report.matmul = fuseMatMulAdd(graph);
  report.attention = fuseAttention(graph);
  report.removed += removeDeadNodes(graph);
  return report;
}
