// The pre-annotation jobs' view of the diffusion engine (main/services/engine-port.ts) over EngineClient: one worker
// thread per opened model, closed with its session; a chunk of texts per call so the engine can batch them by
// length; the job's AbortSignal wired to the engine's cancel flag; the engine's own device and fallback reason.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DeviceInfo, ModelChoice, ModelInfo } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';
import { ManifestError, parseManifest } from '../../core/model-package/manifest.js';
import { CancelledError } from '../../core/sampler/denoiser.js';
import type { SamplerSettings } from '../../core/sampler/settings.js';
import {
  abortError,
  type AnnotateRequest,
  type BatchProgress,
  type EnginePort,
  type EngineSession,
  type TextSuggestions,
} from '../services/engine-port.js';
import { EngineClient } from './engine-client.js';
import type { EngineInfo, EngineOptions, EngineProgress } from './engine.js';
import { MANIFEST_FILE } from './package-loader.js';

export const EMBEDDED_NOT_BUILT = 'the embedded model is not built: see training/README.md';

export interface DiffusionEngineOptions {
  /** The embedded model package's folder (assets/model). */
  embeddedDir: string;
  /** Device, threads, batch limits. Default: device 'auto'. */
  engine?: EngineOptions;
  /** Sampler settings over each package's own defaults (its manifest's `sampler`). Default: none. */
  settings?: Partial<SamplerSettings>;
}

type EmbeddedStatus =
  | { available: true; name: string; version: string; output: NonNullable<ModelInfo['output']> }
  | { available: false; reason: string };

/** What the embedded package's manifest says, without loading the model (models.list runs on every page load). */
function embeddedStatus(dir: string): EmbeddedStatus {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return { available: false, reason: EMBEDDED_NOT_BUILT };
  try {
    const manifest = parseManifest(JSON.parse(readFileSync(path, 'utf8')));
    const { labels, schemas } = manifest.output;
    const output = {
      model: manifest.name,
      labels,
      ...(schemas ? { schemas: schemas.map((x) => ({ name: x.name, labels: x.labels })) } : {}),
    };
    return { available: true, name: manifest.name, version: manifest.version, output };
  } catch (error) {
    const detail =
      error instanceof ManifestError
        ? error.issues.map((i) => `${MANIFEST_FILE}: ${i.field ? `${i.field}: ` : ''}${i.message}`).join('; ')
        : `${MANIFEST_FILE}: ${(error as Error).message}`;
    return { available: false, reason: `the embedded model at ${dir} cannot be used: ${detail}` };
  }
}

/** Whether onnxruntime-node's CUDA execution provider is installed (`npm run install-cuda`), without loading it. */
function cudaProviderInstalled(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const bin = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    return ['libonnxruntime_providers_cuda.so', 'onnxruntime_providers_cuda.dll'].some((f) => existsSync(join(bin, f)));
  } catch {
    return false;
  }
}

/** The device an opened engine runs on, with the reason the UI shows. */
export function deviceOf(info: EngineInfo): DeviceInfo {
  const backend = info.backend;
  if (info.fallbackReason)
    return {
      device: info.device,
      backend,
      code: 'cuda-fallback',
      reason: info.fallbackReason + (info.runtime ? ` (${info.runtime})` : ''),
    };
  if (backend === 'pytorch')
    return { device: info.device, backend, code: 'pytorch', reason: info.runtime ?? 'PyTorch worker loaded' };
  return info.device === 'cuda'
    ? { device: info.device, backend, code: 'cuda-loaded', reason: 'CUDA execution provider loaded' }
    : { device: info.device, backend, code: 'cpu-chosen', reason: "running on the CPU (device 'cpu' was chosen)" };
}

/** A folder the user typed: `~` is their home folder, a relative path is taken from the working folder. */
function packagePath(path: string): string {
  return resolve(path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path);
}

/**
 * Share of an engine call's work done, in [0, 1]: rows of finished batches, plus the batch in flight weighted by its
 * step (its row count estimated as the rows left over the batches left), and never less than the finished items.
 */
export function fractionOf(p: EngineProgress): number {
  if (p.rows === 0 || p.items === 0) return 1;
  const batchRows = (p.rows - p.rowsDone) / Math.max(1, p.batches - p.batch + 1);
  const rows = (p.rowsDone + batchRows * Math.min(1, p.step / Math.max(1, p.totalSteps))) / p.rows;
  return Math.min(1, Math.max(rows, p.itemsDone / p.items));
}

// A probability in float32 can land a hair outside [0, 1]; the store refuses such a score.
const clampScore = (e: Entity): Entity =>
  e.score === undefined ? e : { ...e, score: Number.isFinite(e.score) ? Math.min(1, Math.max(0, e.score)) : 0 };

export class DiffusionEnginePort implements EnginePort {
  private readonly clients = new Set<EngineClient>();
  private lastDevice: DeviceInfo | undefined;

  constructor(private readonly options: DiffusionEngineOptions) {}

  private get engineOptions(): EngineOptions {
    return this.options.engine ?? { device: 'auto' };
  }

  device(): DeviceInfo {
    if (this.lastDevice) return this.lastDevice;
    // Nothing opened yet: say what opening will try. The job then reports the device it really got.
    if (this.engineOptions.device === 'cpu')
      return { device: 'cpu', code: 'cpu-chosen', reason: "running on the CPU (device 'cpu' was chosen)" };
    if (cudaProviderInstalled())
      return {
        device: 'cuda',
        code: 'cuda-to-try',
        reason: 'the CUDA execution provider is installed; it is tried when a model opens, with the CPU as fallback',
      };
    return {
      device: 'cpu',
      code: 'cuda-not-installed',
      reason:
        'the CUDA execution provider is not installed (`npm run install-cuda`, needs CUDA 12 + cuDNN 9): the engine runs on the CPU',
    };
  }

  models(): ModelInfo[] {
    const embedded = embeddedStatus(this.options.embeddedDir);
    return [
      embedded.available
        ? {
            id: 'embedded',
            name: `${embedded.name} ${embedded.version}`,
            kind: 'embedded',
            path: this.options.embeddedDir,
            available: true,
            output: embedded.output,
          }
        : {
            id: 'embedded',
            name: 'embedded',
            kind: 'embedded',
            path: this.options.embeddedDir,
            available: false,
            reason: embedded.reason,
          },
    ];
  }

  async open(choice: ModelChoice, signal: AbortSignal): Promise<EngineSession> {
    if (signal.aborted) throw abortError();
    let dir: string;
    if (choice.kind === 'embedded') {
      const embedded = embeddedStatus(this.options.embeddedDir);
      if (!embedded.available) throw new Error(embedded.reason);
      dir = resolve(this.options.embeddedDir);
    } else {
      dir = packagePath(choice.path);
    }
    // The loader in the worker refuses a broken package with a message naming the file and field; it reaches the
    // job's error (and so the UI) unchanged.
    // A cancel while the model loads (minutes for a big PyTorch checkpoint) ends the loading worker at once.
    const client = await EngineClient.open(dir, this.engineOptions, signal).catch((error: unknown) => {
      throw signal.aborted ? abortError() : error;
    });
    if (signal.aborted) {
      await client.close();
      throw abortError();
    }
    this.clients.add(client);
    this.lastDevice = deviceOf(client.info);
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    } catch (error) {
      await this.release(client);
      throw error;
    }
    return {
      modelName: client.info.name,
      modelVersion: client.info.version,
      labels: client.info.labels,
      package: { path: dir, manifest },
      device: deviceOf(client.info),
      annotateMany: (texts, abort, onProgress, options) => this.annotate(client, texts, abort, onProgress, options),
      close: () => this.release(client),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients].map((c) => this.release(c)));
  }

  private async release(client: EngineClient): Promise<void> {
    if (!this.clients.delete(client)) return;
    await client.close();
  }

  private async annotate(
    client: EngineClient,
    texts: readonly string[],
    signal: AbortSignal,
    onProgress?: (p: BatchProgress) => void,
    options: AnnotateRequest = {},
  ): Promise<TextSuggestions[]> {
    if (signal.aborted) throw abortError();
    if (!this.clients.has(client)) throw new Error('the model was closed');
    let fraction = 0;
    const job = client.annotate(
      texts.map((text, i) => ({ id: String(i), text })),
      {
        ...options,
        settings: options.settings ? { ...this.options.settings, ...options.settings } : this.options.settings,
        onProgress: (p) => {
          fraction = Math.max(fraction, fractionOf(p));
          onProgress?.({
            textsDone: p.itemsDone,
            texts: p.items,
            fraction,
            step: { step: p.step, totalSteps: p.totalSteps, batch: p.batch, batches: p.batches },
          });
        },
      },
    );
    const cancel = () => job.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const results = await job.done;
      const byId = new Map(results.map((r) => [r.id, r]));
      return texts.map((_, i) => {
        const result = byId.get(String(i));
        if (!result) return { entities: [] };
        const aligned = client.info.outputFormat === 'aligned-bio';
        const history = options.keepHistory
          ? result.segments.map((s) => ({
              start: s.start,
              end: s.end,
              tokens: s.textTokens ?? [],
              aligned,
              steps: s.history ?? [],
            }))
          : undefined;
        return { entities: result.entities.map(clampScore), signals: result.signals, ...(history ? { history } : {}) };
      });
    } catch (error) {
      // A cancelled engine call returns nothing, so none of these texts gets suggestions (not even finished ones).
      if (error instanceof CancelledError || signal.aborted) throw abortError();
      throw error;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }
}
