// The Models view: the project's model versions (restore any of them), fine-tuning from the finished documents
// with its progress and Cancel, the fine-tune log, and the learning curves.
import type { JobInfo, LearningCurves, ModelVersion, ModelVersions } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';
import { jobs } from './jobs.svelte.js';

class ModelsState {
  versions = $state.raw<ModelVersions | null>(null);
  curves = $state.raw<LearningCurves | null>(null);
  /** The fine-tune job shown (running, or the last one this session). */
  job = $state.raw<JobInfo | null>(null);
  reannotate = $state(true);
  /** The last refusal or failure, shown in the view until the next try. */
  error = $state<string | null>(null);
  busy = $state(false);
  /** Bumped after every completed load (the view's data-loads). */
  loads = $state(0);
  // Events can overtake the answer to fineTune.start: the latest word per job wins (as in jobs.svelte.ts).
  private seen = new Map<string, JobInfo>();

  get running(): boolean {
    return this.job?.state === 'running';
  }

  /**
   * Whether a version is the one in use. The embedded model is in use while nothing is active in the registry (the
   * service registers it on first sight without activating it), as models.list says too.
   */
  isActive(version: ModelVersion): boolean {
    const list = this.versions?.versions ?? [];
    return version.active || (version.parentId === null && !list.some((v) => v.active));
  }

  async load(): Promise<void> {
    const project = app.project;
    if (!project) return;
    try {
      const [versions, curves, list] = await Promise.all([
        call('models.versions', { projectId: project.id }),
        call('learning.curves', { projectId: project.id }),
        call('jobs.list', {}),
      ]);
      this.versions = versions;
      this.curves = curves;
      const running = list.find((j) => j.kind === 'fine-tune' && j.state === 'running');
      if (running && !this.job) this.job = this.seen.get(running.id) ?? running;
      this.loads++;
    } catch (error) {
      app.show('error', (error as Error).message);
    }
  }

  /** Makes a version the active model (restoring an earlier one); the pre-annotate model picker follows. */
  async activate(modelId: number): Promise<void> {
    this.error = null;
    this.busy = true;
    try {
      await call('models.activate', { modelId });
      await Promise.all([this.load(), jobs.loadModels()]);
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  async fineTune(): Promise<void> {
    const project = app.project;
    if (!project) return;
    this.error = null;
    try {
      const started = await call('fineTune.start', { projectId: project.id, reannotate: this.reannotate });
      this.job = this.seen.get(started.id) ?? started;
    } catch (error) {
      // Too few finished documents, no Python environment, a model without weights: the service says which.
      this.error = (error as Error).message;
    }
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    const answer = await call('jobs.cancel', { jobId: this.job.id });
    const known = this.seen.get(answer.id);
    this.job = known && known.state !== 'running' ? known : answer;
  }

  listen(): void {
    onEvent((event) => {
      if ((event.type !== 'job.progress' && event.type !== 'job.finished') || event.job.kind !== 'fine-tune') return;
      const known = this.seen.get(event.job.id);
      if (known && known.state !== 'running') return; // a late progress event after the finish
      this.seen.set(event.job.id, event.job);
      this.job = event.job;
      if (event.type === 'job.finished') {
        if (event.job.state === 'failed') this.error = event.job.error ?? 'failed';
        // A new version is active now: the list, the curve and the pre-annotate picker change with it.
        void this.load();
        void jobs.loadModels();
        void documents.refresh();
      }
    });
  }
}

export const models = new ModelsState();
