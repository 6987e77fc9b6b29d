// Curation (issue 15) on a temporary database with two annotators' lines: curation.versions shows each line, the
// shared base and who marked which span (agreed, only in one version, boundary and label counterparts); saveGold
// writes a gold revision through the shared line's write path (a stale parent is a conflict, as in a save); the gold
// export then holds exactly the curated spans, and annotators' blind lines still start from before the gold.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContractError } from '../../core/contract/errors.js';
import { METHOD_ROLES, type CallContext } from '../../core/contract/roles.js';
import type { Span } from '../../core/contract/types.js';
import { tempService } from '../unit/hosts/helpers.js';

const TEXT = 'Bệnh nhân 17 sốt cao ở Đà Nẵng, từng đến Bệnh viện Bạch Mai.';
const at = (part: string, label: string): Span => {
  const start = [...TEXT.slice(0, TEXT.indexOf(part))].length;
  return { label, start, end: start + [...part].length };
};
const HOA = [
  at('17', 'PATIENT_ID'),
  at('sốt cao', 'SYMPTOM_AND_DISEASE'),
  at('Đà Nẵng', 'LOCATION'),
  at('Bệnh viện Bạch Mai', 'ORGANIZATION'),
];
const LAN = [
  at('17', 'PATIENT_ID'),
  at('sốt', 'SYMPTOM_AND_DISEASE'),
  at('Đà Nẵng', 'ORGANIZATION'),
  at('Bệnh viện Bạch Mai', 'ORGANIZATION'),
  at('Bạch Mai', 'LOCATION'),
];
const hoa: CallContext = { actor: 'hoa', role: 'annotator' };
const lan: CallContext = { actor: 'lan', role: 'annotator' };
const chi: CallContext = { actor: 'chi', role: 'curator' };
const key = (s: Span) => `${s.label}@${s.start}-${s.end}`;

test('curation.versions shows both lines and who marked what; saveGold writes gold that export reads', async () => {
  const env = await tempService();
  const dir = mkdtempSync(join(tmpdir(), 'wb-curate-'));
  try {
    const s = env.service;
    env.store.users.add('hoa', 'annotator', 'scrypt$test');
    env.store.users.add('lan', 'annotator', 'scrypt$test');
    env.store.users.add('chi', 'curator', 'scrypt$test');
    await s['documents.import']({
      projectId: 1,
      name: 'notes.txt',
      contentBase64: Buffer.from(`${TEXT}\nChị Hoa không có triệu chứng.\n`).toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const [docId, otherId] = (await s['documents.list']({ projectId: 1 })).items.map((d) => d.id);
    for (const [who, entities] of [
      [hoa, HOA],
      [lan, LAN],
    ] as const) {
      const doc = await s['documents.get']({ documentId: docId }, who);
      await s['annotations.save']({ documentId: docId, parentRevisionId: doc.revisionId, entities }, who);
      await s['documents.setStatus']({ documentId: docId, status: 'done' }, who);
    }

    const v = await s['curation.versions']({ documentId: docId });
    assert.equal(v.text, TEXT);
    assert.equal(v.gold, null);
    assert.deepEqual(
      v.lines.map((l) => [l.annotator, l.author, l.revision, l.status, l.entities.length]),
      [
        ['hoa', 'hoa', 1, 'done', 4],
        ['lan', 'lan', 1, 'done', 5],
      ],
    );
    const votes = new Map(v.votes.map((x) => [x.key, x]));
    assert.equal(v.votes.length, 7, 'the union: 2 agreed, 5 in one version only');
    assert.deepEqual(
      v.votes.filter((x) => x.agreed).map((x) => x.key),
      ['PATIENT_ID@10-12', 'ORGANIZATION@41-59'],
    );
    // hoa's 'sốt cao' and lan's 'sốt': same label, boundaries differ — each the other's counterpart.
    assert.deepEqual(votes.get(key(at('sốt cao', 'SYMPTOM_AND_DISEASE')))!.counterparts, [
      { annotator: 'lan', key: key(at('sốt', 'SYMPTOM_AND_DISEASE')), kind: 'boundary' },
    ]);
    assert.deepEqual(votes.get(key(at('sốt', 'SYMPTOM_AND_DISEASE')))!.annotators, ['lan']);
    // 'Đà Nẵng': the same range, another label.
    assert.deepEqual(votes.get(key(at('Đà Nẵng', 'LOCATION')))!.counterparts, [
      { annotator: 'lan', key: key(at('Đà Nẵng', 'ORGANIZATION')), kind: 'label' },
    ]);
    // The nested LOCATION only lan marked: nothing of hoa's stands for it.
    assert.deepEqual(votes.get(key(at('Bạch Mai', 'LOCATION')))!, {
      key: key(at('Bạch Mai', 'LOCATION')),
      entity: at('Bạch Mai', 'LOCATION'),
      annotators: ['lan'],
      agreed: false,
      counterparts: [],
    });

    // The curator takes the agreed spans, hoa's 'sốt cao' and 'Đà Nẵng', and lan's nested LOCATION.
    const gold = [...v.votes.filter((x) => x.agreed).map((x) => x.entity), HOA[1], HOA[2], LAN[4]];
    const saved = await s['curation.saveGold'](
      { documentId: docId, parentRevisionId: v.parentRevisionId, entities: gold },
      chi,
    );
    // A second curator's save on the same parent is a conflict (409), as annotations.save answers.
    await assert.rejects(
      s['curation.saveGold']({ documentId: docId, parentRevisionId: v.parentRevisionId, entities: [] }, chi),
      (e: unknown) => e instanceof ContractError && e.code === 'conflict',
    );
    const after = await s['curation.versions']({ documentId: docId });
    assert.equal(after.parentRevisionId, saved.revisionId);
    assert.equal(after.gold?.author, 'chi');
    assert.deepEqual(after.gold?.entities.map(key).sort(), gold.map(key).sort());
    assert.equal(after.lines.length, 2, "the annotators' lines are unchanged");

    // Gold export (export.run lines gold) holds exactly the curated spans; the other document has no gold.
    const out = join(dir, 'gold.jsonl');
    const summary = await s['export.run'](
      { projectId: 1, format: 'doccano', scope: 'all', lines: 'gold', goldOnly: true, destination: out },
      chi,
    );
    assert.equal(summary.docs, 1);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows.length, 1);
    assert.deepEqual(
      (rows[0].label as [number, number, string][]).map(([a, b, l]) => `${l}@${a}-${b}`).sort(),
      gold.map(key).sort(),
    );

    // Blind work stays blind: a new annotator starts from the shared line as it was before the gold.
    const fresh = await s['documents.get']({ documentId: docId }, { actor: 'tuan', role: 'annotator' });
    assert.deepEqual(fresh.entities, []);
    // Nor does the list's label filter tell them what the gold holds: it reads each annotator's own line.
    const byLabel = async (label: string, who: CallContext) =>
      (await s['documents.list']({ projectId: 1, label }, who)).total;
    assert.equal(await byLabel('LOCATION', { actor: 'tuan', role: 'annotator' }), 0);
    assert.equal(await byLabel('LOCATION', hoa), 1);
    assert.equal(await byLabel('PATIENT_ID', lan), 1);
    assert.equal(await byLabel('AGE', lan), 0);
    assert.equal(await byLabel('LOCATION', chi), 1, "a curator's list reads the shared line, gold included");
    // A document nobody annotated: no lines, no votes, no gold; an unknown document is not found.
    const empty = await s['curation.versions']({ documentId: otherId });
    assert.deepEqual([empty.lines, empty.votes, empty.gold], [[], [], null]);
    await assert.rejects(
      s['curation.versions']({ documentId: 9999 }),
      (e: unknown) => e instanceof ContractError && e.code === 'not-found',
    );
    assert.deepEqual([METHOD_ROLES['curation.versions'], METHOD_ROLES['curation.saveGold']], ['curator', 'curator']);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
