// The editor's state classes (state/editor*.svelte.ts) run as the UI runs them, against fake services: opening a
// document, labelling by mouse range and by keyboard caret, accepting a suggestion, undo re-selecting what it brought
// back, the picker over nested spans, walking spans, and a refused save reloading the document.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentView, Span, SuggestedSpan } from '../../../../core/contract/types.js';
import { answer, calls } from './support/svelte-runes.js';

const { editor } = await import('../../../../renderer/src/state/editor.svelte.js');
const { editorDocument: text } = await import('../../../../renderer/src/state/editor-document.svelte.js');
const { selection } = await import('../../../../renderer/src/state/editor-selection.svelte.js');
const { app } = await import('../../../../renderer/src/state/app.svelte.js');
const { runCommand } = await import('../../../../renderer/src/editor/commands.js');

// Tokens: Bệnh 0-4, viện 5-9, Đà 10-12, Nẵng 13-17 | ngày 18-22, 12/3 23-27, tại 28-31, Huế 32-35.
const TEXT = 'Bệnh viện Đà Nẵng\nngày 12/3 tại Huế';
const target = { editor, selection, showHelp: () => {} };

let revisionId = 10;
let revision = 3;

function docView(id: number, entities: Span[], suggestions: SuggestedSpan[]): DocumentView {
  return { id, name: `d${id}`, text: TEXT, status: 'in_progress', revisionId: 10, revision: 3, entities, suggestions };
}

/** Opens a document holding these spans, with fake services that save every revision. */
async function open(entities: Span[] = [], suggestions: SuggestedSpan[] = []): Promise<void> {
  revisionId = 10;
  revision = 3;
  answer('documents.get', (params: { documentId: number }) => docView(params.documentId, entities, suggestions));
  answer('annotations.save', () => ({ revisionId: ++revisionId, revision: ++revision, status: 'in_progress' }));
  answer('suggestions.reject', () => ({ rejected: 1 }));
  answer('suggestions.reopen', () => ({ reopened: 1 }));
  await editor.open(1);
  calls.length = 0;
}

const saves = () =>
  calls
    .filter((c) => c.method === 'annotations.save')
    .map((c) => c.params as { parentRevisionId: number; entities: Span[]; outcomes?: unknown[]; note?: string });
const selected = () => text.spanByKey(selection.key);
const plain = (s: Span | undefined) => s && `${s.label}@${s.start}-${s.end}`;

beforeEach(() => {
  calls.length = 0;
});

test('a dragged range labelled becomes a selected entity, saved on the revision it was opened at', async () => {
  await open([{ label: 'PER', start: 32, end: 35 }]);
  assert.equal(editor.revision, 3);
  assert.equal(text.lines.length, 2);
  selection.selectText({ start: 10, end: 17 }, false);
  assert.equal(selection.key, null);
  editor.applyLabel('LOC');
  assert.equal(selection.textRange, null);
  assert.equal(plain(selected()), 'LOC@10-17');
  assert.ok(editor.canUndo);
  assert.equal(editor.pending, 1);
  await editor.flush();
  assert.equal(editor.pending, 0);
  assert.equal(editor.revision, 4);
  assert.deepEqual(
    saves().map((s) => [s.parentRevisionId, s.entities.map(plain)]),
    [[10, ['LOC@10-17', 'PER@32-35']]],
  );
});

test('the keyboard caret selects syllables; a label key labels them; the boundary keys resize the span', async () => {
  await open();
  runCommand({ kind: 'move', delta: 1, extend: false }, target);
  runCommand({ kind: 'move', delta: 1, extend: true }, target);
  assert.deepEqual(selection.textRange, { start: 0, end: 9 });
  runCommand({ kind: 'label', label: 'ORG' }, target);
  assert.equal(plain(selected()), 'ORG@0-9');
  runCommand({ kind: 'boundary', edge: 'end', delta: 1 }, target);
  assert.equal(plain(selected()), 'ORG@0-12');
  assert.deepEqual(text.entities.map(plain), ['ORG@0-12']);
  runCommand({ kind: 'line', delta: 1, extend: false }, target);
  assert.deepEqual(selection.textRange, { start: 18, end: 22 }, 'the caret goes on from the span, one line down');
  await editor.flush();
  assert.deepEqual(
    saves().map((s) => s.parentRevisionId),
    [10, 11],
  );
});

test('labelling exactly a suggestion accepts it; undo brings the suggestion back and selects it', async () => {
  await open([], [{ id: 5, label: 'LOC', start: 10, end: 17, score: 0.9, source: 'm' }]);
  selection.selectText({ start: 10, end: 17 }, false);
  editor.applyLabel('LOC');
  assert.deepEqual(text.suggestions, []);
  assert.equal(plain(selected()), 'LOC@10-17');
  editor.undo();
  assert.equal(selection.key, 's:5');
  assert.deepEqual(text.entities, []);
  assert.ok(editor.canRedo);
  await editor.flush();
  assert.deepEqual(
    saves().map((s) => [s.note, s.outcomes]),
    [
      ['accept', [{ suggestedSpanId: 5, outcome: 'accepted' }]],
      ['undo', [{ suggestedSpanId: 5, outcome: 'reopened' }]],
    ],
  );
});

test('delete drops the selection; undo re-selects the span it brought back; reject goes in line with the saves', async () => {
  await open(
    [{ label: 'LOC', start: 10, end: 17 }],
    [{ id: 6, label: 'PER', start: 32, end: 35, score: 0.5, source: 'm' }],
  );
  selection.stepSpan(1);
  assert.equal(plain(selected()), 'LOC@10-17');
  runCommand({ kind: 'delete' }, target);
  assert.equal(selection.key, null);
  runCommand({ kind: 'undo' }, target);
  assert.equal(plain(selected()), 'LOC@10-17');
  selection.selectKey('s:6');
  editor.reject();
  assert.equal(selection.key, null);
  assert.deepEqual(text.suggestions, []);
  await editor.flush();
  assert.deepEqual(
    calls.map((c) => c.method),
    ['annotations.save', 'annotations.save', 'suggestions.reject'],
  );
});

test('nested spans: a click offers them all in the picker, ↑/↓ and Enter pick one; Space opens it at the caret', async () => {
  await open([
    { label: 'ORG', start: 0, end: 17 },
    { label: 'LOC', start: 10, end: 17 },
  ]);
  const [org, loc] = ['ORG@0-17', 'LOC@10-17'];
  const keys = text.allKeys();
  assert.deepEqual(
    keys.map((k) => plain(text.spanByKey(k))),
    [org, loc],
    'reading order: outer first',
  );
  selection.clickSpan(keys[1], [keys[1], keys[0]]);
  assert.equal(plain(selected()), loc);
  assert.ok(selection.picking);
  runCommand({ kind: 'line', delta: 1, extend: false }, target);
  assert.equal(selection.pickerIndex, 1);
  runCommand({ kind: 'accept' }, target);
  assert.equal(plain(selected()), org);
  assert.equal(selection.picking, false);
  // The caret now covers the outer span (focus on its last syllable): one back is "Đà", where Space lists what
  // covers it, innermost first.
  runCommand({ kind: 'move', delta: -1, extend: false }, target);
  assert.deepEqual(selection.textRange, { start: 10, end: 12 });
  runCommand({ kind: 'picker' }, target);
  assert.deepEqual(
    selection.pickerKeys.map((k) => plain(text.spanByKey(k))),
    [loc, org],
  );
  runCommand({ kind: 'escape' }, target);
  assert.equal(selection.picking, false);
  assert.equal(selection.key, null);
  assert.equal(selection.textRange, null);
  // ] from nothing selected takes the first span; [ from the first wraps round to the last.
  runCommand({ kind: 'select-span', delta: 1 }, target);
  assert.equal(plain(selected()), org);
  runCommand({ kind: 'select-span', delta: -1 }, target);
  assert.equal(plain(selected()), loc);
});

test('accept-all takes the suggestions at or above the threshold; the threshold ignores a non-number', async () => {
  await open(
    [],
    [
      { id: 1, label: 'A', start: 0, end: 4, score: 0.95, source: 'm' },
      { id: 2, label: 'B', start: 5, end: 9, score: 0.6, source: 'm' },
    ],
  );
  editor.setThreshold(0.9);
  editor.setThreshold(Number.NaN);
  assert.equal(editor.threshold, 0.9);
  editor.acceptAbove();
  assert.deepEqual(text.entities.map(plain), ['A@0-4']);
  assert.deepEqual(
    text.suggestions.map((s) => s.id),
    [2],
  );
});

test('a save refused as stale reloads the document', async () => {
  await open();
  const doc = {
    id: 1,
    name: 'd',
    text: TEXT,
    status: 'in_progress',
    revisionId: 12,
    revision: 5,
    entities: [],
    suggestions: [],
  };
  const reloaded = new Promise<void>((resolve) => answer('documents.get', () => (resolve(), doc)));
  answer('annotations.save', () => {
    throw Object.assign(new Error('stale parent'), { code: 'conflict' });
  });
  selection.selectText({ start: 0, end: 4 }, false);
  editor.applyLabel('X');
  assert.deepEqual(text.entities.map(plain), ['X@0-4']);
  await reloaded;
  // The fetched document is taken in the same task as its answer arrives.
  await new Promise((resolve) => setImmediate(resolve));
  app.dismiss();
  assert.equal(editor.revision, 5);
  assert.deepEqual(text.entities, [], 'the server never had the refused edit');
  assert.equal(editor.canUndo, false);
});

test('an edit lays out again only the lines its spans cover; the other lines keep their objects', async () => {
  await open([
    { label: 'LOC', start: 10, end: 17 },
    { label: 'PER', start: 32, end: 35 },
  ]);
  const [first, second] = text.lines;
  assert.deepEqual(
    text.keysAt(33).map((k) => plain(text.spanByKey(k))),
    ['PER@32-35'],
  );
  assert.deepEqual(text.linesOf(text.keysAt(33)[0]), { first: 1, last: 1 });
  selection.selectText({ start: 18, end: 22 }, false);
  editor.applyLabel('DATE');
  assert.equal(text.lines[0], first, 'line 1 untouched');
  assert.notEqual(text.lines[1], second, 'line 2 drawn again');
  assert.equal(text.nameOfKey(selection.key!), 'DATE: ngày');
});

test('"Next document" goes where the queue says while it has a say, else to the next in the list', async () => {
  await open();
  app.project = { id: 1 } as never; // only the project's id is read
  answer('documents.adjacent', () => ({ documentId: 2 }));
  editor.setNextFrom(async () => 3);
  assert.equal(await editor.go('next'), true);
  assert.equal(editor.doc?.id, 3);
  editor.setNextFrom(async () => undefined);
  await editor.go('next');
  assert.equal(editor.doc?.id, 2);
  editor.setNextFrom(null);
  answer('documents.adjacent', () => ({ documentId: null }));
  assert.equal(await editor.go('previous'), false);
  assert.equal(editor.doc?.id, 2);
});
