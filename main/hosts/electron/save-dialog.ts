// The export's destination chosen with the system's own dialog (issue 14): a save dialog for one-file formats, a
// folder picker for multi-file ones. Only our window's main frame may ask, with a checked request; the answer is a
// path or null, and the export itself still goes through the contract (the service refuses what it must).
// No import from 'electron' (its dialog and ipcMain are handed in): the unit test runs where Electron is absent.
import { z } from 'zod';
import { CHOOSE_DESTINATION_CHANNEL, type ChooseDestinationResult } from '../../../core/contract/native-dialog.js';
import { isTrustedCaller, type IpcCaller } from './ipc.js';

const requestSchema = z
  .object({
    kind: z.enum(['file', 'folder']),
    defaultPath: z.string().min(1).max(4096).optional(),
    extensions: z
      .array(z.string().regex(/^\.[\w.-]{1,16}$/u))
      .max(8)
      .optional(),
    filterName: z.string().min(1).max(80).optional(),
  })
  .strict();

/** The parts of Electron's `dialog` this uses, for a window of type W. */
export interface DialogLike<W> {
  showSaveDialog(
    window: W,
    options: {
      defaultPath?: string;
      filters?: { name: string; extensions: string[] }[];
      properties?: 'createDirectory'[];
    },
  ): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(
    window: W,
    options: { defaultPath?: string; properties?: ('openDirectory' | 'createDirectory')[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface DialogIpc {
  handle(channel: string, listener: (event: IpcCaller, ...args: unknown[]) => Promise<ChooseDestinationResult>): void;
}

export function registerDestinationDialog<W>(
  ipcMain: DialogIpc,
  dialog: DialogLike<W>,
  windowFor: (senderId: number) => W | null,
  windowIds: ReadonlySet<number>,
): void {
  ipcMain.handle(CHOOSE_DESTINATION_CHANNEL, async (event, ...args) => {
    const window = windowFor(event.sender.id);
    const parsed = requestSchema.safeParse(args[0]);
    if (!window || args.length !== 1 || !isTrustedCaller(event, windowIds) || !parsed.success) return { path: null };
    const request = parsed.data;
    if (request.kind === 'folder') {
      const answer = await dialog.showOpenDialog(window, {
        defaultPath: request.defaultPath,
        properties: ['openDirectory', 'createDirectory'],
      });
      return { path: answer.canceled ? null : (answer.filePaths[0] ?? null) };
    }
    const filters = request.extensions?.length
      ? [
          {
            name: request.filterName ?? request.extensions.join(', '),
            extensions: request.extensions.map((e) => e.slice(1)),
          },
        ]
      : [];
    // No overwrite question here: the export asks its own, naming what is there (the one question, on every system).
    const answer = await dialog.showSaveDialog(window, {
      defaultPath: request.defaultPath,
      filters,
      properties: ['createDirectory'],
    });
    return { path: answer.canceled ? null : (answer.filePath ?? null) };
  });
}
