// The in-app active-learning loop over the real trainer (python -m dnw.package.finetune_package) and the real engine:
// a short fine-tune registers a loadable, active new version; restoring the previous one works; a cancelled or
// failed fine-tune leaves the current model in place and registers nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import { DiffusionEnginePort } from '../../main/engine/engine-port-adapter.js';
import { findPython } from '../../main/training/python-env.js';
import { tempService } from '../unit/hosts/helpers.js';

const EMBEDDED = 'assets/model';
const skip = (() => {
  if (!existsSync(join(EMBEDDED, 'checkpoint.pt'))) return 'the embedded model carries no checkpoint.pt';
  try {
    findPython();
    return false;
  } catch (error) {
    return (error as Error).message;
  }
})();

// PhoNER-style sentences (syllables + BIO tags), written for this test.
const PLACES = ['Đà Nẵng', 'Hà Nội', 'Huế', 'Cần Thơ', 'Quảng Nam', 'Hải Phòng'];
function sentence(i: number, label = 'LOCATION'): string {
  const place = PLACES[i % PLACES.length].split(' ');
  const words = ['Bệnh', 'nhân', String(100 + i), 'ở', ...place, 'đã', 'khỏi', 'bệnh', '.'];
  const tags = [
    'O',
    'O',
    'B-PATIENT_ID',
    'O',
    ...place.map((_, k) => `${k === 0 ? 'B' : 'I'}-${label}`),
    'O',
    'O',
    'O',
    'O',
  ];
  return JSON.stringify({ words, tags });
}

async function withService(
  fn: (env: Awaited<ReturnType<typeof tempService>>, events: WorkbenchEvent[]) => Promise<void>,
  docs: string[],
) {
  const engine = new DiffusionEnginePort({ embeddedDir: EMBEDDED, engine: { device: 'cpu', intraOpThreads: 1 } });
  const env = await tempService(engine, { fineTune: { maxSteps: 4, threads: 1 } });
  const events: WorkbenchEvent[] = [];
  env.service.events.on((e) => events.push(e));
  try {
    await env.service['documents.import']({
      projectId: 1,
      name: 'done.jsonl',
      contentBase64: Buffer.from(docs.join('\n') + '\n').toString('base64'),
      format: 'phoner',
    });
    const page = await env.service['documents.list']({ projectId: 1, limit: 100 });
    for (const d of page.items) await env.service['documents.setStatus']({ documentId: d.id, status: 'done' });
    await fn(env, events);
  } finally {
    await env.close();
  }
}

const twelve = Array.from({ length: 12 }, (_, i) => sentence(i));

test(
  'a short fine-tune registers a new active version that loads; the previous version can be restored',
  { skip, timeout: 300_000 },
  async () => {
    await withService(async ({ service, dir }, events) => {
      const before = await service['models.versions']({ projectId: 1 });
      assert.equal(before.trainer.available, true);
      const job = await service['fineTune.start']({ projectId: 1, reannotate: true });
      assert.equal(job.kind, 'fine-tune');
      const finished = await service.fineTunes.settled(job.id);
      assert.equal(finished?.state, 'done', finished?.error);
      assert.ok(
        events.some(
          (e) =>
            e.type === 'job.progress' &&
            e.job.id === job.id &&
            e.job.phase === 'train' &&
            typeof e.job.loss === 'number',
        ),
        'progress with loss',
      );
      // device auto: the trainer names where it runs (the CPU here; CUDA where its torch sees a GPU).
      assert.ok(
        events.some(
          (e) =>
            e.type === 'job.progress' &&
            e.job.id === job.id &&
            /^fine-tuning on (cpu|cuda:\d)/.test(e.job.device.reason),
        ),
        'progress names the device',
      );

      const after = await service['models.versions']({ projectId: 1 });
      const created = after.versions.find((v) => v.id === finished!.modelId)!;
      assert.ok(created.active, 'the new version is active');
      assert.equal(created.parentId, before.versions.find((v) => v.active || v.parentId === null)?.id);
      assert.equal(created.metrics?.trainDocs, 10);
      assert.equal(created.metrics?.heldoutDocs, 2);
      assert.equal(typeof created.metrics?.heldoutF1, 'number');
      assert.ok(created.path.startsWith(join(dir, 'models')));
      assert.deepEqual(
        after.fineTunes.map((f) => f.state),
        ['done'],
      );

      // It loads in the engine: pre-annotating with it works, and models.list offers it as the active one.
      const listed = await service['models.list']();
      const offered = listed.models.find((m) => m.path === created.path);
      assert.equal(offered?.active, true);
      const annotate = await service['preannotate.start']({
        projectId: 1,
        scope: 'selected',
        documentIds: [1, 2],
        model: { kind: 'package', path: created.path },
      });
      assert.equal((await service.jobs.settled(annotate.id))?.state, 'done');

      const curves = await service['learning.curves']({ projectId: 1 });
      assert.deepEqual(
        curves.project.points.map((p) => p.labeled),
        [10],
      );

      const embedded = after.versions.find((v) => v.parentId === null)!;
      await service['models.activate']({ modelId: embedded.id });
      const restored = await service['models.versions']({ projectId: 1 });
      assert.deepEqual(
        restored.versions.filter((v) => v.active).map((v) => v.id),
        [embedded.id],
      );
    }, twelve);
  },
);

test(
  'a cancelled fine-tune and a failed one keep the current model and register nothing',
  { skip, timeout: 300_000 },
  async () => {
    // One finished document uses a label the model does not know: the trainer refuses it.
    await withService(
      async ({ service, dir }, events) => {
        const active = () =>
          service['models.versions']({ projectId: 1 }).then((v) => v.versions.filter((x) => x.active).map((x) => x.id));
        const start = await service['models.versions']({ projectId: 1 });
        const failed = await service['fineTune.start']({ projectId: 1 });
        const end = await service.fineTunes.settled(failed.id);
        assert.equal(end?.state, 'failed');
        assert.match(end?.error ?? '', /DRUG/);
        assert.deepEqual(
          (await service['models.versions']({ projectId: 1 })).versions.map((v) => v.id),
          start.versions.map((v) => v.id),
        );

        // Cancel as soon as the trainer reports progress.
        const job = await service['fineTune.start']({ projectId: 1 });
        const off = service.events.on((e) => {
          if (e.type === 'job.progress' && e.job.id === job.id && e.job.phase === 'train')
            void service['jobs.cancel']({ jobId: job.id });
        });
        const cancelled = await service.fineTunes.settled(job.id);
        off();
        assert.equal(cancelled?.state, 'cancelled');
        const now = await service['models.versions']({ projectId: 1 });
        assert.deepEqual(
          now.versions.map((v) => v.id),
          start.versions.map((v) => v.id),
        );
        assert.deepEqual(
          await active(),
          start.versions.filter((v) => v.active).map((v) => v.id),
        );
        assert.deepEqual(
          now.fineTunes.map((f) => f.state),
          ['failed', 'cancelled'],
        );
        assert.deepEqual(
          existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')) : [],
          [],
          'no package folder left behind',
        );
        assert.ok(events.some((e) => e.type === 'job.finished' && e.job.id === job.id));
      },
      [...twelve, sentence(99, 'DRUG')],
    );
  },
);

test(
  'fine-tuning refuses a project with too few finished documents, saying how many it needs',
  { skip, timeout: 60_000 },
  async () => {
    await withService(
      async ({ service }) => {
        await assert.rejects(service['fineTune.start']({ projectId: 1 }), /at least 10 finished/);
      },
      twelve.slice(0, 3),
    );
  },
);
