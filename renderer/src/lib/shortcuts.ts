// Every editor shortcut with what it does (message keys), for the "?" overlay. Key names are the keyboard's own
// words, the same in both languages; what they do is translated. keymap.ts is what handles them.
import type { MessageKey } from './messages.js';

export const SHORTCUTS: readonly { keys: string; does: MessageKey }[] = [
  { keys: '← / →', does: 'kbMove' },
  { keys: 'Shift + ← / →', does: 'kbExtend' },
  { keys: '↑ / ↓', does: 'kbLine' },
  { keys: 'Home / End', does: 'kbHomeEnd' },
  { keys: '[ / ]', does: 'kbSpans' },
  { keys: 'Ctrl + ← / →', does: 'kbStart' },
  { keys: 'Ctrl + Shift + ← / →', does: 'kbEnd' },
  { keys: 'Delete', does: 'kbDelete' },
  { keys: 'Enter', does: 'kbAccept' },
  { keys: 'Space', does: 'kbPicker' },
  { keys: 'Esc', does: 'kbEscape' },
  { keys: 'Ctrl + Z', does: 'undo' },
  { keys: 'Ctrl + Shift + Z / Ctrl + Y', does: 'redo' },
  { keys: 'Ctrl + Enter', does: 'markDone' },
  { keys: 'Alt + drag', does: 'kbAltDrag' },
  { keys: '?', does: 'kbHelp' },
];
