// A first start with the sample documents pre-annotates them with the embedded model (the README's promise: the
// samples open with suggestions); a later start over the same data folder starts nothing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import type { JobInfo } from '../../core/contract/types.js';
import { repoRoot } from './cli-run.js';

const skip = existsSync(join(repoRoot, 'assets', 'model', 'manifest.json'))
  ? false
  : 'the embedded model is not built (assets/model)';
const dataDir = mkdtempSync(join(tmpdir(), 'wb-first-start-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<{
  call: <T>(method: string, params: unknown) => Promise<T>;
  stop: () => Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'workbench.js'), 'serve', '--data', dataDir, '--port', '0'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const openUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Workbench: (\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
  });
  const url = new URL(openUrl);
  const token = /token=([\w-]+)/.exec(url.hash)![1];
  return {
    async call<T>(method: string, params: unknown): Promise<T> {
      const res = await fetch(`${url.origin}/api/call/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
      const body = (await res.json()) as { ok: boolean; result?: T; error?: unknown };
      assert.ok(body.ok, `${method}: ${JSON.stringify(body.error)}`);
      return body.result as T;
    },
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

test('the first start pre-annotates the samples; the next start does not', { skip, timeout: 180_000 }, async () => {
  const first = await serve();
  let jobs = await first.call<JobInfo[]>('jobs.list', {});
  assert.equal(jobs.length, 1, 'one pre-annotation job, started by the first start');
  for (const deadline = Date.now() + 150_000; jobs[0].state === 'running' && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    jobs = await first.call<JobInfo[]>('jobs.list', {});
  }
  assert.equal(jobs[0].state, 'done', jobs[0].error);
  assert.ok(jobs[0].spans > 0, 'the samples got suggestions');
  await first.stop();
  const second = await serve();
  assert.deepEqual(await second.call<JobInfo[]>('jobs.list', {}), []);
  await second.stop();
});
