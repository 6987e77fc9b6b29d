// The editor's keyboard: a key event becomes a command, nothing else. Kept apart from the DOM so it is testable
// and so the help text and the handling cannot drift apart.
export type EditorCommand =
  | { kind: 'move'; delta: number; extend: boolean }
  | { kind: 'line'; delta: number; extend: boolean }
  | { kind: 'home'; end: boolean; extend: boolean }
  | { kind: 'boundary'; edge: 'start' | 'end'; delta: number }
  | { kind: 'label'; label: string }
  | { kind: 'select-span'; delta: number }
  | { kind: 'delete' }
  | { kind: 'accept' }
  | { kind: 'picker' }
  | { kind: 'escape' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'done' }
  | { kind: 'help' };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The command for a key press, given the label shortcuts (key -> label name); undefined for keys we leave alone. */
export function commandFor(e: KeyLike, shortcuts: ReadonlyMap<string, string>): EditorCommand | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && key === 'y') return { kind: 'redo' };
  if (mod && key === 'Enter') return { kind: 'done' };
  if (key === 'ArrowLeft' || key === 'ArrowRight') {
    const delta = key === 'ArrowLeft' ? -1 : 1;
    // Ctrl (or Alt) moves a boundary of the selected span: alone the start, with Shift the end.
    if (mod || e.altKey) return { kind: 'boundary', edge: e.shiftKey ? 'end' : 'start', delta };
    return { kind: 'move', delta, extend: e.shiftKey };
  }
  if (key === 'Home' || key === 'End') return { kind: 'home', end: key === 'End', extend: e.shiftKey };
  if (key === 'ArrowUp' || key === 'ArrowDown')
    return mod || e.altKey ? undefined : { kind: 'line', delta: key === 'ArrowUp' ? -1 : 1, extend: e.shiftKey };
  if (mod || e.altKey) return undefined;
  // Brackets walk the spans; Tab stays for moving focus out of the editor (no keyboard trap).
  if (key === ']' || key === '[') return { kind: 'select-span', delta: key === ']' ? 1 : -1 };
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete' };
  if (key === 'Enter') return { kind: 'accept' };
  if (key === ' ') return { kind: 'picker' };
  if (key === 'Escape') return { kind: 'escape' };
  if (key === '?') return { kind: 'help' };
  const label = shortcuts.get(key);
  if (label) return { kind: 'label', label };
  return undefined;
}
