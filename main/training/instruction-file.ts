// Documents -> instruction JSONL (the format the Python trainer reads), written atomically.
import { instructionCodec } from '../../core/codecs/instruction.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import { writeOutput } from '../io/write-output.js';

/** Writes `docs` as plain instruction JSONL to `path`; returns the issues the encoder reported (none expected). */
export async function writeInstructionFile(path: string, docs: readonly Doc[]): Promise<Issue[]> {
  const issues: Issue[] = [];
  const encoded = instructionCodec.encode(
    (async function* () {
      yield* docs;
    })(),
    { variant: 'plain', report: (issue) => issues.push(issue) },
  );
  // A working file of ours (simulation rounds rewrite it), not a person's destination: replacing it is intended.
  await writeOutput(path, encoded, { multiFile: false, overwrite: true });
  return issues;
}
