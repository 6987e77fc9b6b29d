// The one window: sandboxed, context-isolated, no Node in the page, no navigation away, no new windows, no
// permissions, no devices. Its page comes from app://workbench/, served from the built renderer.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { APP_ORIGIN } from './ipc.js';
import { isAppUrl, openExternalAllowed } from './navigation.js';

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

/**
 * Applied to every web contents the app creates: stay on our origin (main frame and subframes), open no window of
 * ours, hand only allow-listed https links to the user's browser (navigation.ts), grant nothing.
 */
export function lockDown(contents: WebContents): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    // A plain link to documentation (no target) goes to the browser too, never into our window.
    openExternalAllowed(url, (u) => shell.openExternal(u));
  };
  contents.on('will-navigate', (event, url) => stayHome(event, url));
  contents.on('will-frame-navigate', (details) => {
    if (!isAppUrl(details.url)) details.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalAllowed(url, (u) => shell.openExternal(u));
    return { action: 'deny' };
  });
  lockDownSession(contents.session);
}

/**
 * The app needs no browser permission: it reads files through an <input type="file"> (no permission involved),
 * copies through the menu's role (no clipboard permission), and shows nothing full screen. So every permission
 * request and check is refused, and no device (HID, serial, USB) is ever granted. Idempotent: set per contents.
 */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
