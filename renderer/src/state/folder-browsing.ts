// What the folder browser (FolderBrowser.svelte) needs from the destination it fills: the folder shown, how to open
// another and what choosing does (DestinationChoice, one each in the export dialog and the dataset form).
import type { FolderListing } from '../../../core/contract/types.js';
import type { UserMessage } from '../lib/user-error.js';

export interface FolderBrowsing {
  /** The folder shown, or null while the browser is closed. */
  readonly listing: FolderListing | null;
  /** Why the folder asked for could not be shown. */
  readonly browseError: UserMessage | null;
  /** Extensions of the files listed beside the folders (what a write could replace); none: folders only. */
  readonly extensions: readonly string[];
  /** Shows a folder (undefined: the home folder). */
  list(path: string | undefined): Promise<void>;
  /** The folder shown becomes the destination. */
  chooseFolder(): void;
  /** A listed file becomes the destination. */
  chooseFile(name: string): void;
}

/** The separator the host's paths use (a Windows host's listing has backslashes). */
export const separatorOf = (path: string) => (path.includes('\\') && !path.includes('/') ? '\\' : '/');

/** `folder` with one trailing separator, ready for a name. */
export function withSeparator(folder: string): string {
  const sep = separatorOf(folder);
  return folder.endsWith(sep) ? folder : folder + sep;
}

/** A file or folder name safe on every file system, for the destination the browser proposes. */
export const safeName = (name: string) => name.replace(/[^\p{L}\p{N}_-]+/gu, '_');

/** The folder part of a typed destination (itself when it ends with a separator). */
export function folderPart(path: string): string {
  if (/[\\/]$/u.test(path)) return path;
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}
