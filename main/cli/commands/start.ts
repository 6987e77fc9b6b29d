import { electronLaunch } from '../../hosts/electron-launch.js';
import { type Command } from '../cli-support.js';
import { serveOptions, serveUntilStopped } from './serve.js';

const usage = `usage: workbench start [--data DIR] [--browser] [--no-samples]

Opens the desktop app (Electron). Where Electron is not installed or there is no display, starts the browser
host instead and prints its URL (as \`workbench serve\`).
  --data        data folder (default: the per-user folder)
  --browser     use the browser host even where Electron is available
  --no-samples  do not import the sample documents into a new data folder`;

export const startCommand: Command = {
  name: 'start',
  summary: 'open the annotation UI (desktop app, or the browser host where Electron is missing)',
  usage,
  async run(args) {
    const options = serveOptions(args, usage);
    // A team server is the browser host by definition; the desktop app is one person's.
    if (!options.browser && !options.team) {
      const launch = await electronLaunch(options.dataDir, options.samples);
      if (launch.ok) return launch.exitCode;
      console.log(`Electron: ${launch.reason}; starting the browser host instead.`);
    }
    return serveUntilStopped(options);
  },
};
