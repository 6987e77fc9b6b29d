// The destination of a write (DestinationField.svelte): typed, or chosen with the system's dialog in the desktop app
// and the folder browser (FolderBrowser.svelte) in a browser or on a team server. The export dialog and the dataset
// form each hold one; what differs between them (the files listed, the dialog asked for, the name proposed in a
// chosen folder) comes in as options.
import type { ChooseDestinationRequest } from '../../../core/contract/native-dialog.js';
import type { FolderListing } from '../../../core/contract/types.js';
import { call, chooseNativeDestination } from '../lib/api.js';
import { describeError, type ErrorContext, type UserMessage } from '../lib/user-error.js';
import { folderPart, withSeparator, type FolderBrowsing } from './folder-browsing.js';

export interface DestinationOptions {
  /** Extensions of the files listed beside the folders (what the write could replace); none: folders only. */
  extensions(): readonly string[];
  /** What the system's dialog is asked for; `typed` is the trimmed destination, '' when none is typed. */
  nativeRequest(typed: string): ChooseDestinationRequest;
  /** The destination chosen with a folder shown by the browser (`folder` ends with a separator). */
  inFolder(folder: string): string;
  /** What a failure to list a folder is described as. */
  context: ErrorContext;
}

export class DestinationChoice implements FolderBrowsing {
  /** As typed or chosen; empty: the service's default place. */
  path = $state('');
  /** The folder browser: the folder shown, or null while it is closed. */
  listing = $state.raw<FolderListing | null>(null);
  browseError = $state.raw<UserMessage | null>(null);

  constructor(private readonly options: DestinationOptions) {}

  get extensions(): readonly string[] {
    return this.options.extensions();
  }

  /** The request's `destination`: absent when none is typed (the service then picks one). */
  get param(): { destination?: string } {
    const typed = this.path.trim();
    return typed ? { destination: typed } : {};
  }

  /** The destination chooser: the system's dialog in the desktop app, else the folder browser at the typed folder. */
  async browse(): Promise<void> {
    const typed = this.path.trim();
    const native = await chooseNativeDestination(this.options.nativeRequest(typed));
    if (native === undefined) return this.list(typed ? folderPart(typed) : undefined, true);
    if (native !== null) this.path = native;
  }

  /** Shows a folder in the browser; `fallBack` opens the home folder when the typed one cannot be shown. */
  async list(path: string | undefined, fallBack = false): Promise<void> {
    this.browseError = null;
    try {
      this.listing = await call('files.listFolders', { ...(path ? { path } : {}), extensions: [...this.extensions] });
    } catch (error) {
      if (fallBack && path) return this.list(undefined);
      this.browseError = describeError(error, this.options.context);
    }
  }

  closeBrowser(): void {
    this.listing = null;
    this.browseError = null;
  }

  /** The folder shown becomes the destination, with the name the options propose inside it. */
  chooseFolder(): void {
    if (!this.listing) return;
    this.path = this.options.inFolder(withSeparator(this.listing.path));
    this.closeBrowser();
  }

  /** An existing file becomes the destination: the write will ask before replacing it. */
  chooseFile(name: string): void {
    if (!this.listing) return;
    this.path = `${withSeparator(this.listing.path)}${name}`;
    this.closeBrowser();
  }
}
