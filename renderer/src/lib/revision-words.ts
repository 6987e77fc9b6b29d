// The services name who did something and why with machine words: authors 'annotator', 'workbench', 'cli',
// 'import:FILE', suggestion sources 'MODEL VERSION' (the lexicon's 'workbench:lexicon N', an import's
// 'import:FILE unknown'), revision notes 'edit', 'accept>=0.8', 'restore r3', 'rename A → B' (written by
// editor/edit-session.ts and main/services/label-service.ts). Here they become words in the UI's language; anything
// else (a person's name, a model's name and version) is shown as it is. Plain TS: unit-tested.
import { fillIn, type Locale } from './fill-in.js';
import { en, vi, type MessageKey } from './messages.js';

const say = (locale: Locale, key: MessageKey, params: Record<string, string> = {}) =>
  fillIn((locale === 'vi' ? vi : en)[key], params, locale);

/** Who made a revision or a suggestion. */
export function originWords(origin: string, locale: Locale): string {
  if (origin === 'annotator') return say(locale, 'annotator');
  if (origin === 'workbench') return say(locale, 'originWorkbench');
  if (origin === 'cli') return say(locale, 'originCli');
  if (/^workbench:lexicon(?: |$)/.test(origin)) return say(locale, 'originLexicon');
  // An import without a model version says 'unknown' after the file's name: no word for the annotator.
  const imported = /^import:(.+?)(?: unknown)?$/.exec(origin);
  if (imported) return say(locale, 'originImport', { name: imported[1] });
  return origin;
}

const NOTES: [RegExp, MessageKey, string[]][] = [
  [/^edit$/, 'noteEdit', []],
  [/^undo$/, 'noteUndo', []],
  [/^redo$/, 'noteRedo', []],
  [/^accept$/, 'noteAccept', []],
  [/^edit-suggestion$/, 'noteEditSuggestion', []],
  [/^accept>=(.+)$/, 'noteAcceptAll', ['threshold']],
  [/^restore r(\d+)$/, 'noteRestore', ['n']],
  [/^rename (.+) → (.+)$/, 'noteRename', ['from', 'to']],
  [/^merge (.+) → (.+)$/, 'noteMerge', ['from', 'into']],
  [/^delete (.+)$/, 'noteDeleteLabel', ['name']],
];

/** What a revision did, from its note. */
export function noteWords(note: string, locale: Locale): string {
  for (const [pattern, key, names] of NOTES) {
    const m = pattern.exec(note);
    if (m) return say(locale, key, Object.fromEntries(names.map((name, i) => [name, m[i + 1]])));
  }
  return note;
}
