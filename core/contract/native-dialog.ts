// The one call of the desktop app that main answers itself instead of the service process: the system's file or
// folder dialog for the export's destination (a page cannot open one). Channel and shapes only, no zod, so the
// preload script can import it; main validates the request with its own schema (main/hosts/electron/save-dialog.ts).

/** The IPC channel of the destination dialog. */
export const CHOOSE_DESTINATION_CHANNEL = 'workbench:dialog.chooseDestination';

export interface ChooseDestinationRequest {
  /** `file`: a save dialog for a one-file format; `folder`: a folder picker for a multi-file format. */
  kind: 'file' | 'folder';
  /** Where the dialog opens, and the file name it proposes. */
  defaultPath?: string;
  /** The format's extensions (`.jsonl`), offered as the dialog's filter. */
  extensions?: string[];
  /** The filter's name, in the UI's language. */
  filterName?: string;
}

/** The chosen absolute path, or null when the user cancelled. */
export type ChooseDestinationResult = { path: string | null };
