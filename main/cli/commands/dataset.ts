import { parseSplitRatios } from '../../../core/dataset/stratify.js';
import { writeDataset } from '../../services/dataset-service.js';
import {
  FORMAT_OPTIONS,
  UsageError,
  awaitingCurationNote,
  codecOption,
  hostDataDir,
  parse,
  positionals,
  printIssues,
  refusedDestination,
  withProject,
  type Command,
} from '../cli-support.js';

const usage = `usage: workbench dataset <db> <out-dir> [--project NAME] [--format FORMAT] [--variant V] [--splits 80/10/10]
                         [--seed N] [--licence TEXT] [--gold-only] [--overwrite]

Writes the project's gold standard as a dataset: train/dev/test files stratified by label (each label's spans
shared out across the splits as closely as the documents allow; the same seed gives the same splits) and a
dataset card beside them (DATASET_CARD.md and dataset.json: documents and spans per split and label, nesting
depth, agreement per label on the doubly-annotated documents, annotators, the model versions that pre-annotated,
dates, licence). The gold standard is a curator's gold where one exists, else the answered annotation (the shared
line of a done or reviewed document, or the one annotator's finished line); documents finished by several
annotators and not curated are left out and counted in the card.
  --format     phoner | conll | brat | doccano (default) | label-studio | instruction | text
  --variant    the format's variant
  --splits     shares of the documents, two or more, e.g. 80/10/10 (the default) or 90/10
  --seed       the stratification's seed (default 0)
  --licence    the dataset's licence, kept as the project's for the next runs
  --gold-only  curated gold only
  --overwrite  write into an existing folder that is not empty (same-named files replaced, nothing removed);
               without it such a folder is refused and nothing is written`;

export const datasetCommand: Command = {
  name: 'dataset',
  summary: "write a project's gold standard as stratified train/dev/test splits with a dataset card",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        ...FORMAT_OPTIONS,
        project: { type: 'string' },
        splits: { type: 'string' },
        seed: { type: 'string' },
        licence: { type: 'string' },
        'gold-only': { type: 'boolean' },
        overwrite: { type: 'boolean' },
      },
      usage,
    );
    const [dbPath, dest] = positionals(rest, ['db', 'out-dir'], usage);
    const codec = codecOption(values.format ?? 'doccano', usage);
    let ratios: number[];
    try {
      ratios = parseSplitRatios(values.splits ?? '80/10/10');
    } catch (error) {
      throw new UsageError(`--splits: ${(error as Error).message}`, usage);
    }
    const seed = values.seed === undefined ? 0 : Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new UsageError(`--seed must be a whole number ≥ 0, not "${values.seed}"`, usage);
    const licence = values.licence?.trim();
    if (licence === '') throw new UsageError('--licence is empty', usage);
    return withProject(dbPath, values.project, async (store, project) => {
      const summary = await writeDataset(store, dest, {
        projectId: project.id,
        codec,
        variant: values.variant,
        ratios,
        seed,
        licence,
        goldOnly: values['gold-only'] ?? false,
        overwrite: values.overwrite ?? false,
        base: process.cwd(),
        dataDir: hostDataDir(dbPath),
        actor: 'cli',
      }).catch(refusedDestination);
      printIssues(summary.issues, summary.errors + summary.warnings);
      const { card } = summary;
      const splits = Object.entries(card.splits)
        .map(([name, s]) => `${name} ${s.documents} documents / ${s.spans} spans`)
        .join(', ');
      console.log(
        `wrote ${card.total.documents} documents (${splits}) and the dataset card to ${summary.destination}` +
          awaitingCurationNote(card.sources.awaitingCuration) +
          (card.licence === null ? '; no licence stated (--licence)' : ''),
      );
      return 0;
    });
  },
};
