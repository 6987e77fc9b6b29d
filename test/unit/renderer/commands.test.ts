// The command table: every key command reaches the one method it names, and the picker takes over ↑/↓ and Enter
// while it is open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, runCommand, type CommandTarget } from '../../../renderer/src/editor/commands.js';
import { commandFor, type EditorCommand } from '../../../renderer/src/editor/keymap.js';

/** A target that records each call as "method(args)". */
function recorder(picking = false): { target: CommandTarget; calls: string[] } {
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
      return Promise.resolve();
    };
  const target: CommandTarget = {
    editor: {
      applyLabel: record('applyLabel'),
      nudgeBoundary: record('nudgeBoundary'),
      deleteSelected: record('deleteSelected'),
      accept: record('accept'),
      undo: record('undo'),
      redo: record('redo'),
      setStatus: record('setStatus'),
    },
    selection: {
      picking,
      moveCaret: record('moveCaret'),
      moveCaretByLine: record('moveCaretByLine'),
      moveCaretToLineEdge: record('moveCaretToLineEdge'),
      stepSpan: record('stepSpan'),
      openPicker: record('openPicker'),
      movePicker: record('movePicker'),
      pick: record('pick'),
      clear: record('clear'),
    },
    showHelp: record('showHelp'),
  };
  return { target, calls };
}

const key = (
  k: string,
  mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {},
): EditorCommand => {
  const command = commandFor(
    { key: k, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods },
    new Map([['6', 'LOCATION']]),
  );
  assert.ok(command, `no command for ${k}`);
  return command;
};

test('each key reaches the method it names', () => {
  const cases: [EditorCommand, string][] = [
    [key('ArrowRight', { shiftKey: true }), 'moveCaret(1,true)'],
    [key('ArrowDown'), 'moveCaretByLine(1,false)'],
    [key('End', { shiftKey: true }), 'moveCaretToLineEdge(true,true)'],
    [key('ArrowLeft', { ctrlKey: true, shiftKey: true }), 'nudgeBoundary("end",-1)'],
    [key('6'), 'applyLabel("LOCATION")'],
    [key('['), 'stepSpan(-1)'],
    [key('Delete'), 'deleteSelected()'],
    [key('Enter'), 'accept()'],
    [key(' '), 'openPicker()'],
    [key('Escape'), 'clear()'],
    [key('z', { ctrlKey: true }), 'undo()'],
    [key('y', { ctrlKey: true }), 'redo()'],
    [key('Enter', { ctrlKey: true }), 'setStatus("done")'],
    [key('?'), 'showHelp()'],
  ];
  for (const [command, expected] of cases) {
    const { target, calls } = recorder();
    runCommand(command, target);
    assert.deepEqual(calls, [expected], command.kind);
  }
  // Every kind of command is covered above, so a new command without a test shows up here.
  assert.deepEqual(new Set(cases.map(([c]) => c.kind)), new Set(Object.keys(COMMANDS)));
});

test('while the picker is open, ↑/↓ move in it and Enter picks instead of accepting', () => {
  const { target, calls } = recorder(true);
  runCommand(key('ArrowUp'), target);
  runCommand(key('Enter'), target);
  runCommand(key('ArrowRight'), target);
  assert.deepEqual(calls, ['movePicker(-1)', 'pick()', 'moveCaret(1,false)']);
});
