// Suggestions from the first finished document on (issue 12, point 4): a lexicon of what the annotators marked in
// the project's finished (done or reviewed) documents (core/lexicon), kept in memory per project and updated when a
// document is finished, reopened, or edited while finished. When an update brings new (surface form, label) pairs,
// the project's unfinished documents that contain them get a fresh lexicon run, stored as a suggestion like a
// model's (model name `workbench:lexicon`, version = the lexicon's version), in the background: texts are scanned in slices
// and written in short transactions, with the event loop's turn between them (no transaction spans an await).
//
// Whose suggestions a document keeps (docs/lexicon.md): a document whose latest run is the lexicon's, or that has
// none, gets the new run. A document whose latest run came from a model trained for this project keeps it unless
// the lexicon's held-out F1 (core/lexicon/evaluate.ts, the same every-fifth split as fine-tuning) is higher than
// the model's; a run that cannot be compared (the embedded model, another package, imported predictions) is never
// hidden by the lexicon.
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { Entity } from '../../core/document.js';
import { heldoutScores } from '../../core/lexicon/evaluate.js';
import { DEFAULT_MIN_SCORE, Lexicon } from '../../core/lexicon/lexicon.js';
import { syllables } from '../../core/lexicon/surface.js';
import { DocumentTextRepository } from '../../db/repositories/document-texts.js';
import type { Suggestion } from '../../db/repositories/suggestions.js';
import type { Store } from '../../db/store.js';
import { refreshSummary, suggestionLabels } from './document-summary.js';
import { pendingSuggestions } from './pending-suggestions.js';
import { nextTurn } from '../time-slice.js';

// Prefixed like the other non-registry sources (`import:FILE`), so no engine's model name can be taken for it.
export const LEXICON_MODEL = 'workbench:lexicon';
const FINISHED = ['done', 'reviewed'] as const;
const UNFINISHED = ['new', 'pre-annotated', 'in_progress'] as const;
const SETTINGS_EVENT = 'lexicon.settings';
// Rows read per statement while scanning texts, and the longest a write transaction (or a stretch of matching) may
// hold the event loop before yielding.
const SLICE = 2_000;
const TURN_MS = 8;
// Documents found before they are written (one transaction, or a few when they take longer than TURN_MS).
const BATCH = 64;

export interface LexiconSettings {
  /** Off: no lexicon suggestions in any project (default on). Per project: `setEnabled`. */
  enabled?: boolean;
  /** Suggestions scored below this are left out (core/lexicon DEFAULT_MIN_SCORE otherwise). */
  minScore?: number;
}

interface ProjectLexicon {
  lexicon: Lexicon;
  /** The lexicon's held-out F1, for the lexicon version it was measured on. */
  heldout?: { version: string; f1: number };
  /** Whether every unfinished document has been matched against this lexicon once (`sweep`). */
  swept?: boolean;
}

/** Yields to the event loop once TURN_MS of work have passed since the last turn. */
class Pacer {
  private since = performance.now();

  due(): boolean {
    return performance.now() - this.since >= TURN_MS;
  }

  async pace(): Promise<void> {
    if (!this.due()) return;
    await nextTurn();
    this.since = performance.now();
  }
}
const spanKey = (s: { label: string; start: number; end: number }) => `${s.label}@${s.start}-${s.end}`;

export class LexiconService {
  private readonly projects = new Map<number, ProjectLexicon>();
  private readonly building = new Map<number, Promise<ProjectLexicon>>();
  private readonly switches = new Map<number, boolean>();
  private readonly texts: DocumentTextRepository;
  private queue: Promise<void> = Promise.resolve();
  /** Queued updates not started yet: a sweep steps aside for them (a document just marked done comes first). */
  private waiting = 0;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly emit: (event: WorkbenchEvent) => void,
    private readonly actor: string,
    private readonly settings: LexiconSettings = {},
  ) {
    this.texts = new DocumentTextRepository(store.db);
  }

  /**
   * Whether the lexicon suggests in this project (the latest `lexicon.settings` event, else on). Read each time (an
   * index seek), so a switch another process made (`workbench settings --lexicon`) holds here too: switched off, the
   * project's lexicon is dropped; switched back on, it is rebuilt and the unfinished documents swept.
   */
  enabled(projectId: number): boolean {
    if (this.settings.enabled === false) return false;
    const on =
      (this.store.events.latestPayload(SETTINGS_EVENT, projectId) as { enabled?: boolean } | undefined)?.enabled !==
      false;
    const was = this.switches.get(projectId);
    this.switches.set(projectId, on);
    if (was !== undefined && was !== on) {
      if (on) this.invalidate(projectId);
      else this.projects.delete(projectId);
    }
    return on;
  }

  /** Turns the lexicon on or off for a project (kept in the event log, so it outlives the process). */
  setEnabled(projectId: number, enabled: boolean, actor = this.actor): void {
    this.store.events.append({ type: SETTINGS_EVENT, actor, projectId, payload: { enabled } });
    this.switches.set(projectId, enabled);
    if (!enabled) this.projects.delete(projectId);
  }

  /** A document's status or annotations changed (committed): update the lexicon and re-suggest, in the background. */
  documentChanged(documentId: number): void {
    this.enqueue(() => this.update(documentId));
  }

  /**
   * Forget a project's lexicon (documents came in by import, labels were renamed): it is rebuilt, and every
   * unfinished document matched against it, in the background.
   */
  invalidate(projectId: number): void {
    this.projects.delete(projectId);
    this.enqueue(() => this.sweep(projectId));
  }

  /** Resolves when every queued update has finished, including work they queued (tests, benchmarks, shutdown). */
  async settled(): Promise<void> {
    for (let queue = this.queue; ; queue = this.queue) {
      await queue;
      if (queue === this.queue) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  /** The project's lexicon, built from its finished documents on first use. */
  async lexiconOf(projectId: number, except?: number): Promise<Lexicon> {
    return (await this.state(projectId, except)).lexicon;
  }

  private enqueue(work: () => Promise<void>): void {
    // One update at a time, in order; a failed one is logged and does not stop the next.
    this.waiting++;
    this.queue = this.queue
      .then(() => {
        this.waiting--;
        return work();
      })
      .catch((error: unknown) => {
        if (!this.closed) console.error(`lexicon suggestions: ${(error as Error).stack ?? error}`);
      });
  }

  private async state(projectId: number, except?: number): Promise<ProjectLexicon> {
    const state = this.projects.get(projectId);
    if (state) return state;
    // One build at a time per project, whoever asks (the queue, or `lexiconOf` from outside it).
    let building = this.building.get(projectId);
    if (!building) {
      building = this.build(projectId, except).finally(() => this.building.delete(projectId));
      this.building.set(projectId, building);
    }
    return building;
  }

  private async build(projectId: number, except?: number): Promise<ProjectLexicon> {
    // Two passes as Lexicon.build does (the entries, then their occurrences in every document), yielding between.
    const lexicon = new Lexicon();
    const pacer = new Pacer();
    const seen: { id: number; text: string }[] = [];
    for (const doc of this.store.documents.current(projectId, FINISHED, 100)) {
      if (doc.id === except) continue;
      lexicon.addDocument(doc.id, doc.text, doc.entities, false);
      seen.push({ id: doc.id, text: doc.text });
      await pacer.pace();
    }
    for (const doc of seen) {
      lexicon.countIn(doc.id, doc.text);
      await pacer.pace();
    }
    const state: ProjectLexicon = { lexicon };
    this.projects.set(projectId, state);
    return state;
  }

  private async update(documentId: number): Promise<void> {
    if (this.closed) return;
    const at = this.store.documents.locate(documentId);
    if (!at || !this.enabled(at.projectId)) return;
    const projectId = at.projectId;
    const finished = (doc: { status: string } | undefined) =>
      doc !== undefined && (FINISHED as readonly string[]).includes(doc.status);
    // An edit of an unfinished document changes nothing the lexicon holds, but it is the sign that a document of the
    // project may soon be marked done: the lexicon is built now (in the background), not when that happens.
    if (!this.projects.has(projectId) && !finished(this.store.documents.get(documentId))) {
      await this.state(projectId);
      this.enqueue(() => this.sweep(projectId));
      return;
    }
    const state = await this.state(projectId, documentId);
    const doc = this.store.documents.get(documentId); // read again: the build yielded
    if (!doc || !finished(doc)) {
      state.lexicon.removeDocument(documentId);
      return;
    }
    const change = state.lexicon.addDocument(documentId, doc.text, doc.entities);
    if (change.newKeys.length > 0) await this.backfill(projectId, state.lexicon, documentId, change.newKeys);
    if (change.newPairs.length > 0)
      await this.resuggest(projectId, state, new Set(change.newPairs.map((p) => p.key)), documentId);
    if (!state.swept) this.enqueue(() => this.sweep(projectId));
  }

  /**
   * Matches every unfinished document against a lexicon built in this process once (finished documents may have
   * come in by import, or from before lexicon suggestions existed); documents whose pending suggestions it would not
   * change are not written.
   */
  private async sweep(projectId: number): Promise<void> {
    if (this.closed || !this.enabled(projectId)) return;
    const state = await this.state(projectId);
    if (state.swept) return;
    state.swept = true;
    if (state.lexicon.entryCount > 0) await this.sweepFrom(projectId, state, 0);
  }

  // The sweep from document id `after` on; it stops for queued updates and queues its own continuation behind them.
  private async sweepFrom(projectId: number, state: ProjectLexicon, after: number): Promise<void> {
    if (this.closed || this.projects.get(projectId) !== state || !this.enabled(projectId)) return;
    const resume = await this.scan(projectId, state, undefined, after, Number.MAX_SAFE_INTEGER, () => this.waiting > 0);
    if (resume !== undefined) this.enqueue(() => this.sweepFrom(projectId, state, resume));
  }

  // Counts keys new to the lexicon in the other finished documents, so their scores are right.
  private async backfill(projectId: number, lexicon: Lexicon, except: number, keys: string[]): Promise<void> {
    const holds = Lexicon.prefilter(keys);
    const only = new Set(keys);
    const pacer = new Pacer();
    for (let after = 0; ;) {
      if (this.closed) return;
      const rows = this.texts.slice(projectId, FINISHED, after, Number.MAX_SAFE_INTEGER, SLICE);
      for (const row of rows) {
        if (row.id !== except && lexicon.has(row.id) && holds(row.text)) lexicon.countIn(row.id, row.text, only);
        await pacer.pace();
      }
      if (rows.length < SLICE) return;
      after = rows[rows.length - 1].id;
      await pacer.pace();
    }
  }

  // Unfinished documents holding one of `keys` get a new lexicon run; the documents after `from` first (the ones an
  // annotator opens next), then those before it.
  private async resuggest(projectId: number, state: ProjectLexicon, keys: Set<string>, from: number): Promise<void> {
    await this.scan(projectId, state, keys, from, Number.MAX_SAFE_INTEGER);
    await this.scan(projectId, state, keys, 0, from);
  }

  /**
   * Gives the unfinished documents with ids in (after, last] that hold one of `keys` (any key when undefined) a new
   * lexicon run. Returns the id to resume after when `interrupt` stopped it, else undefined.
   */
  private async scan(
    projectId: number,
    state: ProjectLexicon,
    keys: Set<string> | undefined,
    first: number,
    last: number,
    interrupt?: () => boolean,
  ): Promise<number | undefined> {
    const holds = keys ? Lexicon.prefilter(keys) : () => true;
    const pacer = new Pacer();
    let wrote = false;
    for (let after = first; ;) {
      if (this.closed) return undefined;
      const rows = this.texts.slice(projectId, UNFINISHED, after, last, SLICE);
      let pending: number[] = [];
      for (const row of rows) {
        if (holds(row.text) && state.lexicon.occurrences(syllables(row.text), keys).length > 0) pending.push(row.id);
        // The first document found is written at once (the one an annotator opens next); then in batches, since
        // every commit waits for the disk (synchronous = FULL).
        if (pending.length >= (wrote ? BATCH : 1)) {
          pending = await this.write(projectId, state, pending);
          wrote = true;
        }
        if (interrupt?.()) {
          await this.write(projectId, state, pending);
          return row.id;
        }
        await pacer.pace();
      }
      await this.write(projectId, state, pending);
      if (rows.length < SLICE) return undefined;
      after = rows[rows.length - 1].id;
      await pacer.pace();
    }
  }

  // Writes lexicon runs for `ids` in transactions of at most TURN_MS each, yielding between; returns [] when done.
  private async write(projectId: number, state: ProjectLexicon, ids: number[]): Promise<number[]> {
    let i = 0;
    const heldoutF1 = ids.length === 0 ? undefined : await this.heldoutIfNeeded(projectId, state, ids);
    while (i < ids.length) {
      if (this.closed || !this.enabled(projectId)) return [];
      const started = performance.now();
      const changed: { documentId: number; revisionId: number | null }[] = [];
      const version = state.lexicon.version;
      this.store.transaction(() => {
        for (; i < ids.length && performance.now() - started < TURN_MS; i++) {
          const written = this.suggest(projectId, state.lexicon, ids[i], version, heldoutF1);
          if (written) changed.push(written);
        }
      });
      for (const c of changed)
        this.emit({
          type: 'document.changed',
          documentId: c.documentId,
          revisionId: c.revisionId,
          reason: 'suggestions',
        });
      if (i < ids.length) await nextTurn();
    }
    return [];
  }

  /** One document's lexicon run, inside the caller's transaction; undefined when nothing was written. */
  private suggest(
    projectId: number,
    lexicon: Lexicon,
    documentId: number,
    version: string,
    heldoutF1: number | undefined,
  ): { documentId: number; revisionId: number | null } | undefined {
    // Read again inside the transaction: an edit, a status change or a model run may have happened meanwhile.
    const doc = this.store.documents.get(documentId);
    if (!doc || !(UNFINISHED as readonly string[]).includes(doc.status)) return undefined;
    const runs = this.store.suggestions.forDocument(documentId);
    const latest = runs[runs.length - 1];
    if (latest && latest.modelName !== LEXICON_MODEL && !this.lexiconBeats(projectId, latest, heldoutF1))
      return undefined;
    // What a person rejected stays rejected; what is already an entity is not suggested again. Stored labels are read
    // through the project's label mapping (a rename or merge since), as the editor shows them.
    const mapLabel = suggestionLabels(this.store, documentId);
    const declined = new Set<string>();
    for (const run of runs)
      for (const span of run.spans)
        if (span.outcome === 'rejected') declined.add(spanKey({ ...span, label: mapLabel(span.label) }));
    for (const e of doc.entities) declined.add(spanKey(e));
    const spans = lexicon
      .match(doc.text, { minScore: this.settings.minScore ?? DEFAULT_MIN_SCORE })
      .filter((s) => !declined.has(spanKey(s)));
    if (spans.length === 0) return undefined;
    if (latest?.modelName === LEXICON_MODEL && sameSpans(pendingSuggestions(doc.entities, runs, mapLabel), spans))
      return undefined;
    this.store.suggestions.add({ documentId, modelId: null, modelName: LEXICON_MODEL, modelVersion: version, spans });
    if (doc.status === 'new') this.store.documents.setStatus(documentId, 'pre-annotated');
    refreshSummary(this.store, documentId);
    return { documentId, revisionId: doc.revisionId };
  }

  /** The held-out F1 of a model trained for this project, when it has one (models table metrics, fine-tune-service.ts). */
  private modelF1(projectId: number, modelId: number | null): number | undefined {
    if (modelId === null) return undefined;
    const model = this.store.models.get(modelId);
    if (!model || model.projectId !== projectId) return undefined;
    const f1 = (model.metrics as { heldoutF1?: unknown } | null)?.heldoutF1;
    return typeof f1 === 'number' && Number.isFinite(f1) ? f1 : undefined;
  }

  private lexiconBeats(projectId: number, run: Suggestion, heldoutF1: number | undefined): boolean {
    const modelF1 = this.modelF1(projectId, run.modelId);
    return modelF1 !== undefined && heldoutF1 !== undefined && heldoutF1 > modelF1;
  }

  // The lexicon's held-out F1, measured only when one of `ids` holds a run of a model trained for this project.
  private async heldoutIfNeeded(projectId: number, state: ProjectLexicon, ids: number[]): Promise<number | undefined> {
    const version = state.lexicon.version;
    if (state.heldout?.version === version) return state.heldout.f1;
    const needed = ids.some((id) => {
      const runs = this.store.suggestions.forDocument(id);
      const latest = runs[runs.length - 1];
      return (
        latest !== undefined &&
        latest.modelName !== LEXICON_MODEL &&
        this.modelF1(projectId, latest.modelId) !== undefined
      );
    });
    if (!needed) return undefined;
    const docs: { text: string; entities: Entity[] }[] = [];
    let started = performance.now();
    for (const doc of this.store.documents.current(projectId, FINISHED, 100)) {
      docs.push({ text: doc.text, entities: doc.entities });
      if (performance.now() - started > TURN_MS) {
        await nextTurn();
        started = performance.now();
      }
    }
    const f1 = heldoutScores(docs, 5, { minScore: this.settings.minScore ?? DEFAULT_MIN_SCORE })?.f1 ?? 0;
    state.heldout = { version, f1 };
    return f1;
  }
}

// Whether the latest run's pending spans are exactly `spans` (then a new run would change nothing on screen).
function sameSpans(
  pending: readonly { label: string; start: number; end: number }[],
  spans: readonly Entity[],
): boolean {
  if (pending.length !== spans.length) return false;
  const keys = new Set(pending.map(spanKey));
  return spans.every((s) => keys.has(spanKey(s)));
}
