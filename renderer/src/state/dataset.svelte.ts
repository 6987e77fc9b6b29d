// The Team tab's dataset form (issue 15, admins): the gold standard as stratified splits with a dataset card
// (dataset.write). Format, split shares, seed, licence (starting from the project's recorded one), curated gold
// only, destination (typed, or chosen with the folder browser), then the summary of what was written. A folder that
// already holds files is written into only after the user agrees, as the export does.
import type { Params } from '../../../core/contract/methods.js';
import type { DatasetSummary, FolderListing } from '../../../core/contract/types.js';
import { call, chooseNativeDestination } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';
import { existingDestination, type ExistingDestination } from './export.svelte.js';
import { folderPart, safeName, withSeparator, type FolderBrowsing } from './folder-browsing.js';

type DatasetParams = Params<'dataset.write'>;

/** The largest seed dataset.write takes. */
export const MAX_SEED = 2 ** 31 - 1;

class DatasetForm implements FolderBrowsing {
  format = $state('doccano');
  /** Shares of the documents per split; a dev share of 0 writes train and test only. */
  train = $state(80);
  dev = $state(10);
  test = $state(10);
  seed = $state(0);
  /** Empty: the project's recorded licence stays (or none). */
  licence = $state('');
  goldOnly = $state(false);
  destination = $state('');
  running = $state(false);
  summary = $state.raw<DatasetSummary | null>(null);
  error = $state.raw<UserMessage | null>(null);
  existing = $state.raw<ExistingDestination | null>(null);
  listing = $state.raw<FolderListing | null>(null);
  browseError = $state.raw<UserMessage | null>(null);
  /** The refused request, retried as it was when the user agrees to write into the folder. */
  private refused: DatasetParams | null = null;
  /** The project whose recorded licence filled the field: read once, so the user's typing is never replaced. */
  private licenceOf: number | null = null;

  /** The formats that can hold the gold's spans (plain text cannot). */
  get formats() {
    return (app.info?.formats ?? []).filter((f) => f.holdsSpans);
  }

  /** Folders only: a dataset is a folder of its own. */
  get extensions(): readonly string[] {
    return [];
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

  /** The destination chooser: the system's folder dialog in the desktop app on its own data, else the browser. */
  async browse(): Promise<void> {
    const typed = this.destination.trim();
    const native = await chooseNativeDestination({
      kind: 'folder',
      ...(typed ? { defaultPath: typed } : {}),
      extensions: [],
    });
    if (native === undefined) return this.list(typed ? folderPart(typed) : undefined, true);
    if (native !== null) this.destination = native;
  }

  async list(path: string | undefined, fallBack = false): Promise<void> {
    this.browseError = null;
    try {
      this.listing = await call('files.listFolders', { ...(path ? { path } : {}), extensions: [] });
    } catch (error) {
      if (fallBack && path) return this.list(undefined);
      this.browseError = describeError(error, 'dataset');
    }
  }

  closeBrowser(): void {
    this.listing = null;
    this.browseError = null;
  }

  /** A new folder named for the project inside the folder shown. */
  chooseFolder(): void {
    if (!this.listing) return;
    this.destination = `${withSeparator(this.listing.path)}${safeName(app.project?.name ?? 'dataset')}-dataset`;
    this.closeBrowser();
  }

  /** No file is listed (folders only); kept for the browser's interface. */
  chooseFile(name: string): void {
    if (!this.listing) return;
    this.destination = `${withSeparator(this.listing.path)}${name}`;
    this.closeBrowser();
  }

  async write(): Promise<void> {
    const project = app.project;
    if (!project || this.invalid) return;
    const licence = this.licence.trim();
    await this.send({
      projectId: project.id,
      format: this.format,
      splits: this.splits,
      seed: this.seed,
      ...(licence ? { licence } : {}),
      ...(this.goldOnly ? { goldOnly: true } : {}),
      ...(this.destination.trim() ? { destination: this.destination.trim() } : {}),
    });
  }

  /** The user agreed to write into the folder that holds files. */
  async confirmOverwrite(): Promise<void> {
    if (this.refused) await this.send({ ...this.refused, overwrite: true });
  }

  cancelOverwrite(): void {
    this.existing = null;
    this.refused = null;
  }

  private async send(params: DatasetParams): Promise<void> {
    this.running = true;
    this.error = null;
    this.cancelOverwrite();
    try {
      this.summary = await call('dataset.write', params);
      if (this.summary.licence !== null) this.licence = this.summary.licence;
    } catch (error) {
      this.summary = null;
      this.existing = existingDestination(error);
      if (this.existing) this.refused = params;
      else this.error = describeError(error, 'dataset');
    } finally {
      this.running = false;
    }
  }
}

export const datasetForm = new DatasetForm();
