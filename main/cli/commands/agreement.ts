import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { agreementMatrix } from '../../../core/metrics/agreement.js';
import { pairAgreement } from '../../../core/metrics/pair-agreement.js';
import { tokenize } from '../../../core/tokenize.js';
import { readDocs } from '../../services/decode-service.js';
import { formatMatrix } from '../report-table.js';
import { FORMAT_OPTIONS, UsageError, codecOption, parse, type Command } from '../cli-support.js';
import { checkPaired } from './eval.js';

const usage = `usage: workbench agreement <file> <file> [<file>...] --format FORMAT [--variant V] [--level N] [--json]

Inter-annotator agreement between files that annotate the same documents in the same order: pairwise strict
span F1 (label and exact fragments), overlap span F1 (same label, overlapping, matched one to one), both over every
nesting level, and token-level Cohen's kappa over BIO tags of one nesting level (--level, 0 = outermost, the
default); --json adds each pair's figures per label. The team server's agreement view computes the same figures
with the same code (core/metrics/pair-agreement.ts).`;

export const agreementCommand: Command = {
  name: 'agreement',
  summary: "pairwise span F1 and token Cohen's kappa between annotators",
  usage,
  async run(args) {
    const { values, positionals: files } = parse(
      args,
      {
        ...FORMAT_OPTIONS,
        level: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (files.length < 2) throw new UsageError('give at least two files', usage);
    for (const path of files) if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    const level = values.level === undefined ? 0 : Number(values.level);
    if (!Number.isInteger(level) || level < 0) throw new UsageError('--level must be a whole number from 0', usage);
    const codec = codecOption(values.format, usage);
    const annotators = [];
    for (const path of files) annotators.push({ path, docs: (await readDocs(path, codec, values.variant)).docs });
    for (const other of annotators.slice(1)) checkPaired(annotators[0].docs, other.docs, files[0], other.path);
    const names = files.map(
      (f, i) => (files.filter((g) => basename(g) === basename(f)).length > 1 ? f : basename(f)) || `#${i + 1}`,
    );
    const tokens = annotators[0].docs.map(({ doc }) => doc.tokens ?? tokenize(doc.text));
    const sides = annotators.map((a, i) => ({ name: names[i], docs: a.docs.map(({ doc }) => doc.entities) }));
    const matrix = agreementMatrix(sides, tokens, { level });
    // Each pair once (i < j), by position: the same file given twice has one name twice.
    const grid = sides.map((a, i) => sides.map((b, j) => (i < j ? pairAgreement(a, b, tokens, { level }) : undefined)));
    const pairs = grid.flatMap((row) => row.filter((p) => p !== undefined));
    const overlapF1 = grid.map((row, i) =>
      row.map((_, j) => (i === j ? 1 : grid[Math.min(i, j)][Math.max(i, j)]!.overlapF1)),
    );
    if (values.json)
      console.log(JSON.stringify({ documents: tokens.length, level, ...matrix, overlapF1, pairs }, null, 2));
    else {
      console.log(
        `${tokens.length} documents, ${files.length} annotators\n\nspan F1 (strict)\n${formatMatrix(matrix.names, matrix.spanF1)}`,
      );
      console.log(`\nspan F1 (overlap)\n${formatMatrix(matrix.names, overlapF1)}`);
      console.log(`\nCohen's kappa (token BIO, level ${level})\n${formatMatrix(matrix.names, matrix.kappa)}`);
    }
    return 0;
  },
};
