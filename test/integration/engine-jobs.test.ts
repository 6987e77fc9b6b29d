// Pre-annotation jobs through the services with the real diffusion engine (worker thread, onnxruntime) on the tiny
// fixture model. Its random weights write junk, so these tests check the plumbing, not the suggestions: what is
// stored and with which model, the progress events, cancelling the chunk in flight, the loader's refusals.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { JobInfo } from '../../core/contract/types.js';
import { DiffusionEnginePort, EMBEDDED_NOT_BUILT } from '../../main/engine/engine-port-adapter.js';
import { openWorkspace, type Workspace } from '../../main/hosts/workspace.js';
import type { BatchProgress, EnginePort } from '../../main/services/engine-port.js';
import type { ChunkLimits } from '../../main/services/job-service.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';
import { TINY_PACKAGE, tinyPackageCopy } from '../support/tiny-package.js';

const SENTENCES = [
  'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt từ ngày 12/3.',
  'Sở Y tế cho biết ca bệnh tại Đà Nẵng đã hết ho khan.',
  'Theo CDC Hà Nội, người phụ nữ 62 tuổi sống tại Cần Thơ đã âm tính.',
  'Bà Hoa ở Huế khỏe.',
  'Ca bệnh 17 ở Quảng Nam đã được cách ly.',
  'Bệnh viện Đà Nẵng tiếp nhận 3 ca sốt cao.',
  'Ông Nam, 70 tuổi, đi xe buýt từ Hà Nội về Hải Phòng.',
  'Nữ sinh 19 tuổi ở quận 7 có kết quả dương tính.',
];
const CPU_1 = { device: 'auto' as const, intraOpThreads: 1, interOpThreads: 1 };
// Enough steps that cancelling during a chunk lands while it denoises.
const SETTINGS = { steps: 24, maxNewTokens: 24 };

interface Env {
  service: WorkbenchService;
  workspace: Workspace;
  events: WorkbenchEvent[];
  close(): Promise<void>;
}

async function environment(engine: EnginePort, chunk: ChunkLimits): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-engine-jobs-'));
  const workspace = await openWorkspace(dir, { samples: false });
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: dir,
    host: 'browser',
    engine,
    version: 'test',
    chunk,
  });
  const events: WorkbenchEvent[] = [];
  service.events.on((e) => events.push(e));
  await service['documents.import']({
    projectId: 1,
    name: 'ca-benh.txt',
    contentBase64: Buffer.from(SENTENCES.join('\n') + '\n').toString('base64'),
    format: 'text',
  });
  return {
    service,
    workspace,
    events,
    async close() {
      await service.close();
      workspace.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runJob(env: Env, path: string): Promise<JobInfo> {
  const job = await env.service['preannotate.start']({
    projectId: 1,
    scope: 'unfinished',
    model: { kind: 'package', path },
  });
  const finished = await env.service.jobs.settled(job.id);
  assert.ok(finished);
  return finished;
}

const tinyPort = () =>
  new DiffusionEnginePort({ embeddedDir: join(tmpdir(), 'no-such-embedded-model'), engine: CPU_1, settings: SETTINGS });

describe('pre-annotation with the diffusion engine', () => {
  let engine: DiffusionEnginePort;
  let env: Env;
  before(async () => {
    engine = tinyPort();
    env = await environment(engine, { documents: 3, characters: 1e6 });
  });
  after(() => env.close());

  test('a job stores suggestions with the model name, version and registry id, and reports progress', async () => {
    const job = await runJob(env, TINY_PACKAGE);
    assert.equal(job.state, 'done', job.error);
    assert.deepEqual([job.done, job.total, job.progress], [SENTENCES.length, SENTENCES.length, 1]);

    const store = env.workspace.store;
    const [model] = store.models.list();
    assert.deepEqual([model.name, model.version, model.path], ['tiny-qwen2-l2-h64-s7', '0.1.0', resolve(TINY_PACKAGE)]);
    assert.equal((model.manifest as { name: string }).name, 'tiny-qwen2-l2-h64-s7');
    let spans = 0;
    for (let id = 1; id <= SENTENCES.length; id++) {
      const suggestions = store.suggestions.forDocument(id);
      assert.equal(suggestions.length, 1, `document ${id} has one suggestion`);
      assert.deepEqual(
        [suggestions[0].modelId, suggestions[0].modelName, suggestions[0].modelVersion],
        [model.id, model.name, model.version],
      );
      assert.equal(store.documents.get(id)?.status, 'pre-annotated');
      // The tiny model's junk rarely parses into spans; any it writes must carry a score in [0, 1].
      for (const span of suggestions[0].spans) {
        spans++;
        assert.ok(typeof span.score === 'number' && span.score >= 0 && span.score <= 1, JSON.stringify(span));
      }
    }
    assert.equal(job.spans, spans);

    // The device is the engine's own: on this machine the CPU, with the reason CUDA could not be used.
    assert.equal(
      job.device.device === 'cuda' || /^CUDA unavailable, running on the CPU: /.test(job.device.reason),
      true,
      job.device.reason,
    );
    // The same reason as a code, which the UI words in its own language.
    assert.equal(job.device.code, job.device.device === 'cuda' ? 'cuda-loaded' : 'cuda-fallback');
    assert.deepEqual(engine.device(), job.device);

    const progress = env.events.flatMap((e) => (e.type === 'job.progress' ? [e] : []));
    const stored = progress.filter((e) => e.documentId !== undefined).map((e) => e.job.done);
    assert.deepEqual(stored, [3, 6, 8], 'one event per stored chunk');
    const fractions = progress.map((e) => e.job.progress);
    assert.ok(
      fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1])),
      `progress only grows: ${fractions.join(' ')}`,
    );
    assert.ok(
      progress.some((e) => e.job.step && e.job.step.step >= 1 && e.job.step.totalSteps >= e.job.step.step),
      'denoising steps reach the job events',
    );
    const changed = env.events.filter((e) => e.type === 'document.changed' && e.reason === 'suggestions');
    assert.equal(changed.length, SENTENCES.length);
  });

  test('the same package opened again keeps its registry entry', async () => {
    const before = env.workspace.store.models.list();
    await env.service['documents.setStatus']({ documentId: 1, status: 'in_progress' });
    const job = await env.service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [1],
      model: { kind: 'package', path: TINY_PACKAGE },
    });
    assert.equal((await env.service.jobs.settled(job.id))?.state, 'done');
    assert.deepEqual(
      env.workspace.store.models.list().map((m) => m.id),
      before.map((m) => m.id),
    );
    assert.deepEqual(
      env.workspace.store.suggestions.forDocument(1).map((s) => s.modelId),
      [before[0].id, before[0].id],
    );
  });

  test("a broken package fails the job with the loader's message", async () => {
    const dir = tinyPackageCopy((m) => {
      delete m.tokens;
      m.maxLength = 1;
    });
    const job = await runJob(env, dir);
    assert.equal(job.state, 'failed');
    assert.match(job.error ?? '', /^model package .*package cannot be used:/);
    assert.match(job.error ?? '', /manifest\.json: tokens: /);
    assert.match(job.error ?? '', /manifest\.json: maxLength: /);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  test('a folder that is no package is refused by the loader too', async () => {
    const job = await runJob(env, join(tmpdir(), 'wb-no-such-package'));
    assert.equal(job.state, 'failed');
    assert.match(job.error ?? '', /cannot be used:\s+the folder does not exist/);
  });

  test('the embedded model, when not built, is listed as unavailable and says how to build it', async () => {
    const [embedded] = (await env.service['models.list']()).models;
    assert.deepEqual([embedded.kind, embedded.available, embedded.reason], ['embedded', false, EMBEDDED_NOT_BUILT]);
    const job = await env.service['preannotate.start']({
      projectId: 1,
      scope: 'unfinished',
      model: { kind: 'embedded' },
    });
    const finished = await env.service.jobs.settled(job.id);
    assert.deepEqual([finished?.state, finished?.error], ['failed', EMBEDDED_NOT_BUILT]);
  });
});

test('cancelling stores nothing for the chunk in flight; the chunks before it keep their suggestions', async () => {
  const real = tinyPort();
  // The real engine, watched: cancel the job at the second chunk's first progress event (the worker sends them at
  // most every 25 ms, the first at once), and record how the engine call for that chunk ended.
  let calls = 0;
  let cancelJob = () => {};
  let inFlight: Promise<unknown> | undefined;
  const engine: EnginePort = {
    device: () => real.device(),
    models: () => real.models(),
    close: () => real.close(),
    async open(choice, signal) {
      const session = await real.open(choice, signal);
      return {
        ...session,
        annotateMany(texts, abort, onProgress) {
          const call = ++calls;
          const watched = (p: BatchProgress) => {
            onProgress?.(p);
            if (call === 2 && p.step) cancelJob();
          };
          const result = session.annotateMany(texts, abort, watched);
          if (call === 2) inFlight = result.catch((error: Error) => error);
          return result;
        },
      };
    },
  };
  const env = await environment(engine, { documents: 4, characters: 1e6 });
  try {
    const job = await env.service['preannotate.start']({
      projectId: 1,
      scope: 'unfinished',
      model: { kind: 'package', path: TINY_PACKAGE },
    });
    cancelJob = () => {
      cancelJob = () => {};
      void env.service['jobs.cancel']({ jobId: job.id });
    };
    const finished = await env.service.jobs.settled(job.id);
    assert.deepEqual([finished?.state, finished?.done, calls], ['cancelled', 4, 2]);
    assert.equal(
      ((await inFlight) as Error | undefined)?.name,
      'AbortError',
      'the engine call in flight was cancelled',
    );
    const store = env.workspace.store;
    for (let id = 1; id <= 4; id++)
      assert.equal(store.suggestions.forDocument(id).length, 1, `document ${id} (first chunk) keeps its suggestions`);
    for (let id = 5; id <= 8; id++) {
      assert.equal(store.suggestions.forDocument(id).length, 0, `document ${id} (chunk in flight) has no suggestions`);
      assert.equal(store.documents.get(id)?.status, 'new');
    }
    const finishedEvents = env.events.filter((e) => e.type === 'job.finished');
    assert.equal(finishedEvents.length, 1);
  } finally {
    await env.close();
  }
});
