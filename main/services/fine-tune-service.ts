// Fine-tuning from the annotators' corrections (docs/active-learning.md): the project's finished documents become
// instruction data (every fifth held out), the training package fine-tunes the current model on them in a child
// process, and the result is registered as a new version, with its held-out scores, and made active. Cancelled or
// failed runs register nothing and leave the active model as it was; every run is logged in fine_tunes.
import { JobTable, type RunningJob } from './job-table.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContractError } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { Params, Results } from '../../core/contract/methods.js';
import type { JobInfo, ModelVersion } from '../../core/contract/types.js';
import type { Doc } from '../../core/document.js';
import { parseManifest } from '../../core/model-package/manifest.js';
import type { ModelEntry } from '../../db/repositories/models.js';
import type { Store } from '../../db/store.js';
import { runFineTune, type FineTuneArgs, type FineTuneProgress } from '../training/fine-tune-process.js';
import { writeInstructionFile } from '../training/instruction-file.js';
import { findPython } from '../training/python-env.js';
import type { EnginePort } from './engine-port.js';
import { trainingDocuments } from './gold-standard.js';
import { applyTrainerProgress, recordUnfinishedRun, registerTrainedModel } from './trainer-run.js';

/** Fewer finished documents than this teach the model nothing measurable. */
export const MIN_FINISHED = 10;
const HELDOUT_EVERY = 5;

export interface FineTuneHooks {
  emit(event: WorkbenchEvent): void;
  /** Starts pre-annotating the project's unfinished documents with a package (the job service): how many (0: none). */
  reannotate(projectId: number, packagePath: string): number | void;
}

export type TrainerDefaults = Partial<Pick<FineTuneArgs, 'epochs' | 'maxSteps' | 'maxMinutes' | 'threads' | 'seed'>>;

/** Held-out scores as the trainer reports them (docs/training.md, "Fine-tuning a package"). */
function heldoutOf(metrics: Record<string, unknown>): { f1?: number; precision?: number; recall?: number } {
  const h = (metrics.heldout ?? metrics) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { f1: num(h.f1), precision: num(h.precision ?? h.p), recall: num(h.recall ?? h.r) };
}

/** The first F1 a manifest's evaluation reports (its model card's figure), if any. */
export function cardF1(manifest: unknown): ModelVersion['card'] {
  const evaluation = (manifest as { evaluation?: unknown } | null)?.evaluation;
  if (!Array.isArray(evaluation)) return undefined;
  const e = evaluation.find((x) => typeof x?.value === 'number' && /F1/i.test(String(x?.metric ?? '')));
  return e ? { f1: e.value as number, dataset: String(e.dataset ?? '') } : undefined;
}

export function toVersion(m: ModelEntry): ModelVersion {
  const card = cardF1(m.manifest);
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    path: m.path,
    active: m.active,
    parentId: m.parentId,
    createdAt: m.createdAt,
    metrics: m.metrics as ModelVersion['metrics'],
    ...(card ? { card } : {}),
  };
}

export class FineTuneService extends JobTable {
  constructor(
    private readonly store: Store,
    private readonly engine: EnginePort,
    private readonly dataDir: string,
    private readonly actor: string,
    private readonly defaults: TrainerDefaults,
    private readonly hooks: FineTuneHooks,
  ) {
    super();
    // A run left 'running' by a process that is gone died with it; one another live process (the app, while
    // `workbench models` runs) is training stays as it is.
    store.fineTunes.failInterrupted();
  }

  /** The registry entry of the embedded package, registering it on first sight; undefined when it is not built. */
  embeddedEntry(): ModelEntry | undefined {
    const info = this.engine.models().find((m) => m.kind === 'embedded' && m.available && m.path);
    if (!info?.path) return undefined;
    const path = resolve(info.path);
    const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
    const id = this.store.models.ensure({ name: manifest.name, version: manifest.version, path, manifest });
    return this.store.models.get(id);
  }

  /** The model new suggestions and fine-tunes start from: the active registry entry, else the embedded model. */
  current(): ModelEntry | undefined {
    return this.store.models.active() ?? this.embeddedEntry();
  }

  versions(projectId: number): Results['models.versions'] {
    const embedded = this.embeddedEntry();
    const current = this.current();
    const versions = this.store.models
      .list()
      .filter((m) => m.projectId === projectId || m.id === embedded?.id || m.active)
      .map((m) => ({ ...m, active: m.id === current?.id }));
    return {
      versions: versions.sort((a, b) => a.id - b.id).map(toVersion),
      fineTunes: this.runs(projectId),
      trainer: { ...this.trainer(current), minFinished: MIN_FINISHED },
    };
  }

  /** Whether a fine-tune can start from `base` here, and why not. */
  private trainer(base: ModelEntry | undefined): Results['models.versions']['trainer'] {
    if (!base)
      return {
        available: false,
        code: 'no-model',
        reason: 'there is no model to fine-tune: the embedded model is not built',
      };
    if (!parseManifest(base.manifest).training) {
      return {
        available: false,
        code: 'no-weights',
        reason: `${base.name} ${base.version} carries no trainable weights (its manifest has no "training" entry), so it cannot be fine-tuned`,
      };
    }
    try {
      findPython();
      return { available: true };
    } catch (error) {
      return { available: false, code: 'no-python', reason: (error as Error).message };
    }
  }

  private runs(projectId: number): Results['models.versions']['fineTunes'] {
    return this.store.fineTunes.list(projectId).map((f) => ({
      id: f.id,
      state: f.state,
      baseModelId: f.baseModelId,
      modelId: f.modelId,
      trainDocs: f.trainDocs,
      heldoutDocs: f.heldoutDocs,
      heldoutF1: heldoutOf((f.metrics ?? {}) as Record<string, unknown>).f1 ?? null,
      message: f.message,
      startedAt: f.startedAt,
      finishedAt: f.finishedAt,
    }));
  }

  /** Makes a version the active model; `actor` (default: the service's) is who did, in the event log. */
  activate(modelId: number, actor = this.actor): { modelId: number } {
    const model = this.store.models.get(modelId);
    if (!model) throw new ContractError('not-found', `no model ${modelId}`, 'modelId');
    if (!existsSync(join(model.path, 'manifest.json')))
      throw new ContractError(
        'failed',
        `model ${model.name} ${model.version}: its package folder ${model.path} is gone`,
      );
    this.store.models.activate(modelId);
    this.store.events.append({
      type: 'model.activate',
      actor,
      projectId: model.projectId,
      payload: { modelId, name: model.name, version: model.version },
    });
    return { modelId };
  }

  start(p: Params<'fineTune.start'>, actor = this.actor): JobInfo {
    if (this.running())
      throw new ContractError('conflict', 'a fine-tune is already running; cancel it or wait for it', undefined, {
        reason: 'fine-tune-running',
      });
    const base = this.current();
    const trainer = this.trainer(base);
    if (!base || !trainer.available)
      throw new ContractError('failed', trainer.reason ?? 'fine-tuning is not available', undefined, {
        reason: `trainer-${trainer.code ?? 'unavailable'}`,
      });
    // A curator's gold where there is one (gold-standard.ts).
    const docs = trainingDocuments(this.store, p.projectId);
    if (docs.length < MIN_FINISHED)
      throw new ContractError(
        'failed',
        `fine-tuning needs at least ${MIN_FINISHED} finished (done or reviewed) documents; this project has ${docs.length}`,
        undefined,
        { reason: 'too-few-finished', needed: MIN_FINISHED, have: docs.length },
      );
    const heldout = docs.filter((_, i) => i % HELDOUT_EVERY === HELDOUT_EVERY - 1);
    const train = docs.filter((_, i) => i % HELDOUT_EVERY !== HELDOUT_EVERY - 1);
    const info: JobInfo = {
      id: randomUUID(),
      kind: 'fine-tune',
      state: 'running',
      done: 0,
      total: 0,
      progress: 0,
      spans: 0,
      device: {
        device: 'cpu',
        code: 'trainer-auto',
        reason: 'the trainer picks CUDA when torch sees a GPU, else the CPU',
      },
      phase: 'prepare',
    };
    const runId = this.store.fineTunes.start({
      projectId: p.projectId,
      baseModelId: base.id,
      trainDocs: train.length,
      heldoutDocs: heldout.length,
    });
    const abort = new AbortController();
    const job: RunningJob = { info, abort, finished: Promise.resolve() };
    const toDoc = (d: (typeof docs)[number]): Doc => ({ name: d.name, text: d.text, entities: d.entities });
    job.finished = this.run(job, runId, p, base, train.map(toDoc), heldout.map(toDoc), actor);
    this.jobs.set(info.id, job);
    return { ...info };
  }

  private progress(job: RunningJob, p: FineTuneProgress): void {
    applyTrainerProgress(job.info, p);
    this.hooks.emit({ type: 'job.progress', job: { ...job.info } });
  }

  private async run(
    job: RunningJob,
    runId: number,
    p: Params<'fineTune.start'>,
    base: ModelEntry,
    train: Doc[],
    heldout: Doc[],
    actor: string,
  ): Promise<void> {
    const { info, abort } = job;
    const work = join(this.dataDir, 'fine-tunes', String(runId));
    const out = join(this.dataDir, 'models', `${base.name}-p${p.projectId}-ft${runId}`);
    try {
      mkdirSync(work, { recursive: true });
      mkdirSync(join(out, '..'), { recursive: true });
      await writeInstructionFile(join(work, 'train.jsonl'), train);
      if (heldout.length > 0) await writeInstructionFile(join(work, 'heldout.jsonl'), heldout);
      this.hooks.emit({ type: 'job.progress', job: { ...info } });
      const result = await runFineTune(
        {
          base: base.path,
          train: join(work, 'train.jsonl'),
          heldout: heldout.length > 0 ? join(work, 'heldout.jsonl') : undefined,
          out,
          name: base.name,
          version: `p${p.projectId}-ft${runId}`,
          ...this.defaults,
          ...(p.epochs === undefined ? {} : { epochs: p.epochs }),
          ...(p.maxMinutes === undefined ? {} : { maxMinutes: p.maxMinutes }),
        },
        abort.signal,
        (progress) => this.progress(job, progress),
      );
      info.phase = 'register';
      const h = heldoutOf(result.metrics);
      const metrics = {
        heldoutF1: h.f1,
        heldoutPrecision: h.precision,
        heldoutRecall: h.recall,
        trainDocs: train.length,
        heldoutDocs: heldout.length,
        seconds: result.seconds,
      };
      const modelId = registerTrainedModel(this.store, runId, result, {
        metrics,
        parentId: base.id,
        projectId: p.projectId,
        activate: true,
      });
      info.modelId = modelId;
      info.state = 'done';
      info.progress = 1;
      this.store.events.append({
        type: 'fine-tune',
        actor,
        projectId: p.projectId,
        payload: { runId, modelId, state: 'done', metrics },
      });
      if (p.reannotate) this.hooks.reannotate(p.projectId, resolve(result.package));
    } catch (error) {
      recordUnfinishedRun(this.store, job, error, {
        runId,
        out,
        eventType: 'fine-tune',
        actor,
        projectId: p.projectId,
      });
    }
    this.hooks.emit({ type: 'job.finished', job: { ...info } });
  }
}
