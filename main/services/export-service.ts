// Exports a project's documents (their latest revision) to a format, streaming from the database to the file.
// Never destructive: an existing file or non-empty folder is written over only when asked (and a folder is never
// removed), and the workbench's own data folder and database are refused as destinations.
import { join } from 'node:path';
import type { Codec, FormatId } from '../../core/codecs/codec.js';
import { codecFor } from '../../core/codecs/registry.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import { SCOPE_STATUSES, type ExportScope } from '../../core/document-status.js';
import type { Store } from '../../db/store.js';
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
  files: number;
  bytes: number;
  errors: number;
  warnings: number;
  /** What the format could not hold as it was (first few hundred). */
  issues: Issue[];
}

/** A stored document as the codecs see it. (The split is not added to meta: codecs write meta back verbatim.) */
function toDoc(doc: CurrentDocument, name: string): Doc {
  return {
    name,
    text: doc.text,
    entities: doc.entities,
    ...(doc.tokens ? { tokens: doc.tokens } : {}),
    ...(doc.meta ? { meta: doc.meta } : {}),
  };
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
  const project = store.projects.byId(options.projectId);
  const name = exportBaseName(project?.name ?? `project-${options.projectId}`, scope);
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
  const repeated = store.documents.repeatedNames(options.projectId, statuses);
  const log = new IssueLog();
  let docs = 0;
  let entities = 0;
  // Reading and encoding are synchronous; slices keep other callers answered during a large export. The pages of
  // `current` hold no statement open across a yield, so the connection stays free for them.
  const slice = new TimeSlice();
  async function* stream(): AsyncGenerator<Doc> {
    for (const doc of store.documents.current(options.projectId, statuses)) {
      await slice.pass();
      docs++;
      entities += doc.entities.length;
      yield toDoc(doc, exportName(doc, docs, repeated, codec.multiFile));
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
    leftOut: total - docs,
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
      overwrite: options.overwrite ?? false,
      docs,
      entities,
      issues: log.total,
    },
  });
  return summary;
}
