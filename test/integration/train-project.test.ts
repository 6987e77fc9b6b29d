// Issue 12: a model for a project's own labels, end to end over the real trainer (python -m dnw.package.finetune_package
// --labels) and the real engine. A project with three labels of its own (Vietnamese diacritics, a space, a `|`, nesting) and
// 25 synthetic done documents: training from the embedded model registers a version that loads and suggests the
// project's labels, nested, and carries its training documents' lexicon; it becomes active only when it beats the
// active model on the same held-out documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLexiconFile } from '../../core/lexicon/lexicon-file.js';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { DiffusionEnginePort } from '../../main/engine/engine-port-adapter.js';
import { decide, HELDOUT_EVERY, HELDOUT_MAX, splitHeldout } from '../../main/services/project-train-service.js';
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

const SYMPTOM = 'Triệu chứng'; // a space, as any label name may have (issue 12)
const CLINIC = 'Cơ_sở|y_tế';
const PLACE = 'Nơi';
const SYMPTOMS = ['sốt', 'ho', 'khó thở', 'đau họng', 'mệt mỏi'];
const PLACES = ['Đà Nẵng', 'Hà Nội', 'Bạch Mai', 'Cần Thơ', 'Quảng Nam'];

/** "Bệnh nhân 101 bị sốt , điều trị tại Bệnh viện Đà Nẵng ." with the hospital ⊃ the place (nested). */
function doc(i: number): string {
  const symptom = SYMPTOMS[i % SYMPTOMS.length];
  const place = PLACES[(i * 3) % PLACES.length];
  const head = `Bệnh nhân ${100 + i} bị `;
  const mid = ' , điều trị tại ';
  const text = `${head}${symptom}${mid}Bệnh viện ${place} .`;
  const s = [...head].length;
  const h = s + [...symptom].length + [...mid].length;
  const p = h + [...'Bệnh viện '].length;
  return JSON.stringify({
    text,
    label: [
      [s, s + [...symptom].length, SYMPTOM],
      [h, p + [...place].length, CLINIC],
      [p, p + [...place].length, PLACE],
    ],
  });
}

test('the held-out split is stable by document id and the decision needs a higher score', () => {
  const docs = Array.from({ length: 12 }, (_, i) => ({ id: i + 1 }));
  assert.deepEqual(
    splitHeldout(docs).heldout.map((d) => d.id),
    [5, 10],
  );
  assert.deepEqual(
    splitHeldout(docs.slice(0, 3)).heldout.map((d) => d.id),
    [3],
  );
  const large = Array.from({ length: HELDOUT_MAX * HELDOUT_EVERY + 40 }, (_, i) => ({ id: i + 1 }));
  const capped = splitHeldout(large);
  assert.equal(capped.heldout.length, HELDOUT_MAX, 'a large project holds out at most HELDOUT_MAX documents');
  assert.equal(capped.heldout.at(-1)?.id, HELDOUT_MAX * HELDOUT_EVERY, 'the first ones by id, so the set is stable');
  assert.equal(capped.train.length + capped.heldout.length, large.length);
  assert.equal(decide(0.5, undefined, 4).activated, true);
  assert.equal(decide(0.5, { name: 'm 1', f1: 0.4 }, 4).activated, true);
  const tie = decide(0.5, { name: 'm 1', f1: 0.5 }, 4);
  assert.equal(tie.activated, false);
  assert.match(tie.reason, /does not beat the active model m 1 \(0\.5000\) on the same 4 documents/);
  assert.equal(decide(0.9, { name: 'm 1', f1: null, error: 'no weights' }, 4).activated, false);
  assert.equal(decide(null, undefined, 0).activated, false);
  // An active model that suggests none of the project's labels gives way even to a tie at 0.
  const useless = decide(0, { name: 'embedded 1', f1: 0, suggestsNone: true }, 4);
  assert.equal(useless.activated, true);
  assert.match(useless.reason, /suggests none of the project's labels/);
  // Held-out documents a model trained on are left out; the new version's score on the rest is what counts.
  const fair = decide(0.5, { name: 'm 1', f1: 0.6, seen: 2, documents: 8, newF1: 0.7 }, 10);
  assert.equal(fair.activated, true);
  assert.match(fair.reason, /0\.7000 beats the active model m 1 \(0\.6000\) on the 8 held-out documents neither/);
  // The active model trained on most of them (a refit): its own training run's held-out F1 judges it.
  const refit = { name: 'p 2', f1: 0.95, seen: 9, documents: 1, newF1: 0.2, recordedF1: 0.55, recordedDocs: 8 };
  const judged = decide(0.6, refit, 10);
  assert.equal(judged.activated, true);
  assert.match(judged.reason, /held-out F1 of its own training run \(0\.5500 on 8 documents\)/);
  assert.equal(decide(0.5, refit, 10).activated, false);
  // ... and with no such record (the embedded model on the corpus it trained on) nothing is decided for the user.
  const unjudged = decide(0.6, { name: 'embedded 2', f1: null, error: 'trained on all', seen: 10, documents: 0 }, 10);
  assert.equal(unjudged.activated, false);
  assert.match(
    unjudged.reason,
    /10 of the 10 held-out documents were training data .* activate the new version by hand/,
  );
});

test(
  "train a model for the project's own labels: it loads, suggests them nested, and is active only when better",
  { skip, timeout: 900_000 },
  async () => {
    const engine = new DiffusionEnginePort({ embeddedDir: EMBEDDED, engine: { device: 'cpu', intraOpThreads: 1 } });
    const env = await tempService(engine, { fineTune: { maxSteps: 15, threads: 1 } });
    const { service, store } = env;
    const out = mkdtempSync(join(tmpdir(), 'wb-train-'));
    try {
      const project = store.projects.create('Phòng khám');
      for (const name of [SYMPTOM, CLINIC, PLACE]) await service['labels.add']({ projectId: project.id, name });
      // The embedded model's labels that mean the same thing: transfer starts their rows from them.
      for (const [modelLabel, projectLabel] of [
        ['SYMPTOM_AND_DISEASE', SYMPTOM],
        ['ORGANIZATION', CLINIC],
        ['LOCATION', PLACE],
      ]) {
        await service['labels.map']({ projectId: project.id, modelLabel, projectLabel });
      }
      const lines = Array.from({ length: 25 }, (_, i) => doc(i));
      await service['documents.import']({
        projectId: project.id,
        name: 'done.jsonl',
        contentBase64: Buffer.from(lines.join('\n') + '\n').toString('base64'),
        format: 'doccano',
      });
      const page = await service['documents.list']({ projectId: project.id, limit: 100 });
      assert.equal(page.items.length, 25);
      for (const d of page.items) await service['documents.setStatus']({ documentId: d.id, status: 'done' });
      assert.deepEqual(
        (await service['labels.list']({ projectId: project.id })).labels.map((l) => l.name),
        [SYMPTOM, CLINIC, PLACE],
      );

      const job = await service['models.train']({ projectId: project.id, from: 'embedded' });
      assert.equal(job.kind, 'train');
      const first = await service.training.settled(job.id);
      assert.equal(first?.state, 'done', first?.error);
      const r = first!.result!;
      assert.equal(r.trainDocs + r.heldoutDocs, 25);
      assert.equal(typeof r.heldoutF1, 'number');
      assert.equal(typeof r.activeF1, 'number', 'the embedded model was scored on the same held-out documents');
      assert.equal(r.activated, r.heldoutF1! > r.activeF1!);
      const versions = await service['models.versions']({ projectId: project.id });
      const created = versions.versions.find((v) => v.id === r.modelId)!;
      assert.equal(created.active, r.activated);
      assert.deepEqual(created.metrics?.labels, [SYMPTOM, CLINIC, PLACE]);
      assert.equal(created.metrics?.reason, r.reason);
      // Trained in far less than half its budget: the package was trained again on all 25 documents.
      assert.equal(created.metrics?.refitDocs, 25);
      assert.ok(!existsSync(`${created.path}.all`));

      // The package loads and writes the project's labels, nested.
      const manifest = JSON.parse(readFileSync(join(created.path, 'manifest.json'), 'utf8'));
      assert.deepEqual(manifest.output.labels, [SYMPTOM, CLINIC, PLACE]);
      // 5 held-out documents cannot choose a decoding threshold: the base's, recorded and kept by the refit.
      assert.equal(created.metrics?.threshold, 0.9);
      assert.equal(created.metrics?.thresholds, undefined);
      assert.equal(manifest.sampler.threshold, 0.9);
      // It carries the lexicon of its training documents, in the project's labels, to fill the model's gaps.
      assert.deepEqual(manifest.lexicon, { file: 'lexicon.json' });
      const lexicon = readLexiconFile(JSON.parse(readFileSync(join(created.path, 'lexicon.json'), 'utf8')), 'lexicon');
      assert.deepEqual(new Set([...lexicon.pairs()].map((p) => p.label)), new Set([SYMPTOM, CLINIC, PLACE]));
      const model = await DiffusionEngine.open(created.path, { device: 'cpu', intraOpThreads: 1 });
      try {
        const [result] = await model.annotate([
          { id: '1', text: 'Bệnh nhân 207 bị ho , điều trị tại Bệnh viện Hà Nội .' },
        ]);
        const labels = new Set(result.entities.map((e) => e.label));
        assert.ok(
          [...labels].every((l) => [SYMPTOM, CLINIC, PLACE].includes(l)),
          [...labels].join(', '),
        );
        assert.ok(labels.has(SYMPTOM) && labels.has(CLINIC) && labels.has(PLACE), JSON.stringify(result.entities));
      } finally {
        await model.release();
      }

      // A worse version (one step from scratch) is kept but does not replace the active model.
      const activeBefore = store.models.active()?.id ?? null;
      const second = await service.training.settled(
        (await service['models.train']({ projectId: project.id, from: 'scratch' })).id,
      );
      assert.equal(second?.state, 'done', second?.error);
      const r2 = second!.result!;
      // The active version's refit trained on all 5 held-out documents, so a score there would flatter it: it is
      // judged by the held-out F1 of its own training run instead.
      assert.equal(r2.activeF1, null);
      assert.match(r2.reason, /5 of the 5 held-out documents were training data .* its own training run/);
      assert.equal(r2.activated, r2.heldoutF1! > created.metrics!.heldoutF1!, r2.reason);
      if (!r2.activated) {
        assert.equal(store.models.active()?.id ?? null, activeBefore);
        assert.match(r2.reason, /does not beat the active model/);
      }
      assert.ok(store.models.get(r2.modelId), 'kept as a version either way');
    } finally {
      rmSync(out, { recursive: true, force: true });
      await env.close();
    }
  },
);
