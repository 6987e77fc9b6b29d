// Pre-annotation: the models and device on offer, the running job's progress, and cancelling it.
import type { JobInfo, ModelsInfo } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';

class JobsState {
  models = $state.raw<ModelsInfo | null>(null);
  /** `embedded`, `package` (a folder typed in), or a registry version's id from models.list (`model:N`). */
  modelKind = $state<string>('embedded');
  packagePath = $state('');
  /** Also run two sampled passes per document so the queue's disagreement strategy has a signal (3× the work). */
  disagreement = $state(false);
  scope = $state<'selected' | 'unfinished'>('unfinished');
  job = $state.raw<JobInfo | null>(null);
  // Events can overtake the answer to preannotate.start (a fast job finishes first): the latest word per job wins.
  private seen = new Map<string, JobInfo>();

  get running(): boolean {
    return this.job?.state === 'running';
  }

  async load(): Promise<void> {
    await this.loadModels();
    // Fine-tune jobs are the Models view's (state/models.svelte.ts).
    const running = (await call('jobs.list', {})).find((j) => j.state === 'running' && j.kind !== 'fine-tune');
    if (running) this.job = running;
  }

  /**
   * The models on offer; the picker moves to the active one. Called when that changes (start, a fine-tune, a
   * restore), even while the re-annotation a fine-tune starts is running: the next run should use the new version.
   */
  async loadModels(): Promise<void> {
    this.models = await call('models.list', {});
    const active = this.models.models.find((m) => m.active && m.available);
    if (active) this.modelKind = active.kind === 'embedded' ? 'embedded' : active.id;
  }

  /** What preannotate.start is given for the picker's choice. */
  private choice(): { kind: 'embedded' } | { kind: 'package'; path: string } {
    if (this.modelKind === 'package') return { kind: 'package', path: this.packagePath };
    const version = this.models?.models.find((m) => m.id === this.modelKind && m.path);
    return version?.path ? { kind: 'package', path: version.path } : { kind: 'embedded' };
  }

  async start(): Promise<void> {
    const project = app.project;
    if (!project) return;
    try {
      const started = await call('preannotate.start', {
        projectId: project.id,
        scope: this.scope,
        ...(this.scope === 'selected' ? { documentIds: [...documents.selected] } : {}),
        model: this.choice(),
        ...(this.disagreement ? { disagreement: true } : {}),
      });
      this.job = this.seen.get(started.id) ?? started;
    } catch (error) {
      app.show('error', (error as Error).message);
    }
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    const answer = await call('jobs.cancel', { jobId: this.job.id });
    // The job.finished event can overtake this answer (which still says running): keep the finished word.
    const known = this.seen.get(answer.id);
    this.job = known && known.state !== 'running' ? known : answer;
  }

  listen(): void {
    onEvent((event) => {
      if (event.type !== 'job.progress' && event.type !== 'job.finished') return;
      if (event.job.kind === 'fine-tune') return; // the Models view's
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
