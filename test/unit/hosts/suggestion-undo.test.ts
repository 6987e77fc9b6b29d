// Undoing what a person did with a suggestion, with the history kept append-only: a reject is taken back with
// suggestions.reopen, an accept with a save whose outcome is `reopened`; the span is pending again either way, and a
// redo records the reject or accept once more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { ContractError } from '../../../core/contract/errors.js';
import { createDispatcher } from '../../../main/hosts/dispatch.js';
import { refreshSummary } from '../../../main/services/document-summary.js';
import { tempService } from './helpers.js';

const TEXT = 'Bệnh nhân ở Đà Nẵng bị sốt.\nBà Hoa ở Huế khỏe.\n';
const PLACE = { label: 'LOCATION', start: 12, end: 19 };
const FEVER = { label: 'SYMPTOM_AND_DISEASE', start: 23, end: 26 };

async function withSuggestions() {
  const env = await tempService();
  const s = env.service;
  await s['documents.import']({
    projectId: 1,
    name: 'a.txt',
    contentBase64: Buffer.from(TEXT).toString('base64'),
    format: 'text',
  });
  env.store.transaction(() =>
    env.store.suggestions.add({
      documentId: 1,
      modelId: null,
      modelName: 'm',
      modelVersion: '1',
      spans: [
        { ...PLACE, score: 0.9 },
        { ...FEVER, score: 0.4 },
      ],
    }),
  );
  env.store.transaction(() => refreshSummary(env.store, 1));
  const [place, fever] = (await s['documents.get']({ documentId: 1 })).suggestions.map((x) => x.id);
  const events: WorkbenchEvent[] = [];
  s.events.on((e) => events.push(e));
  const pending = async () => (await s['documents.get']({ documentId: 1 })).suggestions.map((x) => x.id);
  const listed = async () =>
    (await s['documents.list']({ projectId: 1 })).items.find((d) => d.id === 1)?.pendingSuggestions;
  const rows = () =>
    env.store.db
      .prepare(
        'SELECT suggested_span_id AS span, outcome, revision_id AS revisionId FROM suggestion_outcomes ORDER BY id',
      )
      .all();
  return { env, s, place, fever, events, pending, listed, rows };
}

test('reject, reopen (undo), reject again (redo): the span comes back and goes again, every step kept', async () => {
  const { env, s, place, fever, events, pending, listed, rows } = await withSuggestions();
  try {
    assert.deepEqual(await pending(), [place, fever]);
    await assert.rejects(
      s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [place] }),
      (e: ContractError) =>
        e.code === 'conflict' && e.field === 'suggestedSpanIds.0' && /is pending, not rejected/.test(e.message),
    );

    assert.deepEqual(await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [place] }), { rejected: 1 });
    assert.deepEqual(await pending(), [fever]);
    assert.equal(await listed(), 1);

    assert.deepEqual(await s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [place] }), { reopened: 1 });
    const back = (await s['documents.get']({ documentId: 1 })).suggestions;
    assert.deepEqual(
      back.map(({ id, label, start, end, score }) => ({ id, label, start, end, score })),
      [
        { id: place, ...PLACE, score: 0.9 },
        { id: fever, ...FEVER, score: 0.4 },
      ],
    );
    assert.equal(await listed(), 2, 'the document index counts it as pending again');
    assert.equal(env.store.stats.outcomes(1).length, 0, 'a reopened span has no outcome in the stats');
    await assert.rejects(
      s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [place] }),
      (e: ContractError) => e.code === 'conflict',
    );

    await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [place] });
    assert.deepEqual(await pending(), [fever]);
    assert.equal(await listed(), 1);
    assert.deepEqual(rows(), [
      { span: place, outcome: 'rejected', revisionId: null },
      { span: place, outcome: 'reopened', revisionId: null },
      { span: place, outcome: 'rejected', revisionId: null },
    ]);
    assert.deepEqual(env.store.stats.outcomes(1), [{ key: 'rejected', count: 1 }]);
    assert.deepEqual(
      events.map((e) => e.type === 'document.changed' && e.reason),
      ['suggestions', 'suggestions', 'suggestions'],
    );

    // Nothing is recorded when any span is refused: not this document's, or not rejected.
    await assert.rejects(
      s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [place, 999] }),
      (e: ContractError) => e.code === 'invalid' && e.field === 'suggestedSpanIds.1',
    );
    await assert.rejects(
      s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [place, fever] }),
      (e: ContractError) => e.code === 'conflict' && e.field === 'suggestedSpanIds.1',
    );
    await assert.rejects(
      s['suggestions.reopen']({ documentId: 99, suggestedSpanIds: [place] }),
      (e: ContractError) => e.code === 'not-found',
    );
    assert.equal(rows().length, 3);
  } finally {
    await env.close();
  }
});

test('suggestions.reopen is validated like suggestions.reject at the boundary', async () => {
  const { env, s, place } = await withSuggestions();
  try {
    const dispatcher = createDispatcher(s, () => {});
    for (const params of [
      { documentId: 1, suggestedSpanIds: [] },
      { documentId: 1 },
      { documentId: 1, suggestedSpanIds: [place], extra: 1 },
      { documentId: 0, suggestedSpanIds: [place] },
    ]) {
      const outcome = await dispatcher.call(null, 'suggestions.reopen', params);
      assert.equal(!outcome.ok && outcome.error.code, 'invalid', JSON.stringify(params));
    }
    await dispatcher.call(null, 'suggestions.reject', { documentId: 1, suggestedSpanIds: [place] });
    assert.deepEqual(await dispatcher.call(null, 'suggestions.reopen', { documentId: 1, suggestedSpanIds: [place] }), {
      ok: true,
      result: { reopened: 1 },
    });
  } finally {
    await env.close();
  }
});

test('an undone accept is pending again: the undo revision records `reopened`, the redo accepts again', async () => {
  const { env, s, place, fever, pending, rows } = await withSuggestions();
  try {
    const accepted = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: null,
      entities: [PLACE],
      outcomes: [{ suggestedSpanId: place, outcome: 'accepted' }],
      note: 'accept',
    });
    assert.deepEqual(await pending(), [fever]);
    // Undo: the older list, and the accept taken back in the same revision.
    const undone = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: accepted.revisionId,
      entities: [],
      outcomes: [{ suggestedSpanId: place, outcome: 'reopened' }],
      note: 'undo',
    });
    assert.deepEqual(await pending(), [place, fever]);
    assert.deepEqual((await s['documents.get']({ documentId: 1 })).entities, []);
    // A reopen with nothing to take back is refused, and the whole save with it.
    await assert.rejects(
      s['annotations.save']({
        documentId: 1,
        parentRevisionId: undone.revisionId,
        entities: [],
        outcomes: [{ suggestedSpanId: place, outcome: 'reopened' }],
      }),
      (e: ContractError) => e.code === 'conflict' && e.field === 'outcomes.0.outcome' && /is pending/.test(e.message),
    );
    await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] });
    await assert.rejects(
      s['annotations.save']({
        documentId: 1,
        parentRevisionId: undone.revisionId,
        entities: [FEVER],
        outcomes: [{ suggestedSpanId: fever, outcome: 'reopened' }],
      }),
      (e: ContractError) => e.code === 'conflict' && /is rejected/.test(e.message),
    );
    assert.equal((await s['annotations.history']({ documentId: 1 })).length, 2);
    // Redo: the accept again.
    const redone = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: undone.revisionId,
      entities: [PLACE],
      outcomes: [{ suggestedSpanId: place, outcome: 'accepted' }],
      note: 'redo',
    });
    assert.deepEqual(await pending(), []);
    assert.deepEqual(rows(), [
      { span: place, outcome: 'accepted', revisionId: accepted.revisionId },
      { span: place, outcome: 'reopened', revisionId: undone.revisionId },
      { span: fever, outcome: 'rejected', revisionId: null },
      { span: place, outcome: 'accepted', revisionId: redone.revisionId },
    ]);
    assert.deepEqual(env.store.stats.outcomes(1), [
      { key: 'accepted', count: 1 },
      { key: 'rejected', count: 1 },
    ]);
  } finally {
    await env.close();
  }
});

test('a stale reject (another tab accepted, edited or rejected the span) is a conflict naming the span; nothing is recorded', async () => {
  const { env, s, place, fever, pending, rows, events } = await withSuggestions();
  try {
    // Tab A accepts PLACE; tab B, still showing it pending, rejects it.
    const accepted = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: null,
      entities: [PLACE],
      outcomes: [{ suggestedSpanId: place, outcome: 'accepted' }],
      note: 'accept',
    });
    await assert.rejects(
      s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [place] }),
      (e: ContractError) =>
        e.code === 'conflict' &&
        e.field === 'suggestedSpanIds.0' &&
        e.message.includes(`suggestion ${place} is already accepted`),
    );
    // The whole call is refused when any span is stale: the pending one beside it is not rejected either.
    await assert.rejects(
      s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever, place] }),
      (e: ContractError) => e.code === 'conflict' && e.field === 'suggestedSpanIds.1',
    );
    assert.deepEqual(
      (await s['documents.get']({ documentId: 1 })).entities.map(({ label, start, end }) => ({ label, start, end })),
      [PLACE],
      'the entity stays',
    );
    assert.deepEqual(await pending(), [fever]);

    // Edited by one tab, then rejected by another: refused too.
    const edited = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: accepted.revisionId,
      entities: [PLACE, { ...FEVER, end: 27 }],
      outcomes: [{ suggestedSpanId: fever, outcome: 'edited' }],
      note: 'edit',
    });
    await assert.rejects(
      s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] }),
      (e: ContractError) => e.code === 'conflict' && /is already edited/.test(e.message),
    );

    // Rejected twice (two tabs): the second is refused; after a reopen (undo) the reject is allowed again.
    await s['annotations.save']({
      documentId: 1,
      parentRevisionId: edited.revisionId,
      entities: [PLACE],
      outcomes: [{ suggestedSpanId: fever, outcome: 'reopened' }],
      note: 'undo',
    });
    assert.deepEqual(
      await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever, fever] }),
      { rejected: 1 },
      'a span named twice is rejected once',
    );
    await assert.rejects(
      s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] }),
      (e: ContractError) => e.code === 'conflict' && /is already rejected/.test(e.message),
    );
    await s['suggestions.reopen']({ documentId: 1, suggestedSpanIds: [fever] });
    assert.deepEqual(await s['suggestions.reject']({ documentId: 1, suggestedSpanIds: [fever] }), { rejected: 1 });

    assert.deepEqual(
      rows().map((r) => (r as { outcome: string }).outcome),
      ['accepted', 'edited', 'reopened', 'rejected', 'reopened', 'rejected'],
    );
    assert.equal(
      events.filter((e) => e.type === 'document.changed' && e.reason === 'suggestions').length,
      3,
      'refused rejects announce no change',
    );

    // Through the dispatcher (as the HTTP and IPC hosts call it): a conflict, not a 200.
    const outcome = await createDispatcher(s, () => {}).call(null, 'suggestions.reject', {
      documentId: 1,
      suggestedSpanIds: [place],
    });
    assert.equal(!outcome.ok && outcome.error.code, 'conflict');
  } finally {
    await env.close();
  }
});
