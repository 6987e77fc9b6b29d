// fast-check arbitraries of documents with nested (optionally crossing, discontinuous) entities, for codec round
// trips. Docs come out canonical, as a decoder yields them: NFC text, code-point offsets, entities sorted by
// compareEntities with no duplicates, no meta. Text mixes Vietnamese (some written decomposed), codes, punctuation,
// emoji and astral characters; untokenised docs also mix CRLF and LF. `nfdInput` gives the decomposed form an NFD
// source would carry; `decodeText` / `encodeDocs` run any codec in memory for round-trip tests.
import fc from 'fast-check';
import { nestingLevels } from '../../core/bio.js';
import { compareEntities, crosses, type Doc, type Entity, type Range } from '../../core/document.js';
import type { Codec, DecodeOptions, EncodedPart, EncodeOptions } from '../../core/codecs/codec.js';
import type { Issue } from '../../core/issues.js';
import { codePointLength } from '../../core/offsets.js';
import { stringSource, type Source } from '../../core/source.js';

export interface RandomDocOptions {
  /** Text is tokens joined by single spaces, lines by `lineBreak`, and doc.tokens is set (PhoNER, CoNLL). */
  tokenised?: boolean;
  /** Some tokens are multi-syllable words with inner spaces ("bệnh viện"), as PhoNER's word level yields. */
  wordTokens?: boolean;
  /** Maximum number of lines (1 for one-sentence formats). Default 3. */
  maxLines?: number;
  maxTokensPerLine?: number;
  /** Line break between lines: default "\n" when tokenised, a mix of "\n" and "\r\n" otherwise. */
  lineBreak?: '\n' | '\r\n' | 'mixed';
  maxEntities?: number;
  /** Most nesting levels (as bio.nestingLevels counts them): 1 gives flat docs. Default 3. */
  maxLevels?: number;
  allowCrossing?: boolean;
  allowFragments?: boolean;
  /** Entities stay inside one line (default when tokenised: sentence formats cannot hold more). */
  withinLines?: boolean;
  /** Sets a score on some entities. */
  scores?: boolean;
  /** May yield a doc with empty text. */
  allowEmpty?: boolean;
  labels?: readonly string[];
  name?: fc.Arbitrary<string>;
}

const SYLLABLES = [
  'bệnh',
  'nhân',
  'sốt',
  'ho',
  'khó',
  'thở',
  'Hà',
  'Nội',
  'Đà',
  'Nẵng',
  'xét',
  'nghiệm',
  'dương',
  'tính',
  'người',
  'ở',
  'được',
  'viện',
  'Bạch',
  'Mai',
  'ngày',
  'tuổi',
  'nữ',
  'cách',
  'ly',
];
// Written decomposed on purpose: whatever comes in decomposed, the doc text is NFC.
const SYLLABLES_NFD = ['Việt', 'Nam', 'quận', 'huyện', 'phổi', 'viêm', 'Thừa', 'Thiên', 'Huế'].map((s) =>
  s.normalize('NFD'),
);
const CODES = ['BN123', 'COVID', '19', 'F1', '25/7', '37,5', '10%', 'TP.HCM', 'SARS', 'CoV', '2'];
const PUNCTUATION = [',', '.', '(', ')', '-', '"', ':', '...'];
// Surrogate pairs, a ZWJ sequence with a variation selector, a flag, a math letter, a CJK extension B character.
const ASTRAL = ['😷', '🦠', '👨‍⚕️', '🇻🇳', '𝔸', '𠀋'];
const WORDS = ['bệnh viện', 'Hà Nội', 'xét nghiệm', 'Việt Nam'.normalize('NFD'), 'dương tính'];
const LABELS = ['SYMPTOM_AND_DISEASE', 'LOCATION', 'PATIENT_ID', 'ORGANIZATION', 'DATE'];

interface EntitySeed {
  a: number;
  b: number;
  label: string;
  cut: number;
  fragmented: boolean;
  score: number | undefined;
}

function tokenArbitrary(words: boolean): fc.Arbitrary<string> {
  const pick = (list: string[]) => fc.constantFrom(...list);
  const choices: fc.WeightedArbitrary<string>[] = [
    { arbitrary: pick(SYLLABLES), weight: 6 },
    { arbitrary: pick(SYLLABLES_NFD), weight: 2 },
    { arbitrary: pick(CODES), weight: 2 },
    { arbitrary: pick(PUNCTUATION), weight: 2 },
    { arbitrary: pick(ASTRAL), weight: 1 },
  ];
  if (words) choices.push({ arbitrary: pick(WORDS), weight: 2 });
  return fc.oneof(...choices).map((t) => t.normalize('NFC'));
}

/** One random canonical document. */
export function arbitraryDoc(options: RandomDocOptions = {}): fc.Arbitrary<Doc> {
  const tokenised = options.tokenised ?? false;
  const lineBreaks =
    (options.lineBreak ?? (tokenised ? '\n' : 'mixed')) === 'mixed' ? ['\n', '\r\n'] : [options.lineBreak ?? '\n'];
  // Untokenised text also glues pieces together and uses odd spacing, so entity edges fall inside "words".
  const separators = tokenised ? [' '] : [' ', ' ', ' ', '', '  ', '\t'];
  const line = fc.record({
    tokens: fc.array(fc.tuple(tokenArbitrary(options.wordTokens ?? false), fc.constantFrom(...separators)), {
      minLength: 1,
      maxLength: options.maxTokensPerLine ?? 8,
    }),
    lineBreak: fc.constantFrom(...lineBreaks),
  });
  const seed: fc.Arbitrary<EntitySeed> = fc.record({
    a: fc.nat(),
    b: fc.nat(),
    label: fc.constantFrom(...(options.labels ?? LABELS)),
    cut: fc.nat(),
    fragmented: fc.boolean(),
    score: options.scores
      ? fc.option(
          fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
          { nil: undefined },
        )
      : fc.constant(undefined),
  });
  return fc
    .record({
      name: options.name ?? fc.tuple(fc.constantFrom('doc', 'ca', 'bệnh-án'), fc.nat(999)).map(([p, n]) => `${p}-${n}`),
      lines: fc.array(line, { minLength: options.allowEmpty ? 0 : 1, maxLength: options.maxLines ?? 3 }),
      seeds: fc.array(seed, { maxLength: options.maxEntities ?? 6 }),
    })
    .map(({ name, lines, seeds }) => build(name, lines, seeds, options));
}

/** An array of random docs with distinct names. */
export function arbitraryDocs(
  options: RandomDocOptions = {},
  size: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<Doc[]> {
  return fc
    .array(arbitraryDoc(options), { minLength: size.minLength ?? 0, maxLength: size.maxLength ?? 5 })
    .map((docs) => {
      const seen = new Set<string>();
      return docs.map((doc, i) => {
        const name = seen.has(doc.name) ? `${doc.name}-${i}` : doc.name;
        seen.add(name);
        return { ...doc, name };
      });
    });
}

function build(
  name: string,
  lines: { tokens: [string, string][]; lineBreak: string }[],
  seeds: EntitySeed[],
  options: RandomDocOptions,
): Doc {
  const tokens: Range[] = [];
  const lineOf: number[] = [];
  let text = '';
  let offset = 0;
  lines.forEach((line, l) => {
    if (l > 0) {
      text += line.lineBreak;
      offset += codePointLength(line.lineBreak);
    }
    line.tokens.forEach(([token, separator], t) => {
      if (t > 0) {
        text += separator;
        offset += codePointLength(separator);
      }
      const length = codePointLength(token);
      tokens.push({ start: offset, end: offset + length });
      lineOf.push(l);
      text += token;
      offset += length;
    });
  });
  const doc: Doc = { name, text, entities: entitiesFrom(seeds, tokens, lineOf, options) };
  if (options.tokenised) doc.tokens = tokens;
  return doc;
}

function entitiesFrom(seeds: EntitySeed[], tokens: Range[], lineOf: number[], options: RandomDocOptions): Entity[] {
  if (tokens.length === 0) return [];
  const withinLines = options.withinLines ?? options.tokenised ?? false;
  const kept: Entity[] = [];
  for (const s of seeds) {
    const i = Math.min(s.a % tokens.length, s.b % tokens.length);
    let j = Math.max(s.a % tokens.length, s.b % tokens.length);
    if (withinLines) while (lineOf[j] !== lineOf[i]) j--;
    const entity: Entity = { label: s.label, start: tokens[i].start, end: tokens[j].end };
    if (options.allowFragments && s.fragmented && j - i >= 2) {
      // Leave out one token strictly inside, so the fragments are disjoint and not adjacent.
      const gap = i + 1 + (s.cut % (j - i - 1));
      entity.fragments = [
        { start: tokens[i].start, end: tokens[gap - 1].end },
        { start: tokens[gap + 1].start, end: tokens[j].end },
      ];
    }
    if (s.score !== undefined) entity.score = s.score;
    if (kept.some((k) => k.label === entity.label && k.start === entity.start && k.end === entity.end)) continue;
    if (!options.allowCrossing && kept.some((k) => crosses(k, entity))) continue;
    kept.push(entity);
  }
  // Drop what lies deeper than maxLevels; the levels of the rest do not change (nestingLevels is greedy in order).
  const levels = nestingLevels(kept);
  const allowed = new Set(levels.slice(0, options.maxLevels ?? 3).flat());
  return kept.filter((e) => allowed.has(e)).sort(compareEntities);
}

/** The doc as a decomposed (NFD) input would carry it: NFD text, entities and tokens on NFD code points. */
export function nfdInput(doc: Doc): Doc {
  const mapped = [0];
  let text = '';
  for (const ch of doc.text) {
    const nfd = ch.normalize('NFD');
    text += nfd;
    mapped.push(mapped[mapped.length - 1] + codePointLength(nfd));
  }
  // Per-character NFD equals whole-text NFD unless marks reorder across characters, which this vocabulary avoids.
  if (text !== doc.text.normalize('NFD')) throw new Error('nfdInput: text reorders under NFD');
  const at = (r: Range): Range => ({ start: mapped[r.start], end: mapped[r.end] });
  const entities = doc.entities.map((e) => ({
    ...e,
    ...at(e),
    ...(e.fragments ? { fragments: e.fragments.map(at) } : {}),
  }));
  return { ...doc, text, entities, ...(doc.tokens ? { tokens: doc.tokens.map(at) } : {}) };
}

/** Decodes `text` (given in chunks when `chunkSize` is set) and collects the docs and issues. */
export async function decodeText(
  codec: Codec,
  name: string,
  text: string,
  options?: DecodeOptions & { chunkSize?: number },
): Promise<{ docs: Doc[]; issues: Issue[]; lines: number[] }> {
  const size = options?.chunkSize ?? 0;
  const source: Source =
    size > 0
      ? {
          name,
          async *chunks() {
            for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
          },
        }
      : stringSource(name, text);
  const docs: Doc[] = [];
  const issues: Issue[] = [];
  const lines: number[] = [];
  for await (const event of codec.decode({ source, sibling: () => undefined }, options)) {
    if (event.kind === 'doc') {
      docs.push(event.doc);
      lines.push(event.line);
    } else issues.push(event.issue);
  }
  return { docs, issues, lines };
}

/** Encodes docs and collects the parts, the main output joined, and what was reported. */
export async function encodeDocs(
  codec: Codec,
  docs: readonly Doc[],
  options?: Omit<EncodeOptions, 'report'>,
): Promise<{ text: string; parts: EncodedPart[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const parts: EncodedPart[] = [];
  async function* each(): AsyncIterable<Doc> {
    yield* docs;
  }
  for await (const part of codec.encode(each(), { ...options, report: (issue) => issues.push(issue) }))
    parts.push(part);
  return {
    text: parts
      .filter((p) => p.path === undefined)
      .map((p) => p.text)
      .join(''),
    parts,
    issues,
  };
}
