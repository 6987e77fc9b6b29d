// The packaged app's service process is the esbuild bundle dist/electron/service.mjs, which starts the engine's
// worker thread from a file beside it. This runs that bundle under plain Node (no tsx: nothing from the sources) and
// pre-annotates with the embedded model, so a bundle that cannot find its worker fails here, not on a user's machine.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { JobInfo } from '../../core/contract/types.js';
import type { CallOutcome } from '../../main/hosts/dispatch.js';
import type { FromService } from '../../main/hosts/electron/service-protocol.js';
import { bundleElectron } from '../../main/hosts/electron-launch.js';
import { repoRoot } from '../../main/hosts/workspace.js';

const EMBEDDED = join(repoRoot, 'assets', 'model', 'manifest.json');
const skip = existsSync(EMBEDDED) ? false : 'the embedded model is not built (assets/model)';

let child: ChildProcess;
let dataDir: string;
let bundleDir: string;
const listeners = new Set<(event: WorkbenchEvent) => void>();
const waiting = new Map<number, (outcome: CallOutcome) => void>();
let nextId = 1;

function call<T>(method: string, params: unknown): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, (outcome) =>
      outcome.ok ? resolve(outcome.result as T) : reject(new Error(JSON.stringify(outcome.error))),
    );
    child.send({ type: 'call', id, method, params });
  });
}

before(async () => {
  if (skip) return;
  // Its own folder (the Electron smoke test bundles to dist/electron), inside the app like the packaged one's.
  mkdirSync(join(repoRoot, 'dist'), { recursive: true });
  bundleDir = mkdtempSync(join(repoRoot, 'dist', 'bundle-test-'));
  await bundleElectron(bundleDir);
  dataDir = mkdtempSync(join(tmpdir(), 'wb-bundled-'));
  // Plain Node, outside the repository, so only the bundle's own files can be found relative to it.
  child = fork(join(bundleDir, 'service.mjs'), [`--data=${dataDir}`, '--no-samples'], {
    execArgv: [],
    cwd: tmpdir(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: FromService) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'failed') reject(new Error(m.message));
      else if (m.type === 'result') waiting.get(m.id)?.(m.outcome);
      else if (m.type === 'event') for (const listener of listeners) listener(m.event);
    });
    child.once('exit', (code) => reject(new Error(`service exited (code ${code})`)));
  });
});

after(() => {
  child?.kill('SIGTERM');
  for (const dir of [dataDir, bundleDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'the bundled service pre-annotates with the embedded model in its worker thread',
  { skip, timeout: 120_000 },
  async () => {
    const text = 'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt.\nBà Hoa ở Huế đã âm tính.\n';
    await call('documents.import', {
      projectId: 1,
      name: 'ca-benh.txt',
      contentBase64: Buffer.from(text).toString('base64'),
      format: 'text',
    });
    // Listening before the start: the job may finish before its start call's answer arrives.
    const finished = new Map<string, JobInfo>();
    const waiters = new Map<string, (job: JobInfo) => void>();
    listeners.add((e) => {
      if (e.type !== 'job.finished') return;
      finished.set(e.job.id, e.job);
      waiters.get(e.job.id)?.(e.job);
    });
    const started = await call<JobInfo>('preannotate.start', {
      projectId: 1,
      scope: 'unfinished',
      model: { kind: 'embedded' },
    });
    const job = finished.get(started.id) ?? (await new Promise<JobInfo>((resolve) => waiters.set(started.id, resolve)));
    assert.equal(job.state, 'done', job.error);
    assert.equal(job.device.device, 'cpu');
    assert.ok(job.spans >= 2, `expected the embedded model to find entities, got ${job.spans}`);
  },
);
