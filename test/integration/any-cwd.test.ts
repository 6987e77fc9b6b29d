// The workbench started from another folder, as `npx workbench` does once installed: the command is reached through
// a node_modules/.bin link and the working directory has no node_modules at all. Pre-annotation runs the engine in a
// worker thread whose bootstrap once resolved tsx from the working directory ("Cannot find package 'tsx'").
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import type { JobInfo } from '../../core/contract/types.js';
import { repoRoot } from './cli-run.js';

const skip = existsSync(join(repoRoot, 'assets', 'model', 'manifest.json'))
  ? false
  : 'the embedded model is not built (assets/model)';

const elsewhere = mkdtempSync(join(tmpdir(), 'wb-elsewhere-'));
const dataDir = mkdtempSync(join(tmpdir(), 'wb-cwd-data-'));
let child: ChildProcess | undefined;

after(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  for (const dir of [elsewhere, dataDir]) rmSync(dir, { recursive: true, force: true });
});

/** A folder where the app is installed as a dependency (a link, as `npm link` / `npm install <dir>` make). */
function installedBin(): string {
  const modules = join(elsewhere, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  symlinkSync(repoRoot, join(modules, 'diffusion-ner-workbench'), 'dir');
  const bin = join(modules, '.bin', 'workbench');
  symlinkSync(join('..', 'diffusion-ner-workbench', 'bin', 'workbench.js'), bin);
  return bin;
}

test(
  '`workbench serve` started from another folder pre-annotates with the embedded model',
  { skip, timeout: 180_000 },
  async () => {
    const work = join(elsewhere, 'work');
    mkdirSync(work);
    const bin = installedBin();
    // npx runs the .bin link; node follows it to the real file, from a cwd with no node_modules of its own.
    const help = spawnSync(process.execPath, [bin, '--help'], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    child = spawn(process.execPath, [bin, 'serve', '--data', dataDir, '--port', '0', '--no-samples'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const openUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        const match = /^Workbench: (\S+)/.exec(line);
        if (match) resolve(match[1]);
      });
      child!.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
    });
    const url = new URL(openUrl);
    const token = /token=([\w-]+)/.exec(url.hash)![1];
    const call = async <T>(method: string, params: unknown): Promise<T> => {
      const res = await fetch(`${url.origin}/api/call/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
      const body = (await res.json()) as { result?: T; error?: unknown };
      assert.equal(res.status, 200, `${method}: ${JSON.stringify(body)}`);
      return body.result as T;
    };
    const text = 'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt.\nBà Hoa ở Huế đã âm tính.\n';
    await call('documents.import', {
      projectId: 1,
      name: 'ca-benh.txt',
      contentBase64: Buffer.from(text).toString('base64'),
      format: 'text',
    });
    const started = await call<JobInfo>('preannotate.start', {
      projectId: 1,
      scope: 'unfinished',
      model: { kind: 'embedded' },
    });
    let job = started;
    for (const deadline = Date.now() + 150_000; job.state === 'running' && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 250));
      job = (await call<JobInfo[]>('jobs.list', {})).find((j) => j.id === started.id) ?? job;
    }
    assert.equal(job.state, 'done', `${job.error ?? ''}\n${stderr}`);
    assert.ok(job.spans >= 1, `expected entities from the embedded model, got ${job.spans}`);
    assert.doesNotMatch(stderr, /Cannot find (package|module)/);
  },
);
