// Keep learning (issue 12, point 5): with `retrainEvery` set, finishing N more documents starts a project training
// in the background (never two at once); a version that beats the active model becomes active and the unfinished
// documents are re-annotated with it, a version that does not is kept and re-annotates nothing. The trainer is a
// stand-in here (the real one is test/integration/train-project.test.ts): it writes a copy of the tiny fixture
// package with the project's labels and reports the held-out scores the test asks for, so both branches are certain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { JobInfo } from '../../core/contract/types.js';
import { paramSchemas } from '../../core/contract/methods.js';
import type { FineTuneArgs, FineTuneProgress, FineTuneResult } from '../../main/training/fine-tune-process.js';
import type { EnginePort, EngineSession } from '../../main/services/engine-port.js';
import { tinyPackageCopy } from '../support/tiny-package.js';
import { WorkbenchService } from '../../main/services/workbench-service.js';
import { tempService } from '../unit/hosts/helpers.js';

const LABELS = ['triệu chứng bệnh', 'Nơi'];

/** An engine that knows one embedded package (the tiny fixture) and suggests nothing: what the jobs record is what counts. */
function engineOver(embedded: string): EnginePort & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    device: () => ({ device: 'cpu', reason: 'stand-in' }),
    models: () => [{ id: 'embedded', name: 'tiny', kind: 'embedded', path: embedded, available: true }],
    async open(choice) {
      const path = choice.kind === 'package' ? choice.path : embedded;
      opened.push(resolve(path));
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      const session: EngineSession = {
        modelName: manifest.name,
        modelVersion: manifest.version,
        package: { path: resolve(path), manifest },
        device: { device: 'cpu', reason: 'stand-in' },
        annotateMany: async (texts) => texts.map(() => ({ entities: [] })),
        close: async () => {},
      };
      return session;
    },
  };
}

/**
 * A trainer that writes the tiny package under the project's labels and reports `scores()`'s held-out F1s. `calls`
 * gets the scored runs: the refit on every document that follows each (no held-out file) is not another training.
 */
function standInTrainer(scores: () => { f1: number; active: number }, calls: FineTuneArgs[]) {
  return async (
    args: FineTuneArgs,
    signal: AbortSignal,
    onProgress?: (p: FineTuneProgress) => void,
  ): Promise<FineTuneResult> => {
    if (args.heldout !== undefined) calls.push(args);
    onProgress?.({ phase: 'train', step: 1, steps: 2, loss: 1.5 });
    await new Promise((r) => setImmediate(r));
    if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    const { labels } = JSON.parse(readFileSync(args.labels!, 'utf8')) as { labels: string[] };
    const source = tinyPackageCopy((m) => {
      m.name = args.name;
      m.version = args.version;
      m.output = { format: 'aligned-bio', labels }; // the project trainer's format: any label name, spaces too
    });
    cpSync(source, args.out, { recursive: true });
    const { f1, active } = scores();
    return {
      package: args.out,
      metrics: {
        f1,
        precision: f1,
        recall: f1,
        ...(args.compare ? { compare: { package: args.compare, f1: active } } : {}),
      },
      seconds: 0.1,
    };
  };
}

function lines(n: number): string {
  return (
    Array.from({ length: n }, (_, i) => {
      const text = `Bệnh nhân ${100 + i} bị sốt cao ở Hà Nội .`;
      const s = [...`Bệnh nhân ${100 + i} bị `].length;
      const h = [...`Bệnh nhân ${100 + i} bị sốt cao ở `].length;
      return JSON.stringify({
        text,
        label: [
          [s, s + 7, LABELS[0]],
          [h, h + 6, LABELS[1]],
        ],
      });
    }).join('\n') + '\n'
  );
}

test('keep learning: N more finished documents start one training; a better version becomes active and re-annotates the unfinished documents', async () => {
  const embedded = tinyPackageCopy();
  const calls: FineTuneArgs[] = [];
  let scores = { f1: 0.6, active: 0.1 };
  const engine = engineOver(embedded);
  const env = await tempService(engine, { trainer: standInTrainer(() => scores, calls) });
  const { service, store } = env;
  const events: WorkbenchEvent[] = [];
  service.events.on((e) => events.push(e));
  const auto = () =>
    events
      .filter(
        (e): e is Extract<WorkbenchEvent, { type: 'job.finished' }> =>
          e.type === 'job.finished' && e.job.kind === 'train' && e.job.trigger === 'auto',
      )
      .map((e) => e.job);
  const startedJobs = (): JobInfo[] => service.training.list().filter((j) => j.trigger === 'auto');
  /** Lets keep-learning's check (scheduled after the call) run, and any training it started finish. */
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    for (const job of service.training.list()) await service.training.settled(job.id);
    for (const job of service.jobs.list()) await service.jobs.settled(job.id);
  };
  try {
    const project = store.projects.create('Phòng khám');
    for (const name of LABELS) await service['labels.add']({ projectId: project.id, name });
    await service['documents.import']({
      projectId: project.id,
      name: 'notes.jsonl',
      contentBase64: Buffer.from(lines(30)).toString('base64'),
      format: 'doccano',
    });
    const ids = (await service['documents.list']({ projectId: project.id, limit: 100 })).items
      .map((d) => d.id)
      .sort((a, b) => a - b);
    // Imported with annotations they came in done; the annotators finish them one by one here.
    for (const id of ids) await service['documents.setStatus']({ documentId: id, status: 'in_progress' });

    // Off by default: ten finished documents start nothing.
    assert.equal((await service['projects.settings']({ projectId: project.id })).retrainEvery, null);
    for (const id of ids.slice(0, 10)) await service['documents.setStatus']({ documentId: id, status: 'done' });
    await settle();
    assert.equal(calls.length, 0, 'keep-learning is off unless the project asks for it');

    // On, every 4 documents: the contract takes it, the settings say it, and the ten already finished train once.
    const settingsParams = paramSchemas['projects.updateSettings'].parse({ projectId: project.id, retrainEvery: 4 });
    assert.equal((await service['projects.updateSettings'](settingsParams)).retrainEvery, 4);
    assert.throws(() => paramSchemas['projects.updateSettings'].parse({ projectId: project.id, retrainEvery: 0 }));
    await settle();
    assert.equal(calls.length, 1, 'turning it on with 10 finished documents trains at once');
    let [first] = auto();
    assert.equal(first.state, 'done', first.error);
    assert.equal(first.result?.activated, true, first.result?.reason);
    assert.equal(first.result?.trainDocs! + first.result?.heldoutDocs!, 10);
    assert.equal(first.result?.reannotated, 20, 'the 20 unfinished documents are re-annotated with the new version');
    assert.deepEqual(
      JSON.parse(readFileSync(calls[0].labels!, 'utf8')).labels,
      LABELS,
      'the label vocabulary carries the spaced label',
    );
    assert.equal(store.models.active()?.id, first.result?.modelId);
    assert.ok(engine.opened.includes(resolve(calls[0].out)), 'a pre-annotation job opened the new package');
    const settings = await service['projects.settings']({ projectId: project.id });
    assert.deepEqual([settings.finished, settings.finishedAtLastTraining], [10, 10]);

    // Three more: not yet. The fourth: one training, while finishing a fifth during it starts no second one.
    scores = { f1: 0.5, active: 0.6 };
    for (const id of ids.slice(10, 13)) await service['documents.setStatus']({ documentId: id, status: 'done' });
    await settle();
    assert.equal(calls.length, 1, 'three newly finished documents are fewer than 4');
    await service['documents.setStatus']({ documentId: ids[13], status: 'done' });
    await new Promise((r) => setImmediate(r));
    assert.equal(startedJobs().filter((j) => j.state === 'running').length, 1, 'the fourth starts a training');
    await service['documents.setStatus']({ documentId: ids[14], status: 'done' });
    await new Promise((r) => setImmediate(r));
    assert.equal(startedJobs().filter((j) => j.state === 'running').length, 1, 'never two at once');
    await settle();
    assert.equal(calls.length, 2);
    const second = auto()[1];
    assert.equal(second.state, 'done', second.error);
    assert.equal(second.result?.activated, false, "F1 0.5 does not beat the active version's 0.6");
    assert.match(second.result!.reason, /does not beat the active model/);
    assert.equal(second.result?.reannotated, undefined, 'a worse version re-annotates nothing');
    assert.equal(store.models.active()?.id, first.result?.modelId, 'the active model stays');
    assert.ok(store.models.get(second.result!.modelId), 'the worse version is kept');
    assert.ok(!engine.opened.includes(resolve(calls[1].out)), 'no job ran the worse package');
    // The project's own learning curve: one point per version, by training documents, the active one marked.
    const curves = await service['learning.curves']({ projectId: project.id });
    assert.deepEqual(
      curves.versions.map((v) => [v.kind, v.labeled, v.f1, v.active]),
      [
        ['train', first.result!.trainDocs, 0.6, true],
        ['train', second.result!.trainDocs, 0.5, false],
      ],
    );
    assert.ok(curves.versions[1].labeled > curves.versions[0].labeled);
    assert.ok(
      curves.simulations.every((sim) => sim.bundled === (sim.source === 'phoner-covid19')),
      'the shipped simulation is marked as such',
    );

    // Off again: finishing more starts nothing.
    await service['projects.updateSettings']({ projectId: project.id, retrainEvery: null });
    for (const id of ids.slice(15, 25)) await service['documents.setStatus']({ documentId: id, status: 'done' });
    await settle();
    assert.equal(calls.length, 2);
    first = auto()[0];
    assert.equal(first.trigger, 'auto');
  } finally {
    await env.close();
    rmSync(join(embedded, '..'), { recursive: true, force: true });
  }
});

test('keep learning: a failed run waits for N more documents instead of restarting on every status change', async () => {
  const embedded = tinyPackageCopy();
  let runs = 0;
  const env = await tempService(engineOver(embedded), {
    trainer: async () => {
      runs++;
      throw new Error('the trainer crashed');
    },
  });
  const { service, store } = env;
  try {
    const project = store.projects.create('p');
    for (const name of LABELS) await service['labels.add']({ projectId: project.id, name });
    await service['documents.import']({
      projectId: project.id,
      name: 'notes.jsonl',
      contentBase64: Buffer.from(lines(20)).toString('base64'),
      format: 'doccano',
    });
    const ids = (await service['documents.list']({ projectId: project.id, limit: 100 })).items
      .map((d) => d.id)
      .sort((a, b) => a - b);
    // Imported with annotations they came in done; the annotators finish them one by one here.
    for (const id of ids) await service['documents.setStatus']({ documentId: id, status: 'in_progress' });
    await service['projects.updateSettings']({ projectId: project.id, retrainEvery: 3 });
    const step = async (id: number) => {
      await service['documents.setStatus']({ documentId: id, status: 'done' });
      await new Promise((r) => setImmediate(r));
      for (const job of service.training.list()) await service.training.settled(job.id);
    };
    for (const id of ids.slice(0, 10)) await step(id);
    assert.equal(runs, 1, 'the tenth finished document starts the first run');
    assert.equal(service.training.list().at(-1)?.state, 'failed');
    for (const id of ids.slice(10, 12)) await step(id);
    assert.equal(runs, 1, 'two more do not retry it');
    await step(ids[12]);
    assert.equal(runs, 2, 'three more do');

    // A workbench started again (after a crash, or the run killed with it) remembers no failure: the failed runs
    // logged nothing as done, so the next finished document tries again.
    await service.close();
    const again = new WorkbenchService({
      store,
      dataDir: env.dir,
      host: 'browser',
      engine: engineOver(embedded),
      version: 'test',
      trainer: async () => {
        runs++;
        throw new Error('the trainer crashed');
      },
    });
    try {
      await again['documents.setStatus']({ documentId: ids[13], status: 'done' });
      await new Promise((r) => setImmediate(r));
      for (const job of again.training.list()) await again.training.settled(job.id);
      assert.equal(runs, 3, 'retried after the restart');
      assert.deepEqual(
        store.fineTunes.list(project.id).map((f) => f.state),
        ['failed', 'failed', 'failed'],
      );
    } finally {
      await again.close();
    }
  } finally {
    await env.close();
    rmSync(join(embedded, '..'), { recursive: true, force: true });
  }
});
