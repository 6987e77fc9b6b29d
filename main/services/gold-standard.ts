// The records a team project's gold standard and its annotators' versions are exported from (issue 15).
// Gold: a document a curator has written gold for gives its shared line's latest revision (curators' saves are that
// line's gold revisions; what follows a gold revision there is curators' and admins' work too: further gold, label
// rewrites). A document without gold gives, unless gold only, its answered annotation: the shared line when the
// document's status is in scope (imported or single-user answers), else the one annotator's line when exactly one
// annotator has finished it (the singly-annotated bulk of a team corpus). A document that two or more annotators
// finished and no curator has settled is left out and counted: which version is right is the curator's call.
import type { DocumentStatus } from '../../core/document-status.js';
import { ANSWERED_STATUSES, DOCUMENT_STATUSES } from '../../core/document-status.js';
import type { Entity } from '../../core/document.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';

/** Where a record's annotation came from. */
export type RecordSource = 'gold' | 'shared' | 'annotator';

export interface StandardRecord {
  doc: CurrentDocument;
  entities: Entity[];
  source: RecordSource;
  /** The annotator whose line it is (annotator records). */
  author?: string;
}

export interface GoldOptions {
  /** Statuses an answered annotation (shared status or annotator's line status) must have; default done + reviewed. */
  statuses?: readonly DocumentStatus[];
  /** Only curated gold: no fallback to the answered annotation. */
  goldOnly?: boolean;
}

/** Counts of what a gold selection took and left, filled while its records are read. */
export interface GoldTally {
  gold: number;
  shared: number;
  annotator: number;
  /** Documents finished by two or more annotators with no gold yet (left out: they await curation). */
  awaitingCuration: number;
}

export function emptyTally(): GoldTally {
  return { gold: 0, shared: 0, annotator: 0, awaitingCuration: 0 };
}

/** The project's gold standard, one record per document that has one, in document order. */
export function* goldRecords(
  store: Store,
  projectId: number,
  options: GoldOptions = {},
  tally: GoldTally = emptyTally(),
): Generator<StandardRecord> {
  const answered = new Set<DocumentStatus>(options.statuses ?? ANSWERED_STATUSES);
  const gold = store.curation.goldDocuments(projectId);
  const heads = options.goldOnly ? new Map() : store.curation.lineHeads(projectId);
  for (const doc of store.documents.current(projectId, DOCUMENT_STATUSES)) {
    if (gold.has(doc.id)) {
      tally.gold++;
      yield { doc, entities: doc.entities, source: 'gold' };
      continue;
    }
    if (options.goldOnly) continue;
    const finished = (heads.get(doc.id) ?? []).filter((h: { status: DocumentStatus }) => answered.has(h.status));
    if (finished.length > 1) tally.awaitingCuration++;
    else if (finished.length === 1) {
      tally.annotator++;
      yield { doc, entities: finished[0].entities, source: 'annotator', author: finished[0].line };
    } else if (answered.has(doc.status)) {
      tally.shared++;
      yield { doc, entities: doc.entities, source: 'shared' };
    }
  }
}

/** Every annotator's version: one record per (document, annotator line) whose status is in `statuses`. */
export function* annotatorRecords(
  store: Store,
  projectId: number,
  statuses: readonly DocumentStatus[] = ANSWERED_STATUSES,
): Generator<StandardRecord> {
  const wanted = new Set(statuses);
  const heads = store.curation.lineHeads(projectId);
  for (const doc of store.documents.current(projectId, DOCUMENT_STATUSES))
    for (const head of heads.get(doc.id) ?? [])
      if (wanted.has(head.status)) yield { doc, entities: head.entities, source: 'annotator', author: head.line };
}

/**
 * What training learns from: the gold standard with its fallback (done and reviewed answers), each document with the
 * entities of its record. For a single-user project that is exactly its done and reviewed documents, as before; in
 * a team project a curator's gold wins over the shared line, and a document one annotator finished counts.
 */
export function trainingDocuments(store: Store, projectId: number): CurrentDocument[] {
  return [...goldRecords(store, projectId, { statuses: ANSWERED_STATUSES })].map((r) => ({
    ...r.doc,
    entities: r.entities,
  }));
}
