// Messages between the main thread (engine-client.ts) and the engine's worker thread (engine-worker.ts), and the
// errors that cross between them: they arrive as plain objects and are rebuilt as the same classes.

import { CancelledError } from '../../core/sampler/denoiser.js';
import { SamplerSettingsError } from '../../core/sampler/settings.js';
import type { AnnotateItem, EngineInfo, EngineOptions, EngineProgress, ItemResult } from './engine.js';
import type { AnnotateRequest } from '../services/engine-port.js';
import { DeviceError, GraphContractError, type RunStats } from './backend.js';
import { PackageError } from './package-loader.js';

export type ToWorker =
  | { type: 'open'; dir: string; options: EngineOptions }
  | ({ type: 'annotate'; id: number; items: AnnotateItem[]; cancel: SharedArrayBuffer } & AnnotateRequest)
  | { type: 'close' };

export type FromWorker =
  | { type: 'opened'; info: EngineInfo }
  | { type: 'progress'; id: number; progress: EngineProgress }
  | { type: 'result'; id: number; results: ItemResult[]; stats: RunStats }
  | { type: 'error'; id?: number; error: SerializedError }
  | { type: 'closed' };

export interface SerializedError {
  name: string;
  message: string;
  dir?: string;
  file?: string;
  field?: string;
  problems?: string[];
}

/** An error as a structured-clone-safe object. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const extra = error as Error & Partial<Record<'dir' | 'file' | 'field', string> & { problems: string[] }>;
  return {
    name: error.name,
    message: error.message,
    dir: extra.dir,
    file: extra.file,
    field: extra.field,
    problems: extra.problems,
  };
}

/** The error class the worker threw, rebuilt on this side. */
export function deserializeError(e: SerializedError): Error {
  switch (e.name) {
    case 'PackageError':
      return new PackageError(e.dir ?? '', e.problems ?? []);
    case 'GraphContractError':
      return new GraphContractError(e.file ?? '', e.problems ?? []);
    case 'DeviceError':
      return new DeviceError(e.message);
    case 'CancelledError':
      return new CancelledError();
    case 'SamplerSettingsError':
      return new SamplerSettingsError(e.field ?? '', e.message.replace(/^sampler setting \S+: /, ''));
    default: {
      const error = new Error(e.message);
      error.name = e.name;
      return error;
    }
  }
}
