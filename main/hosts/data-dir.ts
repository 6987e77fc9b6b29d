// Where the workbench keeps its data when no --data is given: the same folder Electron's app.getPath('userData')
// gives for this app's name, so the desktop app and the browser host open the same database.
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Diffusion NER Workbench';
/** The database's file name inside a data folder (the hosts', and the CLI's --data). */
export const HOST_DB_NAME = 'workbench.sqlite';

/** The per-user data folder for this platform. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORKBENCH_DATA) return env.WORKBENCH_DATA;
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
  }
}
