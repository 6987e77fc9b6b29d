// The export's destination chosen with the system's own dialog (issue 14): a save dialog for one-file formats, a
// folder picker for multi-file ones. Only our window's main frame may ask, with a checked request; the answer is a
// path or null, and the export itself still goes through the contract (the service refuses what it must).
import { z } from 'zod';
import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { CHOOSE_DESTINATION_CHANNEL, type ChooseDestinationResult } from '../../../core/contract/native-dialog.js';
import { isTrustedCaller, type IpcCaller } from './ipc.js';

const requestSchema = z
  .object({
    kind: z.enum(['file', 'folder']),
    defaultPath: z.string().min(1).max(4096).optional(),
    extensions: z.array(z.string().regex(/^\.[\w.-]{1,16}$/u)).max(8).optional(),
    filterName: z.string().min(1).max(80).optional(),
  })
  .strict();

/** The parts of Electron's `dialog` and `ipcMain` this uses (a test can hand in stand-ins). */
export interface DialogLike {
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface DialogIpc {
  handle(channel: string, listener: (event: IpcCaller & { sender: { id: number } }, ...args: unknown[]) => Promise<ChooseDestinationResult>): void;
}

export function registerDestinationDialog(ipcMain: DialogIpc, dialog: DialogLike, windowFor: (senderId: number) => BrowserWindow | null, windowIds: ReadonlySet<number>): void {
  ipcMain.handle(CHOOSE_DESTINATION_CHANNEL, async (event, ...args) => {
    const window = windowFor(event.sender.id);
    const parsed = requestSchema.safeParse(args[0]);
    if (!window || args.length !== 1 || !isTrustedCaller(event, windowIds) || !parsed.success) return { path: null };
    const request = parsed.data;
    if (request.kind === 'folder') {
      const answer = await dialog.showOpenDialog(window, { defaultPath: request.defaultPath, properties: ['openDirectory', 'createDirectory'] });
      return { path: answer.canceled ? null : (answer.filePaths[0] ?? null) };
    }
    const filters = request.extensions?.length ? [{ name: request.filterName ?? request.extensions.join(', '), extensions: request.extensions.map((e) => e.slice(1)) }] : [];
    // No overwrite question here: the export asks its own, naming what is there (the one question, on every system).
    const answer = await dialog.showSaveDialog(window, { defaultPath: request.defaultPath, filters, properties: ['createDirectory'] });
    return { path: answer.canceled ? null : (answer.filePath ?? null) };
  });
}
