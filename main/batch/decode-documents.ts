// Decodes a batch pre-annotation's input with the workbench's own codecs (every import format, the same record
// names, NFC text and checks as `workbench import`), into numbered documents in JSONL shards that Ray Data reads:
//
//   node --import tsx main/batch/decode-documents.ts --input PATH [--format F] [--variant V] --out DIR [--shard-size N]
//
// Each line: {"index", "source", "name", "text"} (read as text lines and parsed by the actors: no type guessing): `source` is what an import of PATH records as the document's
// source, so the suggestions find the documents again when PATH was (or will be) imported. The last stdout line is a
// JSON summary {"documents", "shards", "errors", "warnings", "format"}. Bad records are reported and skipped.

import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Issue } from '../../core/issues.js';
import { guessFormat } from '../../core/codecs/registry.js';
import { codecOption, printIssues } from '../cli/cli-support.js';
import { decodePath } from '../services/decode-service.js';
import { IssueLog } from '../services/issue-log.js';

export interface BatchDocument {
  index: number;
  source: string;
  name: string;
  text: string;
}

/** Every usable document of a file or folder, numbered from 0, with the source name an import would record. */
export async function* batchDocuments(
  path: string,
  format: string | undefined,
  variant: string | undefined,
  report: (issue: Issue) => void,
): AsyncGenerator<BatchDocument> {
  const codec = codecOption(format, 'decode-documents --input PATH [--format F]', path);
  let index = 0;
  for await (const { doc, source } of decodePath(path, codec, variant, report))
    yield { index: index++, source, name: doc.name, text: doc.text };
}

/**
 * One JSON line that any line splitter keeps whole: Ray Data's read_text splits with Python's str.splitlines, which
 * also breaks at U+0085, U+2028 and U+2029, characters JSON.stringify leaves raw.
 */
export function jsonLine(value: unknown): string {
  return (
    JSON.stringify(value).replace(
      /[\u0085\u2028\u2029]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ) + '\n'
  );
}

/** The format a path's name says, else doccano for JSON lines (a JSONL of {"text": ...} records is doccano without labels), text for a .txt file. */
export function defaultFormat(path: string): string {
  const guessed = guessFormat(path.split(/[/\\]/u).pop() ?? path);
  if (guessed) return guessed;
  if (/\.jsonl$/iu.test(path)) return 'doccano';
  if (/\.txt$/iu.test(path) && !statSync(path).isDirectory()) return 'text'; // brat reads .txt too, but beside its .ann
  return codecOption(undefined, '', path).id;
}

async function main(): Promise<void> {
  const string = { type: 'string' } as const;
  const { values } = parseArgs({
    options: { input: string, format: string, variant: string, out: string, 'shard-size': string },
  });
  if (typeof values.input !== 'string' || typeof values.out !== 'string')
    throw new Error('--input and --out are required');
  const shardSize = Number(values['shard-size'] ?? 10_000);
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error('--shard-size must be a whole number >= 1');
  mkdirSync(values.out, { recursive: true });
  const log = new IssueLog();
  const shards: string[] = [];
  let fd: number | undefined;
  let documents = 0;
  const format = values.format ?? defaultFormat(values.input);
  for await (const doc of batchDocuments(values.input, format, values.variant, (issue) => log.add(issue))) {
    if (documents % shardSize === 0) {
      if (fd !== undefined) closeSync(fd);
      const name = `documents-${String(shards.length).padStart(5, '0')}.jsonl`;
      shards.push(name);
      fd = openSync(join(values.out, name), 'w');
    }
    writeSync(fd!, jsonLine(doc));
    documents++;
  }
  if (fd !== undefined) closeSync(fd);
  printIssues(log.kept, log.total);
  process.stdout.write(
    JSON.stringify({ documents, shards, errors: log.errors, warnings: log.warnings, format }) + '\n',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
