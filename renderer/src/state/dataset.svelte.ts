// The Team tab's dataset form (issue 15, admins): the gold standard as stratified splits with a dataset card
// (dataset.write). Format, split shares, seed, licence (starting from the project's recorded one), curated gold
// only, destination (typed, or chosen with the folder browser), then the summary of what was written. A folder that
// already holds files is written into only after the user agrees, as the export does.
import type { Params } from '../../../core/contract/methods.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';
import { DestinationChoice } from './destination-choice.svelte.js';
import { DestinationWrite } from './destination-write.svelte.js';
import { safeName } from './folder-browsing.js';

type DatasetParams = Params<'dataset.write'>;

/** The largest seed dataset.write takes. */
export const MAX_SEED = 2 ** 31 - 1;

class DatasetForm {
  format = $state('doccano');
  /** Shares of the documents per split; a dev share of 0 writes train and test only. */
  train = $state(80);
  dev = $state(10);
  test = $state(10);
  seed = $state(0);
  /** Empty: the project's recorded licence stays (or none). */
  licence = $state('');
  goldOnly = $state(false);
  /** Folders only (a dataset is a folder of its own): the system's folder dialog, or the browser. */
  readonly destination = new DestinationChoice({
    extensions: () => [],
    nativeRequest: (typed) => ({ kind: 'folder', ...(typed ? { defaultPath: typed } : {}), extensions: [] }),
    // A new folder named for the project inside the folder shown.
    inFolder: (folder) => `${folder}${safeName(app.project?.name ?? 'dataset')}-dataset`,
    context: 'dataset',
  });
  /** The licence written becomes the field's (the project's recorded one when the field was empty). */
  readonly writer = new DestinationWrite(
    (params: DatasetParams) => call('dataset.write', params),
    'dataset',
    (summary) => {
      if (summary.licence !== null) this.licence = summary.licence;
    },
  );
  /** The project whose recorded licence filled the field: read once, so the user's typing is never replaced. */
  private licenceOf: number | null = null;

  /** The formats that can hold the gold's spans (plain text cannot). */
  get formats() {
    return (app.info?.formats ?? []).filter((f) => f.holdsSpans);
  }

  /** The shares sent: train/dev/test, or train/test when dev is 0. */
  get splits(): number[] {
    return this.dev === 0 ? [this.train, this.test] : [this.train, this.dev, this.test];
  }

  /** Why the form cannot be sent as it is ('' when it can): the shares or the seed are out of range. */
  get invalid(): '' | 'shares' | 'seed' {
    const shares = [this.train, this.dev, this.test];
    if (shares.some((x) => !Number.isFinite(x) || x < 0 || x > 1e6) || shares.every((x) => x === 0)) return 'shares';
    if (!Number.isInteger(this.seed) || this.seed < 0 || this.seed > MAX_SEED) return 'seed';
    return '';
  }

  /** Starts the licence field from the project's setting, once per project. */
  async load(): Promise<void> {
    const projectId = app.project?.id;
    if (projectId === undefined || projectId === this.licenceOf) return;
    try {
      const settings = await call('projects.settings', { projectId });
      this.licenceOf = projectId;
      if (this.licence.trim() === '') this.licence = settings.licence ?? '';
    } catch (error) {
      app.fail(error, 'load');
    }
  }

  async write(): Promise<void> {
    const project = app.project;
    if (!project || this.invalid) return;
    const licence = this.licence.trim();
    await this.writer.send({
      projectId: project.id,
      format: this.format,
      splits: this.splits,
      seed: this.seed,
      ...(licence ? { licence } : {}),
      ...(this.goldOnly ? { goldOnly: true } : {}),
      ...this.destination.param,
    });
  }
}

export const datasetForm = new DatasetForm();
