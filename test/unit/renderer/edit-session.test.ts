// The edit session: what each edit does to the lists, what undo and redo send, and that the server hears every step
// in the order made, each revision on the previous one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span, SuggestedSpan } from '../../../core/contract/types.js';
import { EditSession, type SessionServer } from '../../../renderer/src/editor/edit-session.js';
import type { SaveRequest } from '../../../renderer/src/editor/save-queue.js';

type Call = { method: 'save'; request: SaveRequest } | { method: 'reject' | 'reopen'; ids: number[] };

/** A server that records every call and answers saves with consecutive revisions. */
function fakeServer(options: { refuse?: boolean } = {}): SessionServer & { calls: Call[] } {
  const calls: Call[] = [];
  let revisionId = 100;
  return {
    calls,
    async save(request) {
      calls.push({ method: 'save', request });
      if (options.refuse) throw new Error('conflict');
      revisionId++;
      return { revisionId, revision: revisionId - 100 };
    },
    async reject(_documentId, ids) {
      calls.push({ method: 'reject', ids });
    },
    async reopen(_documentId, ids) {
      calls.push({ method: 'reopen', ids });
    },
  };
}

const suggestion = (
  id: number,
  label: string,
  start: number,
  end: number,
  score: number | null = 0.9,
): SuggestedSpan => ({ id, label, start, end, score, source: 'm' });
const plain = (spans: readonly Span[]) => spans.map((s) => `${s.label}@${s.start}-${s.end}`);

function session(entities: Span[] = [], suggestions: SuggestedSpan[] = [], server = fakeServer()) {
  const saved: { pending: number; revision?: number }[] = [];
  const errors: Error[] = [];
  const s = new EditSession({
    documentId: 7,
    parentRevisionId: 100,
    spans: { entities, suggestions },
    server,
    onSaved: (pending, ack) => saved.push({ pending, revision: ack?.revision }),
    onError: (e) => errors.push(e),
  });
  return { s, server, saved, errors };
}

test('edits become a chain of revisions, each on the one before, and the entities stay sorted', async () => {
  const { s, server, saved } = session([{ label: 'B', start: 5, end: 9 }]);
  s.add({ label: 'A', start: 0, end: 3 });
  const entity = s.spans.entities[1];
  s.replace(entity, { label: 'C', start: 5, end: 9 });
  s.remove(s.spans.entities[0]);
  assert.equal(s.pending, 3);
  await s.flush();
  assert.equal(s.pending, 0);
  const saves = server.calls.flatMap((c) => (c.method === 'save' ? [c.request] : []));
  assert.deepEqual(
    saves.map((r) => r.parentRevisionId),
    [100, 101, 102],
  );
  assert.deepEqual(
    saves.map((r) => plain(r.entities)),
    [['A@0-3', 'B@5-9'], ['A@0-3', 'C@5-9'], ['C@5-9']],
  );
  assert.deepEqual(
    saves.map((r) => r.documentId),
    [7, 7, 7],
  );
  assert.deepEqual(saved.at(-1), { pending: 0, revision: 3 });
});

test('labelling exactly a suggested span accepts it; a changed one is recorded as edited', async () => {
  const { s, server } = session([], [suggestion(1, 'LOC', 0, 4), suggestion(2, 'PER', 6, 9)]);
  const accepted = s.add({ label: 'LOC', start: 0, end: 4 });
  assert.deepEqual(accepted.made, { label: 'LOC', start: 0, end: 4 });
  assert.deepEqual(
    s.spans.suggestions.map((x) => x.id),
    [2],
  );
  s.take(s.spans.suggestions[0], { label: 'ORG', start: 6, end: 9 });
  assert.deepEqual(s.spans.suggestions, []);
  await s.flush();
  const saves = server.calls.flatMap((c) => (c.method === 'save' ? [c.request] : []));
  assert.deepEqual(
    saves.map((r) => [r.note, r.outcomes]),
    [
      ['accept', [{ suggestedSpanId: 1, outcome: 'accepted' }]],
      ['edit-suggestion', [{ suggestedSpanId: 2, outcome: 'edited' }]],
    ],
  );
  assert.deepEqual(plain(saves[1].entities), ['LOC@0-4', 'ORG@6-9']);
});

test('undo of an accept saves the older list and reopens the suggestion; redo accepts it again', async () => {
  const { s, server } = session([], [suggestion(1, 'LOC', 0, 4)]);
  s.take(s.spans.suggestions[0]);
  const back = s.undo();
  assert.deepEqual(back?.entities, []);
  assert.deepEqual(
    back?.suggestions.map((x) => x.id),
    [1],
  );
  assert.ok(s.canRedo);
  const again = s.redo();
  assert.deepEqual(plain(again!.entities), ['LOC@0-4']);
  await s.flush();
  const saves = server.calls.flatMap((c) => (c.method === 'save' ? [c.request] : []));
  assert.deepEqual(
    saves.map((r) => [r.note, r.outcomes, plain(r.entities)]),
    [
      ['accept', [{ suggestedSpanId: 1, outcome: 'accepted' }], ['LOC@0-4']],
      ['undo', [{ suggestedSpanId: 1, outcome: 'reopened' }], []],
      ['redo', [{ suggestedSpanId: 1, outcome: 'accepted' }], ['LOC@0-4']],
    ],
  );
});

test('a reject is sent in line with the saves; undo reopens it and redo rejects it again, without a revision', async () => {
  const { s, server } = session([], [suggestion(1, 'LOC', 0, 4), suggestion(2, 'PER', 6, 9)]);
  s.add({ label: 'X', start: 10, end: 12 });
  s.reject(s.spans.suggestions[1]);
  assert.deepEqual(
    s.spans.suggestions.map((x) => x.id),
    [1],
  );
  assert.deepEqual(
    s.undo()?.suggestions.map((x) => x.id),
    [1, 2],
  );
  s.redo();
  await s.flush();
  assert.deepEqual(
    server.calls.map((c) => (c.method === 'save' ? `save:${c.request.parentRevisionId}` : `${c.method}:${c.ids}`)),
    ['save:100', 'reject:2', 'reopen:2', 'reject:2'],
  );
});

test('accept at or above a threshold takes those suggestions as one revision; none above sends nothing', async () => {
  const { s, server } = session(
    [],
    [suggestion(1, 'A', 0, 2, 0.95), suggestion(2, 'B', 3, 5, 0.5), suggestion(3, 'C', 6, 8, null)],
  );
  assert.equal(s.acceptAbove(0.99), undefined);
  assert.equal(s.canUndo, false);
  const spans = s.acceptAbove(0.8)!;
  assert.deepEqual(plain(spans.entities), ['A@0-2']);
  assert.deepEqual(
    spans.suggestions.map((x) => x.id),
    [2, 3],
  );
  await s.flush();
  assert.equal(server.calls.length, 1);
  const [call] = server.calls;
  assert.equal(call.method === 'save' && call.request.note, 'accept>=0.8');
});

test('a change that changes nothing is neither recorded nor saved', async () => {
  const entity = { label: 'A', start: 0, end: 3 };
  const { s, server } = session([entity]);
  assert.equal(s.replace(s.spans.entities[0], { label: 'A', start: 0, end: 3 }), undefined);
  assert.equal(s.remove({ label: 'Z', start: 0, end: 3 }), undefined);
  assert.equal(s.undo(), undefined);
  assert.equal(s.redo(), undefined);
  assert.equal(s.canUndo, false);
  await s.flush();
  assert.deepEqual(server.calls, []);
});

test('a new edit clears redo; a restore is an undoable revision noted as such', async () => {
  const { s, server } = session([{ label: 'A', start: 0, end: 3 }]);
  s.add({ label: 'B', start: 4, end: 6 });
  s.undo();
  assert.ok(s.canRedo);
  s.restore(
    [
      { label: 'Z', start: 9, end: 10 },
      { label: 'Y', start: 1, end: 2 },
    ],
    4,
  );
  assert.equal(s.canRedo, false);
  assert.deepEqual(plain(s.spans.entities), ['Y@1-2', 'Z@9-10']);
  assert.deepEqual(plain(s.undo()!.entities), ['A@0-3']);
  await s.flush();
  const notes = server.calls.map((c) => (c.method === 'save' ? c.request.note : c.method));
  assert.deepEqual(notes, ['edit', 'undo', 'restore r4', 'undo']);
});

test('untouched spans keep their objects across edits and undo, so the view can diff by identity', () => {
  const { s } = session([
    { label: 'A', start: 0, end: 3 },
    { label: 'B', start: 5, end: 8 },
  ]);
  const [a, b] = s.spans.entities;
  s.add({ label: 'C', start: 10, end: 12 });
  assert.ok(s.spans.entities.includes(a) && s.spans.entities.includes(b));
  const back = s.undo()!;
  assert.equal(back.entities[0], a);
  assert.equal(back.entities[1], b);
});

test('a refused save is reported once and stops the later ones', async () => {
  const { s, server, errors } = session([], [], fakeServer({ refuse: true }));
  s.add({ label: 'A', start: 0, end: 1 });
  s.add({ label: 'B', start: 2, end: 3 });
  await s.flush();
  assert.equal(errors.length, 1);
  assert.equal(server.calls.length, 1);
  assert.ok(s.broken);
  assert.equal(s.pending, 0);
});
