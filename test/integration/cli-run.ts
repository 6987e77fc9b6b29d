// Runs the real `workbench` command in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/workbench.js ...args` in `cwd`. */
export function workbench(args: string[], cwd = repoRoot): CliResult {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'workbench.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh, empty data folder for one test. */
export function dataFolder(): string {
  return mkdtempSync(join(tmpdir(), 'wb-cli-'));
}
