// Pre-annotation: the models and device on offer, the running job's progress, and cancelling it.
import type { JobInfo, ModelsInfo } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';

class JobsState {
  models = $state.raw<ModelsInfo | null>(null);
  /** `embedded` or `package`. */
  modelKind = $state<'embedded' | 'package'>('embedded');
  packagePath = $state('');
  scope = $state<'selected' | 'unfinished'>('unfinished');
  job = $state.raw<JobInfo | null>(null);
  // Events can overtake the answer to preannotate.start (a fast job finishes first): the latest word per job wins.
  private seen = new Map<string, JobInfo>();

  get running(): boolean {
    return this.job?.state === 'running';
  }

  async load(): Promise<void> {
    this.models = await call('models.list', {});
    const running = (await call('jobs.list', {})).find((j) => j.state === 'running');
    if (running) this.job = running;
  }

  async start(): Promise<void> {
    const project = app.project;
    if (!project) return;
    try {
      const started = await call('preannotate.start', {
        projectId: project.id,
        scope: this.scope,
        ...(this.scope === 'selected' ? { documentIds: [...documents.selected] } : {}),
        model: this.modelKind === 'package' ? { kind: 'package', path: this.packagePath } : { kind: 'embedded' },
      });
      this.job = this.seen.get(started.id) ?? started;
    } catch (error) {
      app.show('error', (error as Error).message);
    }
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    this.job = await call('jobs.cancel', { jobId: this.job.id });
  }

  listen(): void {
    onEvent((event) => {
      if (event.type !== 'job.progress' && event.type !== 'job.finished') return;
      const known = this.seen.get(event.job.id);
      if (known && known.state !== 'running') return; // a late progress event after the finish
      this.seen.set(event.job.id, event.job);
      this.job = event.job;
      if (event.type === 'job.finished') {
        if (event.job.state === 'failed') app.show('error', event.job.error ?? 'failed');
        void documents.refresh();
      }
    });
  }
}

export const jobs = new JobsState();
