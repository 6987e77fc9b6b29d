import { loadEngine } from '../../hosts/engine-loader.js';
import { DEFAULT_FROM } from '../../services/project-train-service.js';
import {
  UsageError,
  openStore,
  parse,
  pickProject,
  positionals,
  positiveNumber,
  type Command,
  cliService,
} from '../cli-support.js';

const usage = `usage: workbench train <db> [--project NAME] [--from scratch|embedded|VERSION] [--minutes N]

Trains a diffusion model for the project's own labels on its finished (done or reviewed) documents
(docs/training.md, "A model for the project's labels"). Documents whose id is a multiple of 5 are held out and
score it; the active model is scored on the same documents (its labels read through the project's label mapping).
The new version is saved under the database's folder (models/) and registered with its scores; it becomes the
active model only when it beats the active one, and the output says why or why not.
  --from     embedded (default; it beat scratch on ViMedNER, bench/RESULTS.md): the embedded model's weights, the
             project's labels added to its output (mapped labels start from theirs); scratch: the embedded model's
             architecture, a tokenizer and word vectors from the project's text, random weights; VERSION: a
             registered version (its id, its version, or "NAME VERSION"; \`workbench models DB\` lists them)
  --minutes  wall budget (default 15; a small project ends sooner, and one that used at most half of it is trained
             again on every finished document, held-out ones included, in the rest)
Ctrl+C cancels and keeps the current model.`;

export const trainCommand: Command = {
  name: 'train',
  summary: "train a model for the project's own labels; it becomes active only when it beats the active one",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      { project: { type: 'string' }, from: { type: 'string' }, minutes: { type: 'string' } },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    const maxMinutes = positiveNumber(values.minutes, 'minutes', usage);
    const store = openStore(dbPath);
    const service = cliService(store, dbPath, await loadEngine());
    const cancel = () => void service.close();
    process.once('SIGINT', cancel);
    try {
      const projectId = pickProject(store, values.project).id;
      let from: 'embedded' | 'scratch' | number = DEFAULT_FROM;
      if (values.from === 'scratch' || values.from === 'embedded' || values.from === undefined)
        from = values.from ?? DEFAULT_FROM;
      else {
        const wanted = values.from;
        const model = store.models
          .list()
          .find((m) => String(m.id) === wanted || m.version === wanted || `${m.name} ${m.version}` === wanted);
        if (!model)
          throw new UsageError(
            `--from: no registered model "${wanted}" (workbench models ${dbPath} lists them)`,
            usage,
          );
        from = model.id;
      }
      let last = '';
      service.events.on((event) => {
        if (event.type !== 'job.progress' && event.type !== 'job.finished') return;
        const { job } = event;
        if (job.kind !== 'train') return;
        const line = `train: ${job.phase ?? ''} ${job.done}/${job.total}${job.loss === undefined ? '' : ` loss ${job.loss.toFixed(4)}`}`;
        if (line !== last) process.stderr.write(`\r${(last = line).padEnd(60)}`);
      });
      const started = await service['models.train']({ projectId, from, ...(maxMinutes ? { maxMinutes } : {}) });
      const finished = await service.training.settled(started.id);
      process.stderr.write('\n');
      if (finished?.state !== 'done' || !finished.result) {
        console.error(
          `training ${finished?.state ?? 'lost'}${finished?.error ? `: ${finished.error}` : ''}; the current model stays active`,
        );
        return 1;
      }
      const r = finished.result;
      const version = (await service['models.versions']({ projectId })).versions.find((v) => v.id === r.modelId)!;
      console.log(
        `new version ${version.name} ${version.version} (model ${version.id}) at ${version.path}: trained on ${r.trainDocs} documents, ` +
          `held-out F1 ${r.heldoutF1?.toFixed(4) ?? '-'} on ${r.heldoutDocs}` +
          (version.metrics?.heldoutSeen
            ? ` (${version.metrics.heldoutSeen} of them in its or its base model's training data: the score flatters it)`
            : '') +
          (version.metrics?.thresholds
            ? ` (decoding threshold ${version.metrics.threshold}, the best there of ${Object.keys(version.metrics.thresholds).join(', ')})`
            : '') +
          (version.metrics?.refitDocs ? `, then trained again on all ${version.metrics.refitDocs}` : '') +
          (r.activeModel ? `; active model ${r.activeModel}: ${r.activeF1?.toFixed(4) ?? 'not scored'}` : ''),
      );
      console.log(`${r.activated ? 'now the active model' : 'not made active'}: ${r.reason}`);
      return 0;
    } finally {
      process.off('SIGINT', cancel);
      await service.close();
      store.close();
    }
  },
};
