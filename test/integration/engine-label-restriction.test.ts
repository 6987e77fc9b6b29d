// Decoding with part of the embedded model's labels (AnnotateRequest.labels): what a project that uses only some of
// a model's labels gets from it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { DiffusionEnginePort } from '../../main/engine/engine-port-adapter.js';
import { embeddedModelDir } from '../../main/hosts/engine-loader.js';
import { DEFAULT_LABELS } from '../../main/hosts/workspace.js';
import { tempService } from '../unit/hosts/helpers.js';

const TEXTS = [
  'Bệnh nhân BN123 , nam , 35 tuổi , ở quận Hải Châu , Đà Nẵng , được đưa đến Bệnh viện Đà Nẵng ngày 12/3 .',
  'Ngày 5/4 , Sở Y tế Hà Nội cho biết bệnh nhân có triệu chứng sốt , ho .',
];
const items = TEXTS.map((text, i) => ({ id: String(i), text }));
let engine: DiffusionEngine;
before(async () => (engine = await DiffusionEngine.open(embeddedModelDir, { device: 'cpu', intraOpThreads: 1 })));
after(() => engine.release());

test('with some labels the model writes only those, and still finds them', async () => {
  const wanted = ['LOCATION', 'DATE'];
  const results = await engine.annotate(items, { labels: wanted });
  const labels = results.flatMap((r) => r.entities.map((e) => e.label));
  assert.ok(labels.length > 0 && labels.every((l) => wanted.includes(l)), labels.join(' '));
  assert.ok(labels.includes('LOCATION') && labels.includes('DATE'), labels.join(' '));
  const all = await engine.annotate(items);
  assert.ok(
    all.some((r) => r.entities.some((e) => !wanted.includes(e.label))),
    'the model writes other labels when it may',
  );
});

test('every label of the model is the same as none given: the decode is unchanged', async () => {
  const all = await engine.annotate(items);
  const same = await engine.annotate(items, { labels: engine.info.labels });
  assert.deepEqual(
    same.map((r) => r.entities),
    all.map((r) => r.entities),
  );
});

test('a pre-annotation job decodes with the labels its project has', async () => {
  const engine = new DiffusionEnginePort({
    embeddedDir: embeddedModelDir,
    engine: { device: 'cpu', intraOpThreads: 1 },
  });
  const { service, close } = await tempService(engine);
  try {
    const kept = ['LOCATION', 'DATE'];
    for (const name of DEFAULT_LABELS.filter((l) => !kept.includes(l)))
      await service['labels.delete']({ projectId: 1, name });
    await service['documents.import']({
      projectId: 1,
      name: 'ca-benh.txt',
      contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
      format: 'text',
    });
    const job = await service['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    assert.equal((await service.jobs.settled(job.id))?.state, 'done');
    const labels = [];
    for (const id of [1, 2]) {
      const view = await service['documents.get']({ documentId: id });
      labels.push(...view.suggestions.map((s) => s.label));
    }
    assert.ok(labels.includes('LOCATION') && labels.every((l) => kept.includes(l)), labels.join(' '));
  } finally {
    await close();
  }
});
