// Pre-annotation jobs: hand the model a chunk of documents at a time (the engine batches them by length, far faster
// than one by one), store each chunk's results as suggestions (never as annotations) in one transaction, report
// progress as events (per stored document and per denoising step), and stop when cancelled. Cancelling aborts the
// chunk in flight: none of its documents gets suggestions, not even those the engine had finished; chunks stored
// before the cancel keep theirs. One job at a time: the engine uses every core it gets, so a second job would only
// slow the first.
import { JobTable, type RunningJob } from './job-table.js';
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { JobInfo, ModelChoice } from '../../core/contract/types.js';
import { labelMapper, labelsThatLand, mapSuggestedSpans } from '../../core/label-mapping.js';
import { UNFINISHED_STATUSES } from '../../core/document-status.js';
import type { Store } from '../../db/store.js';
import { refreshSummary } from './document-summary.js';
import type { EnginePort } from './engine-port.js';
import type { EventHub } from './event-hub.js';

/** How many documents the engine gets at once. Bigger chunks batch better; a cancel throws away one chunk's work. */
export interface ChunkLimits {
  documents: number;
  /** Characters (UTF-16 units) of text; a longer single document still makes a chunk of its own. */
  characters: number;
}

export const DEFAULT_CHUNK: ChunkLimits = { documents: 32, characters: 24_000 };

// Sampling temperature of the two extra runs whose disagreement ranks documents (docs/active-learning.md).
const DISAGREEMENT_TEMPERATURE = 1;
// Progress events at most this often: a fast model on short sentences would otherwise flood the UI.
const PROGRESS_INTERVAL_MS = 50;

export class JobService extends JobTable {
  constructor(
    private readonly store: Store,
    private readonly engine: EnginePort,
    private readonly events: EventHub,
    private readonly actor: string,
    private readonly chunk: ChunkLimits = DEFAULT_CHUNK,
  ) {
    super();
  }

  /** Starts a job; `actor` (default: the service's) is who started it, in the event log. */
  start(
    projectId: number,
    documentIds: number[],
    model: ModelChoice,
    options: { disagreement?: boolean; actor?: string } = {},
  ): JobInfo {
    if (this.running()) {
      throw new ContractError(
        'conflict',
        'a pre-annotation job is already running; cancel it or wait for it to finish',
      );
    }
    const info: JobInfo = {
      id: randomUUID(),
      kind: 'preannotate',
      state: 'running',
      done: 0,
      total: documentIds.length,
      progress: 0,
      spans: 0,
      device: this.engine.device(),
    };
    const abort = new AbortController();
    const job: RunningJob = { info, abort, finished: Promise.resolve() };
    job.finished = this.run(
      job,
      projectId,
      documentIds,
      model,
      options.disagreement ? DISAGREEMENT_TEMPERATURE : undefined,
      options.actor ?? this.actor,
    );
    this.jobs.set(info.id, job);
    return { ...info };
  }

  /** The documents a scope means: the given ids, or every unfinished document of the project. */
  documentsFor(projectId: number, scope: 'selected' | 'unfinished', ids: number[] | undefined): number[] {
    if (scope === 'selected') return ids ?? [];
    return this.store.documents.ids(projectId, UNFINISHED_STATUSES);
  }

  private emit(event: WorkbenchEvent): void {
    this.events.emit(event);
  }

  /** The documents in chunks of at most `chunk` (missing ones are skipped, but counted as done). */
  private *chunks(documentIds: number[]) {
    let ids: number[] = [];
    let docs: { id: number; text: string }[] = [];
    let characters = 0;
    for (const id of documentIds) {
      const doc = this.store.documents.get(id);
      if (
        doc &&
        docs.length > 0 &&
        (docs.length >= this.chunk.documents || characters + doc.text.length > this.chunk.characters)
      ) {
        yield { ids, docs };
        ids = [];
        docs = [];
        characters = 0;
      }
      ids.push(id);
      if (doc) {
        docs.push({ id, text: doc.text });
        characters += doc.text.length;
      }
    }
    if (ids.length > 0) yield { ids, docs };
  }

  /** The model's labels that land on the project's (core/label-mapping.ts); undefined when its labels are not known. */
  private labelsUsed(projectId: number, session: { modelName: string; labels?: readonly string[] }) {
    if (!session.labels) return undefined;
    const project = new Set(this.store.labels.list(projectId).map((l) => l.name));
    const map = labelMapper(this.store.labelMappings.list(projectId), session.modelName);
    return labelsThatLand(session.labels, (label) => project.has(map(label)));
  }

  private async run(
    job: RunningJob,
    projectId: number,
    documentIds: number[],
    model: ModelChoice,
    disagreementTemperature: number | undefined,
    actor: string,
  ): Promise<void> {
    const { info, abort } = job;
    let lastEmit = 0;
    const progress = (always: boolean, documentId?: number) => {
      const now = Date.now();
      if (!always && now - lastEmit < PROGRESS_INTERVAL_MS) return;
      lastEmit = now;
      this.emit({ type: 'job.progress', job: { ...info }, ...(documentId === undefined ? {} : { documentId }) });
    };
    try {
      const session = await this.engine.open(model, abort.signal);
      try {
        info.device = session.device;
        const modelId = session.package
          ? this.store.models.ensure({
              name: session.modelName,
              version: session.modelVersion,
              path: session.package.path,
              manifest: session.package.manifest,
            })
          : null;
        progress(true); // the device the engine really got
        const labels = this.labelsUsed(projectId, session);
        for (const { ids, docs } of this.chunks(documentIds)) {
          if (abort.signal.aborted) break;
          const before = info.done;
          const results =
            docs.length === 0
              ? []
              : await session.annotateMany(
                  docs.map((d) => d.text),
                  abort.signal,
                  (p) => {
                    info.progress = Math.max(info.progress, (before + p.fraction * ids.length) / info.total);
                    info.step = p.step;
                    progress(false);
                  },
                  { disagreementTemperature, labels },
                );
          if (abort.signal.aborted) break;
          // Status and revision are read again: someone may have edited a document while the engine ran.
          const revisions = this.store.transaction(() =>
            docs.map((doc, i) => {
              // The model's labels onto the project's (its mapping for this model, then `*`; unmapped labels stay), read
              // in this transaction so a label change made while the engine ran applies.
              const mappings = this.store.labelMappings.list(projectId);
              const spans =
                mappings.length === 0
                  ? results[i].entities
                  : mapSuggestedSpans(results[i].entities, labelMapper(mappings, session.modelName));
              this.store.suggestions.add({
                documentId: doc.id,
                modelId,
                modelName: session.modelName,
                modelVersion: session.modelVersion,
                spans,
                signals: results[i].signals,
              });
              const current = this.store.documents.get(doc.id);
              if (current?.status === 'new') this.store.documents.setStatus(doc.id, 'pre-annotated');
              refreshSummary(this.store, doc.id);
              return current?.revisionId ?? null;
            }),
          );
          docs.forEach((doc, i) => {
            info.spans += results[i].entities.length;
            this.emit({
              type: 'document.changed',
              documentId: doc.id,
              revisionId: revisions[i],
              reason: 'suggestions',
            });
          });
          info.done += ids.length;
          info.progress = info.done / info.total;
          delete info.step;
          progress(true, ids[ids.length - 1]);
        }
      } finally {
        await session.close();
      }
      info.state = abort.signal.aborted ? 'cancelled' : 'done';
      if (info.state === 'done') info.progress = 1;
    } catch (error) {
      const aborted = abort.signal.aborted || (error as Error).name === 'AbortError';
      info.state = aborted ? 'cancelled' : 'failed';
      if (!aborted) info.error = (error as Error).message;
    }
    delete info.step;
    this.store.events.append({
      type: 'preannotate',
      actor,
      projectId,
      payload: { state: info.state, done: info.done, total: info.total, spans: info.spans, error: info.error ?? null },
    });
    this.emit({ type: 'job.finished', job: { ...info } });
  }
}
