// The `workbench` command: dispatches to one module per command and turns errors into messages and exit codes
// (0 ok, 1 bad input or failure, 2 bad command line).
import { InputError } from '../../core/issues.js';
import { DatabaseTooNewError } from '../../db/migrate.js';
import { UsageError, printIssues, type Command } from './cli-support.js';

// Commands load on demand: `stats` need not load the desktop host, and one command's module cannot break another.
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'start',
    summary: 'open the annotation UI',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  {
    name: 'serve',
    summary: 'open the annotation UI as a local web page (browser host), or run a team server (--team)',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'users',
    summary: "a team server's users and roles (add, list, disable, passwd)",
    load: async () => (await import('./commands/users.js')).usersCommand,
  },
  {
    name: 'assign',
    summary: 'assign documents to annotators (all, a list, or automatically with an overlap); progress per annotator',
    load: async () => (await import('./commands/assign.js')).assignCommand,
  },
  {
    name: 'init',
    summary: 'create a database and a project with its label set',
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  {
    name: 'import',
    summary: 'import a file or folder into a project',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'export',
    summary: "export a project's annotations to a format",
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'dataset',
    summary: "a project's gold standard as stratified train/dev/test splits with a dataset card",
    load: async () => (await import('./commands/dataset.js')).datasetCommand,
  },
  {
    name: 'stats',
    summary: 'show counts for a project',
    load: async () => (await import('./commands/stats.js')).statsCommand,
  },
  {
    name: 'validate',
    summary: 'check a file or folder without importing it',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'annotate',
    summary: 'pre-annotate a file with a model and write the result (no database)',
    load: async () => (await import('./commands/annotate.js')).annotateCommand,
  },
  {
    name: 'finetune',
    summary: 'fine-tune the current model on the finished documents; the result becomes the active version',
    load: async () => (await import('./commands/finetune.js')).finetuneCommand,
  },
  {
    name: 'train',
    summary: "train a model for the project's own labels; active only when it beats the active one",
    load: async () => (await import('./commands/train.js')).trainCommand,
  },
  {
    name: 'labels',
    summary: "list or change a project's labels (add, rename, merge, delete, recolour, map a model's labels)",
    load: async () => (await import('./commands/labels.js')).labelsCommand,
  },
  {
    name: 'settings',
    summary: "show or change a project's settings (retrain every N documents, lexicon suggestions)",
    load: async () => (await import('./commands/settings.js')).settingsCommand,
  },
  {
    name: 'models',
    summary: "list a project's model versions and fine-tune runs; restore a version",
    load: async () => (await import('./commands/models.js')).modelsCommand,
  },
  {
    name: 'simulate',
    summary: 'active-learning simulation: learning curves with gold as the annotator',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  {
    name: 'eval',
    summary: 'score predictions against gold (strict entity P/R/F1)',
    load: async () => (await import('./commands/eval.js')).evalCommand,
  },
  {
    name: 'agreement',
    summary: "pairwise span F1 and token Cohen's kappa between annotators",
    load: async () => (await import('./commands/agreement.js')).agreementCommand,
  },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: workbench <command> [options]   (workbench <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    console.error(`workbench: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (args.includes('--help') || args.includes('-h')) {
      console.log(command.usage);
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`workbench ${name}: ${error.message}${error.usage ? `\n\n${error.usage}` : ''}`);
      return 2;
    }
    if (error instanceof InputError) {
      printIssues(error.issues);
      return 1;
    }
    if (error instanceof DatabaseTooNewError) {
      console.error(`workbench ${name}: ${error.message}`);
      return 1;
    }
    console.error(`workbench ${name}: error: ${(error as Error).message ?? error}`);
    if (process.env.WORKBENCH_DEBUG) console.error(error);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
