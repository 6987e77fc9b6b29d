// The bridge between the sandboxed renderer and main: one function per contract method (each on its own IPC
// channel), the export's destination dialog and an event subscription. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, ipcChannel, METHOD_LIST, type MethodName } from '../core/contract/channels.js';
import {
  CHOOSE_DESTINATION_CHANNEL,
  type ChooseDestinationRequest,
  type ChooseDestinationResult,
} from '../core/contract/native-dialog.js';
import {
  TEAM_CHANNELS,
  type ConnectionOutcome,
  type ConnectionStatus,
  type ConnectRequest,
  type ForgetRequest,
  type KnownServersOutcome,
  type LogInRequest,
} from '../core/contract/team-connection.js';

type Outcome = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const methods = Object.fromEntries(
  METHOD_LIST.map((method) => [
    method,
    (params: unknown): Promise<Outcome> => ipcRenderer.invoke(ipcChannel(method), params),
  ]),
) as Record<MethodName, (params: unknown) => Promise<Outcome>>;

contextBridge.exposeInMainWorld('workbench', {
  methods,
  /** The system's save / folder dialog for the export's destination (answered by main, not the services). */
  chooseDestination(request: ChooseDestinationRequest): Promise<ChooseDestinationResult> {
    return ipcRenderer.invoke(CHOOSE_DESTINATION_CHANNEL, request);
  },
  /** The window's data source: this machine's, or a team server's (main keeps the session; passwords pass through). */
  team: {
    status: (): Promise<ConnectionOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.status),
    connect: (request: ConnectRequest): Promise<ConnectionOutcome> =>
      ipcRenderer.invoke(TEAM_CHANNELS.connect, request),
    logIn: (request: LogInRequest): Promise<ConnectionOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.logIn, request),
    logOut: (): Promise<ConnectionOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.logOut),
    disconnect: (): Promise<ConnectionOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.disconnect),
    chooseCa: (): Promise<{ ok: true; result: { path: string | null } } | ConnectionOutcome> =>
      ipcRenderer.invoke(TEAM_CHANNELS.chooseCa),
    /** The servers connected to before (address, user name, CA file; never a password). */
    servers: (): Promise<KnownServersOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.servers),
    forget: (request: ForgetRequest): Promise<KnownServersOutcome> => ipcRenderer.invoke(TEAM_CHANNELS.forget, request),
    onChange(listener: (status: ConnectionStatus) => void): () => void {
      const forward = (_event: IpcRendererEvent, status: ConnectionStatus) => listener(status);
      ipcRenderer.on(TEAM_CHANNELS.changed, forward);
      return () => ipcRenderer.removeListener(TEAM_CHANNELS.changed, forward);
    },
  },
  onEvent(listener: (event: unknown) => void): () => void {
    // Only the event payload crosses, never the IpcRendererEvent (it holds a reference to ipcRenderer).
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
});
