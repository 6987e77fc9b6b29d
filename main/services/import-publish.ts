// Publishing a staged import (docs/data-safety.md): its staged records become documents, revisions and suggestions
// in short synchronous transactions, yielding to the event loop between them, so an editor save or a status change
// is never held up for long and never joins an import's transaction. Each batch records what it did, so a publish
// cut short by a crash is finished by the next process (roll forward); an import that never reached publishing is
// abandoned (its staged records dropped). Identity is checked when a record is published, not when it is staged,
// so two imports of the same file at once give one document per record.
import { performance } from 'node:perf_hooks';
import type { Entity, Range } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import type { DocumentStatus } from '../../core/document-status.js';
import type { ImportEntry, PublishCounts } from '../../db/repositories/imports.js';
import { currentOwner, ownerAlive } from '../../db/process-owner.js';
import type { Store } from '../../db/store.js';
import { ANY_MODEL, labelMapper } from '../../core/label-mapping.js';
import { summarizeNew } from './document-summary.js';
import { nextTurn } from '../time-slice.js';

/** One decoded, validated record as staged: everything publishing needs, decided at staging. */
export interface StagedRecord {
  name: string;
  text: string;
  hash: string;
  split: string | null;
  status: DocumentStatus;
  tokens?: Range[];
  meta?: Record<string, unknown>;
  /** A person's answer, stored as the first revision (null: the record holds none). */
  annotated: Entity[] | null;
  /** Model output the record carried, stored as one suggestion run. */
  suggested: Entity[];
  origin: { modelName: string; modelVersion: string };
}

/**
 * The time a publishing transaction may take: the event loop gets its turn at least that often. Records are read
 * per transaction in a number that follows how many the last one published (reading 500 to publish 40 spent more
 * time parsing staged JSON than publishing it).
 */
const PUBLISH_SLICE_MS = 10;
const READ_FIRST = 32;
const READ_MAX = 4000;
/** Staged records dropped per transaction when an import is abandoned. */
const DROP_BATCH = 5000;

export interface PublishHooks {
  /** Issues found while publishing (a record imported before with another text, a label added). */
  report?: (issue: Issue) => void;
  /** The path messages name; the import's source otherwise. */
  file?: string;
}

/** Publishes every staged record of import `id` (this process must own it) and returns what was done in total. */
export async function publishImport(store: Store, id: number, hooks: PublishHooks = {}): Promise<PublishCounts> {
  const entry = store.imports.get(id);
  if (!entry) throw new Error(`no import ${id}`);
  const file = hooks.file ?? entry.source;
  const counts = { ...entry.counts };
  const known = new Set(store.labels.list(entry.projectId).map((l) => l.name));
  const author = `import:${entry.source}`;
  let read = READ_FIRST;
  for (;;) {
    // Slices are not synced one by one: the import is acknowledged only after finishImport's commit, which is.
    const { done, published } = store.transaction(
      () => publishBatch(store, entry, counts, known, author, file, read, hooks.report),
      { durable: false },
    );
    if (done) {
      store.transaction(() => finishImport(store, entry, counts));
      return counts;
    }
    read = published === read ? Math.min(READ_MAX, 2 * read) : Math.max(READ_FIRST, Math.ceil(1.25 * published));
    await nextTurn();
  }
}

/** Publishes up to `read` staged records within the slice; done when none is left. */
function publishBatch(
  store: Store,
  entry: ImportEntry,
  counts: PublishCounts,
  known: Set<string>,
  author: string,
  file: string,
  read: number,
  report?: (issue: Issue) => void,
): { done: boolean; published: number } {
  const rows = store.imports.staged(entry.id, read);
  const now = new Date().toISOString();
  const mapLabel = labelMapper(store.labelMappings.list(entry.projectId), ANY_MODEL);
  const started = performance.now();
  let published = 0;
  for (const row of rows) {
    if (published > 0 && performance.now() - started > PUBLISH_SLICE_MS) break;
    published++;
    const record = JSON.parse(row.record) as StagedRecord;
    const existing = store.documents.findBySource(entry.projectId, entry.source, record.name);
    if (existing) {
      if (existing.contentHash === record.hash) counts.unchanged++;
      else {
        counts.changed++;
        report?.({
          severity: 'warning',
          file,
          line: row.line,
          field: 'text',
          message: `record "${record.name}" was imported before with a different text; the stored document is left as it was`,
        });
      }
      continue;
    }
    for (const entity of [...(record.annotated ?? []), ...record.suggested]) {
      if (known.has(entity.label)) continue;
      store.labels.add(entry.projectId, { name: entity.label });
      known.add(entity.label);
      report?.({
        severity: 'warning',
        file,
        line: row.line,
        field: 'label',
        message: `label "${entity.label}" was not in the project; added it`,
      });
    }
    const documentId = store.documents.insert(
      {
        projectId: entry.projectId,
        name: record.name,
        text: record.text,
        contentHash: record.hash,
        source: entry.source,
        sourceRef: record.name,
        split: record.split,
        status: record.status,
        tokens: record.tokens,
        meta: record.meta,
        summary: summarizeNew(record.annotated ?? [], record.suggested, mapLabel),
      },
      now,
    );
    if (record.annotated)
      store.revisions.append({ documentId, parentId: null, author, entities: record.annotated }, now);
    if (record.suggested.length > 0)
      store.suggestions.add({ documentId, modelId: null, ...record.origin, spans: record.suggested }, now);
    counts.imported++;
    counts.entities += record.annotated?.length ?? 0;
    counts.suggestedSpans += record.suggested.length;
  }
  if (published > 0) store.imports.dropStaged(entry.id, rows[published - 1].seq);
  store.imports.saveCounts(entry.id, counts);
  return { done: published === rows.length && rows.length < read, published };
}

/** The import's last, synced write: its event, and the import row gone. */
function finishImport(store: Store, entry: ImportEntry, counts: PublishCounts): void {
  if (counts.imported > 0) {
    store.projects.touch(entry.projectId);
    store.events.append(
      {
        type: 'import',
        actor: entry.actor,
        projectId: entry.projectId,
        payload: { ...counts, format: entry.format, importId: entry.id },
      },
      new Date().toISOString(),
    );
  }
  store.imports.finish(entry.id);
}

/** Drops an import's staged records (a few thousand per transaction) and then the import itself. */
// The import row goes last, so an abandon cut short is abandoned again by the next process.
export async function abandonImport(store: Store, id: number): Promise<void> {
  while (store.transaction(() => store.imports.dropSomeStaged(id, DROP_BATCH)) === DROP_BATCH) await nextTurn();
  store.transaction(() => store.imports.finish(id));
}

/**
 * Finishes what dead processes left: an import cut short while publishing is published, one cut short while staging
 * (or while being abandoned) is abandoned. Imports of live processes are left to them. Returns what it recovered.
 */
export async function recoverImports(
  store: Store,
  hooks: PublishHooks = {},
): Promise<{ published: number[]; abandoned: number[] }> {
  const me = currentOwner();
  const recovered = { published: [] as number[], abandoned: [] as number[] };
  for (const entry of store.imports.unfinished()) {
    if (entry.owner === me || ownerAlive(entry.owner)) continue;
    if (!store.transaction(() => store.imports.claim(entry.id, entry.owner, me))) continue; // another process took it
    if (entry.state === 'publishing') {
      await publishImport(store, entry.id, hooks);
      recovered.published.push(entry.id);
    } else {
      await abandonImport(store, entry.id);
      recovered.abandoned.push(entry.id);
    }
  }
  return recovered;
}
