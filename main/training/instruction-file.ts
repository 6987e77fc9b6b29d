// Documents -> instruction JSONL (the format the Python trainer reads), written atomically.
import { instructionCodec } from '../../core/codecs/instruction.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import { writeOutput } from '../io/write-output.js';

/** Writes `docs` as plain instruction JSONL to `path`; returns the issues the encoder reported (none expected). */
export async function writeInstructionFile(path: string, docs: readonly Doc[]): Promise<Issue[]> {
  const issues: Issue[] = [];
  const encoded = instructionCodec.encode((async function* () { yield* docs; })(), { variant: 'plain', report: (issue) => issues.push(issue) });
  await writeOutput(path, encoded, { multiFile: false });
  return issues;
}
