import { EXPORT_SCOPES, exportProject } from '../../services/export-service.js';
import { choice, codecOption, openStore, parse, pickProject, positionals, printIssues, type Command } from '../cli-support.js';

const usage = `usage: workbench export <db> <dest> --format FORMAT [--variant V] [--scope done|reviewed|all] [--project NAME]

Writes the project's documents, each with its latest revision, to <dest> (a folder for brat and text).
The file appears only when the whole export succeeded.
  --format   phoner | conll | brat | doccano | label-studio | instruction | text
  --variant  the format's variant
  --scope    done (done and reviewed documents, the default) | reviewed | all
  --project  project name (default: the database's only project)`;

export const exportCommand: Command = {
  name: 'export',
  summary: "export a project's annotations to a format",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      { format: { type: 'string', short: 'f' }, variant: { type: 'string' }, scope: { type: 'string' }, project: { type: 'string' } },
      usage,
    );
    const [dbPath, dest] = positionals(rest, ['db', 'dest'], usage);
    const codec = codecOption(values.format, usage);
    const scope = choice(values.scope, EXPORT_SCOPES, 'scope', usage) ?? 'done';
    const store = openStore(dbPath);
    try {
      const project = pickProject(store, values.project);
      const summary = await exportProject(store, dest, { projectId: project.id, format: codec, variant: values.variant, scope, actor: 'cli' });
      printIssues(summary.issues, summary.errors + summary.warnings);
      console.log(
        `exported ${summary.docs} documents (${summary.entities} entities) to ${dest}` +
          (summary.leftOut > 0 ? `; ${summary.leftOut} documents outside scope "${scope}" left out` : '') +
          (summary.errors + summary.warnings > 0 ? `; ${summary.errors + summary.warnings} reported issues` : ''),
      );
      return 0;
    } finally {
      store.close();
    }
  },
};
