/**
 * Ahead-of-time int8 weights: rewrites the float32 weight matrices of MatMul and Gemm nodes, and
 * the filters of Conv nodes, as int8 values with one symmetric scale per output column (per
 * output channel for Conv), dequantized by a DequantizeLinear node
 * (standard ONNX, so onnxruntime and other tools run the file too). The file's weights shrink to
 * a quarter; tickmind folds the DequantizeLinear at load, and `quantize: 'int8'` at load
 * recovers exactly these int8 values for its int8 kernel.
 */
import type { Model, Node } from './ir/graph.js';
import { sizeOf, type Tensor } from './tensor.js';

/** What {@link quantizeWeights} did. */
export interface QuantizeReport {
  /** Weight matrices quantized. */
  layers: number;
  /** Bytes of those weights before (float32) and after (int8 + scales). */
  bytesBefore: number;
  /** Bytes after. */
  bytesAfter: number;
}

/** Options of {@link quantizeWeights}. */
export interface QuantizeOptions {
  /** Smallest matrix (elements) worth quantizing (default 1024). */
  minElements?: number;
}

/** Quantizes the model's MatMul/Gemm weights and Conv filters in place (see the module comment). */
export function quantizeWeights(model: Model, options: QuantizeOptions = {}): QuantizeReport {
  const g = model.graph;
  const min = options.minElements ?? 1024;
  const report: QuantizeReport = { layers: 0, bytesBefore: 0, bytesAfter: 0 };
  const dequantize: Node[] = [];
  const done = new Set<string>();
  for (const node of g.nodes) {
    if (node.domain !== '' || (node.op !== 'MatMul' && node.op !== 'Gemm' && node.op !== 'Conv')) continue;
    const name = node.inputs[1] ?? '';
    const w = g.initializers.get(name);
    const conv = node.op === 'Conv';
    if (done.has(name) || w === undefined || w.dtype !== 'float32' || sizeOf(w.dims) < min) continue;
    if (conv ? w.dims.length < 3 : w.dims.length !== 2) continue;
    // Output columns: B is [K, N] (axis 1), or [N, K] for Gemm with transB (axis 0); a Conv's
    // filters [M, C/group, kernel…] are an M-row matrix (axis 0).
    const axis = conv || (node.op === 'Gemm' && node.attrs.transB === 1) ? 0 : 1;
    const matrix = conv ? { ...w, dims: [w.dims[0]!, sizeOf(w.dims) / w.dims[0]!] } : w;
    const { values, scales } = quantizeColumns(matrix, axis);
    values.dims = [...w.dims];
    g.initializers.delete(name);
    g.initializers.set(`${name}.int8`, values);
    g.initializers.set(`${name}.scale`, scales);
    dequantize.push({
      name: `${name}.dequantize`,
      op: 'DequantizeLinear',
      domain: '',
      inputs: [`${name}.int8`, `${name}.scale`],
      outputs: [name],
      attrs: { axis },
    });
    done.add(name);
    report.layers++;
    report.bytesBefore += sizeOf(w.dims) * 4;
    report.bytesAfter += sizeOf(w.dims) + scales.dims[0]! * 4;
  }
  g.nodes = [...dequantize, ...g.nodes];
  return report;
}

/** Symmetric int8 per slice along `axis` of a 2-D matrix: scale = max |w| / 127 (1 for all zeros). */
function quantizeColumns(w: Tensor, axis: 0 | 1): { values: Tensor; scales: Tensor } {
  const [rows, cols] = w.dims as [number, number];
  const data = w.data as Float32Array;
  const count = axis === 1 ? cols : rows;
  const scale = new Float32Array(count);
  const at = (i: number, j: number) => data[i * cols + j]!;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const c = axis === 1 ? j : i;
      scale[c] = Math.max(scale[c]!, Math.abs(at(i, j)));
    }
  for (let c = 0; c < count; c++) scale[c] = scale[c]! > 0 ? Math.fround(scale[c]! / 127) : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) q[i * cols + j] = Math.max(-127, Math.min(127, Math.round(at(i, j) / scale[axis === 1 ? j : i]!)));
  return { values: { dtype: 'int8', dims: [rows, cols], data: q }, scales: { dtype: 'float32', dims: [count], data: scale } };
}
