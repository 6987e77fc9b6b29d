// Starts the real `workbench serve` command as a child process over a data folder and waits for its URL line.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Server {
  /** URL with the token in its fragment, as printed. */
  openUrl: string;
  origin: string;
  token: string;
  child: ChildProcess;
  /** Kills the process with SIGKILL (no chance to flush anything) and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM (clean shutdown) and waits. */
  stop(): Promise<void>;
}

/** `env` adds to the server's environment (a test's own HOME, for the export dialog's folder browser). */
export async function startServer(
  dataDir: string,
  options: { engineModule?: string; samples?: boolean; env?: Record<string, string> } = {},
): Promise<Server> {
  const args = [join(repoRoot, 'bin/workbench.js'), 'serve', '--data', dataDir, '--port', '0'];
  if (!options.samples) args.push('--no-samples');
  if (options.engineModule) args.push('--engine', options.engineModule);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const openUrl = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^Workbench: (\S+)/.exec(line);
      if (match) resolveUrl(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`workbench serve exited (${code}) before printing its URL:\n${stderr}`)),
    );
  });
  const url = new URL(openUrl);
  const token = /token=([\w-]+)/.exec(url.hash)![1];
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    openUrl,
    origin: url.origin,
    token,
    child,
    kill: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
  };
}
