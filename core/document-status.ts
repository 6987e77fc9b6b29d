// The document statuses and what they mean, owned here: the contract's schema, the database, the services, the CLI
// and the UI all take them from this file (the database's CHECK constraint, in migration 0001, lists the same six).

/** A document's place in the annotation workflow, in the order the UI lists them. */
export const DOCUMENT_STATUSES = ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'] as const;
/** One of DOCUMENT_STATUSES. */
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Statuses with nothing left to do (the complement of UNFINISHED_STATUSES): the queue and pre-annotation pass them by. */
export const FINISHED_STATUSES = ['done', 'reviewed', 'skipped'] as const satisfies readonly DocumentStatus[];
/** Statuses still to annotate: what the queue ranks and a pre-annotation job covers. */
export const UNFINISHED_STATUSES = ['new', 'pre-annotated', 'in_progress'] as const satisfies readonly DocumentStatus[];
/** Statuses a person sets (documents.setStatus): new and pre-annotated are the workbench's own. */
export const SETTABLE_STATUSES = [
  'in_progress',
  'done',
  'reviewed',
  'skipped',
] as const satisfies readonly DocumentStatus[];
/** Statuses whose annotation is a person's answer: what training learns from and an export writes by default. */
export const ANSWERED_STATUSES = ['done', 'reviewed'] as const satisfies readonly DocumentStatus[];

/** True when `value` names a status. */
export function isDocumentStatus(value: string): value is DocumentStatus {
  return (DOCUMENT_STATUSES as readonly string[]).includes(value);
}

/** Which documents an export writes: done (done + reviewed), reviewed, or all. */
export const EXPORT_SCOPES = ['done', 'reviewed', 'all'] as const;
/** One of EXPORT_SCOPES. */
export type ExportScope = (typeof EXPORT_SCOPES)[number];

/** The statuses each export scope takes. */
export const SCOPE_STATUSES: Record<ExportScope, readonly DocumentStatus[]> = {
  done: ANSWERED_STATUSES,
  reviewed: ['reviewed'],
  all: DOCUMENT_STATUSES,
};
