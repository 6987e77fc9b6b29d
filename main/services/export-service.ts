// Exports a project's documents (their latest revision) to a format, streaming from the database to the file.
import type { Codec, FormatId } from '../../core/codecs/codec.js';
import { codecFor } from '../../core/codecs/registry.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import type { CurrentDocument, DocumentStatus } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';
import { writeOutput } from '../io/write-output.js';
import { IssueLog } from './issue-log.js';

export const EXPORT_SCOPES = ['done', 'reviewed', 'all'] as const;
export type ExportScope = (typeof EXPORT_SCOPES)[number];

const SCOPE_STATUSES: Record<ExportScope, readonly DocumentStatus[]> = {
  done: ['done', 'reviewed'],
  reviewed: ['reviewed'],
  all: ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'],
};

export interface ExportOptions {
  projectId: number;
  format: FormatId | Codec;
  variant?: string;
  /** Which documents: done (done + reviewed, the default), reviewed, or all. */
  scope?: ExportScope;
  actor?: string;
}

export interface ExportSummary {
  docs: number;
  entities: number;
  /** Documents of the project the scope left out. */
  leftOut: number;
  files: number;
  bytes: number;
  errors: number;
  warnings: number;
  /** What the format could not hold as it was (first few hundred). */
  issues: Issue[];
}

/** A stored document as the codecs see it. (The split is not added to meta: codecs write meta back verbatim.) */
function toDoc(doc: CurrentDocument, name: string): Doc {
  return { name, text: doc.text, entities: doc.entities, ...(doc.tokens ? { tokens: doc.tokens } : {}), ...(doc.meta ? { meta: doc.meta } : {}) };
}

/**
 * The name a document gets in an export. Record names repeat across source files (line 12 of train and of dev).
 * A multi-file format names files after documents, so a repeated name gets its source's stem; a single-file format
 * numbers records, so when any name repeats every record is named by its position (which line formats then omit).
 */
function exportName(doc: CurrentDocument, position: number, repeated: ReadonlySet<string>, multiFile: boolean): string {
  if (repeated.size === 0) return doc.name;
  if (multiFile) return repeated.has(doc.name) ? `${stem(doc.source)}-${doc.name}` : doc.name;
  return String(position);
}

function stem(source: string): string {
  return source.replace(/\.[^./]*$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '_');
}

/** Writes the project's documents in `scope` to `dest` (a file, or a folder for multi-file formats). */
export async function exportProject(store: Store, dest: string, options: ExportOptions): Promise<ExportSummary> {
  const codec = typeof options.format === 'string' ? codecFor(options.format) : options.format;
  const statuses = SCOPE_STATUSES[options.scope ?? 'done'];
  const repeated = store.documents.repeatedNames(options.projectId, statuses);
  const log = new IssueLog();
  let docs = 0;
  let entities = 0;
  async function* stream(): AsyncGenerator<Doc> {
    for (const doc of store.documents.current(options.projectId, statuses)) {
      docs++;
      entities += doc.entities.length;
      yield toDoc(doc, exportName(doc, docs, repeated, codec.multiFile));
    }
  }
  const written = await writeOutput(dest, codec.encode(stream(), { variant: options.variant, report: (issue) => log.add(issue) }), {
    multiFile: codec.multiFile,
  });
  const total = store.stats.totals(options.projectId).documents;
  const summary: ExportSummary = {
    docs, entities, leftOut: total - docs, files: written.files, bytes: written.bytes,
    errors: log.errors, warnings: log.warnings, issues: log.summary(dest),
  };
  store.events.append({
    type: 'export', actor: options.actor ?? 'cli', projectId: options.projectId,
    payload: { dest, format: codec.id, variant: options.variant ?? null, scope: options.scope ?? 'done', docs, entities, issues: log.total },
  });
  return summary;
}
