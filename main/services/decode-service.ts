// Decoding without storing: for validate, eval and agreement. Applies the same checks as import.
import type { Codec } from '../../core/codecs/codec.js';
import type { Doc } from '../../core/document.js';
import { InputError, type Issue } from '../../core/issues.js';
import { inputFiles } from '../io/input-files.js';
import { fileInput } from '../io/read-source.js';
import { documentErrors } from './import-checks.js';
import { IssueLog } from './issue-log.js';

export interface DecodedDoc {
  doc: Doc;
  file: string;
  line: number;
  /** The source name an import of the path records for this document's file. */
  source: string;
}

/** Every usable document of a file or folder, in order, with issues reported as found (bad records are skipped). */
export async function* decodePath(
  path: string,
  codec: Codec,
  variant: string | undefined,
  report: (issue: Issue) => void,
): AsyncGenerator<DecodedDoc> {
  for (const file of inputFiles(path, codec)) {
    try {
      for await (const event of codec.decode(fileInput(file.path), { variant })) {
        if (event.kind === 'issue') {
          report(event.issue);
          continue;
        }
        const errors = documentErrors(event.doc, file.path, event.line, codec.carried(event.doc));
        errors.forEach(report);
        if (errors.length === 0) yield { doc: event.doc, file: file.path, line: event.line, source: file.sourceName };
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      error.issues.forEach(report);
    }
  }
}

/** All documents of a path in memory (eval, agreement); throws InputError when any record has an error. */
export async function readDocs(
  path: string,
  codec: Codec,
  variant?: string,
): Promise<{ docs: DecodedDoc[]; warnings: Issue[] }> {
  const log = new IssueLog();
  const docs: DecodedDoc[] = [];
  for await (const decoded of decodePath(path, codec, variant, (issue) => log.add(issue))) docs.push(decoded);
  if (log.errors > 0) throw new InputError(log.summary(path));
  return { docs, warnings: log.kept };
}
