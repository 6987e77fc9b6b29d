// The desktop window's connection calls (issue 15): connect to a team server, log in again, log out, go back to
// local data, pick a CA certificate file for a self-signed server, and the servers connected to before (listed,
// forgotten). Only our window's main frame may ask, with a checked request. The CA file is read only if this window
// picked it with the system's dialog in this session, or it belongs to a remembered server (picked that way when it
// was added): the renderer is untrusted and must not make main read a file of its choosing. Passwords pass
// through, never kept; a successful connect remembers the address, user name and CA file (known-servers.ts).
// No import from 'electron' (dialog and ipcMain are handed in), like save-dialog.ts.
import { z } from 'zod';
import { ContractError } from '../../../core/contract/errors.js';
import {
  TEAM_CHANNELS,
  type ConnectionOutcome,
  type ConnectionStatus,
  type KnownServer,
} from '../../../core/contract/team-connection.js';
import { readCaFile } from '../../team-client/ca-file.js';
import type { DataSource } from '../../team-client/data-source.js';
import { isTrustedCaller, type IpcCaller } from './ipc.js';
import type { KnownServers } from './known-servers.js';

const credentials = {
  name: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1024),
};
const connectSchema = z
  .object({ url: z.string().trim().min(1).max(2048), ...credentials, caFile: z.string().min(1).max(4096).optional() })
  .strict();
const logInSchema = z.object(credentials).strict();
const forgetSchema = z.object({ url: z.string().min(1).max(2048), name: z.string().min(1).max(64) }).strict();
const emptySchema = z.union([z.undefined(), z.object({}).strict()]);

/** The part of Electron's `dialog` this uses. */
export interface CaDialogLike<W> {
  showOpenDialog(
    window: W,
    options: { title?: string; properties?: 'openFile'[]; filters?: { name: string; extensions: string[] }[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface TeamIpc {
  handle(channel: string, listener: (event: IpcCaller, ...args: unknown[]) => Promise<unknown>): void;
}

function failure(error: unknown): ConnectionOutcome {
  if (error instanceof ContractError) return { ok: false, error: error.toPayload() };
  return { ok: false, error: { code: 'failed', message: (error as Error).message ?? String(error) } };
}

export function registerTeamConnection<W>(
  ipcMain: TeamIpc,
  dialog: CaDialogLike<W>,
  source: DataSource,
  windowFor: (senderId: number) => W | null,
  windowIds: ReadonlySet<number>,
  /** The servers connected to before; null: none kept (nothing is offered or remembered). */
  known: KnownServers | null = null,
  log: (message: string) => void = () => {},
): void {
  const chosenCaFiles = new Set<string>();

  /** One handler: the caller checked, the single argument parsed, errors answered as an outcome. */
  function handle<S extends z.ZodType>(
    channel: string,
    schema: S,
    run: (
      request: z.output<S>,
      event: IpcCaller,
    ) => Promise<ConnectionStatus | { path: string | null } | { servers: KnownServer[] }>,
  ): void {
    ipcMain.handle(channel, async (event, ...args) => {
      try {
        if (!isTrustedCaller(event, windowIds))
          throw new ContractError('forbidden', 'calls are accepted only from the workbench window');
        if (args.length > 1) throw new ContractError('invalid', `${channel}: expected one parameter object`);
        const parsed = schema.safeParse(args[0]);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue.path.map(String).join('.');
          throw new ContractError('invalid', `${channel}: invalid ${field || 'request'}: ${issue.message}`, field);
        }
        return { ok: true, result: await run(parsed.data, event) };
      } catch (error) {
        return failure(error);
      }
    });
  }

  handle(TEAM_CHANNELS.status, emptySchema, async () => source.status());
  handle(TEAM_CHANNELS.connect, connectSchema, async (request) => {
    if (request.caFile !== undefined && !chosenCaFiles.has(request.caFile) && !known?.hasCaFile(request.caFile))
      throw new ContractError('invalid', 'choose the CA certificate file with the Choose button', 'caFile');
    const ca = request.caFile === undefined ? undefined : { pem: readCaFile(request.caFile), file: request.caFile };
    const status = await source.connect({ url: request.url, name: request.name, password: request.password, ca });
    if (status.kind === 'team' && known)
      try {
        known.remember({ url: status.address, name: request.name, caFile: request.caFile ?? null });
      } catch (error) {
        // A list that cannot be written (a full or read-only disk) must not undo a good connect.
        log(`known team servers: not written: ${(error as Error).message}`);
      }
    return status;
  });
  handle(TEAM_CHANNELS.logIn, logInSchema, (request) => source.logIn(request.name, request.password));
  handle(TEAM_CHANNELS.logOut, emptySchema, () => source.logOut());
  handle(TEAM_CHANNELS.disconnect, emptySchema, () => source.disconnect());
  handle(TEAM_CHANNELS.servers, emptySchema, async () => ({ servers: known?.list() ?? [] }));
  handle(TEAM_CHANNELS.forget, forgetSchema, async (request) => ({ servers: known?.forget(request) ?? [] }));
  handle(TEAM_CHANNELS.chooseCa, emptySchema, async (_request, event) => {
    const window = windowFor(event.sender.id);
    if (!window) return { path: null };
    const answer = await dialog.showOpenDialog(window, {
      properties: ['openFile'],
      filters: [{ name: 'PEM', extensions: ['pem', 'crt', 'cer'] }],
    });
    const path = answer.canceled ? null : (answer.filePaths[0] ?? null);
    if (path !== null) {
      readCaFile(path); // a wrong file is named now, not at the connect
      chosenCaFiles.add(path);
    }
    return { path };
  });
}
