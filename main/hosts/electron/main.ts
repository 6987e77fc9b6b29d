// The desktop app's main process: one instance, one locked-down window, the services in a separate process,
// and every IPC call through the contract's dispatcher (sender check + schema validation).
import { app, BrowserWindow, dialog, ipcMain, utilityProcess } from 'electron';
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL } from '../../../core/contract/methods.js';
import { TEAM_CHANNELS } from '../../../core/contract/team-connection.js';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { DataSource } from '../../team-client/data-source.js';
import { APP_NAME } from '../data-dir.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { registerScheme, serveRenderer } from './protocol.js';
import { registerDestinationDialog } from './save-dialog.js';
import { serviceClient, type ServiceChannel } from './service-client.js';
import { KnownServers } from './known-servers.js';
import { registerTeamConnection } from './team-connection.js';
import type { FromService } from './service-protocol.js';
import { createWindow, lockDown } from './window.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron (bundled)
const root = process.env.WORKBENCH_ROOT ?? join(here, '..', '..');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

app.setName(APP_NAME);
if (arg('data')) app.setPath('userData', arg('data')!);
registerScheme();

// A second launch focuses the first window instead of opening the same database twice.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.whenReady().then(start, (error) => {
    console.error(error);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
}

/** Starts the service process: Node with tsx in development, Electron's utility process when packaged. */
function startService(): ServiceChannel {
  const args = [
    `--data=${app.getPath('userData')}`,
    ...(process.argv.includes('--no-samples') ? ['--no-samples'] : []),
  ];
  if (app.isPackaged) {
    const child = utilityProcess.fork(join(here, 'service.mjs'), args, { serviceName: 'workbench-services' });
    return {
      postMessage: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m: FromService) => l(m)),
      onExit: (l) => child.on('exit', (code) => l(code)),
    };
  }
  const node = process.env.WORKBENCH_NODE ?? 'node';
  const child = fork(join(root, 'main/hosts/service-process.ts'), args, {
    execPath: node,
    execArgv: ['--import', import.meta.resolve('tsx')],
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    postMessage: (m) => child.send(m),
    onMessage: (l) => child.on('message', (m) => l(m as FromService)),
    onExit: (l) => child.on('exit', (code) => l(code)),
  };
}

async function start(): Promise<void> {
  serveRenderer(join(root, 'dist', 'renderer'));
  const windows = new Set<number>();
  const broadcast = (event: WorkbenchEvent) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(EVENT_CHANNEL, event);
  };
  const channel = startService();
  // The window shows this machine's services or a team server's (Connect to a team server); events follow suit.
  const { api, ready } = serviceClient(channel, (event) => source.localEvent(event));
  const source = new DataSource(api, broadcast);
  source.onStatus((status) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(TEAM_CHANNELS.changed, status);
  });
  channel.onExit((code) => {
    if (code !== 0) console.error(`workbench: the service process stopped (${code})`);
    app.quit();
  });
  registerIpc(ipcMain, source.api, windows, (m) => console.error(m));
  const windowFor = (id: number) => BrowserWindow.getAllWindows().find((w) => w.webContents.id === id) ?? null;
  registerDestinationDialog(ipcMain, dialog, windowFor, windows);
  const known = new KnownServers(join(app.getPath('userData'), 'team-servers.json'), (m) => console.error(m));
  registerTeamConnection(ipcMain, dialog, source, windowFor, windows, known, (m) => console.error(m));
  await ready;
  const win = createWindow(join(here, 'preload.cjs'));
  windows.add(win.webContents.id);
  win.on('closed', () => windows.delete(win.webContents.id));
  buildMenu((command) => broadcast({ type: 'menu', command }), !app.getLocale().startsWith('en'));
}
