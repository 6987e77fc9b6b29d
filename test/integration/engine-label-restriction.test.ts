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

test("no labels named is the model's joint output, one decode; its labels named, one decode per schema", async () => {
  const joint = await engine.annotate(items);
  assert.ok(joint.every((r) => r.segments.length === 1));
  const named = await engine.annotate(items, { labels: engine.info.labels });
  assert.ok(named.every((r) => r.segments.length === engine['pkg'].manifest.output.schemas!.length));
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

test("a decode with one schema's labels uses that schema's sampler settings (the embedded model's ViMedNER: 0.8)", async () => {
  const vimedner = engine['pkg'].manifest.output.schemas?.find((s) => s.name === 'ViMedNER');
  assert.equal(vimedner?.sampler?.threshold, 0.8);
  assert.equal(engine.info.defaults.threshold, 0.9);
  // ViMedNER's text is lower-case, so its labels are best found in lower-case text.
  const medical = [
    'bệnh nhân bị sốt cao , ho khan và đau họng kéo dài ba ngày , được chẩn đoán viêm phổi do vi khuẩn .',
    'bác sĩ chỉ định chụp x - quang ngực và xét nghiệm máu để tìm nguyên nhân gây khó thở .',
    'hút thuốc lá lâu năm là nguyên nhân chính gây ung thư phổi và bệnh phổi tắc nghẽn mạn tính .',
  ].map((text, i) => ({ id: String(i), text }));
  const histories = async (settings?: { threshold: number }) =>
    (await engine.annotate(medical, { labels: vimedner!.labels, settings, keepHistory: true })).map((r) =>
      r.segments.map((s) => s.history),
    );
  const chosen = await histories();
  assert.deepEqual(chosen, await histories({ threshold: 0.8 }));
  // The caller's own settings still win, and the package's 0.9 commits differently.
  assert.notDeepEqual(chosen, await histories({ threshold: 0.9 }));
});

test('a schema learnt from lower-case text reads cased text lower-cased: the same entities at the same offsets', async () => {
  const vimedner = engine['pkg'].manifest.output.schemas!.find((s) => s.name === 'ViMedNER')!;
  assert.equal(vimedner.lowercase, true);
  const lower = 'viêm màng não do virus là biến chứng hiếm gặp , bệnh nhân sốt cao và đau đầu dữ dội .';
  const cased = 'Viêm màng não do Virus là biến chứng hiếm gặp , Bệnh nhân SỐT CAO và đau đầu dữ dội .';
  const [a, b] = await engine.annotate(
    [
      { id: 'lower', text: lower },
      { id: 'cased', text: cased },
    ],
    { labels: vimedner.labels },
  );
  assert.ok(a.entities.length >= 2, JSON.stringify(a.entities));
  assert.deepEqual(b.entities, a.entities);
  // PhoNER's labels read the text as it is (its corpus is cased).
  const [phoner] = await engine.annotate([{ id: 'p', text: 'Bệnh nhân ở Hà Nội .' }], { labels: ['LOCATION'] });
  assert.deepEqual(
    phoner.entities.map((e) => 'Bệnh nhân ở Hà Nội .'.slice(e.start, e.end)),
    ['Hà Nội'],
  );
});

test("labels from both of the embedded model's schemas: each schema's decode, merged", async () => {
  const text = 'Bệnh nhân ở Hà Nội bị Viêm phổi do vi khuẩn , sốt cao và ho khan .';
  const item = [{ id: 'mixed', text }];
  let lastProgress: { rowsDone: number; rows: number; itemsDone: number } | undefined;
  const [mixed] = await engine.annotate(item, {
    labels: ['LOCATION', 'ten_benh', 'trieu_chung_benh'],
    onProgress: (p) => (lastProgress = p),
  });
  const [places] = await engine.annotate(item, { labels: ['LOCATION'] });
  const [medical] = await engine.annotate(item, { labels: ['ten_benh', 'trieu_chung_benh'] });
  const key = (e: { start: number; end: number; label: string }) => `${e.start}-${e.end}:${e.label}`;
  assert.deepEqual(mixed.entities.map(key).sort(), [...places.entities, ...medical.entities].map(key).sort());
  // ViMedNER's labels read the cased text lower-cased, so its entities are found here too.
  assert.ok(medical.entities.length > 0 && places.entities.length > 0, JSON.stringify(mixed.entities));
  // Each decode read every token (the lower-cased text may tokenise into a different number): not added up.
  assert.equal(mixed.signals.tokens, Math.max(places.signals.tokens, medical.signals.tokens));
  assert.deepEqual(lastProgress && [lastProgress.rowsDone, lastProgress.rows, lastProgress.itemsDone], [1, 2, 0]);
});
