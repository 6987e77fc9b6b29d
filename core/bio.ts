// BIO (IOB2) tags <-> spans over token indices. Importers repair and report; `strict` reads as seqeval's
// strict IOB2 mode does, so evaluation on flat BIO gives seqeval's numbers exactly. Files in BIOES (IOBES) or BILOU,
// as many published corpora are, read too: S-X / U-X is a one-token entity, E-X / L-X the last token of one.

/** A labelled span of token indices [start, end). */
export interface TokenSpan {
  label: string;
  start: number;
  end: number;
}

export type BioMode = 'repair' | 'strict';

/** A tag that is not O or PREFIX-X with a BIO, BIOES or BILOU prefix. */
export class BioTagError extends Error {
  constructor(
    readonly index: number,
    readonly tag: string,
  ) {
    super(`tag "${tag}" is not O, B-LABEL or I-LABEL (or BIOES / BILOU: E-, S-, L-, U-)`);
  }
}

// What a prefix does: B begins, I continues, E/L continue and end, S/U are a whole entity.
const PREFIXES = { B: 'begin', I: 'inside', E: 'last', L: 'last', S: 'single', U: 'single' } as const;
type Role = (typeof PREFIXES)[keyof typeof PREFIXES] | 'outside';

function splitTag(tag: string, index: number): { role: Role; label: string } {
  if (tag === 'O') return { role: 'outside', label: '' };
  const m = /^([BIELSU])-(.+)$/.exec(tag);
  if (!m) throw new BioTagError(index, tag);
  return { role: PREFIXES[m[1] as keyof typeof PREFIXES], label: m[2] };
}

/**
 * Decodes one sequence of tags into spans. In `repair` mode an I-X (or E-X) that does not continue an X starts a new
 * entity and `onRepair` is told; in `strict` mode it is not part of any entity (seqeval strict IOB2).
 * Throws BioTagError on a malformed tag.
 */
export function decodeBio(
  tags: readonly string[],
  mode: BioMode = 'repair',
  onRepair?: (index: number, tag: string) => void,
): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let open: TokenSpan | undefined;
  tags.forEach((tag, i) => {
    const { role, label } = splitTag(tag, i);
    const continues = role === 'inside' || role === 'last';
    if (continues && open && open.label === label) {
      open.end = i + 1;
      if (role === 'last') open = undefined;
      return;
    }
    open = undefined;
    if (role === 'begin' || role === 'single' || (continues && mode === 'repair')) {
      if (continues) onRepair?.(i, tag);
      const span = { label, start: i, end: i + 1 };
      spans.push(span);
      if (role === 'begin' || role === 'inside') open = span;
    }
  });
  return spans;
}

/** Encodes non-overlapping spans as BIO tags over `length` tokens; throws if two spans overlap. */
export function encodeBio(spans: readonly TokenSpan[], length: number): string[] {
  const tags = new Array<string>(length).fill('O');
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    for (let i = span.start; i < span.end; i++) {
      if (tags[i] !== 'O') throw new RangeError(`spans overlap at token ${i}`);
      tags[i] = (i === span.start ? 'B-' : 'I-') + span.label;
    }
  }
  return tags;
}

/**
 * Splits possibly nested spans into levels that BIO can hold: level 0 takes the outermost spans, each further level
 * the spans that overlap one already placed. Crossing spans land on different levels, so nothing is lost.
 */
export function nestingLevels(spans: readonly TokenSpan[]): TokenSpan[][] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end || (a.label < b.label ? -1 : 1));
  const levels: TokenSpan[][] = [];
  const levelEnds: number[] = [];
  for (const span of sorted) {
    let level = levelEnds.findIndex((end) => end <= span.start);
    if (level < 0) {
      level = levels.length;
      levels.push([]);
      levelEnds.push(0);
    }
    levels[level].push(span);
    levelEnds[level] = span.end;
  }
  return levels;
}

/**
 * True when sequences of tags are IO-tagged: some I- tag and no B- tag anywhere (published corpora often are). There
 * every I-X that does not continue an X starts an entity, which strict IOB2 reading would drop.
 */
export function isIoTagged(sequences: readonly (readonly string[])[]): boolean {
  let inside = false;
  for (const tags of sequences) {
    for (const tag of tags) {
      if (tag.startsWith('B-')) return false;
      if (tag.startsWith('I-')) inside = true;
    }
  }
  return inside;
}

/** Whether `tag` has the label of the tag before it (`before` undefined at a sequence's start). */
export function continuesLabel(before: string | undefined, tag: string): boolean {
  return before !== undefined && before !== 'O' && before.slice(2) === tag.slice(2);
}

/**
 * True when sequences of tags are IOB1 (CoNLL-2003's original scheme): an I-X starts an entity, and B-X is only
 * written where an entity touches one of its own label, so every B-X follows an X. Strict IOB2 reading would drop
 * every entity that starts with I-.
 */
export function isIob1(sequences: readonly (readonly string[])[]): boolean {
  let startsInside = false;
  let hasB = false;
  for (const tags of sequences) {
    for (let i = 0; i < tags.length; i++) {
      const follows = continuesLabel(tags[i - 1], tags[i]);
      if (tags[i].startsWith('B-')) {
        if (!follows) return false;
        hasB = true;
      } else if (tags[i].startsWith('I-') && !follows) startsInside = true;
    }
  }
  return startsInside && hasB;
}

/** IO (or IOB1) tags as IOB2: an I-X that does not continue an X becomes B-X, so a run of one label is one entity. */
export function ioToIob2(tags: readonly string[]): string[] {
  return tags.map((tag, i) =>
    tag.startsWith('I-') && tags[i - 1] !== tag && tags[i - 1] !== `B-${tag.slice(2)}` ? `B-${tag.slice(2)}` : tag,
  );
}
