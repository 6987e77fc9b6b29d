import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOCUMENT_STATUSES } from '../../../core/document-status.js';
import { recoverImports } from '../../services/import-publish.js';
import { importPath } from '../../services/import-service.js';
import { importSuggestions } from '../../services/suggestion-import.js';
import {
  FORMAT_OPTIONS,
  UsageError,
  choice,
  codecOption,
  parse,
  positionals,
  printIssues,
  withProject,
  type Command,
} from '../cli-support.js';
import { MAX_RECORD_HELP, MAX_RECORD_OPTION, withRecordLimit } from '../record-limit.js';

const usage = `usage: workbench import <db> <path> [--format FORMAT] [--variant V] [--split S] [--skip-invalid] [--report FILE]
                        [--project NAME] [--status STATUS] [--max-record-mb N]
       workbench import <db> <run folder | suggestions-N.jsonl> --as-suggestions [--project NAME]

Imports a file, or every file of a folder in the format (brat: each .txt with its .ann), into the project.
Each file is imported whole or not at all: a file with an error adds nothing, unless --skip-invalid.
Records imported before (same file name and record) are not imported again.
  --format        (default: what the file name says, if it is clear) phoner | conll | brat | doccano | label-studio | instruction | text
  --variant       the format's variant (phoner: syllable | word; text: lines | file; instruction: plain | chat)
  --split         split of every document (default: the record's own, else train/dev/test from the file name)
  --skip-invalid  import the valid records; write every issue to a JSON-lines report
  --report        where that report goes (default: reports/ beside the database)
  --project       project name (default: the database's only project)
  --status        status of every imported document (default: done when annotated, else pre-annotated or new)
${MAX_RECORD_HELP}
  --as-suggestions  <path> is the output of a batch pre-annotation (python -m dnw.package.batch_annotate, docs/scale-out.md):
                  each record becomes a suggestion run of its model and version on its document (found by source,
                  record name and text; created as pre-annotated when the project lacks it), never an annotation`;

export const importCommand: Command = {
  name: 'import',
  summary: 'import a file or folder into a project',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        ...FORMAT_OPTIONS,
        split: { type: 'string' },
        'skip-invalid': { type: 'boolean' },
        report: { type: 'string' },
        project: { type: 'string' },
        status: { type: 'string' },
        ...MAX_RECORD_OPTION,
        'as-suggestions': { type: 'boolean' },
      },
      usage,
    );
    const [dbPath, path] = positionals(rest, ['db', 'path'], usage);
    if (values['as-suggestions']) return importBatchSuggestions(dbPath, path, values);
    const codec = withRecordLimit(codecOption(values.format, usage, path), values['max-record-mb'], usage);
    const status = choice(values.status, DOCUMENT_STATUSES, 'status', usage);
    if (values.report && !values['skip-invalid']) throw new UsageError('--report goes with --skip-invalid', usage);
    if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    return withProject(dbPath, values.project, async (store, project) => {
      await recoverImports(store);
      const result = await importPath(store, path, {
        projectId: project.id,
        format: codec,
        variant: values.variant,
        split: values.split,
        status,
        skipInvalid: values['skip-invalid'],
        reportPath: values.report,
        reportDir: join(dirname(dbPath), 'reports'),
        actor: 'cli',
      });
      printIssues(result.issues, result.errors + result.warnings);
      const files = result.files.length === 1 ? '1 file' : `${result.files.length} files`;
      console.log(
        `imported ${result.imported} documents (${result.entities} entities, ${result.suggestedSpans} suggested spans) from ${files}` +
          ` into "${project.name}"; ${result.unchanged} already there, ${result.changed} changed and skipped` +
          `; ${result.errors} errors, ${result.warnings} warnings`,
      );
      if (result.reportPath) console.log(`issues written to ${result.reportPath}`);
      return 0;
    });
  },
};

async function importBatchSuggestions(dbPath: string, path: string, values: Record<string, unknown>): Promise<number> {
  const others = ['format', 'variant', 'split', 'skip-invalid', 'report', 'status', 'max-record-mb'].filter(
    (k) => values[k] !== undefined,
  );
  if (others.length > 0)
    throw new UsageError(
      `--as-suggestions reads a batch run's own files: leave out ${others.map((k) => `--${k}`).join(', ')}`,
      usage,
    );
  if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
  return withProject(dbPath, values.project as string | undefined, async (store, project) => {
    const result = await importSuggestions(store, path, { projectId: project.id, actor: 'cli' });
    printIssues(result.issues);
    const files = result.files.length === 1 ? '1 file' : `${result.files.length} files`;
    console.log(
      `imported suggestions of ${result.model.name} ${result.model.version} for ${result.records} documents from ${files} into "${project.name}": ` +
        `${result.suggested} runs added to documents there, ${result.created} documents created, ${result.unchanged} already there, ` +
        `${result.changed} with another text skipped; ${result.spans} suggested spans`,
    );
    return 0;
  });
}
