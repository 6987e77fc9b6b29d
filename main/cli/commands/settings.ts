// `workbench settings`: a project's settings from the command line (keep-learning's N, the lexicon's switch), through
// the same service methods as the Models view (projects.settings / projects.updateSettings).
import { unavailableEngine } from '../../services/engine-port.js';
import { UsageError, openStore, parse, pickProject, positionals, type Command, cliService } from '../cli-support.js';

const usage = `usage: workbench settings <db> [--project NAME] [--retrain-every N|off] [--lexicon on|off] [--json]

Shows a project's settings, changing those given first.
  --retrain-every  keep learning: after every N newly finished (done or reviewed) documents, train a new version of
                   the project's model in the background (as \`workbench train\` does) while the workbench runs; when
                   it beats the active model it becomes active and the unfinished documents are re-annotated with it.
                   off (the default) never trains on its own.
  --lexicon        suggestions from the lexicon of the finished documents (on by default).
A running workbench on the same database follows a change made here at once.`;

function onOff(value: string | undefined, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new UsageError(`--${option} is on or off, not "${value}"`, usage);
}

function every(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'off' || value === '0') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new UsageError(
      `--retrain-every takes a whole number of documents (1 to 100000) or off, not "${value}"`,
      usage,
    );
  return n;
}

export const settingsCommand: Command = {
  name: 'settings',
  summary: "show or change a project's settings (retrain every N documents, lexicon suggestions)",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        project: { type: 'string' },
        'retrain-every': { type: 'string' },
        lexicon: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    const retrainEvery = every(values['retrain-every']);
    const lexicon = onOff(values.lexicon, 'lexicon');
    const store = openStore(dbPath);
    // No engine: nothing here loads a model. Closing right after the change stops keep-learning from training in
    // this process; the workbench that serves the project does it on the next finished document.
    const service = cliService(store, dbPath, unavailableEngine);
    try {
      const projectId = pickProject(store, values.project).id;
      const settings =
        retrainEvery === undefined && lexicon === undefined
          ? await service['projects.settings']({ projectId })
          : await service['projects.updateSettings']({
              projectId,
              ...(retrainEvery === undefined ? {} : { retrainEvery }),
              ...(lexicon === undefined ? {} : { lexicon }),
            });
      if (values.json) console.log(JSON.stringify(settings, null, 2));
      else {
        console.log(
          `retrain every: ${settings.retrainEvery === null ? 'off' : `${settings.retrainEvery} newly finished documents`}`,
        );
        console.log(
          `finished documents: ${settings.finished} (the last training learned from ${settings.finishedAtLastTraining})`,
        );
        console.log(`lexicon suggestions: ${settings.lexicon ? 'on' : 'off'}`);
      }
      return 0;
    } finally {
      await service.close();
      store.close();
    }
  },
};
