// The aligned-BIO output format: the canvas holds exactly one label token per text token of the prompt, `O`,
// `B-LABEL`, `I-LABEL`, or a stack for nesting, outer level first (`I-ORGANIZATION|B-LOCATION`). Spans come
// straight from the text tokens' offsets, so nothing has to be aligned; reading never throws.

import { decodeBio } from '../bio.js';
import { compareEntities, entityKey, type Entity, type Range } from '../document.js';
import { isWordChar } from '../tokenize.js';

const TAG = /^(?:O|[BI]-\S+)$/u;

interface LabelToken {
  /** The token as written, without brackets. */
  written: string;
  /** Its tags, outer level first; undefined when it is not a tag stack. */
  stack?: readonly string[];
}

/**
 * A tag with its label unescaped: a project model (training/dnw/package/project_labels.py) writes a label's whitespace, `|`,
 * `%` and brackets as UTF-8 percent escapes (`B-Nơi%7Cchốn`), so any label name fits in one tag of one level.
 */
export function unescapeTag(tag: string): string {
  if (!tag.includes('%')) return tag;
  return tag.replace(/(?:%[0-9A-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run; // not UTF-8: a label that really contains "%XY"
    }
  });
}

// Memoised: an output repeats a handful of label tokens.
const readTokens = new Map<string, LabelToken>();
function readLabelToken(raw: string): LabelToken {
  let token = readTokens.get(raw);
  if (!token) {
    // Label tokens may be written bracketed (`[B-LOCATION]`, `⟨B-LOCATION⟩`) so they never collide with text tokens.
    const written = raw.trim().replace(/^\[(.*)\]$|^\u27e8(.*)\u27e9$/s, '$1$2');
    const levels = written.split('|');
    token = { written, stack: levels.every((tag) => TAG.test(tag)) ? levels.map(unescapeTag) : undefined };
    if (readTokens.size < 10_000) readTokens.set(raw, token);
  }
  return token;
}

/** The labels a label token writes (outer level first, `O` writes none); undefined when it is not a tag stack. */
export function labelsOfTag(raw: string): string[] | undefined {
  return readLabelToken(raw).stack?.flatMap((tag) => (tag === 'O' ? [] : [tag.slice(2)]));
}

/** The outer level of a label token's tag stack (`B-LABEL`, `I-LABEL` or `O`, unescaped); undefined when it is no tag. */
export function outerTagOf(raw: string): string | undefined {
  return readLabelToken(raw).stack?.[0];
}

/**
 * For each text token (code-point ranges of `text`), whether it continues the word of the token before it: the two
 * touch, and the characters where they meet are letters or digits (a syllable the tokenizer split into pieces).
 */
export function continuesWord(text: string, tokens: readonly Range[]): boolean[] {
  const cps = Array.from(text);
  return tokens.map(
    (token, t) =>
      t > 0 && tokens[t - 1].end === token.start && isWordChar(cps[token.start - 1]) && isWordChar(cps[token.start]),
  );
}

// The tag a word's later piece takes from the piece before it, level by level: inside whatever that one is in.
const continuation = (stack: readonly string[]): string[] =>
  stack.map((tag) => (tag === 'O' ? 'O' : `I-${tag.slice(2)}`));

/**
 * Tags read word by word: a word (a first piece and the pieces that continue it) takes the tags of its first piece
 * in an entity, or O when none is; its later pieces continue it. So a span never starts or ends inside a word, and a
 * rare word the model tagged from its second piece on ("N|133" as O, B-PATIENT_ID) still counts whole.
 */
function byWord(read: readonly (readonly string[])[], continues: readonly boolean[]): (readonly string[])[] {
  const out = [...read];
  for (let start = 0; start < read.length;) {
    let end = start + 1;
    while (end < read.length && continues[end]) end++;
    const first = read.slice(start, end).find((stack) => stack.some((tag) => tag !== 'O')) ?? read[start];
    out[start] = first;
    for (let t = start + 1; t < end; t++) out[t] = continuation(first);
    start = end;
  }
  return out;
}

/** An entity with the text tokens [first, end) it covers (for scores). */
export interface AlignedEntity extends Entity {
  tokens: Range;
}

/**
 * Reads label tokens (one per text token, as decoded from the canvas) into entities over `textTokens` (code-point
 * ranges of the text). Missing labels (the canvas ended early), tokens that are not tags and unknown labels are
 * read as O and reported; an I- that continues nothing starts an entity (BIO repair) and is reported. With
 * `continuesWord` (continuesWord()) the tags are read word by word (byWord), so no entity starts or ends inside a word.
 */
export function parseAlignedBio(
  labelTokens: readonly string[],
  textTokens: readonly Range[],
  options: { labels?: readonly string[]; continuesWord?: readonly boolean[] } = {},
): { entities: AlignedEntity[]; problems: string[] } {
  const problems: string[] = [];
  const known = options.labels ? new Set(options.labels) : undefined;
  if (labelTokens.length < textTokens.length)
    problems.push(
      `${textTokens.length - labelTokens.length} text tokens have no label (output ended early); read as O`,
    );
  if (labelTokens.length > textTokens.length)
    problems.push(`${labelTokens.length - textTokens.length} labels beyond the text's tokens; ignored`);
  const read = textTokens.map((_, t) => {
    const { written, stack } = readLabelToken(labelTokens[t] ?? 'O');
    if (!stack) {
      problems.push(`token ${t + 1}: ${JSON.stringify(written)} is not a tag; read as O`);
      return ['O'];
    }
    if (!known || stack.every((tag) => tag === 'O' || known.has(tag.slice(2)))) return stack;
    return stack.map((tag) => {
      const label = tag.slice(2);
      if (tag === 'O' || known.has(label)) return tag;
      problems.push(`token ${t + 1}: unknown label "${label}"; read as O`);
      return 'O';
    });
  });
  const tags = options.continuesWord ? byWord(read, options.continuesWord) : read;
  const depth = Math.max(0, ...tags.map((s) => s.length));
  const found = new Map<string, AlignedEntity>();
  for (let level = 0; level < depth; level++) {
    const spans = decodeBio(
      tags.map((s) => s[level] ?? 'O'),
      'repair',
      (i, tag) => problems.push(`token ${i + 1}: ${tag} continues nothing; read as B-${tag.slice(2)}`),
    );
    for (const span of spans) {
      const entity = {
        label: span.label,
        start: textTokens[span.start].start,
        end: textTokens[span.end - 1].end,
        tokens: { start: span.start, end: span.end },
      };
      found.set(entityKey(entity), entity);
    }
  }
  return { entities: [...found.values()].sort(compareEntities), problems };
}
