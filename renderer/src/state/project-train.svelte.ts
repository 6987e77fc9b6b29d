// "Train a model for this project" in the Models view (issue 12): start (from the embedded model or from scratch),
// progress with loss, Cancel, and the result: the held-out F1 against the active model's, and whether the new
// version became the active model and why (or why not).
import type { JobInfo } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';
import { JobTracker } from './job-tracker.svelte.js';
import { jobs } from './jobs.svelte.js';
import { models } from './models.svelte.js';
import { projectSettings } from './project-settings.svelte.js';

class ProjectTrainState {
  /** From the embedded model first: it beat scratch on ViMedNER (bench/RESULTS.md); the service's default too. */
  from = $state<'embedded' | 'scratch'>('embedded');
  /** The last refusal or failure, shown until the next try. */
  error = $state.raw<UserMessage | null>(null);
  private readonly tracker = new JobTracker('train');

  get job(): JobInfo | null {
    return this.tracker.job;
  }

  get running(): boolean {
    return this.tracker.running;
  }

  async start(): Promise<void> {
    const project = app.project;
    if (!project) return;
    this.error = null;
    try {
      this.tracker.started(await call('models.train', { projectId: project.id, from: this.from }));
    } catch (error) {
      // Too few finished documents, no labels, no Python environment: the service says which.
      this.error = describeError(error, 'train');
    }
  }

  cancel(): Promise<void> {
    return this.tracker.cancel();
  }

  /** A reload while training runs shows it again. */
  async adopt(): Promise<void> {
    try {
      this.tracker.adopt(await call('jobs.list', {}));
    } catch {
      // the Models view reports load errors itself
    }
  }

  listen(): void {
    onEvent((event) => {
      const job = this.tracker.take(event);
      if (job && event.type === 'job.finished') {
        if (job.state === 'failed') this.error = { key: 'errTrain', params: {}, detail: job.error ?? '' };
        // A new version is listed (and maybe active): the versions, the curve and the pre-annotate picker follow.
        void models.load();
        void jobs.loadModels();
        void projectSettings.load(); // "the last training learned from N" moves on
      }
    });
  }
}

export const projectTrain = new ProjectTrainState();
