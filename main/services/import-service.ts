// Imports files into a project, each file whole or not at all (docs/data-safety.md): the decoder's records are
// validated and staged in short transactions of their own, and only a file with no error is published (see
// import-publish.ts), so a broken file leaves the documents as they were and no other writer ever joins an import's
// transaction. With `skipInvalid` the valid records are kept and every issue goes to a JSON-lines report.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Carried, Codec, FormatId } from '../../core/codecs/codec.js';
import type { Doc } from '../../core/document.js';
import type { PublishCounts } from '../../db/repositories/imports.js';
import { InputError, type Issue } from '../../core/issues.js';
import { isDocumentStatus, type DocumentStatus } from '../../core/document-status.js';
import type { Store } from '../../db/store.js';
import { codecFor } from '../../core/codecs/registry.js';
import { fileInput } from '../io/read-source.js';
import { inputFiles, type InputFile } from '../io/input-files.js';
import { documentErrors, splitFromFileName } from './import-checks.js';
import { IssueLog } from './issue-log.js';
import { abandonImport, publishImport, type StagedRecord } from './import-publish.js';
import { currentOwner } from '../../db/process-owner.js';
import { TimeSlice } from '../time-slice.js';

export interface ImportOptions {
  projectId: number;
  /** A format id, or a codec object (tests, plug-ins). */
  format: FormatId | Codec;
  variant?: string;
  /** Split for every imported document; default: the record's own, else what the file name says. */
  split?: string;
  /** Status for every imported document; default: from what the record holds. */
  status?: DocumentStatus;
  skipInvalid?: boolean;
  /** Where the JSON-lines issue report goes (skipInvalid only); default: `<reportDir>/import-<time>.issues.jsonl`. */
  reportPath?: string;
  reportDir?: string;
  actor?: string;
}

/** What an import did, counted per file and in total. */
export interface ImportCounts {
  imported: number;
  unchanged: number;
  /** Records imported before whose text has changed since; reported and left alone. */
  changed: number;
  entities: number;
  suggestedSpans: number;
  errors: number;
  warnings: number;
}

export interface FileImport extends ImportCounts {
  file: string;
}

export interface ImportResult extends ImportCounts {
  files: FileImport[];
  /** First issues found (all of them are in the report). */
  issues: Issue[];
  /** The report file, when one was written. */
  reportPath?: string;
}

const NO_COUNTS: PublishCounts = { imported: 0, unchanged: 0, changed: 0, entities: 0, suggestedSpans: 0 };

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function metaString(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = meta?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Imports a file, or every matching file of a folder, into a project. Throws InputError when a file has errors. */
export async function importPath(store: Store, path: string, options: ImportOptions): Promise<ImportResult> {
  const codec = typeof options.format === 'string' ? codecFor(options.format) : options.format;
  const files = inputFiles(path, codec);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath = options.skipInvalid
    ? (options.reportPath ?? join(options.reportDir ?? '.', `import-${stamp}.issues.jsonl`))
    : undefined;
  const log = new IssueLog(reportPath);
  const result: ImportResult = {
    files: [],
    imported: 0,
    unchanged: 0,
    changed: 0,
    entities: 0,
    suggestedSpans: 0,
    errors: 0,
    warnings: 0,
    issues: [],
  };
  try {
    for (const file of files) {
      let counts: FileImport;
      try {
        counts = await importFile(store, codec, file, options, log);
      } catch (error) {
        // Files before this one are imported (each file whole or not at all); importing again skips them.
        if (error instanceof InputError && result.files.length > 0) {
          const done = `${result.files.length} earlier file(s) of ${path} were imported; fix this one and import ${path} again (what is there is skipped)`;
          throw new InputError([...error.issues, { severity: 'warning', file: path, message: done }]);
        }
        throw error;
      }
      result.files.push(counts);
      for (const key of ['imported', 'unchanged', 'changed', 'entities', 'suggestedSpans'] as const)
        result[key] += counts[key];
    }
  } finally {
    log.close();
  }
  result.errors = log.errors;
  result.warnings = log.warnings;
  result.issues = log.summary(path);
  if (log.wroteReport) result.reportPath = reportPath;
  return result;
}

/**
 * Buffers staged records and writes them in short transactions of their own (never one spanning an await). The
 * import row is created with the first batch, so a file refused early leaves the database byte for byte as it was.
 */
class Stager {
  private rows: { line: number; record: string }[] = [];
  private size = 0;
  private seq = 0;
  importId: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly entry: { projectId: number; source: string; format: string; actor: string },
  ) {}

  add(record: StagedRecord, line: number): void {
    const json = JSON.stringify(record);
    this.rows.push({ line, record: json });
    this.size += json.length;
    if (this.rows.length >= STAGE_BATCH || this.size >= STAGE_BATCH_CHARS) this.flush();
  }

  /** Writes what is buffered, and `then` in the same transaction; returns the import's id. */
  // Not synced: staged records are nobody's data until the import is published (and its last commit is synced).
  flush(then?: (importId: number) => void): number {
    const rows = this.rows;
    this.rows = [];
    this.size = 0;
    return this.store.transaction(
      () => {
        const id = (this.importId ??= this.store.imports.start(this.entry, currentOwner()));
        for (const row of rows) this.store.imports.stage(id, ++this.seq, row.line, row.record);
        then?.(id);
        return id;
      },
      { durable: false },
    );
  }

  /** Drops what was staged, if anything was. */
  async abandon(): Promise<void> {
    this.rows = [];
    if (this.importId !== undefined) await abandonImport(this.store, this.importId);
  }
}

// Staged records per transaction, and characters of JSON: both keep a transaction to a few milliseconds.
const STAGE_BATCH = 500;
const STAGE_BATCH_CHARS = 4_000_000;

async function importFile(
  store: Store,
  codec: Codec,
  file: InputFile,
  options: ImportOptions,
  log: IssueLog,
): Promise<FileImport> {
  const fileLog = new IssueLog(); // this file's issues, for the error thrown when it fails
  const report = (issue: Issue) => {
    log.add(issue);
    fileLog.add(issue);
  };
  const fileSplit = options.split ?? splitFromFileName(file.sourceName);
  // The codec says what a record carries (an answer, suggestions): the service knows no format.
  const recordOf = (doc: Doc, { answer, suggested, modelVersion }: Carried): StagedRecord => {
    const hasAnswer = answer !== null;
    const metaStatus = metaString(doc.meta, 'status');
    const status =
      options.status ??
      (metaStatus !== undefined && isDocumentStatus(metaStatus) ? metaStatus : undefined) ??
      (hasAnswer ? 'done' : suggested.length > 0 ? 'pre-annotated' : 'new');
    return {
      name: doc.name,
      text: doc.text,
      hash: sha256(doc.text),
      split: options.split ?? metaString(doc.meta, 'split') ?? fileSplit,
      status,
      ...(doc.tokens ? { tokens: [...doc.tokens] } : {}),
      ...(doc.meta ? { meta: doc.meta } : {}),
      annotated: answer,
      suggested,
      origin: { modelName: `import:${file.sourceName}`, modelVersion: modelVersion ?? 'unknown' },
    };
  };

  const actor = options.actor ?? `import:${file.sourceName}`;
  const stager = new Stager(store, { projectId: options.projectId, source: file.sourceName, format: codec.id, actor });
  let failed = false;
  // Decoding is synchronous between reads of the file; slices keep other callers answered meanwhile.
  const slice = new TimeSlice();
  try {
    for await (const event of codec.decode(fileInput(file.path), { variant: options.variant })) {
      await slice.pass();
      if (event.kind === 'issue') {
        report(event.issue);
        if (event.issue.severity === 'error' && !options.skipInvalid) failed = true;
        continue;
      }
      const carried = codec.carried(event.doc);
      const errors = documentErrors(event.doc, file.path, event.line, carried);
      errors.forEach(report);
      if (errors.length > 0) {
        if (!options.skipInvalid) failed = true;
        continue;
      }
      // After the first error the file will be abandoned: decode on only to find every issue.
      if (!failed) stager.add(recordOf(event.doc, carried), event.line);
    }
  } catch (error) {
    await stager.abandon();
    if (!(error instanceof InputError)) throw error;
    error.issues.forEach(report);
    if (!options.skipInvalid) throw new InputError(fileLog.summary(file.path));
    return { file: file.path, ...NO_COUNTS, errors: fileLog.errors, warnings: fileLog.warnings };
  }
  if (failed) {
    await stager.abandon();
    throw new InputError(fileLog.summary(file.path));
  }
  // The decision to publish is durable with the last staged records: from here on the file is imported whole.
  const importId = stager.flush((id) => store.imports.setState(id, 'publishing', currentOwner()));
  const counts = await publishImport(store, importId, { report, file: file.path });
  return { file: file.path, ...counts, errors: fileLog.errors, warnings: fileLog.warnings };
}
