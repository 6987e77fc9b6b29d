// What the sampler sends to the model and gets back: the graph contract of docs/model-package.md, as plain arrays
// so the sampler stays free of onnxruntime (the engine converts to and from int64 tensors).

/** One forward pass's inputs, row-major [batch, seq]. */
export interface BatchInputs {
  batch: number;
  seq: number;
  inputIds: Int32Array;
  /** 1 for a real token, 0 for left padding. */
  attentionMask: Int32Array;
  /** Dream's tok_idx: cumsum(mask) - 1, and 1 at padding. */
  positionIds: Int32Array;
}

/** The sampler scalars the graph filters with. */
export interface HeadScalars {
  temperature: number;
  topP: number;
  topK: number;
}

/** The graph's outputs for a batch: per position the K best tokens of the filtered distribution and its entropy. */
export interface HeadOutputs {
  batch: number;
  seq: number;
  /** K, the candidates per position. */
  k: number;
  /** [batch, seq, k], most probable first. */
  topkIds: Int32Array;
  /** [batch, seq, k], probabilities under the filtered distribution, descending. */
  topkProbs: Float32Array;
  /** [batch, seq]: sum p·log(p + 1e-10) of the filtered distribution. */
  negEntropy: Float32Array;
}

/** Runs the model head on a batch. */
export type ForwardFn = (inputs: BatchInputs, scalars: HeadScalars) => Promise<HeadOutputs>;
