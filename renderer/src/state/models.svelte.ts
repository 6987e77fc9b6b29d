// The Models view: the project's model versions (restore any of them), fine-tuning from the finished documents
// with its progress and Cancel, the fine-tune log, and the learning curves.
import type { JobInfo, LearningCurves, ModelVersions } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';
import { JobTracker } from './job-tracker.svelte.js';
import { jobs } from './jobs.svelte.js';

class ModelsState {
  versions = $state.raw<ModelVersions | null>(null);
  curves = $state.raw<LearningCurves | null>(null);
  reannotate = $state(true);
  /** The last refusal or failure, shown in the view until the next try. */
  error = $state.raw<UserMessage | null>(null);
  busy = $state(false);
  /** Bumped after every completed load (the view's data-loads). */
  loads = $state(0);
  private readonly tracker = new JobTracker('fine-tune');

  /** The fine-tune job shown (running, or the last one this session). */
  get job(): JobInfo | null {
    return this.tracker.job;
  }

  get running(): boolean {
    return this.tracker.running;
  }

  /** Finished (done or reviewed) documents: what fine-tuning and training learn from. */
  get finished(): number {
    return documents.progress?.done ?? 0;
  }

  /** How many more finished documents fine-tuning and training need (0: enough). */
  get missingFinished(): number {
    return Math.max(0, (this.versions?.trainer.minFinished ?? 10) - this.finished);
  }

  /** How a version is named to the user: its name and version ("#id" only until the list has it). */
  versionName(id: number): string {
    const v = this.versions?.versions.find((x) => x.id === id);
    return v ? `${v.name} ${v.version}` : `#${id}`;
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
      this.tracker.adopt(list);
      this.loads++;
    } catch (error) {
      app.fail(error, 'load');
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
      this.error = describeError(error, 'activate');
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
      this.tracker.started(started);
    } catch (error) {
      // Too few finished documents, no Python environment, a model without weights: the service says which.
      this.error = describeError(error, 'fine-tune');
    }
  }

  cancel(): Promise<void> {
    return this.tracker.cancel();
  }

  listen(): void {
    onEvent((event) => {
      const job = this.tracker.take(event);
      if (job && event.type === 'job.finished') {
        if (job.state === 'failed') this.error = { key: 'errFineTune', params: {}, detail: job.error ?? '' };
        // A new version is active now: the list, the curve and the pre-annotate picker change with it.
        void this.load();
        void jobs.loadModels();
        void documents.refresh();
      }
    });
  }
}

export const models = new ModelsState();
