// Surface forms on syllable boundaries. A lexicon key is the text of a run of syllable tokens (core/tokenize.ts)
// with every whitespace run between two tokens written as one space, and nothing between tokens that touch
// ("COVID-19" is "COVID" "-" "19" touching; "Hà\r\nNội" and "Hà  Nội" are both "Hà Nội"). Matching walks whole
// tokens only, so "Hà Nội" never matches inside "Hà Nộii" nor from the middle of a syllable.
import type { Entity, Range } from '../document.js';
import { normalizeNfc } from '../normalize.js';
import { CodePointIndex } from '../offsets.js';
import { snapToTokens, tokenize } from '../tokenize.js';

/** A text cut into syllable tokens, each with the edge string a trie walk uses for it. */
export interface Syllables {
  /** The NFC text every offset here points into. */
  text: string;
  tokens: Range[];
  /**
   * Per token: its text, prefixed by one space when whitespace separates it from the token before. A key is the
   * concatenation of the edges of its tokens, the first one without its space.
   */
  edges: string[];
}

/** Tokenises NFC `text` into syllables with their trie edges. */
export function syllables(text: string): Syllables {
  const tokens = tokenize(text);
  const index = new CodePointIndex(text);
  const edges = tokens.map((t, i) => (i > 0 && tokens[i - 1].end < t.start ? ' ' : '') + index.slice(t.start, t.end));
  return { text, tokens, edges };
}

/** The key of tokens [first, end) of `s`. */
export function keyOf(s: Syllables, first: number, end: number): string {
  let key = s.edges[first].startsWith(' ') ? s.edges[first].slice(1) : s.edges[first];
  for (let i = first + 1; i < end; i++) key += s.edges[i];
  return key;
}

/** An annotated entity seen as a lexicon entry: its key and label, at tokens [first, end). */
export interface Surface {
  key: string;
  label: string;
  first: number;
  end: number;
}

/**
 * The entities of `entities` that start and end on syllable boundaries, as keys. Discontinuous entities and those
 * cutting a syllable are left out (an exact-match lexicon cannot suggest them); the same label on the same span
 * counts once.
 */
export function surfacesOf(s: Syllables, entities: readonly Entity[]): Surface[] {
  const seen = new Set<string>();
  const out: Surface[] = [];
  for (const e of entities) {
    if (e.fragments && e.fragments.length > 1) continue;
    const snapped = snapToTokens(e, s.tokens);
    if (!snapped?.exact) continue;
    const id = `${e.label}@${snapped.first}-${snapped.end}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key: keyOf(s, snapped.first, snapped.end), label: e.label, first: snapped.first, end: snapped.end });
  }
  return out;
}

/**
 * `text` in NFC with `entities` moved onto it. Stored documents are NFC already (then this is the identity); an
 * entity whose boundary falls inside a character NFC composes is dropped.
 */
export function toNfc(text: string, entities: readonly Entity[]): { text: string; entities: Entity[] } {
  const n = normalizeNfc(text);
  if (n.unchanged) return { text, entities: [...entities] };
  const out: Entity[] = [];
  for (const e of entities) {
    const start = n.map(e.start);
    const end = n.map(e.end);
    if (start === undefined || end === undefined || end <= start) continue;
    out.push({ label: e.label, start, end });
  }
  return { text: n.text, entities: out };
}
