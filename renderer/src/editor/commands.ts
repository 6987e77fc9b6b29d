// What each keyboard command does, as one table: ./keymap.ts turns a key into a command, this runs it on the
// editor's state. A new command is one line in EditorCommand and one entry here (the table's type makes a missing
// entry a compile error). The targets are interfaces, so the table is tested without Svelte or a DOM.
import type { EditorCommand } from './keymap.js';

/** The editing side of the editor (state/editor.svelte.ts). */
export interface CommandEditor {
  applyLabel(label: string): void;
  nudgeBoundary(edge: 'start' | 'end', delta: number): void;
  deleteSelected(): void;
  accept(): void;
  undo(): void;
  redo(): void;
  setStatus(status: 'done'): Promise<void>;
}

/** The selection side (state/editor-selection.svelte.ts). */
export interface CommandSelection {
  readonly picking: boolean;
  moveCaret(delta: number, extend: boolean): void;
  moveCaretByLine(delta: number, extend: boolean): void;
  moveCaretToLineEdge(end: boolean, extend: boolean): void;
  stepSpan(delta: number): void;
  openPicker(): void;
  movePicker(delta: number): void;
  pick(): void;
  clear(): void;
}

export interface CommandTarget {
  editor: CommandEditor;
  selection: CommandSelection;
  /** Opens the shortcuts overlay. */
  showHelp(): void;
}

type Handlers = {
  [K in EditorCommand['kind']]: (target: CommandTarget, command: Extract<EditorCommand, { kind: K }>) => void;
};

/** Every command's handler, by kind. While the picker is open, ↑/↓ move in it and Enter picks. */
export const COMMANDS: Handlers = {
  move: ({ selection }, c) => selection.moveCaret(c.delta, c.extend),
  line: ({ selection }, c) =>
    selection.picking ? selection.movePicker(c.delta) : selection.moveCaretByLine(c.delta, c.extend),
  home: ({ selection }, c) => selection.moveCaretToLineEdge(c.end, c.extend),
  boundary: ({ editor }, c) => editor.nudgeBoundary(c.edge, c.delta),
  label: ({ editor }, c) => editor.applyLabel(c.label),
  'select-span': ({ selection }, c) => selection.stepSpan(c.delta),
  delete: ({ editor }) => editor.deleteSelected(),
  accept: ({ editor, selection }) => (selection.picking ? selection.pick() : editor.accept()),
  picker: ({ selection }) => selection.openPicker(),
  escape: ({ selection }) => selection.clear(),
  undo: ({ editor }) => editor.undo(),
  redo: ({ editor }) => editor.redo(),
  done: ({ editor }) => void editor.setStatus('done'),
  help: (target) => target.showHelp(),
};

/** Runs one command on the editor. */
export function runCommand(command: EditorCommand, target: CommandTarget): void {
  (COMMANDS[command.kind] as (target: CommandTarget, command: EditorCommand) => void)(target, command);
}
