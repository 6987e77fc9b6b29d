// Keep learning (issue 12, point 5; docs/training.md, "Keep learning"): a project may ask for a new version of its
// own model after every N newly finished documents. When a document is finished (or documents are imported), the
// project's count of finished documents is compared with the count the last finished training started from; once N
// more are done, a project training starts in the background through ProjectTrainService (the same job, progress,
// loss and cancel as the Models view's button, marked `trigger: 'auto'`), and when the new version beats the active
// one it becomes active and the unfinished documents are re-annotated with it.
//
// Off by default: a training run takes the machine's cores for minutes (a model from 20 documents ~2 min on two
// cores), which nobody should get without asking for it. The setting lives in the event log like the lexicon's
// switch (the latest `training.settings` event of the project), so the CLI and the app see the same value.
//
// Nothing has to survive a crash: a run the workbench did not see finish logged nothing as done, so the count still
// says N more, and the next finished document starts it again. A run that failed or was cancelled in this process
// waits for N more documents rather than restarting on every click.
import { ContractError } from '../../core/contract/errors.js';
import type { JobInfo, ProjectSettings } from '../../core/contract/types.js';
import type { Store } from '../../db/store.js';
import { MIN_FINISHED } from './fine-tune-service.js';
import { DEFAULT_FROM, type ProjectTrainService } from './project-train-service.js';

const SETTINGS_EVENT = 'training.settings';

export class KeepLearning {
  /** Finished documents at the last automatic start of this process, per project (a failed run waits for N more). */
  private readonly attempted = new Map<number, number>();
  private readonly scheduled = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly training: ProjectTrainService,
    /** Whether another trainer (a fine-tune) holds the machine now. */
    private readonly busy: () => boolean,
    private readonly actor: string,
  ) {}

  /** The project's N, or null when keep-learning is off. */
  retrainEvery(projectId: number): number | null {
    // Read on every check (an index seek), so a change made with the CLI holds at once in a running workbench.
    const n = (this.store.events.latestPayload(SETTINGS_EVENT, projectId) as { retrainEvery?: unknown } | undefined)
      ?.retrainEvery;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
  }

  setRetrainEvery(projectId: number, n: number | null, actor = this.actor): void {
    this.store.events.append({ type: SETTINGS_EVENT, actor, projectId, payload: { retrainEvery: n } });
  }

  /** Finished (done or reviewed) documents now. */
  finished(projectId: number): number {
    const totals = Object.fromEntries(this.store.documents.statusTotals(projectId));
    return (totals.done ?? 0) + (totals.reviewed ?? 0);
  }

  /** The finished documents the latest training that finished (a project training or a fine-tune) learned from. */
  finishedAtLastTraining(projectId: number): number {
    const done = this.store.fineTunes.list(projectId).filter((f) => f.state === 'done');
    const last = done[done.length - 1];
    return last ? last.trainDocs + last.heldoutDocs : 0;
  }

  settings(projectId: number, lexicon: boolean): ProjectSettings {
    return {
      retrainEvery: this.retrainEvery(projectId),
      lexicon,
      finished: this.finished(projectId),
      finishedAtLastTraining: this.finishedAtLastTraining(projectId),
    };
  }

  /** Checks the project once the current call has answered: the status change it follows is not held up. */
  schedule(projectId: number): void {
    if (this.closed || this.scheduled.has(projectId)) return;
    this.scheduled.add(projectId);
    setImmediate(() => {
      this.scheduled.delete(projectId);
      if (!this.closed) this.check(projectId);
    });
  }

  /** Starts a training when N more documents are finished than the last one learned from; the job, or undefined. */
  check(projectId: number): JobInfo | undefined {
    const n = this.retrainEvery(projectId);
    if (n === null || this.training.list().some((j) => j.state === 'running') || this.busy()) return undefined;
    const finished = this.finished(projectId);
    const since = Math.max(this.finishedAtLastTraining(projectId), this.attempted.get(projectId) ?? 0);
    if (finished < MIN_FINISHED || finished - since < n) return undefined;
    this.attempted.set(projectId, finished);
    try {
      return this.training.start({ projectId, from: DEFAULT_FROM, trigger: 'auto' });
    } catch (error) {
      // Nothing to train with (no Python, no labels, no base model): said once per N documents, in the log.
      const message = error instanceof ContractError || error instanceof Error ? error.message : String(error);
      this.store.events.append({
        type: 'model.train',
        actor: this.actor,
        projectId,
        payload: { trigger: 'auto', state: 'failed', error: message },
      });
      return undefined;
    }
  }

  close(): void {
    this.closed = true;
  }
}
