/** A shipped model's name. */
export type ShippedModelName = 'joint-5v5' | 'egocentric' | 'mlp';

/** What the package says of a shipped model. */
export interface ShippedModelInfo {
  /** Its ONNX file, next to this module. */
  readonly file: string;
  /** Its model card (Markdown), next to this module. */
  readonly card: string;
  /** How it batches players. */
  readonly mode: 'joint' | 'egocentric';
  /** One line on what it is. */
  readonly title: string;
}

/** The shipped models by name. */
export declare const SHIPPED_MODELS: Readonly<Record<ShippedModelName, ShippedModelInfo>>;

/** The URL of a shipped model's ONNX file (a file: URL in Node, the bundled asset's URL in a page). */
export declare function shippedModelUrl(name: ShippedModelName): URL;

/** A shipped model's ONNX bytes: read from disk in Node, fetched in a page. Throws a coded error for an unknown name. */
export declare function loadShippedModel(name: ShippedModelName): Promise<Uint8Array>;
