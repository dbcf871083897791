/**
 * Per-node checks over every graph of a model: no node of a tickmind-internal domain (fused
 * operators exist only after validation, made by the passes), each node against its operator's
 * schema (schema.ts) and its attribute values (attributes.ts).
 */
import { TickmindError } from '../../core/errors.js';
import { type Graph, isInternalDomain, isSubgraph, type Model } from '../ir/graph.js';
import { checkAttributeValues } from './attributes.js';
import { checkNodeSchema } from './schema.js';

/** Checks every node of the model, subgraphs included; `schemas` false checks domains only (an opset tickmind has no schemas of). */
export function checkNodes(model: Model, schemas = true): void {
  checkGraphNodes(model.graph, model.opset, schemas);
}

function checkGraphNodes(graph: Graph, opset: number, schemas: boolean): void {
  graph.nodes.forEach((node, i) => {
    const label = node.name !== '' ? node.name : `${node.op}_${i}`;
    if (node.op === '') throw new TickmindError('MODEL_INVALID', `node ${i} has no op_type`, { node: label });
    if (isInternalDomain(node.domain)) {
      throw new TickmindError(
        'MODEL_INVALID',
        `${node.domain}.${node.op}: the ${node.domain} domain is tickmind's own (fused operators its passes create after validation); a file cannot use it`,
        { node: label, field: 'domain' },
      );
    }
    if (schemas) {
      checkNodeSchema(node, label, opset);
      checkAttributeValues(node, label, opset);
    }
    for (const v of Object.values(node.attrs)) if (isSubgraph(v)) checkGraphNodes(v.graph, opset, schemas);
  });
}
