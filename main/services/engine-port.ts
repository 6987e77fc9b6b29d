// What the pre-annotation jobs need from the diffusion engine. main/engine/engine-port-adapter.ts implements it over
// the engine's worker thread; tests plug in stand-ins (`--engine MODULE`); `unavailableEngine` says in the UI that
// there is no engine instead of failing silently.
import type { UncertaintySignals } from '../../core/active-learning/signals.js';
import type { DenoisingSegment, DeviceInfo, ModelChoice, ModelInfo } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';
import type { SamplerSettings } from '../../core/sampler/settings.js';

/** Where a batch of texts stands. Fractions only grow; the step fields are the batch being denoised. */
export interface BatchProgress {
  /** Texts of this call whose suggestions are ready (they finish out of order: the engine batches by length). */
  textsDone: number;
  texts: number;
  /** Estimated share of this call's work done, in [0, 1]. */
  fraction: number;
  /** The denoising step in flight: step of totalSteps, in batch of batches. */
  step?: { step: number; totalSteps: number; batch: number; batches: number };
}

/** The engine's answer for one text. */
export interface TextSuggestions {
  /** Suggested entities (code points into the text), each with a score in [0, 1]. */
  entities: Entity[];
  /** How uncertain the model was (active learning); stand-ins without a model may leave it out. */
  signals?: UncertaintySignals;
  /** The denoising history, one entry per window of the text, when keepHistory was asked for. */
  history?: DenoisingSegment[];
}

/**
 * What one annotate call asks of the engine, the same at every hop: the port, the engine client, the message to the
 * worker thread (worker-protocol.ts) and the engine itself.
 */
export interface AnnotateRequest {
  /** Sampler settings over the package's defaults (and over the engine's own, given when it was opened). */
  settings?: Partial<SamplerSettings>;
  /** Keep the canvas after every step (TextSuggestions.history). */
  keepHistory?: boolean;
  /** Also run two sampled denoising passes at this temperature and record their disagreement (3× the work). */
  disagreementTemperature?: number;
  /**
   * Only these of the model's labels (the ones a project uses): an aligned-BIO model decodes with the others' tags
   * removed from its candidates; any other model's spans of other labels are dropped.
   */
  labels?: readonly string[];
}

/** The package a session runs, so the job can record it in the model registry. */
export interface OpenedPackage {
  /** The package folder, absolute. */
  path: string;
  /** Its manifest as read (stored with the registry entry). */
  manifest: unknown;
}

/** One loaded model, ready to annotate texts. The engine runs it off the main thread. */
export interface EngineSession {
  modelName: string;
  modelVersion: string;
  /** The labels the model writes, where known (a job then decodes with only those its project uses). */
  labels?: readonly string[];
  /** The model package behind the session; null for stand-ins that have none (they get no registry entry). */
  package: OpenedPackage | null;
  device: DeviceInfo;
  /**
   * Suggestions for each text, in order. Giving many texts at once lets the engine batch them by length, which is
   * far faster than one at a time. Rejects with an AbortError when `signal` aborts, and then yields nothing for any
   * of the texts.
   */
  annotateMany(
    texts: readonly string[],
    signal: AbortSignal,
    onProgress?: (progress: BatchProgress) => void,
    options?: AnnotateRequest,
  ): Promise<TextSuggestions[]>;
  /** Frees the model (its worker thread); the session is unusable afterwards. */
  close(): Promise<void>;
}

export interface EnginePort {
  /** The device the engine would use now, and why. */
  device(): DeviceInfo;
  /** The embedded model and the packages the engine knows. */
  models(): ModelInfo[];
  /** Loads a model; rejects with the loader's message when the package cannot be used, or an AbortError. */
  open(choice: ModelChoice, signal: AbortSignal): Promise<EngineSession>;
  /** Closes every session still open (host shutdown). */
  close?(): Promise<void>;
}

/** The error an aborted engine call rejects with. */
export function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}

export const unavailableEngine: EnginePort = {
  device: () => ({ device: 'none', code: 'no-engine', reason: 'the diffusion engine is not part of this build yet' }),
  models: () => [
    {
      id: 'embedded',
      name: 'embedded',
      kind: 'embedded',
      path: null,
      available: false,
      reason: 'the diffusion engine is not part of this build yet',
    },
  ],
  async open() {
    throw new Error('pre-annotation needs the diffusion engine, which is not part of this build yet');
  },
};
