// Pre-annotation jobs: run the model over documents one at a time, store each result as a suggestion (never as an
// annotation), report progress as events, stop at the next document when cancelled. One job at a time: the engine
// uses every core it gets, so a second job would only slow the first.
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { JobInfo, ModelChoice } from '../../core/contract/types.js';
import type { Store } from '../../db/store.js';
import type { DocumentIndex } from './document-index.js';
import type { EnginePort } from './engine-port.js';
import type { EventHub } from './event-hub.js';

const FINISHED_STATUSES = new Set(['done', 'reviewed', 'skipped']);
// Progress events at most this often: a fast model on short sentences would otherwise flood the UI.
const PROGRESS_INTERVAL_MS = 50;

interface RunningJob {
  info: JobInfo;
  abort: AbortController;
  finished: Promise<void>;
}

export class JobService {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly store: Store,
    private readonly index: DocumentIndex,
    private readonly engine: EnginePort,
    private readonly events: EventHub,
    private readonly actor: string,
  ) {}

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  /** Resolves when a job has stopped (tests, shutdown). */
  async settled(jobId: string): Promise<JobInfo | undefined> {
    const job = this.jobs.get(jobId);
    await job?.finished;
    return job && { ...job.info };
  }

  start(projectId: number, documentIds: number[], model: ModelChoice): JobInfo {
    if ([...this.jobs.values()].some((j) => j.info.state === 'running')) {
      throw new ContractError('conflict', 'a pre-annotation job is already running; cancel it or wait for it to finish');
    }
    const info: JobInfo = { id: randomUUID(), kind: 'preannotate', state: 'running', done: 0, total: documentIds.length, spans: 0, device: this.engine.device() };
    const abort = new AbortController();
    const job: RunningJob = { info, abort, finished: Promise.resolve() };
    job.finished = this.run(job, projectId, documentIds, model);
    this.jobs.set(info.id, job);
    return { ...info };
  }

  cancel(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('not-found', `no job ${jobId}`);
    job.abort.abort();
    return { ...job.info };
  }

  /** Cancels every job and waits for them (host shutdown). */
  async stopAll(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }

  /** The documents a scope means: the given ids, or every unfinished document of the project. */
  documentsFor(projectId: number, scope: 'selected' | 'unfinished', ids: number[] | undefined): number[] {
    if (scope === 'selected') return ids ?? [];
    return this.index.ids(projectId).filter((id) => {
      const status = this.store.documents.get(id)?.status;
      return status !== undefined && !FINISHED_STATUSES.has(status);
    });
  }

  private emit(event: WorkbenchEvent): void {
    this.events.emit(event);
  }

  private async run(job: RunningJob, projectId: number, documentIds: number[], model: ModelChoice): Promise<void> {
    const { info, abort } = job;
    let lastEmit = 0;
    try {
      const session = await this.engine.open(model, abort.signal);
      info.device = session.device;
      try {
        for (const documentId of documentIds) {
          if (abort.signal.aborted) break;
          const doc = this.store.documents.get(documentId);
          if (doc) {
            const spans = await session.annotate(doc.text, abort.signal);
            if (abort.signal.aborted) break;
            this.store.transaction(() => {
              this.store.suggestions.add({ documentId, modelId: session.modelId, modelName: session.modelName, modelVersion: session.modelVersion, spans });
              if (doc.status === 'new') this.store.documents.setStatus(documentId, 'pre-annotated');
            });
            this.index.refresh(projectId, documentId);
            info.spans += spans.length;
            this.emit({ type: 'document.changed', documentId, revisionId: doc.revisionId, reason: 'suggestions' });
          }
          info.done++;
          const now = Date.now();
          if (now - lastEmit >= PROGRESS_INTERVAL_MS || info.done === info.total) {
            lastEmit = now;
            this.emit({ type: 'job.progress', job: { ...info }, documentId });
          }
        }
      } finally {
        await session.close();
      }
      info.state = abort.signal.aborted ? 'cancelled' : 'done';
    } catch (error) {
      const aborted = abort.signal.aborted || (error as Error).name === 'AbortError';
      info.state = aborted ? 'cancelled' : 'failed';
      if (!aborted) info.error = (error as Error).message;
    }
    this.store.events.append({ type: 'preannotate', actor: this.actor, projectId, payload: { state: info.state, done: info.done, total: info.total, spans: info.spans, error: info.error ?? null } });
    this.emit({ type: 'job.finished', job: { ...info } });
  }
}
