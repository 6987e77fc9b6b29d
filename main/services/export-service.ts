// Exports a project's documents (their latest revision, or a team project's gold standard or annotators' versions:
// gold-standard.ts) to a format, streaming from the database to the file.
// Never destructive: an existing file or non-empty folder is written over only when asked (and a folder is never
// removed), and the workbench's own data folder and database are refused as destinations.
import { join } from 'node:path';
import { AUTHOR_META, type Codec, type FormatId } from '../../core/codecs/codec.js';
import { codecFor, codecs } from '../../core/codecs/registry.js';
import { ContractError } from '../../core/contract/errors.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import {
  DOCUMENT_STATUSES,
  SCOPE_STATUSES,
  type DocumentStatus,
  type ExportScope,
} from '../../core/document-status.js';
import type { ExportLines } from '../../core/export-lines.js';
import type { Entity } from '../../core/document.js';
import type { Store } from '../../db/store.js';
import { annotatorRecords, emptyTally, goldRecords, type StandardRecord } from './gold-standard.js';
import { destinationGuard, exportBaseName, namesFolder, resolveDestination } from '../io/export-destination.js';
import { writeOutput } from '../io/write-output.js';
import { IssueLog } from './issue-log.js';
import { TimeSlice } from '../time-slice.js';

export interface ExportOptions {
  projectId: number;
  format: FormatId | Codec;
  variant?: string;
  /** Which documents: done (done + reviewed, the default), reviewed, or all. */
  scope?: ExportScope;
  /** Which annotation of each document: the shared line (default), the gold standard, or every annotator's. */
  lines?: ExportLines;
  /** With lines `gold`: only curated gold, no fallback to the answered annotation. */
  goldOnly?: boolean;
  actor?: string;
  /** Write over an existing file, or into a non-empty folder (same-named files replaced, nothing else removed). */
  overwrite?: boolean;
  /** What a relative destination resolves against (default: the current folder); `~` is always the home folder. */
  base?: string;
  /** The workbench data folder: the default destination is its exports/; it and all it holds but exports/ are refused. */
  dataDir?: string;
}

export interface ExportSummary {
  /** The absolute path written: the file, or the folder of files. */
  destination: string;
  docs: number;
  entities: number;
  /** Documents of the project the scope left out. */
  leftOut: number;
  /** Gold export: documents two or more annotators finished that no curator has settled yet (left out). */
  awaitingCuration: number;
  files: number;
  bytes: number;
  errors: number;
  warnings: number;
  /** What the format could not hold as it was (first few hundred). */
  issues: Issue[];
}

/**
 * A stored document as the codecs see it, with the entities of the line exported and, for an annotator's version,
 * its author in meta. (The split is not added to meta: codecs write meta back verbatim.)
 */
export function toDoc(doc: CurrentDocument, name: string, entities: Entity[] = doc.entities, author?: string): Doc {
  const meta = author === undefined ? doc.meta : { ...doc.meta, [AUTHOR_META]: author };
  return {
    name,
    text: doc.text,
    entities,
    ...(doc.tokens ? { tokens: doc.tokens } : {}),
    ...(meta ? { meta } : {}),
  };
}

/** The formats whose records can name their author (what an annotators' export needs). */
export const AUTHOR_FORMATS: readonly FormatId[] = Object.values(codecs)
  .filter((c) => c.carriesAuthor)
  .map((c) => c.id);

/** The records an export reads, by `lines`; refuses an annotators' export to a format that cannot name authors. */
function recordsOf(
  store: Store,
  options: ExportOptions,
  codec: Codec,
  statuses: readonly DocumentStatus[],
  tally: ReturnType<typeof emptyTally>,
): Iterable<StandardRecord> {
  const lines = options.lines ?? 'shared';
  if (lines === 'gold')
    return goldRecords(store, options.projectId, { statuses, goldOnly: options.goldOnly ?? false }, tally);
  if (lines === 'annotators') {
    if (!codec.carriesAuthor)
      throw new ContractError(
        'invalid',
        `${codec.title} has no place for a record's author, so annotators' versions cannot be told apart in it; ` +
          `export them as ${AUTHOR_FORMATS.join(', ')}`,
        'format',
      );
    return annotatorRecords(store, options.projectId, statuses);
  }
  return (function* () {
    for (const doc of store.documents.current(options.projectId, statuses))
      yield { doc, entities: doc.entities, source: 'shared' as const };
  })();
}

/**
 * The name a document gets in an export. Record names repeat across source files (line 12 of train and of dev).
 * A multi-file format names files after documents, so a repeated name gets its source's stem; a single-file format
 * numbers records, so when any name repeats every record is named by its position (which line formats then omit).
 */
export function exportName(
  doc: CurrentDocument,
  position: number,
  repeated: ReadonlySet<string>,
  multiFile: boolean,
): string {
  if (repeated.size === 0) return doc.name;
  if (multiFile) return repeated.has(doc.name) ? `${stem(doc.source)}-${doc.name}` : doc.name;
  return String(position);
}

function stem(source: string): string {
  return source.replace(/\.[^./]*$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '_');
}

/**
 * Writes the project's documents in `scope` to `dest`: a file, or a folder for multi-file output. A one-file output
 * aimed at a folder (an existing one, or a path ending with a separator) gets `<project>-<scope>-<stamp><ext>`
 * inside it; no `dest` means a new such file or folder in the data folder's exports/.
 */
export async function exportProject(
  store: Store,
  dest: string | undefined,
  options: ExportOptions,
): Promise<ExportSummary> {
  const codec = typeof options.format === 'string' ? codecFor(options.format) : options.format;
  const scope = options.scope ?? 'done';
  const statuses = SCOPE_STATUSES[scope];
  const lines = options.lines ?? 'shared';
  const tally = emptyTally();
  const records = recordsOf(store, options, codec, statuses, tally);
  const project = store.projects.byId(options.projectId);
  const name = exportBaseName(
    project?.name ?? `project-${options.projectId}`,
    lines === 'shared' ? scope : `${lines}-${scope}`,
  );
  if (dest === undefined && options.dataDir === undefined)
    throw new Error('exportProject: no destination and no data folder to put the export in');
  const target =
    dest === undefined
      ? { path: join(options.dataDir as string, 'exports'), folder: true, subfolder: name }
      : {
          path: resolveDestination(dest, options.base ?? process.cwd()),
          folder: namesFolder(dest),
          subfolder: undefined,
        };
  // A gold or annotators' export may take a document whatever its status: any repeat among them all counts.
  const repeated = store.documents.repeatedNames(options.projectId, lines === 'shared' ? statuses : DOCUMENT_STATUSES);
  const log = new IssueLog();
  let docs = 0;
  let entities = 0;
  const documents = new Set<number>();
  // Reading and encoding are synchronous; slices keep other callers answered during a large export. The pages of
  // `current` hold no statement open across a yield, so the connection stays free for them.
  const slice = new TimeSlice();
  async function* stream(): AsyncGenerator<Doc> {
    for (const record of records) {
      await slice.pass();
      docs++;
      entities += record.entities.length;
      documents.add(record.doc.id);
      yield toDoc(record.doc, exportName(record.doc, docs, repeated, codec.multiFile), record.entities, record.author);
    }
  }
  const written = await writeOutput(
    target.path,
    codec.encode(stream(), { variant: options.variant, report: (issue) => log.add(issue) }),
    {
      multiFile: codec.multiFile,
      overwrite: options.overwrite ?? false,
      fileName: `${name}${codec.extensions[0] ?? '.txt'}`,
      folder: target.folder,
      subfolder: target.subfolder,
      // better-sqlite3 keeps the file name the database was opened with.
      guard: destinationGuard({ dataDir: options.dataDir, dbPath: store.db.name }),
    },
  );
  const total = store.stats.totals(options.projectId).documents;
  const summary: ExportSummary = {
    destination: written.path,
    docs,
    entities,
    leftOut: total - documents.size,
    awaitingCuration: tally.awaitingCuration,
    files: written.files,
    bytes: written.bytes,
    errors: log.errors,
    warnings: log.warnings,
    issues: log.summary(written.path),
  };
  store.events.append({
    type: 'export',
    actor: options.actor ?? 'cli',
    projectId: options.projectId,
    payload: {
      dest: written.path,
      format: codec.id,
      variant: options.variant ?? null,
      scope,
      lines,
      ...(lines === 'gold' ? { goldOnly: options.goldOnly ?? false, ...tally } : {}),
      overwrite: options.overwrite ?? false,
      docs,
      entities,
      issues: log.total,
    },
  });
  return summary;
}
