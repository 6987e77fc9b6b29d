// The export dialog: its form, the folder browser (browser host) or the system's dialog (desktop app) for the
// destination, the question asked before anything existing is written over, and the summary of the last export.
import { ContractError } from '../../../core/contract/errors.js';
import type { Params } from '../../../core/contract/methods.js';
import type { ExportLines, ExportScope, ExportSummary, FolderListing } from '../../../core/contract/types.js';
import { call, chooseNativeDestination } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';
import { folderPart, safeName, withSeparator, type FolderBrowsing } from './folder-browsing.js';

/** What is already at the destination, as the service described it when it refused (its `conflict` detail). */
export interface ExistingDestination {
  path: string;
  kind: 'file' | 'folder';
  /** Entries in the folder. */
  entries: number;
  /** Size of the file. */
  bytes: number;
}

/** The conflict detail of a refused export, or null when the error is anything else. */
export function existingDestination(error: unknown): ExistingDestination | null {
  if (!(error instanceof ContractError) || error.code !== 'conflict' || !error.detail) return null;
  const { path, kind, entries, bytes } = error.detail;
  if (typeof path !== 'string' || (kind !== 'file' && kind !== 'folder')) return null;
  return { path, kind, entries: Number(entries ?? 0), bytes: Number(bytes ?? 0) };
}

type ExportParams = Params<'export.run'>;

class ExportState implements FolderBrowsing {
  format = $state('phoner');
  scope = $state<ExportScope>('done');
  /** Which annotation of each document: the shared line, the gold standard, or every annotator's (team projects). */
  lines = $state<ExportLines>('shared');
  /** With the gold standard: curated gold only. */
  goldOnly = $state(false);
  destination = $state('');
  running = $state(false);
  summary = $state.raw<ExportSummary | null>(null);
  error = $state.raw<UserMessage | null>(null);
  /** Something exists where the export would go: the user is asked before it is written over. */
  existing = $state.raw<ExistingDestination | null>(null);
  /** The refused request, retried as it was (not with whatever the form holds by then) when the user agrees. */
  private refused: ExportParams | null = null;
  /** The dialog is showing. */
  open = $state(false);
  /** The folder browser (browser host): the folder shown, or null while it is closed. */
  listing = $state.raw<FolderListing | null>(null);
  browseError = $state.raw<UserMessage | null>(null);

  /** The chosen format's description from app.info. */
  get formatInfo() {
    return app.info?.formats.find((f) => f.id === this.format);
  }

  /** The chosen format's extensions: its files already in a folder are listed (what an export could replace). */
  get extensions(): readonly string[] {
    return this.formatInfo?.extensions ?? [];
  }

  /** The formats that can name a record's author: the only ones an export of every annotator's version may use. */
  get authorFormats() {
    return (app.info?.formats ?? []).filter((f) => f.carriesAuthor);
  }

  /** Every annotator's version asked for in a format that cannot say whose each record is (the export would refuse). */
  get authorsUnwritable(): boolean {
    return this.lines === 'annotators' && this.formatInfo?.carriesAuthor === false;
  }

  /** What the proposed file or folder name says besides the project: the scope, and the line when not the shared one. */
  private get nameTail(): string {
    return this.lines === 'shared' ? this.scope : `${this.lines}-${this.scope}`;
  }

  show(): void {
    app.dismissInfo();
    // A fresh dialog: the last export's summary or error belongs to that export, not to this one.
    this.summary = null;
    this.error = null;
    this.open = true;
  }

  hide(): void {
    this.open = false;
    this.listing = null;
    this.browseError = null;
    this.cancelOverwrite();
  }

  /** The destination chooser: the system's dialog in the desktop app, else the folder browser at the typed folder. */
  async browse(): Promise<void> {
    const info = this.formatInfo;
    // With nothing typed, the system's save dialog proposes a file name (a bare name opens in its usual folder).
    const proposed = `${safeName(app.project?.name ?? 'export')}-${this.nameTail}${info?.extensions[0] ?? ''}`;
    const native = await chooseNativeDestination({
      kind: info?.multiFile ? 'folder' : 'file',
      ...(this.destination.trim()
        ? { defaultPath: this.destination.trim() }
        : info?.multiFile
          ? {}
          : { defaultPath: proposed }),
      extensions: info?.extensions ?? [],
      ...(info ? { filterName: info.title } : {}),
    });
    if (native === undefined)
      return this.list(this.destination.trim() ? folderPart(this.destination.trim()) : undefined, true);
    if (native !== null) this.destination = native;
  }

  /** Shows a folder in the browser; `fallBack` opens the home folder when the typed one cannot be shown. */
  async list(path: string | undefined, fallBack = false): Promise<void> {
    this.browseError = null;
    try {
      this.listing = await call('files.listFolders', {
        ...(path ? { path } : {}),
        extensions: this.formatInfo?.extensions ?? [],
      });
    } catch (error) {
      if (fallBack && path) return this.list(undefined);
      this.browseError = describeError(error, 'export');
    }
  }

  closeBrowser(): void {
    this.listing = null;
    this.browseError = null;
  }

  /**
   * The folder shown becomes the destination: a one-file format gets a file named by the service inside it (the
   * trailing separator), a multi-file format a subfolder named for the project and scope.
   */
  chooseFolder(): void {
    const listing = this.listing;
    if (!listing) return;
    const base = withSeparator(listing.path);
    this.destination = this.formatInfo?.multiFile
      ? `${base}${safeName(app.project?.name ?? 'export')}-${this.nameTail}`
      : base;
    this.closeBrowser();
  }

  /** An existing file becomes the destination: the export will ask before replacing it. */
  chooseFile(name: string): void {
    const listing = this.listing;
    if (!listing) return;
    this.destination = `${withSeparator(listing.path)}${name}`;
    this.closeBrowser();
  }

  async run(): Promise<void> {
    const project = app.project;
    if (!project) return;
    await this.send({
      projectId: project.id,
      format: this.format,
      scope: this.scope,
      ...(this.lines === 'shared' ? {} : { lines: this.lines }),
      ...(this.lines === 'gold' && this.goldOnly ? { goldOnly: true } : {}),
      ...(this.destination.trim() ? { destination: this.destination.trim() } : {}),
    });
  }

  /** The user agreed to write over what is there. */
  async confirmOverwrite(): Promise<void> {
    if (this.refused) await this.send({ ...this.refused, overwrite: true });
  }

  cancelOverwrite(): void {
    this.existing = null;
    this.refused = null;
  }

  private async send(params: ExportParams): Promise<void> {
    this.running = true;
    this.error = null;
    this.cancelOverwrite();
    try {
      this.summary = await call('export.run', params);
    } catch (error) {
      this.summary = null;
      this.existing = existingDestination(error);
      if (this.existing) this.refused = params;
      else this.error = describeError(error, 'export');
    } finally {
      this.running = false;
    }
  }
}

export const exporter = new ExportState();
