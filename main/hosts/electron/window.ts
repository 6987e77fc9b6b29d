// The one window: sandboxed, context-isolated, no Node in the page, no navigation away, no new windows, no
// permissions. Its page comes from app://workbench/, served from the built renderer.
import { BrowserWindow, shell, type WebContents } from 'electron';
import { APP_ORIGIN } from './ipc.js';

export function createWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Diffusion NER Workbench',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** Applied to every web contents the app creates: stay on our origin, open nothing, grant nothing. */
export function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    const target = new URL(url);
    if (`${target.protocol}//${target.host}` !== APP_ORIGIN) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never in a window of ours.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}
