// What the pre-annotation jobs need from the diffusion engine (main/engine, written separately). The engine adapter
// implements this; until it lands, `unavailableEngine` says so in the UI instead of failing silently.
import type { DeviceInfo, ModelChoice, ModelInfo } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';

/** One loaded model, ready to annotate texts. The engine runs it off the main thread. */
export interface EngineSession {
  modelName: string;
  modelVersion: string;
  /** Registry id when the model is in the database's registry. */
  modelId: number | null;
  device: DeviceInfo;
  /** Suggested entities (code points into `text`, each with a score in [0, 1]). Rejects with an AbortError when aborted. */
  annotate(text: string, signal: AbortSignal): Promise<Entity[]>;
  close(): Promise<void>;
}

export interface EnginePort {
  /** The device the engine would use now, and why. */
  device(): DeviceInfo;
  /** The embedded model and the packages the engine knows. */
  models(): ModelInfo[];
  open(choice: ModelChoice, signal: AbortSignal): Promise<EngineSession>;
}

export const unavailableEngine: EnginePort = {
  device: () => ({ device: 'none', reason: 'the diffusion engine is not part of this build yet' }),
  models: () => [{ id: 'embedded', name: 'embedded', kind: 'embedded', path: null, available: false, reason: 'the diffusion engine is not part of this build yet' }],
  async open() {
    throw new Error('pre-annotation needs the diffusion engine, which is not part of this build yet');
  },
};
