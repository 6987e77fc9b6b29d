// What fine-tuning and project training share once the trainer runs (both run the same Python trainer, log their runs
// in fine_tunes and register the package it writes): its progress onto the job, the package registered as a model
// version with the run closed in the same transaction, and the one way a run that did not finish is recorded.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JobInfo } from '../../core/contract/types.js';
import { parseManifest } from '../../core/model-package/manifest.js';
import type { Store } from '../../db/store.js';
import type { FineTuneProgress, FineTuneResult } from '../training/fine-tune-process.js';
import type { RunningJob } from './job-table.js';

/** A trainer's progress onto its job (fine-tunes and project training run the same trainer). */
export function applyTrainerProgress(info: JobInfo, p: FineTuneProgress): void {
  info.phase = p.phase;
  info.done = p.step;
  info.total = p.steps;
  if (p.loss !== undefined && Number.isFinite(p.loss)) info.loss = p.loss;
  // The trainer says where it runs (device auto: CUDA when its torch sees a GPU).
  if (p.device)
    info.device = {
      device: p.device.startsWith('cuda') ? 'cuda' : 'cpu',
      code: 'fine-tuning',
      reason: `fine-tuning on ${p.device}`,
    };
  // Training is most of the time; exporting and scoring the held-out part the rest.
  info.progress = p.phase === 'train' ? 0.9 * (p.steps > 0 ? p.step / p.steps : 0) : p.phase === 'export' ? 0.92 : 0.96;
}

/**
 * Registers the package the trainer wrote as a version of `parentId` for the project, makes it active when asked, and
 * closes the run as done, all in one transaction: a run is never done without its model, nor a model without its run.
 * The manifest is checked first, so a package the engine would refuse is never registered. Returns the model id.
 */
export function registerTrainedModel(
  store: Store,
  runId: number,
  result: FineTuneResult,
  model: { metrics: unknown; parentId: number; projectId: number; activate: boolean },
): number {
  const manifest: unknown = JSON.parse(readFileSync(join(result.package, 'manifest.json'), 'utf8'));
  // The registry keeps the manifest as the trainer wrote it; parsing only proves the engine would load it.
  const { name, version } = parseManifest(manifest);
  return store.transaction(() => {
    const id = store.models.register({
      name,
      version,
      path: resolve(result.package),
      manifest,
      metrics: model.metrics,
      parentId: model.parentId,
      projectId: model.projectId,
    });
    if (model.activate) store.models.activate(id);
    store.fineTunes.finish(runId, { state: 'done', modelId: id, metrics: result.metrics });
    return id;
  });
}

/**
 * A run that ended without a registered model: the job says cancelled (the person asked, or the trainer was aborted)
 * or failed with the error, the run log and the event (`eventType`: fine-tune or model.train) say the same, and the
 * half-written package folder `out` is removed so it can never be mistaken for a version.
 */
export function recordUnfinishedRun(
  store: Store,
  job: RunningJob,
  error: unknown,
  run: { runId: number; out: string; eventType: string; actor: string; projectId: number },
): void {
  const { info, abort } = job;
  const cancelled = abort.signal.aborted || (error as Error).name === 'AbortError';
  info.state = cancelled ? 'cancelled' : 'failed';
  if (!cancelled) info.error = (error as Error).message;
  store.fineTunes.finish(run.runId, { state: info.state, message: info.error ?? 'cancelled' });
  store.events.append({
    type: run.eventType,
    actor: run.actor,
    projectId: run.projectId,
    payload: { runId: run.runId, state: info.state, error: info.error ?? null },
  });
  if (existsSync(run.out) && info.modelId === undefined) rmSync(run.out, { recursive: true, force: true });
}
