// What every forward backend shares (onnxruntime in ort-session.ts, PyTorch in torch-session.ts): the device choice,
// the errors the engine and its worker thread pass on, the run counters, and the opened backend the engine drives.
// Nothing here loads a native library, so the PyTorch path runs where onnxruntime-node's is absent.

import type { ForwardFn } from '../../core/sampler/head-outputs.js';

export type DeviceChoice = 'auto' | 'cuda' | 'cpu';
export type BackendKind = 'onnxruntime' | 'pytorch';

/** The device asked for cannot be used ('cuda' without a working CUDA execution provider or CUDA-enabled torch). */
export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

/** The graph's inputs or outputs are not those of the contract. */
export class GraphContractError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} does not follow the graph contract (docs/model-package.md):\n  ${problems.join('\n  ')}`);
    this.name = 'GraphContractError';
  }
}

/**
 * What the engine ran, for the benchmark's JS-vs-graph split: forward passes, their rows, steps, and wall time in
 * the forward and in the denoising loops (forwards included; the rest of a job is per-text work: tokenising,
 * reading the outputs).
 */
export interface RunStats {
  runs: number;
  runMs: number;
  loopMs: number;
  /** Rows over all forward passes. */
  rows: number;
  /** Denoising steps (counted by the engine). */
  steps: number;
}

export const noRuns = (): RunStats => ({ runs: 0, runMs: 0, loopMs: 0, rows: 0, steps: 0 });
const RUN_STATS = Object.keys(noRuns()) as (keyof RunStats)[];

/** Adds `more` into `into`, field by field. */
export function addRuns(into: RunStats, more: RunStats): void {
  for (const key of RUN_STATS) into[key] += more[key];
}

/** `now` minus `before`, field by field. */
export function runsSince(now: RunStats, before: RunStats): RunStats {
  const out = noRuns();
  for (const key of RUN_STATS) out[key] = now[key] - before[key];
  return out;
}

/** A backend opened on its device: the sampler's forward and how to let go of it. */
export interface OpenedBackend {
  backend: BackendKind;
  device: 'cuda' | 'cpu';
  /** Why 'auto' ended up on the CPU (for the UI); absent when it got what it asked for. */
  fallbackReason?: string;
  /** What runs the forward, in words (GPU name, dtype, library versions), for the UI and logs. */
  runtime?: string;
  forward: ForwardFn;
  /** The backend's own figures (the PyTorch worker: GPU memory, forwards), when it keeps any. */
  stats?: () => Promise<Record<string, unknown>>;
  release(): Promise<void>;
}
