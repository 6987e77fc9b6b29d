// Near-duplicate detection for the queue: two documents whose lower-cased syllable 3-gram sets overlap by Jaccard
// >= a threshold say the same thing (news repeats templated case reports: "Bệnh nhân số 91 …", numbers aside), and annotating both teaches the model
// little more than one. An inverted index keeps the check proportional to the shingles the documents share.

import { tokenize } from '../tokenize.js';

/** The lower-cased syllable 3-grams of a text, every number written as #; its syllables when it has fewer than three. */
export function shingles(text: string): Set<string> {
  const words = tokenize(text).map((t) =>
    text
      .slice(t.start, t.end)
      .toLowerCase()
      .replace(/\p{N}+/gu, '#'),
  );
  if (words.length < 3) return new Set(words);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

/** Documents added so far, searchable by similarity. */
export class NearDuplicateIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly sizes: number[] = [];
  private readonly ids: number[] = [];

  constructor(private readonly threshold: number) {}

  /** The id of an added document at least `threshold` similar to `set`, or undefined. */
  find(set: ReadonlySet<string>): number | undefined {
    const shared = new Map<number, number>();
    for (const s of set) for (const k of this.postings.get(s) ?? []) shared.set(k, (shared.get(k) ?? 0) + 1);
    for (const [k, n] of shared) {
      const jaccard = n / (set.size + this.sizes[k] - n);
      if (jaccard >= this.threshold) return this.ids[k];
    }
    return undefined;
  }

  add(id: number, set: ReadonlySet<string>): void {
    const k = this.ids.length;
    this.ids.push(id);
    this.sizes.push(set.size);
    for (const s of set) {
      const list = this.postings.get(s);
      if (list) list.push(k);
      else this.postings.set(s, [k]);
    }
  }
}
