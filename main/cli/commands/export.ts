import { EXPORT_SCOPES } from '../../../core/document-status.js';
import { exportProject } from '../../services/export-service.js';
import {
  FORMAT_OPTIONS,
  UsageError,
  awaitingCurationNote,
  choice,
  codecOption,
  hostDataDir,
  parse,
  positionals,
  printIssues,
  refusedDestination,
  withProject,
  type Command,
} from '../cli-support.js';

const usage = `usage: workbench export <db> <dest> --format FORMAT [--variant V] [--scope done|reviewed|all] [--project NAME]
                        [--gold [--gold-only] | --annotators] [--overwrite]

Writes the project's documents, each with its latest revision, to <dest> (a folder for brat and text).
A team project can export its gold standard (--gold) or every annotator's version (--annotators) instead.
The file appears only when the whole export succeeded. A folder given for a one-file format gets
<project>-<scope>-<time><ext> inside it. <dest> is relative to the current folder; ~ is your home folder.
An existing file or non-empty folder is refused unless --overwrite; nothing is ever deleted (--overwrite
replaces the file, or writes the files into the folder and keeps whatever else it holds). The database, its
-wal/-shm files and (for a workbench.sqlite) its data folder are refused, except the data folder's exports/.
  --format     phoner | conll | brat | doccano | label-studio | instruction | text
  --variant    the format's variant
  --scope      done (done and reviewed documents, the default) | reviewed | all
  --project    project name (default: the database's only project)
  --gold       the gold standard: a curator's gold where one exists, else the answered annotation (the shared
               line in scope, or the one annotator's finished line); documents finished by two or more annotators
               and not curated are left out and counted
  --gold-only  with --gold: curated gold only
  --annotators every annotator's line in scope, one record per document and annotator, its author in the record
               (doccano meta.author, Label Studio task meta.author, instruction "author"; other formats are refused)
  --overwrite  write over an existing file, or into a folder that is not empty`;

export const exportCommand: Command = {
  name: 'export',
  summary: "export a project's annotations to a format",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        ...FORMAT_OPTIONS,
        scope: { type: 'string' },
        project: { type: 'string' },
        overwrite: { type: 'boolean' },
        gold: { type: 'boolean' },
        'gold-only': { type: 'boolean' },
        annotators: { type: 'boolean' },
      },
      usage,
    );
    const [dbPath, dest] = positionals(rest, ['db', 'dest'], usage);
    const codec = codecOption(values.format, usage);
    const scope = choice(values.scope, EXPORT_SCOPES, 'scope', usage) ?? 'done';
    if (values.gold && values.annotators) throw new UsageError('--gold and --annotators exclude each other', usage);
    if (values['gold-only'] && !values.gold) throw new UsageError('--gold-only goes with --gold', usage);
    const lines = values.gold ? 'gold' : values.annotators ? 'annotators' : 'shared';
    return withProject(dbPath, values.project, async (store, project) => {
      const summary = await exportProject(store, dest, {
        projectId: project.id,
        format: codec,
        variant: values.variant,
        scope,
        lines,
        goldOnly: values['gold-only'] ?? false,
        actor: 'cli',
        overwrite: values.overwrite ?? false,
        base: process.cwd(),
        dataDir: hostDataDir(dbPath),
      }).catch(refusedDestination);
      printIssues(summary.issues, summary.errors + summary.warnings);
      const what = lines === 'annotators' ? "annotators' versions" : lines === 'gold' ? 'gold documents' : 'documents';
      console.log(
        `exported ${summary.docs} ${what} (${summary.entities} entities) to ${summary.destination}` +
          awaitingCurationNote(summary.awaitingCuration) +
          (summary.leftOut > 0 ? `; ${summary.leftOut} documents outside scope "${scope}" left out` : '') +
          (summary.errors + summary.warnings > 0 ? `; ${summary.errors + summary.warnings} reported issues` : ''),
      );
      return 0;
    });
  },
};
