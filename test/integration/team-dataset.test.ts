// The gold standard out of a team project (issue 15): two annotators' lines and a curator's gold on a temp
// database. The gold export equals the gold revisions (else the one finished line; documents both finished and
// nobody curated are left out and counted); the annotators' export carries each record's author and is refused for
// a format that cannot; `workbench dataset` writes the three splits and the card with the right counts, and never
// writes over a folder that holds files unless told to.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CallContext } from '../../core/contract/roles.js';
import type { Span } from '../../core/contract/types.js';
import type { DatasetCard } from '../../core/dataset/dataset-card.js';
import { tempService } from '../unit/hosts/helpers.js';
import { workbench } from './cli-run.js';

const TEXTS = [
  'Bệnh viện Bạch Mai ở Hà Nội tiếp nhận bệnh nhân 91.',
  'Bệnh nhân 17 sốt cao, ho khan, đã đến Đà Nẵng.',
  'Ông Nam 45 tuổi làm việc tại Quận 1.',
  'Chị Hoa 30 tuổi ở Huế.',
  'Bệnh nhân 5 về từ Đà Lạt.',
  'Không có ca mới.',
];
const at = (d: number, part: string, label: string): Span => {
  const start = [...TEXTS[d].slice(0, TEXTS[d].indexOf(part))].length;
  return { label, start, end: start + [...part].length };
};
const HOA = { actor: 'hoa', role: 'annotator' } as CallContext;
const LAN = { actor: 'lan', role: 'annotator' } as CallContext;
const CUR = { actor: 'cur', role: 'curator' } as CallContext;
type Triple = [number, number, string];
const triples = (spans: readonly Span[]): Triple[] =>
  spans.map((s): Triple => [s.start, s.end, s.label]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('gold and annotators exports, and workbench dataset, on a team project', async () => {
  const env = await tempService();
  const out = mkdtempSync(join(tmpdir(), 'wb-dataset-'));
  try {
    const s = env.service;
    for (const name of ['hoa', 'lan']) env.store.users.add(name, 'annotator', 'scrypt$test');
    env.store.users.add('cur', 'curator', 'scrypt$test');
    await s['documents.import']({
      projectId: 1,
      name: 'notes.txt',
      contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const ids = (await s['documents.list']({ projectId: 1 })).items.map((d) => d.id);
    const save = async (who: CallContext, d: number, entities: Span[], done = true) => {
      const doc = await s['documents.get']({ documentId: ids[d] }, who);
      await s['annotations.save']({ documentId: ids[d], parentRevisionId: doc.revisionId, entities }, who);
      if (done) await s['documents.setStatus']({ documentId: ids[d], status: 'done' }, who);
    };
    const hoa: Span[][] = [
      [at(0, 'Bệnh viện Bạch Mai', 'ORGANIZATION'), at(0, 'Bạch Mai', 'LOCATION'), at(0, 'Hà Nội', 'LOCATION')],
      [at(1, '17', 'PATIENT_ID'), at(1, 'sốt cao', 'SYMPTOM'), at(1, 'Đà Nẵng', 'LOCATION')],
      [at(2, '45', 'AGE'), at(2, 'Quận 1', 'LOCATION')],
      [at(3, '30', 'AGE'), at(3, 'Huế', 'LOCATION')],
    ];
    const lan: Span[][] = [
      [at(0, 'Bệnh viện Bạch Mai', 'ORGANIZATION'), at(0, 'Hà Nội', 'LOCATION')],
      [at(1, '17', 'PATIENT_ID'), at(1, 'sốt', 'SYMPTOM'), at(1, 'Đà Nẵng', 'LOCATION')],
      [at(2, '45 tuổi', 'AGE'), at(2, 'Quận 1', 'LOCATION')],
    ];
    for (const [d, entities] of hoa.entries()) await save(HOA, d, entities);
    for (const [d, entities] of lan.entries()) await save(LAN, d, entities);
    await save(LAN, 4, [at(4, 'Đà Lạt', 'LOCATION')], false); // in progress: not an answer
    // The curator settles documents 0 and 1 (document 2 waits); a curator's save on the shared line is gold.
    const gold = [
      [at(0, 'Bệnh viện Bạch Mai', 'ORGANIZATION'), at(0, 'Bạch Mai', 'LOCATION'), at(0, 'Hà Nội', 'LOCATION')],
      [
        at(1, '17', 'PATIENT_ID'),
        at(1, 'sốt cao', 'SYMPTOM'),
        at(1, 'ho khan', 'SYMPTOM'),
        at(1, 'Đà Nẵng', 'LOCATION'),
      ],
    ];
    for (const [d, entities] of gold.entries()) await save(CUR, d, entities, false);

    // Gold: documents 0 and 1 as their gold revisions, document 3 as hoa's (the one finished line).
    const goldFile = join(out, 'gold.jsonl');
    const summary = await s['export.run']({
      projectId: 1,
      format: 'doccano',
      scope: 'done',
      lines: 'gold',
      destination: goldFile,
    });
    assert.deepEqual([summary.lines, summary.docs, summary.awaitingCuration], ['gold', 3, 1]);
    const goldRevision = env.store.db.prepare(
      `SELECT r.spans FROM gold_revisions g JOIN annotation_revisions r ON r.id = g.revision_id
       WHERE g.document_id = ? ORDER BY r.id DESC LIMIT 1`,
    );
    const records = jsonl(goldFile);
    assert.deepEqual(
      records.map((r) => r.text),
      [TEXTS[0], TEXTS[1], TEXTS[3]],
    );
    for (const d of [0, 1]) {
      const stored = JSON.parse((goldRevision.get(ids[d]) as { spans: string }).spans) as Span[];
      assert.deepEqual(records[d].label, triples(stored), `document ${d} is its gold revision`);
      assert.deepEqual(records[d].label, triples(gold[d]));
    }
    assert.deepEqual(records[2].label, triples(hoa[3]));
    const only = await s['export.run']({
      projectId: 1,
      format: 'doccano',
      scope: 'done',
      lines: 'gold',
      goldOnly: true,
      destination: join(out, 'gold-only.jsonl'),
    });
    assert.equal(only.docs, 2);

    // Every annotator's version with its author: the finished lines (scope done), then all of them.
    const linesFile = join(out, 'annotators.jsonl');
    const byAuthor = await s['export.run']({
      projectId: 1,
      format: 'doccano',
      scope: 'done',
      lines: 'annotators',
      destination: linesFile,
    });
    assert.equal(byAuthor.docs, 7);
    const versions = jsonl(linesFile);
    const work: Record<string, Span[][]> = { hoa, lan };
    for (const v of versions) {
      const author = (v.meta as { author: string }).author;
      const d = TEXTS.indexOf(v.text as string);
      assert.deepEqual(v.label, triples(work[author][d]), `${author} on document ${d}`);
    }
    assert.deepEqual(
      versions.map((v) => `${TEXTS.indexOf(v.text as string)}:${(v.meta as { author: string }).author}`),
      ['0:hoa', '0:lan', '1:hoa', '1:lan', '2:hoa', '2:lan', '3:hoa'],
    );
    const all = await s['export.run']({
      projectId: 1,
      format: 'label-studio',
      scope: 'all',
      lines: 'annotators',
      destination: join(out, 'annotators-ls.json'),
    });
    assert.equal(all.docs, 8);
    const tasks = JSON.parse(readFileSync(join(out, 'annotators-ls.json'), 'utf8')) as { meta: { author: string } }[];
    assert.deepEqual(tasks.map((t) => t.meta.author).sort(), ['hoa', 'hoa', 'hoa', 'hoa', 'lan', 'lan', 'lan', 'lan']);
    await assert.rejects(
      s['export.run']({
        projectId: 1,
        format: 'conll',
        scope: 'done',
        lines: 'annotators',
        destination: join(out, 'x.conll'),
      }),
      /no place for a record's author.*doccano, label-studio, instruction/,
    );
    assert.ok(!readdirSync(out).some((f) => f.startsWith('x.conll') || f.includes('.tmp')));

    // The CLI: the same selections, and the dataset.
    const db = join(env.dir, 'workbench.sqlite');
    const cliGold = workbench(['export', db, join(out, 'cli-gold.jsonl'), '--format', 'doccano', '--gold']);
    assert.equal(cliGold.status, 0, cliGold.stderr);
    assert.match(
      cliGold.stdout,
      /exported 3 gold documents .*1 documents finished by several annotators await curation/,
    );
    const refused = workbench(['export', db, join(out, 'a.txt'), '--format', 'conll', '--annotators']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /no place for a record's author/);

    const dir = join(out, 'release');
    const args = ['dataset', db, dir, '--splits', '34/33/33', '--seed', '3'];
    const made = workbench([...args, '--licence', 'CC BY-NC 4.0']);
    assert.equal(made.status, 0, made.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [
      'DATASET_CARD.md',
      'dataset.json',
      'dev.jsonl',
      'test.jsonl',
      'train.jsonl',
    ]);
    const card = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')) as DatasetCard;
    assert.equal(card.licence, 'CC BY-NC 4.0');
    assert.deepEqual(card.sources, { gold: 2, shared: 0, annotator: 1, awaitingCuration: 1 });
    assert.deepEqual([card.total.documents, card.total.spans], [3, 9]);
    assert.deepEqual(card.total.labels, { AGE: 1, LOCATION: 4, ORGANIZATION: 1, PATIENT_ID: 1, SYMPTOM: 2 });
    let documents = 0;
    for (const [name, split] of Object.entries(card.splits)) {
      const rows = jsonl(join(dir, `${name}.jsonl`));
      assert.equal(rows.length, split.documents, name);
      assert.equal(
        rows.reduce((n, r) => n + (r.label as unknown[]).length, 0),
        split.spans,
        name,
      );
      documents += rows.length;
    }
    assert.equal(documents, 3);
    assert.deepEqual(card.nestingDepth, { 1: 8, 2: 1 });
    assert.deepEqual(card.annotators, [
      { name: 'hoa', documents: 4, finished: 4 },
      { name: 'lan', documents: 4, finished: 3 },
    ]);
    // Agreement on the three documents both finished, per label, from the same code as agreement.report.
    const report = await s['agreement.report']({ projectId: 1 });
    assert.equal(card.agreement.documents, 3);
    assert.deepEqual(card.agreement.pairs, JSON.parse(JSON.stringify(report.pairs)));
    assert.equal(card.agreement.labels.LOCATION.strictF1, report.pairs[0].labels.LOCATION.strictF1);
    assert.ok(card.revisions.first !== null && card.revisions.first <= card.revisions.last!);
    const markdown = readFileSync(join(dir, 'DATASET_CARD.md'), 'utf8');
    assert.match(markdown, /\*\*Licence:\*\* CC BY-NC 4\.0/);
    assert.match(markdown, /\| LOCATION \|/);

    // A folder that holds files is never written over without --overwrite: refused, nothing changed or left behind.
    const before = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const again = workbench(args);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /--overwrite/);
    assert.deepEqual(
      readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')),
      before,
    );
    const over = workbench([...args, '--overwrite']);
    assert.equal(over.status, 0, over.stderr);
    const kept = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')) as DatasetCard;
    assert.equal(kept.licence, 'CC BY-NC 4.0', 'the licence is the project setting now');
    assert.deepEqual(kept.splits, card.splits, 'the same seed, the same splits');

    // The contract's dataset.write (the app's way): the same dataset, by default in a new folder of the data
    // folder's exports/; the summary says what the card says; a folder holding files is refused there too.
    const written = await s['dataset.write']({ projectId: 1, splits: [34, 33, 33], seed: 3 }, CUR);
    assert.ok(written.destination.startsWith(join(env.dir, 'exports')), written.destination);
    assert.deepEqual(readdirSync(written.destination).sort(), readdirSync(dir).sort());
    assert.deepEqual([written.documents, written.spans, written.awaitingCuration], [3, 9, 1]);
    assert.equal(written.licence, 'CC BY-NC 4.0');
    assert.deepEqual(
      written.splits,
      Object.fromEntries(Object.entries(card.splits).map(([n, x]) => [n, { documents: x.documents, spans: x.spans }])),
    );
    await assert.rejects(s['dataset.write']({ projectId: 1, destination: written.destination }, CUR), /overwrite/);
    await assert.rejects(s['dataset.write']({ projectId: 1, format: 'nope' }, CUR), /invalid format/);
    await assert.rejects(s['dataset.write']({ projectId: 1, format: 'text' }, CUR), /writes no spans/);
    // The recorded licence is a project setting the app's dataset form starts from; app.info says which formats fit.
    assert.equal((await s['projects.settings']({ projectId: 1 })).licence, 'CC BY-NC 4.0');
    const formats = (await s['app.info']({})).formats;
    assert.deepEqual(
      formats.filter((f) => !f.holdsSpans).map((f) => f.id),
      ['text'],
    );
  } finally {
    await env.close();
    rmSync(out, { recursive: true, force: true });
  }
});
