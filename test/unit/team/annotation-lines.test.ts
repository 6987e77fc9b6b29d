// Per-annotator lines in team mode (issue 15): each annotator reads and writes their own line, starting from the
// shared line as imported (never from gold), blind to the others'; suggestions are shared, their outcomes and the
// line's status are per annotator; the parent rule holds per line (a stale or concurrent save is a conflict, and no
// acknowledged save is lost). Calls without a caller (single-user mode) keep working on the shared line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import type { CallContext } from '../../../core/contract/roles.js';
import { LINE_REVISION_IDS } from '../../../db/migrations/0010-annotation-lines.js';
import { refreshSummary } from '../../../main/services/document-summary.js';
import { tempService } from '../hosts/helpers.js';

const TEXT = 'Bệnh nhân ở Đà Nẵng bị sốt.\n';
const PLACE = { label: 'LOCATION', start: 12, end: 19 };
const FEVER = { label: 'SYMPTOM_AND_DISEASE', start: 23, end: 26 };
const PATIENT = { label: 'PATIENT_ID', start: 0, end: 9 };
const hoa: CallContext = { actor: 'hoa', role: 'annotator' };
const lan: CallContext = { actor: 'lan', role: 'annotator' };
const minh: CallContext = { actor: 'minh', role: 'curator' };
const tuan: CallContext = { actor: 'tuan', role: 'annotator' };

async function project() {
  const env = await tempService();
  const s = env.service;
  await s['documents.import']({
    projectId: 1,
    name: 'a.txt',
    contentBase64: Buffer.from(TEXT).toString('base64'),
    format: 'text',
  });
  // The shared line's imported state: one entity, and a model run suggesting it and a fever.
  const imported = await s['annotations.save']({ documentId: 1, parentRevisionId: null, entities: [PLACE] });
  env.store.transaction(() => {
    env.store.suggestions.add({
      documentId: 1,
      modelId: null,
      modelName: 'm',
      modelVersion: '1',
      spans: [
        { ...PLACE, score: 0.9 },
        { ...FEVER, score: 0.4 },
      ],
    });
    refreshSummary(env.store, 1);
  });
  const view = (who?: CallContext) => s['documents.get']({ documentId: 1 }, who);
  const fever = (await view()).suggestions[0].id;
  return { env, s, imported, view, fever };
}

const conflict = (e: ContractError) => e instanceof ContractError && e.code === 'conflict';

test('annotators start from the shared line, write their own lines, and never see each other', async () => {
  const { env, s, imported, view, fever } = await project();
  try {
    const start = await view(hoa);
    assert.deepEqual(start.entities, [PLACE]);
    assert.equal(start.revisionId, imported.revisionId, 'an unstarted line names the shared base as parent');
    assert.equal(start.revision, 0);
    assert.equal(start.status, 'pre-annotated');
    assert.deepEqual(
      start.suggestions.map((x) => x.id),
      [fever],
    );

    const saved = await s['annotations.save'](
      {
        documentId: 1,
        parentRevisionId: start.revisionId,
        entities: [PLACE, FEVER],
        outcomes: [{ suggestedSpanId: fever, outcome: 'accepted' }],
      },
      hoa,
    );
    assert.ok(saved.revisionId >= LINE_REVISION_IDS);
    assert.deepEqual([saved.revision, saved.status], [1, 'in_progress']);
    const mine = await view(hoa);
    assert.deepEqual(mine.entities, [PLACE, FEVER]);
    assert.deepEqual(mine.suggestions, [], 'accepted by hoa');
    assert.equal(mine.revisionId, saved.revisionId);

    // Blind: lan and the shared line see none of it; the fever is still pending for both.
    for (const other of [await view(lan), await view()]) {
      assert.deepEqual(other.entities, [PLACE]);
      assert.deepEqual(
        other.suggestions.map((x) => x.id),
        [fever],
      );
    }
    assert.equal((await view()).status, 'in_progress', "the shared status is the shared line's, untouched by hoa");
    assert.deepEqual(
      (await s['annotations.history']({ documentId: 1 }, lan)).map((r) => r.author),
      [],
    );
    assert.deepEqual(
      (await s['annotations.history']({ documentId: 1 })).map((r) => r.author),
      ['annotator'],
    );
    await assert.rejects(
      s['annotations.revision']({ documentId: 1, revisionId: saved.revisionId }, lan),
      (e: ContractError) => e.code === 'not-found' && /lan's line/.test(e.message),
    );
    const own = await s['annotations.revision']({ documentId: 1, revisionId: saved.revisionId }, hoa);
    assert.deepEqual([own.author, own.entities], ['hoa', [PLACE, FEVER]]);
  } finally {
    await env.close();
  }
});

test('the parent rule per line: a stale or concurrent save is a conflict; every acknowledged save is kept', async () => {
  const { env, s, imported } = await project();
  try {
    const save = (who: CallContext, parentRevisionId: number | null, entities = [PLACE, PATIENT]) =>
      s['annotations.save']({ documentId: 1, parentRevisionId, entities }, who);
    const first = await save(hoa, imported.revisionId);
    await assert.rejects(save(hoa, imported.revisionId), conflict, 'a second tab still on the base');
    await assert.rejects(save(hoa, null), conflict);
    // Two saves racing from the same parent: one wins, the other is told to reload.
    const race = await Promise.allSettled([save(hoa, first.revisionId, []), save(hoa, first.revisionId, [FEVER])]);
    assert.deepEqual(race.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    // lan's line is independent: her first save names the shared base, not hoa's revision.
    await assert.rejects(save(lan, first.revisionId), conflict);
    await save(lan, imported.revisionId);
    const hoaLine = await s['annotations.history']({ documentId: 1 }, hoa);
    assert.deepEqual(
      hoaLine.map((r) => [r.revision, r.author]),
      [
        [1, 'hoa'],
        [2, 'hoa'],
      ],
    );
    const rows = env.store.db
      .prepare('SELECT line, revision, base_revision_id AS base FROM line_revisions ORDER BY id')
      .all();
    assert.deepEqual(rows, [
      { line: 'hoa', revision: 1, base: imported.revisionId },
      { line: 'hoa', revision: 2, base: null },
      { line: 'lan', revision: 1, base: imported.revisionId },
    ]);
  } finally {
    await env.close();
  }
});

test("gold is the curators': written on the shared line, never shown to an annotator who starts later", async () => {
  const { env, s, imported, view } = await project();
  try {
    const gold = await s['annotations.save'](
      { documentId: 1, parentRevisionId: imported.revisionId, entities: [PLACE, FEVER, PATIENT] },
      minh,
    );
    assert.deepEqual(
      env.store.db.prepare('SELECT revision_id AS id FROM gold_revisions').all(),
      [{ id: gold.revisionId }],
      "the curator's save is marked gold",
    );
    assert.deepEqual((await view(minh)).entities, [PATIENT, PLACE, FEVER]);
    const late = await view(tuan);
    assert.deepEqual(late.entities, [PLACE], 'the line starts from the shared line before gold');
    assert.equal(late.revisionId, imported.revisionId);
    await s['annotations.save']({ documentId: 1, parentRevisionId: late.revisionId, entities: [PLACE, PATIENT] }, tuan);
    assert.deepEqual((await view(tuan)).entities, [PATIENT, PLACE]);
    assert.deepEqual((await view()).entities, [PATIENT, PLACE, FEVER], 'gold untouched by the line');
  } finally {
    await env.close();
  }
});

test('outcomes and status are per annotator: a reject or done on one line changes no other', async () => {
  const { env, s, view, fever } = await project();
  try {
    assert.equal(
      await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] }, lan).then((r) => r.rejected),
      1,
    );
    assert.deepEqual((await view(lan)).suggestions, []);
    assert.equal((await view(hoa)).suggestions.length, 1, "lan's reject is not hoa's");
    assert.equal((await view()).suggestions.length, 1, 'nor the shared line');
    await assert.rejects(s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] }, lan), conflict);
    await assert.rejects(s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [fever] }, hoa), conflict);
    await s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [fever] }, lan);
    assert.equal((await view(lan)).suggestions.length, 1);
    await assert.rejects(
      s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [999] }, lan),
      (e: ContractError) => e.code === 'invalid' && e.field === 'suggestedSpanIds.0',
    );

    await s['documents.setStatus']({ documentId: 1, status: 'done' }, hoa);
    assert.equal((await view(hoa)).status, 'done');
    assert.equal((await view(lan)).status, 'pre-annotated');
    assert.equal((await view()).status, 'in_progress', 'the shared status is unchanged');
    const event = env.store.db.prepare("SELECT actor, payload FROM events WHERE type = 'line-status'").get() as {
      actor: string;
      payload: string;
    };
    assert.deepEqual(
      [event.actor, JSON.parse(event.payload)],
      ['hoa', { from: 'pre-annotated', to: 'done', line: 'hoa' }],
    );
  } finally {
    await env.close();
  }
});

test("a label rename rewrites the annotators' lines too (a new revision on each line that uses it)", async () => {
  const { env, s, imported, view } = await project();
  try {
    await s['annotations.save'](
      { documentId: 1, parentRevisionId: imported.revisionId, entities: [PLACE, FEVER] },
      hoa,
    );
    await s['annotations.save']({ documentId: 1, parentRevisionId: imported.revisionId, entities: [FEVER] }, lan);
    await s['labels.rename']({ projectId: 1, from: 'LOCATION', to: 'NƠI' });
    assert.deepEqual((await view(hoa)).entities, [{ ...PLACE, label: 'NƠI' }, FEVER]);
    assert.deepEqual((await view(lan)).entities, [FEVER], 'a line without the label is left as it is');
    const hoaLine = await s['annotations.history']({ documentId: 1 }, hoa);
    assert.deepEqual(
      hoaLine.map((r) => r.author),
      ['hoa', 'annotator'],
    );
  } finally {
    await env.close();
  }
});
