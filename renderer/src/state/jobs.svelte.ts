// Pre-annotation: the models and device on offer, the running job's progress, and cancelling it.
import type { JobInfo, ModelsInfo } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';
import { JobTracker } from './job-tracker.svelte.js';

class JobsState {
  models = $state.raw<ModelsInfo | null>(null);
  /** `embedded`, `package` (a folder typed in), or a registry version's id from models.list (`model:N`). */
  modelKind = $state<string>('embedded');
  packagePath = $state('');
  /** Also run two sampled passes per document so the queue's disagreement strategy has a signal (3× the work). */
  disagreement = $state(false);
  scope = $state<'selected' | 'unfinished'>('unfinished');
  // Fine-tune jobs are the Models view's (state/models.svelte.ts).
  private readonly tracker = new JobTracker('preannotate');

  get job(): JobInfo | null {
    return this.tracker.job;
  }

  get running(): boolean {
    return this.tracker.running;
  }

  async load(): Promise<void> {
    await this.loadModels();
    this.tracker.adopt(await call('jobs.list', {}));
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

  /** What preannotate.start (and the denoising replay) is given for the picker's choice. */
  modelChoice(): { kind: 'embedded' } | { kind: 'package'; path: string } {
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
        model: this.modelChoice(),
        ...(this.disagreement ? { disagreement: true } : {}),
      });
      this.tracker.started(started);
    } catch (error) {
      app.fail(error, 'preannotate');
    }
  }

  cancel(): Promise<void> {
    return this.tracker.cancel();
  }

  listen(): void {
    onEvent((event) => {
      const job = this.tracker.take(event);
      if (job && event.type === 'job.finished') {
        if (job.state === 'failed') app.show('error', i18n.t('errPreannotate'), job.error);
        void documents.refresh();
      }
    });
  }
}

export const jobs = new JobsState();
