// The export dialog: its form, the destination (typed, the folder browser in a browser host or the system's dialog
// in the desktop app), the question asked before anything existing is written over, and the summary of the last
// export.
import type { Params } from '../../../core/contract/methods.js';
import type { ExportLines, ExportScope } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';
import { DestinationChoice } from './destination-choice.svelte.js';
import { DestinationWrite } from './destination-write.svelte.js';
import { safeName } from './folder-browsing.js';

type ExportParams = Params<'export.run'>;

class ExportState {
  format = $state('phoner');
  scope = $state<ExportScope>('done');
  /** Which annotation of each document: the shared line, the gold standard, or every annotator's (team projects). */
  lines = $state<ExportLines>('shared');
  /** With the gold standard: curated gold only. */
  goldOnly = $state(false);
  /** The dialog is showing. */
  open = $state(false);
  readonly destination = new DestinationChoice({
    // The chosen format's files already in a folder are listed (what an export could replace).
    extensions: () => this.formatInfo?.extensions ?? [],
    nativeRequest: (typed) => {
      const info = this.formatInfo;
      // With nothing typed, the system's save dialog proposes a file name (a bare name opens in its usual folder).
      const proposed = `${this.proposedName}${info?.extensions[0] ?? ''}`;
      return {
        kind: info?.multiFile ? 'folder' : 'file',
        ...(typed ? { defaultPath: typed } : info?.multiFile ? {} : { defaultPath: proposed }),
        extensions: info?.extensions ?? [],
        ...(info ? { filterName: info.title } : {}),
      };
    },
    // A one-file format gets a file named by the service inside the folder (the trailing separator), a multi-file
    // format a subfolder named for the project and scope.
    inFolder: (folder) => (this.formatInfo?.multiFile ? `${folder}${this.proposedName}` : folder),
    context: 'export',
  });
  readonly writer = new DestinationWrite((params: ExportParams) => call('export.run', params), 'export');

  /** The chosen format's description from app.info. */
  get formatInfo() {
    return app.info?.formats.find((f) => f.id === this.format);
  }

  /** The formats that can name a record's author: the only ones an export of every annotator's version may use. */
  get authorFormats() {
    return (app.info?.formats ?? []).filter((f) => f.carriesAuthor);
  }

  /** Every annotator's version asked for in a format that cannot say whose each record is (the export would refuse). */
  get authorsUnwritable(): boolean {
    return this.lines === 'annotators' && this.formatInfo?.carriesAuthor === false;
  }

  /** The proposed file or folder name: the project, the scope, and the line when not the shared one. */
  private get proposedName(): string {
    const tail = this.lines === 'shared' ? this.scope : `${this.lines}-${this.scope}`;
    return `${safeName(app.project?.name ?? 'export')}-${tail}`;
  }

  show(): void {
    app.dismissInfo();
    // A fresh dialog: the last export's summary or error belongs to that export, not to this one.
    this.writer.forget();
    this.open = true;
  }

  hide(): void {
    this.open = false;
    this.destination.closeBrowser();
    this.writer.cancelOverwrite();
  }

  async run(): Promise<void> {
    const project = app.project;
    if (!project) return;
    await this.writer.send({
      projectId: project.id,
      format: this.format,
      scope: this.scope,
      ...(this.lines === 'shared' ? {} : { lines: this.lines }),
      ...(this.lines === 'gold' && this.goldOnly ? { goldOnly: true } : {}),
      ...this.destination.param,
    });
  }
}

export const exporter = new ExportState();
