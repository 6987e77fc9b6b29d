// Snapping to syllables, boundary moves, the caret, the keymap and undo history: the editor's logic without a DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tokenize } from '../../../core/tokenize.js';
import {
  caretOver,
  caretRange,
  moveCaret,
  moveCaretByLine,
  moveCaretToLineEdge,
} from '../../../renderer/src/editor/caret.js';
import { addSpan, findSpan, removeSpan, replaceSpan, sortSpans } from '../../../renderer/src/editor/entity-ops.js';
import { EditHistory } from '../../../renderer/src/editor/history.js';
import { commandFor } from '../../../renderer/src/editor/keymap.js';
import { lineStarts, lineOf } from '../../../renderer/src/editor/layout.js';
import { boundaryAt, moveBoundary, snapRange, trimRange } from '../../../renderer/src/editor/snap.js';

const TEXT = 'Bệnh viện Đà Nẵng, ngày 12/3';
const tokens = tokenize(TEXT); // Bệnh viện Đà Nẵng , ngày 12/3
const cps = Array.from(TEXT);

test('a selection snaps out to whole syllables; whitespace alone snaps to nothing', () => {
  assert.deepEqual(snapRange({ start: 2, end: 7 }, tokens), { start: 0, end: 9 }); // "nh vi" -> "Bệnh viện"
  assert.deepEqual(snapRange({ start: 4, end: 5 }, tokens), undefined);
  assert.deepEqual(trimRange({ start: 4, end: 9 }, cps), { start: 5, end: 9 });
});

test('boundaries move by one syllable and never past each other', () => {
  const span = { start: 10, end: 17 }; // Đà Nẵng
  assert.deepEqual(moveBoundary(span, 'start', -1, tokens), { start: 5, end: 17 });
  assert.deepEqual(moveBoundary(span, 'end', 1, tokens), { start: 10, end: 18 });
  assert.deepEqual(moveBoundary(span, 'start', 1, tokens), { start: 13, end: 17 });
  assert.equal(moveBoundary({ start: 13, end: 17 }, 'start', 1, tokens), undefined);
  assert.equal(boundaryAt(tokens, 11, 'start'), 10);
  assert.equal(boundaryAt(tokens, 11, 'end'), 12);
});

test('caret moves and extends by token, by line and to line edges', () => {
  let caret = moveCaret(null, 1, false, tokens.length);
  assert.deepEqual(caret, { anchor: 0, focus: 0 });
  caret = moveCaret(caret, 1, true, tokens.length);
  assert.deepEqual(caretRange(caret!, tokens), { start: 0, end: 9 });
  assert.deepEqual(caretOver({ start: 10, end: 17 }, tokens), { anchor: 2, focus: 3 });
  const two = 'một hai\nba bốn';
  const t2 = tokenize(two);
  const starts = lineStarts(Array.from(two));
  const down = moveCaretByLine({ anchor: 0, focus: 0 }, 1, false, t2, starts, (cp) => lineOf(starts, cp));
  assert.deepEqual(down, { anchor: 2, focus: 2 });
  assert.deepEqual(
    moveCaretToLineEdge(down, true, false, t2, starts, (cp) => lineOf(starts, cp)),
    { anchor: 3, focus: 3 },
  );
});

test('keymap: labels by shortcut, undo/redo, boundaries with Ctrl, nothing for other keys', () => {
  const keys = new Map([['6', 'LOCATION']]);
  const k = (
    key: string,
    mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {},
  ) => commandFor({ key, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods }, keys);
  assert.deepEqual(k('6'), { kind: 'label', label: 'LOCATION' });
  assert.deepEqual(k('z', { ctrlKey: true }), { kind: 'undo' });
  assert.deepEqual(k('Z', { ctrlKey: true, shiftKey: true }), { kind: 'redo' });
  assert.deepEqual(k('y', { metaKey: true }), { kind: 'redo' });
  assert.deepEqual(k('ArrowRight', { shiftKey: true }), { kind: 'move', delta: 1, extend: true });
  assert.deepEqual(k('ArrowLeft', { ctrlKey: true }), { kind: 'boundary', edge: 'start', delta: -1 });
  assert.deepEqual(k('ArrowRight', { ctrlKey: true, shiftKey: true }), { kind: 'boundary', edge: 'end', delta: 1 });
  assert.equal(k('Tab'), undefined, 'Tab leaves the editor');
  assert.equal(k('7'), undefined);
  assert.equal(k('6', { ctrlKey: true }), undefined);
});

test('entity edits find by binary search, keep the untouched objects, and match a linear model', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.nat(20), fc.integer({ min: 1, max: 5 })), { maxLength: 30 }),
      (ops) => {
        let list: { label: string; start: number; end: number }[] = [];
        const model = new Map<string, { label: string; start: number; end: number }>();
        for (const [label, start, len] of ops) {
          const span = { label, start, end: start + len };
          const at = findSpan(list, span);
          const before = list;
          list = at >= 0 ? removeSpan(list, at) : addSpan(list, span);
          const key = `${label}@${start}-${start + len}`;
          if (model.has(key)) model.delete(key);
          else model.set(key, span);
          const changed = (s: { label: string; start: number; end: number }) =>
            s.label === span.label && s.start === span.start && s.end === span.end;
          assert.ok(
            list.every((s) => changed(s) || before.includes(s)),
            'untouched spans keep their objects',
          );
        }
        assert.deepEqual(list, sortSpans([...model.values()]));
      },
    ),
  );
});

test('entity edits keep the list sorted and free of duplicates; history undoes and redoes', () => {
  const a = { label: 'ORGANIZATION', start: 0, end: 17 };
  const b = { label: 'LOCATION', start: 10, end: 17 };
  let list = addSpan(addSpan([], b), a);
  assert.deepEqual(list, [a, b]);
  assert.equal(addSpan(list, { ...b }).length, 2);
  list = replaceSpan(list, 1, { ...b, label: 'DATE' });
  assert.equal(list[1].label, 'DATE');
  const history = new EditHistory<typeof list, string>();
  history.record(list, 'delete');
  const after = removeSpan(list, 0);
  assert.deepEqual(history.undo(after), { state: list, change: 'delete' });
  assert.deepEqual(history.redo(list), { state: after, change: 'delete' }, 'redo makes the same change again');
  assert.equal(history.canRedo, false);
  history.record(after, 'edit');
  assert.equal(history.canRedo, false, 'a new edit clears redo');
});

test('"?" opens the shortcuts list; with Ctrl or Alt it is left alone', () => {
  const none = new Map<string, string>();
  assert.deepEqual(commandFor({ key: '?', shiftKey: true, ctrlKey: false, metaKey: false, altKey: false }, none), {
    kind: 'help',
  });
  assert.equal(commandFor({ key: '?', shiftKey: true, ctrlKey: true, metaKey: false, altKey: false }, none), undefined);
});
