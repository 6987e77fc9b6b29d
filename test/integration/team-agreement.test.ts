// Agreement in the app (issue 15) equals `workbench agreement` on the same data: three annotators' finished lines on
// a team project, the service's report per pair and per label, then the same documents and entities written as
// doccano files and measured by the command — every figure equal. Also: unfinished lines do not count, documents
// are ranked by disagreement, and the methods are curators'.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { METHOD_ROLES, type CallContext } from '../../core/contract/roles.js';
import type { Span } from '../../core/contract/types.js';
import { tempService } from '../unit/hosts/helpers.js';
import { workbench } from './cli-run.js';

const TEXTS = [
  'Bệnh viện Bạch Mai ở Hà Nội tiếp nhận bệnh nhân 91.',
  'Bệnh nhân 17 sốt cao, ho khan, đã đến Đà Nẵng.',
  'Ông Nam 45 tuổi làm việc tại Công ty Việt Tiến ở Quận 1.',
  'Chị Hoa không có triệu chứng.',
];
const at = (text: string, part: string, label: string, from = 0): Span => {
  const start = [...text.slice(0, text.indexOf(part, from))].length;
  return { label, start, end: start + [...part].length };
};
const [t0, t1, t2, t3] = TEXTS;
// Nested: ORGANIZATION "Bệnh viện Bạch Mai" holds LOCATION "Bạch Mai"; disagreements on boundaries and labels.
const WORK: Record<string, Span[][]> = {
  hoa: [
    [
      at(t0, 'Bệnh viện Bạch Mai', 'ORGANIZATION'),
      at(t0, 'Bạch Mai', 'LOCATION'),
      at(t0, 'Hà Nội', 'LOCATION'),
      at(t0, '91', 'PATIENT_ID'),
    ],
    [
      at(t1, '17', 'PATIENT_ID'),
      at(t1, 'sốt cao', 'SYMPTOM_AND_DISEASE'),
      at(t1, 'ho khan', 'SYMPTOM_AND_DISEASE'),
      at(t1, 'Đà Nẵng', 'LOCATION'),
    ],
    [at(t2, 'Công ty Việt Tiến', 'ORGANIZATION'), at(t2, 'Quận 1', 'LOCATION'), at(t2, '45', 'AGE')],
    [],
  ],
  lan: [
    [at(t0, 'Bệnh viện Bạch Mai', 'ORGANIZATION'), at(t0, 'Hà Nội', 'LOCATION'), at(t0, '91', 'PATIENT_ID')],
    [
      at(t1, '17', 'PATIENT_ID'),
      at(t1, 'sốt', 'SYMPTOM_AND_DISEASE'),
      at(t1, 'ho khan', 'SYMPTOM_AND_DISEASE'),
      at(t1, 'Đà Nẵng', 'LOCATION'),
    ],
    [at(t2, 'Việt Tiến', 'ORGANIZATION'), at(t2, 'Quận 1', 'LOCATION'), at(t2, '45 tuổi', 'AGE')],
    [],
  ],
  tuan: [[at(t0, 'Bạch Mai', 'ORGANIZATION'), at(t0, 'Hà Nội', 'LOCATION')], [at(t1, 'Đà Nẵng', 'LOCATION')], [], []],
};

test('agreement.report equals workbench agreement on the same documents; agreement.documents ranks disagreement', async () => {
  const env = await tempService();
  const dir = mkdtempSync(join(tmpdir(), 'wb-agree-'));
  try {
    const s = env.service;
    for (const name of Object.keys(WORK)) env.store.users.add(name, 'annotator', 'scrypt$test');
    await s['documents.import']({
      projectId: 1,
      name: 'notes.txt',
      contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const ids = (await s['documents.list']({ projectId: 1 })).items.map((d) => d.id);
    for (const [name, docs] of Object.entries(WORK)) {
      const who: CallContext = { actor: name, role: 'annotator' };
      for (const [i, entities] of docs.entries()) {
        // tuan leaves the last two unfinished: they do not count.
        if (name === 'tuan' && i >= 2) continue;
        const doc = await s['documents.get']({ documentId: ids[i] }, who);
        await s['annotations.save']({ documentId: ids[i], parentRevisionId: doc.revisionId, entities }, who);
        await s['documents.setStatus']({ documentId: ids[i], status: 'done' }, who);
      }
    }
    await s['annotations.save'](
      { documentId: ids[3], parentRevisionId: null, entities: [at(t3, 'Hoa', 'PATIENT_ID')] },
      { actor: 'tuan', role: 'annotator' },
    );

    const report = await s['agreement.report']({ projectId: 1 });
    assert.deepEqual([report.annotators, report.documents], [['hoa', 'lan', 'tuan'], 4]);
    assert.deepEqual(
      report.pairs.map((p) => [p.a, p.b, p.documents]),
      [
        ['hoa', 'lan', 4],
        ['hoa', 'tuan', 2],
        ['lan', 'tuan', 2],
      ],
    );

    // The same data as files, one per annotator, over the documents each pair shares, measured by the command.
    const file = (name: string, docs: number[]) => {
      const path = join(dir, `${name}-${docs.join('')}.jsonl`);
      const rows = docs.map((d) =>
        JSON.stringify({ text: TEXTS[d], label: WORK[name][d].map((e) => [e.start, e.end, e.label]) }),
      );
      writeFileSync(path, rows.join('\n') + '\n');
      return path;
    };
    for (const pair of report.pairs) {
      const docs = pair.documents === 4 ? [0, 1, 2, 3] : [0, 1];
      const cli = workbench(['agreement', file(pair.a, docs), file(pair.b, docs), '--format', 'doccano', '--json']);
      assert.equal(cli.status, 0, cli.stderr);
      const fromFiles = JSON.parse(cli.stdout).pairs[0];
      assert.deepEqual({ ...fromFiles, a: pair.a, b: pair.b }, pair, `${pair.a} × ${pair.b}`);
      assert.equal(JSON.parse(cli.stdout).spanF1[0][1], pair.strictF1);
    }
    const hoaLan = report.pairs[0];
    assert.ok(hoaLan.strictF1 > 0.5 && hoaLan.strictF1 < 1 && hoaLan.overlapF1 > hoaLan.strictF1);
    assert.equal(hoaLan.labels.LOCATION.overlapF1 < 1, true, 'the nested LOCATION only hoa marked');

    const ranked = await s['agreement.documents']({ projectId: 1 });
    assert.equal(ranked.total, 4);
    assert.deepEqual(ranked.items.at(-1), {
      documentId: ids[3],
      name: ranked.items.at(-1)!.name,
      annotators: ['hoa', 'lan'],
      strictF1: 1,
      overlapF1: 1,
      unmatched: 0,
    });
    assert.ok(ranked.items.every((d, i) => i === 0 || ranked.items[i - 1].strictF1 <= d.strictF1));
    assert.deepEqual(ranked.items.find((d) => d.documentId === ids[0])?.annotators, ['hoa', 'lan', 'tuan']);
    assert.equal(ranked.items[0].documentId, ids[2], 'document 3: every entity differs between hoa and lan but one');
    const only = await s['agreement.report']({ projectId: 1, annotators: ['hoa', 'tuan'] });
    assert.deepEqual(
      only.pairs.map((p) => [p.a, p.b]),
      [['hoa', 'tuan']],
    );
    assert.deepEqual([METHOD_ROLES['agreement.report'], METHOD_ROLES['agreement.documents']], ['curator', 'curator']);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
