import { existsSync } from 'node:fs';
import { decodePath } from '../../services/decode-service.js';
import { IssueLog } from '../../services/issue-log.js';
import {
  FORMAT_OPTIONS,
  UsageError,
  codecOption,
  parse,
  positionals,
  printIssues,
  type Command,
} from '../cli-support.js';
import { MAX_RECORD_HELP, MAX_RECORD_OPTION, withRecordLimit } from '../record-limit.js';

const usage = `usage: workbench validate <path> [--format FORMAT] [--variant V] [--max-record-mb N]

Reads a file or folder as import would and reports every problem; writes nothing. Exit 1 when there are errors.
${MAX_RECORD_HELP}`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a file or folder without importing it',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(args, { ...FORMAT_OPTIONS, ...MAX_RECORD_OPTION }, usage);
    const [path] = positionals(rest, ['path'], usage);
    const codec = withRecordLimit(codecOption(values.format, usage, path), values['max-record-mb'], usage);
    if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    const log = new IssueLog();
    let docs = 0;
    let entities = 0;
    const labels = new Map<string, number>();
    for await (const { doc } of decodePath(path, codec, values.variant, (issue) => log.add(issue))) {
      docs++;
      entities += doc.entities.length;
      for (const e of doc.entities) labels.set(e.label, (labels.get(e.label) ?? 0) + 1);
    }
    printIssues(log.kept, log.total);
    const byLabel = [...labels]
      .sort((a, b) => b[1] - a[1])
      .map(([label, n]) => `${label} ${n}`)
      .join(', ');
    console.log(
      `${docs} documents, ${entities} entities${byLabel ? ` (${byLabel})` : ''}; ${log.errors} errors, ${log.warnings} warnings`,
    );
    return log.errors > 0 ? 1 : 0;
  },
};
