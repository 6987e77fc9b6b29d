// A lexicon recommender: what the annotators marked in finished documents, suggested wherever the same surface form
// appears again on syllable boundaries (surface.ts), each suggestion scored by the precision the entry has had so
// far (score.ts). Built from (text, entities) pairs and kept up to date one document at a time: each document's
// contribution is remembered so that taking it back (a reopened or re-edited document) is exact.
import { compareEntities, type Entity } from '../document.js';
import { DEFAULT_PRIOR, precisionOf, type Prior } from './score.js';
import { select } from './select.js';
import { keyOf, surfacesOf, syllables, toNfc, type Syllables } from './surface.js';

interface TrieNode {
  children?: Map<string, TrieNode>;
  /** Set when the path to this node spells a key of the lexicon. */
  key?: string;
}

interface Entry {
  /** Times the key occurs on syllable boundaries in the finished documents. */
  occurrences: number;
  /** Per label: times one of those occurrences is annotated with it. */
  labels: Map<string, number>;
}

interface Contribution {
  annotated: { key: string; label: string }[];
  occurrences: Map<string, number>;
}

/** What adding a document changed: keys the lexicon did not hold (to count in the other finished documents), and new (key, label) pairs. */
export interface LexiconChange {
  newKeys: string[];
  newPairs: { key: string; label: string }[];
}

/** An occurrence of a key in a text: tokens [first, end), code points [start, end). */
export interface Occurrence {
  key: string;
  first: number;
  end: number;
}

export interface MatchOptions {
  /** Suggestions scored below this are left out (default 0.25). */
  minScore?: number;
}

export const DEFAULT_MIN_SCORE = 0.25;

// FNV-1a, for the lexicon's version: a sum of per-fact hashes, kept by difference as counts change.
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An incremental exact-match lexicon over a project's finished documents. */
export class Lexicon {
  private readonly root: TrieNode = {};
  private readonly entries = new Map<string, Entry>();
  private readonly documents = new Map<number | string, Contribution>();
  private hash = 0;

  constructor(readonly prior: Prior = DEFAULT_PRIOR) {}

  /** Builds a lexicon from finished documents in two passes (entries, then their occurrences everywhere). */
  static build(
    docs: Iterable<{ id?: number | string; text: string; entities: readonly Entity[] }>,
    prior?: Prior,
  ): Lexicon {
    const lexicon = new Lexicon(prior);
    const seen: { id: number | string; s: Syllables }[] = [];
    let n = 0;
    for (const doc of docs) {
      const id = doc.id ?? n;
      n++;
      const nfc = toNfc(doc.text, doc.entities);
      const s = syllables(nfc.text);
      lexicon.annotate(id, s, nfc.entities);
      seen.push({ id, s });
    }
    for (const { id, s } of seen) lexicon.recount(id, s, undefined);
    return lexicon;
  }

  /** Documents the lexicon is built from. */
  get documentCount(): number {
    return this.documents.size;
  }

  /** Distinct (key, label) pairs annotated at least once. */
  get entryCount(): number {
    let n = 0;
    for (const e of this.entries.values()) for (const c of e.labels.values()) if (c > 0) n++;
    return n;
  }

  /** Identifies the lexicon's contents: documents, entries and counts (equal contents, equal version). */
  get version(): string {
    return `${this.documents.size}d-${(this.hash >>> 0).toString(16).padStart(8, '0')}`;
  }

  has(id: number | string): boolean {
    return this.documents.has(id);
  }

  /**
   * Adds a finished document (replacing what it contributed before): its annotations become entries and every key's
   * occurrences in it are counted. Keys new to the lexicon must then be counted in the other finished documents
   * (`countIn`) for their scores to be right.
   */
  addDocument(id: number | string, text: string, entities: readonly Entity[], countOccurrences = true): LexiconChange {
    this.removeDocument(id);
    const nfc = toNfc(text, entities);
    const s = syllables(nfc.text);
    const change = this.annotate(id, s, nfc.entities);
    if (countOccurrences) this.recount(id, s, undefined);
    return change;
  }

  /** Takes back everything a document contributed; false when it was not in the lexicon. */
  removeDocument(id: number | string): boolean {
    const c = this.documents.get(id);
    if (!c) return false;
    for (const { key, label } of c.annotated) this.bumpLabel(key, label, -1);
    for (const [key, n] of c.occurrences) this.bumpOccurrences(key, -n);
    this.documents.delete(id);
    this.hash = (this.hash - fnv(`doc\u0000${id}`)) >>> 0;
    return true;
  }

  /**
   * (Re)counts the occurrences of `keys` (every key when absent) in finished document `id`, already added; idempotent.
   * A build that adds documents without counting (`addDocument(..., false)`) counts each one this way afterwards.
   */
  countIn(id: number | string, text: string, keys?: ReadonlySet<string>): void {
    if (!this.documents.has(id)) throw new Error(`document ${id} is not in the lexicon`);
    this.recount(id, syllables(text.normalize('NFC')), keys);
  }

  /** The smoothed precision of suggesting `label` wherever `key` occurs (score.ts). */
  score(key: string, label: string): number {
    const e = this.entries.get(key);
    const hits = e?.labels.get(label) ?? 0;
    return precisionOf(hits, Math.max(hits, e?.occurrences ?? 0), this.prior);
  }

  /** Annotated and total occurrences of a key (with a label) in the finished documents. */
  counts(key: string, label: string): { annotated: number; occurrences: number } {
    const e = this.entries.get(key);
    return { annotated: e?.labels.get(label) ?? 0, occurrences: e?.occurrences ?? 0 };
  }

  /**
   * A cheap test that every text holding one of `keys` passes (the key with any whitespace where it has a space),
   * to skip texts before tokenising them; a text that passes may still not hold a key on syllable boundaries.
   */
  static prefilter(keys: Iterable<string>): (text: string) => boolean {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const alternatives = [...keys].map((key) => key.split(' ').map(escape).join('\\s+'));
    if (alternatives.length === 0) return () => false;
    const re = new RegExp(alternatives.join('|'), 'u');
    return (text) => re.test(text); // texts are NFC, as stored
  }

  /** Occurrences of the lexicon's keys in `s` (every key, or only those of `only`). */
  occurrences(s: Syllables, only?: ReadonlySet<string>): Occurrence[] {
    const out: Occurrence[] = [];
    for (let i = 0; i < s.edges.length; i++) {
      let node: TrieNode | undefined = this.root;
      for (let j = i; j < s.edges.length; j++) {
        const edge = j === i && s.edges[j].startsWith(' ') ? s.edges[j].slice(1) : s.edges[j];
        node = node.children?.get(edge);
        if (!node) break;
        if (node.key !== undefined && (!only || only.has(node.key))) out.push({ key: node.key, first: i, end: j + 1 });
      }
    }
    return out;
  }

  /**
   * Suggestions for `text` (offsets in code points of its NFC form): every occurrence of an entry, scored by its
   * precision, then overlaps resolved (select.ts). Nested suggestions of different labels are kept.
   */
  match(text: string, options: MatchOptions = {}): Entity[] {
    const s = syllables(text.normalize('NFC'));
    return this.matchSyllables(s, options);
  }

  /** `match` over an already tokenised text. */
  matchSyllables(s: Syllables, options: MatchOptions = {}): Entity[] {
    const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
    const candidates: Entity[] = [];
    for (const o of this.occurrences(s)) {
      const entry = this.entries.get(o.key)!;
      for (const [label, hits] of entry.labels) {
        if (hits <= 0) continue;
        const score = this.score(o.key, label);
        if (score < minScore) continue;
        candidates.push({ label, start: s.tokens[o.first].start, end: s.tokens[o.end - 1].end, score });
      }
    }
    return select(candidates).sort(compareEntities);
  }

  /** Every entry with its counts (dormant ones, with no label left, included): what a lexicon file holds. */
  *entryCounts(): Generator<{ key: string; occurrences: number; labels: Record<string, number> }> {
    for (const [key, e] of this.entries)
      yield { key, occurrences: e.occurrences, labels: Object.fromEntries([...e.labels].filter(([, n]) => n > 0)) };
  }

  /**
   * A frozen lexicon from entry counts (lexicon-file.ts): it matches and scores as the lexicon they came from, and
   * holds no documents (nothing to take back).
   */
  static fromCounts(
    entries: Iterable<{ key: string; occurrences: number; labels: Record<string, number> }>,
    prior?: Prior,
  ): Lexicon {
    const lexicon = new Lexicon(prior);
    for (const { key, occurrences, labels } of entries) {
      const s = syllables(key);
      if (s.tokens.length === 0 || keyOf(s, 0, s.tokens.length) !== key)
        throw new Error(`"${key}" is not a lexicon key (syllables joined by single spaces, NFC)`);
      if (!lexicon.entries.has(key)) lexicon.insertKey(s, 0, s.tokens.length, key);
      lexicon.bumpOccurrences(key, occurrences);
      for (const [label, n] of Object.entries(labels)) lexicon.bumpLabel(key, label, n);
    }
    return lexicon;
  }

  /** Keys (with labels) annotated in the lexicon, for listing. */
  *pairs(): Generator<{ key: string; label: string; annotated: number; occurrences: number; score: number }> {
    for (const [key, e] of this.entries) {
      for (const [label, annotated] of e.labels)
        if (annotated > 0) yield { key, label, annotated, occurrences: e.occurrences, score: this.score(key, label) };
    }
  }

  private annotate(id: number | string, s: Syllables, entities: readonly Entity[]): LexiconChange {
    const change: LexiconChange = { newKeys: [], newPairs: [] };
    const annotated: Contribution['annotated'] = [];
    for (const surface of surfacesOf(s, entities)) {
      if (!this.entries.has(surface.key)) {
        change.newKeys.push(surface.key);
        this.insertKey(s, surface.first, surface.end, surface.key);
      }
      if ((this.entries.get(surface.key)?.labels.get(surface.label) ?? 0) === 0) {
        if (!change.newPairs.some((p) => p.key === surface.key && p.label === surface.label))
          change.newPairs.push({ key: surface.key, label: surface.label });
      }
      this.bumpLabel(surface.key, surface.label, 1);
      annotated.push({ key: surface.key, label: surface.label });
    }
    this.documents.set(id, { annotated, occurrences: new Map() });
    this.hash = (this.hash + fnv(`doc\u0000${id}`)) >>> 0;
    return change;
  }

  // Sets document `id`'s occurrence counts of `keys` (all keys when undefined) to what `s` holds.
  private recount(id: number | string, s: Syllables, keys: ReadonlySet<string> | undefined): void {
    const c = this.documents.get(id)!;
    const found = new Map<string, number>();
    for (const o of this.occurrences(s, keys)) found.set(o.key, (found.get(o.key) ?? 0) + 1);
    for (const [key, n] of [...c.occurrences]) {
      if (keys && !keys.has(key)) continue;
      this.bumpOccurrences(key, -n);
      c.occurrences.delete(key);
    }
    for (const [key, n] of found) {
      this.bumpOccurrences(key, n);
      c.occurrences.set(key, n);
    }
  }

  private insertKey(s: Syllables, first: number, end: number, key: string): void {
    let node = this.root;
    for (let j = first; j < end; j++) {
      const edge = j === first && s.edges[j].startsWith(' ') ? s.edges[j].slice(1) : s.edges[j];
      node.children ??= new Map();
      let next = node.children.get(edge);
      if (!next) {
        next = {};
        node.children.set(edge, next);
      }
      node = next;
    }
    node.key = key;
    // An entry stays (dormant) once its labels drop to zero, so its occurrence counts never need counting again.
    this.entries.set(key, { occurrences: 0, labels: new Map() });
  }

  private bumpLabel(key: string, label: string, by: number): void {
    const e = this.entries.get(key)!;
    const before = e.labels.get(label) ?? 0;
    const after = before + by;
    if (before > 0) this.hash = (this.hash - fnv(`l\u0000${key}\u0000${label}\u0000${before}`)) >>> 0;
    if (after > 0) this.hash = (this.hash + fnv(`l\u0000${key}\u0000${label}\u0000${after}`)) >>> 0;
    if (after > 0) e.labels.set(label, after);
    else e.labels.delete(label);
  }

  private bumpOccurrences(key: string, by: number): void {
    const e = this.entries.get(key)!;
    if (e.occurrences > 0) this.hash = (this.hash - fnv(`o\u0000${key}\u0000${e.occurrences}`)) >>> 0;
    e.occurrences += by;
    if (e.occurrences > 0) this.hash = (this.hash + fnv(`o\u0000${key}\u0000${e.occurrences}`)) >>> 0;
  }
}

export { keyOf, syllables };
