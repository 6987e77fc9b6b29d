// Registers every contract method on its own IPC channel through the shared dispatcher. The caller check accepts
// only our own windows' main frames showing our app:// pages; everything else is refused before validation.
import { ContractError } from '../../../core/contract/errors.js';
import { ipcChannel, METHOD_NAMES, type WorkbenchApi } from '../../../core/contract/methods.js';
import { createDispatcher, type CallOutcome } from '../dispatch.js';

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcCaller {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcCaller, ...args: unknown[]) => Promise<CallOutcome>): void;
}

export const APP_ORIGIN = 'app://workbench';

/** True when the call comes from the main frame of one of our windows, showing our own page. */
export function isTrustedCaller(event: IpcCaller, windowIds: ReadonlySet<number>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !windowIds.has(event.sender.id)) return false;
  try {
    // Not `origin`: for a custom scheme URL.origin is "null" outside a browser that registered it.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function registerIpc(
  ipcMain: IpcMainLike,
  api: WorkbenchApi,
  windowIds: ReadonlySet<number>,
  log: (m: string) => void,
): void {
  const dispatcher = createDispatcher<IpcCaller>(
    api,
    (caller) => {
      if (!isTrustedCaller(caller, windowIds))
        throw new ContractError('forbidden', 'calls are accepted only from the workbench window');
    },
    log,
  );
  for (const method of METHOD_NAMES) {
    // Exactly one argument: a second one is a malformed call, not extra data to ignore.
    ipcMain.handle(ipcChannel(method), (event, ...args) =>
      args.length > 1
        ? Promise.resolve({
            ok: false,
            error: { code: 'invalid', message: `${method}: expected one parameter object` },
          })
        : dispatcher.call(event, method, args[0]),
    );
  }
}
