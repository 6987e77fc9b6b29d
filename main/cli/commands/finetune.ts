import { loadEngine } from '../../hosts/engine-loader.js';
import {
  openStore,
  parse,
  pickProject,
  positionals,
  positiveNumber,
  type Command,
  cliService,
} from '../cli-support.js';

const usage = `usage: workbench finetune <db> [--project NAME] [--epochs N] [--max-minutes M] [--reannotate]

Fine-tunes the current model (the active version, else the embedded model) on the project's finished (done or
reviewed) documents, a fifth held out for its scores, as the Models view does (docs/active-learning.md). The new
version is saved under the database's folder (models/), registered with its held-out P/R/F1, and made active;
--reannotate then pre-annotates the unfinished documents with it. Ctrl+C cancels and keeps the current model.`;

export const finetuneCommand: Command = {
  name: 'finetune',
  summary: 'fine-tune the current model on the finished documents and make the result the active version',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        project: { type: 'string' },
        epochs: { type: 'string' },
        'max-minutes': { type: 'string' },
        reannotate: { type: 'boolean' },
      },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    const epochs = positiveNumber(values.epochs, 'epochs', usage);
    const maxMinutes = positiveNumber(values['max-minutes'], 'max-minutes', usage);
    const store = openStore(dbPath);
    const service = cliService(store, dbPath, await loadEngine());
    const cancel = () => void service.close();
    process.once('SIGINT', cancel);
    try {
      const projectId = pickProject(store, values.project).id;
      let last = '';
      service.events.on((event) => {
        if (event.type !== 'job.progress' && event.type !== 'job.finished') return;
        const { job } = event;
        const line =
          job.kind === 'fine-tune'
            ? `fine-tune: ${job.phase ?? ''} ${job.done}/${job.total}${job.loss === undefined ? '' : ` loss ${job.loss.toFixed(4)}`}`
            : `re-annotate: ${job.done}/${job.total} documents`;
        if (line !== last) process.stderr.write(`\r${(last = line).padEnd(60)}`);
      });
      const started = await service['fineTune.start']({
        projectId,
        reannotate: values.reannotate ?? false,
        ...(epochs ? { epochs: Math.round(epochs) } : {}),
        ...(maxMinutes ? { maxMinutes } : {}),
      });
      const finished = await service.fineTunes.settled(started.id);
      process.stderr.write('\n');
      if (finished?.state !== 'done') {
        console.error(
          `fine-tune ${finished?.state ?? 'lost'}${finished?.error ? `: ${finished.error}` : ''}; the current model stays active`,
        );
        return 1;
      }
      const version = (await service['models.versions']({ projectId })).versions.find(
        (v) => v.id === finished.modelId,
      )!;
      const m = version.metrics;
      console.log(
        `new active version ${version.name} ${version.version} (model ${version.id}) at ${version.path}: ` +
          `trained on ${m?.trainDocs} documents, held-out F1 ${m?.heldoutF1?.toFixed(4) ?? '-'} on ${m?.heldoutDocs}`,
      );
      const reannotation = service.jobs.list().find((j) => j.kind === 'preannotate');
      if (reannotation) {
        const done = await service.jobs.settled(reannotation.id);
        process.stderr.write('\n');
        console.log(`re-annotated ${done?.done ?? 0} unfinished documents (${done?.state})`);
      }
      return 0;
    } finally {
      process.off('SIGINT', cancel);
      await service.close();
      store.close();
    }
  },
};
