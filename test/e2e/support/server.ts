// Starts the real `workbench serve` command as a child process over a data folder and waits for its URL line (the
// single-user host here; a team server in team-server.ts, through the same `serve`).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Server extends Served {
  /** The URL's origin (openUrl, as printed, carries the token in its fragment). */
  origin: string;
  token: string;
}

/** `env` adds to the server's environment (a test's own HOME, for the export dialog's folder browser). */
export async function startServer(
  dataDir: string,
  options: { engineModule?: string; samples?: boolean; env?: Record<string, string> } = {},
): Promise<Server> {
  const args = ['serve', '--data', dataDir, '--port', '0'];
  if (!options.samples) args.push('--no-samples');
  if (options.engineModule) args.push('--engine', options.engineModule);
  const served = await serve(args, options.env);
  const url = new URL(served.openUrl);
  const token = /token=([\w-]+)/.exec(url.hash)![1];
  return { ...served, origin: url.origin, token };
}

/** A running `workbench serve`: the URL it printed, the process, and two ways to end it. */
export interface Served {
  openUrl: string;
  child: ChildProcess;
  /** Kills the process with SIGKILL (no chance to flush anything) and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM (clean shutdown) and waits. */
  stop(): Promise<void>;
}

/**
 * Runs `workbench ...args` (a `serve` command line) and resolves once it prints its `Workbench: URL` line; rejects with
 * its stderr when it exits first, so a server that cannot start fails the test with its own words.
 */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/workbench.js'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
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
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { openUrl, child, kill: () => stopWith('SIGKILL'), stop: () => stopWith('SIGTERM') };
}
