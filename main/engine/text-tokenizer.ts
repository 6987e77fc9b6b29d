// The package's tokenizer (@huggingface/tokenizers, pure JS) plus what the engine needs beyond ids: the code-point
// range of every token of a text, so aligned-BIO labels land on exact offsets and long documents split cleanly.

import { Tokenizer } from '@huggingface/tokenizers';
import type { Range } from '../../core/document.js';
import { normalizeNfc } from '../../core/normalize.js';
import { codePointLength } from '../../core/offsets.js';

// GPT-2's byte <-> printable-character table that byte-level BPE vocabularies are written in.
function byteLevelTable(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = bytes.slice();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + extra++);
    }
  }
  return new Map(bytes.map((b, i) => [String.fromCharCode(chars[i]), b]));
}

const utf8 = new TextEncoder();

/** A vocabulary entry's own text: without WordPiece's `##`, BPE's `</w>`, SentencePiece's `▁` or GPT-2's `Ġ`. */
function surfaceOf(token: string): string {
  return token
    .replace(/^##/, '')
    .replace(/<\/w>$/, '')
    .replace(/^[\u2581\u0120]/, '');
}

function usesByteLevel(json: Record<string, unknown>): boolean {
  const decoder = json.decoder as { type?: string; decoders?: { type?: string }[] } | null | undefined;
  return decoder?.type === 'ByteLevel' || (decoder?.decoders ?? []).some((d) => d.type === 'ByteLevel');
}

// Normalisers and pre-tokenisers under which a text's tokens are its whitespace-separated words' tokens, in order:
// they change characters one by one (never into or out of whitespace) and split at whitespace before anything else.
const PER_CHARACTER_NORMALIZERS = new Set(['NFC', 'Lowercase']);
const WHITESPACE_FIRST_PRE_TOKENIZERS = new Set(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit']);

interface Step {
  type?: string;
  normalizers?: Step[];
  pretokenizers?: Step[];
}

const allOf = (step: Step | null | undefined, allowed: Set<string>, nested: 'normalizers' | 'pretokenizers'): boolean =>
  !step ||
  (step.type === 'Sequence'
    ? (step[nested] ?? []).every((s) => allOf(s, allowed, nested))
    : allowed.has(step.type ?? ''));

/**
 * Whether encoding each whitespace-separated word on its own gives exactly the ids of encoding the whole text, so
 * words can be encoded once and remembered (running text repeats its words: the library's own per-call pipeline is
 * most of a short sentence's cost). Also needs no post-processor and no added token that holds or strips whitespace.
 */
export function encodesWordByWord(json: Record<string, unknown>): boolean {
  const added = (json.added_tokens ?? []) as {
    content: string;
    lstrip?: boolean;
    rstrip?: boolean;
    single_word?: boolean;
  }[];
  return (
    allOf(json.normalizer as Step | null, PER_CHARACTER_NORMALIZERS, 'normalizers') &&
    json.pre_tokenizer != null &&
    allOf(json.pre_tokenizer as Step, WHITESPACE_FIRST_PRE_TOKENIZERS, 'pretokenizers') &&
    json.post_processor == null &&
    added.every((t) => !/\s/u.test(t.content) && !t.lstrip && !t.rstrip && !t.single_word)
  );
}

interface Encoded {
  ids: number[];
  ranges: Range[];
}

const SPACE = /\s/u;
/** Whether UTF-16 unit `c` is whitespace as the pre-tokenisers' `\s` sees it (ASCII without a regular expression). */
const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && SPACE.test(String.fromCharCode(c)));
const WORD_CACHE_LIMIT = 200_000;

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly byteLevel?: Map<string, number>;
  private readonly added: Set<number>;
  /** One more than the largest id the tokenizer can produce. */
  readonly vocabSize: number;

  /** The model's unknown token (`[UNK]`), whose text is not in the input. */
  private readonly unknownToken?: string;
  /** decode([id]) per id: aligned-BIO outputs are decoded one label token at a time (few ids, many calls). */
  private readonly decoded = new Map<number, string>();
  /** Per id: its surface (surfaceOf), the surface's length in code points, and whether it is the unknown token. */
  private readonly surfaces = new Map<number, { surface: string; length: number; unknown: boolean }>();
  /** Each word's ids and ranges (relative to the word), where the tokenizer encodes word by word. */
  private readonly words?: Map<string, Encoded & { length: number }>;

  /** `wordByWord: false` encodes every text whole (tests compare the two ways). */
  constructor(
    json: Record<string, unknown>,
    config: Record<string, unknown> = {},
    options: { wordByWord?: boolean } = {},
  ) {
    this.tokenizer = new Tokenizer(json, config);
    this.unknownToken = (json.model as { unk_token?: string } | undefined)?.unk_token ?? undefined;
    if (usesByteLevel(json)) this.byteLevel = byteLevelTable();
    this.added = new Set(this.tokenizer.get_added_tokens_decoder().keys());
    if (options.wordByWord !== false && encodesWordByWord(json)) this.words = new Map();
    let max = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) max = Math.max(max, id);
    this.vocabSize = max + 1;
  }

  /** Ids of `text` without special tokens added around it. */
  encode(text: string): number[] {
    if (this.words) return this.encodeWithOffsets(text).ids;
    return text === '' ? [] : this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    if (ids.length === 0) return ''; // the library refuses an empty list
    if (ids.length === 1) {
      // The aligned-canvas output is decoded one label token at a time: a small vocabulary, asked for over and over.
      const cached = this.decoded.get(ids[0]);
      if (cached !== undefined) return cached;
      const text: string = this.tokenizer.decode([ids[0]], {
        skip_special_tokens: false,
        clean_up_tokenization_spaces: false,
      });
      this.decoded.set(ids[0], text);
      return text;
    }
    return this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  private surfaceInfo(id: number): { surface: string; length: number; unknown: boolean } {
    let info = this.surfaces.get(id);
    if (!info) {
      const token = this.tokenizer.id_to_token(id);
      // An added token (a prompt tag, a label token) written in the text itself is matched as written.
      const surface = this.added.has(id) ? (token ?? '') : surfaceOf(token ?? '');
      info = {
        surface,
        length: Array.from(surface).length,
        unknown: this.unknownToken !== undefined && token === this.unknownToken,
      };
      this.surfaces.set(id, info);
    }
    return info;
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Ids of `text` and each token's code-point range; a token splitting a character covers all of it. Text that is
   * not NFC (the tokenizers' usual normaliser) is tokenised as NFC and the ranges mapped back onto the original.
   */
  encodeWithOffsets(text: string): { ids: number[]; ranges: Range[] } {
    const nfc = normalizeNfc(text);
    if (!nfc.unchanged) {
      const { ids, ranges } = this.encodeWithOffsets(nfc.text);
      const pairs: [original: number, normalized: number][] = [];
      for (let o = 0; o <= codePointLength(text); o++) {
        const n = nfc.map(o);
        if (n !== undefined) pairs.push([o, n]);
      }
      const back = (n: number, start: boolean) =>
        start ? pairs.filter((p) => p[1] <= n).at(-1)![0] : pairs.find((p) => p[1] >= n)![0];
      return { ids, ranges: ranges.map((r) => ({ start: back(r.start, true), end: back(r.end, false) })) };
    }
    return this.words ? this.encodeWords(text, this.words) : this.encodeText(text);
  }

  private encodeText(text: string): Encoded {
    if (text === '') return { ids: [], ranges: [] };
    const encoding = this.tokenizer.encode(text, { add_special_tokens: false });
    const ranges =
      (this.byteLevel && this.byteRanges(text, encoding.ids, encoding.tokens)) ??
      this.surfaceRanges(text, encoding.ids) ??
      this.decodedRanges(text, encoding.ids);
    return { ids: encoding.ids, ranges };
  }

  /** encodeText, word by word through the cache; `text` is NFC. */
  private encodeWords(text: string, cache: Map<string, Encoded & { length: number }>): Encoded {
    const ids: number[] = [];
    const ranges: Range[] = [];
    let cp = 0; // code points before `i`
    let i = 0;
    while (i < text.length) {
      // Whitespace is all in the BMP: one code unit, one code point.
      if (isSpace(text.charCodeAt(i))) {
        i++;
        cp++;
        continue;
      }
      let end = i + 1;
      while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
      const key = text.slice(i, end);
      let word = cache.get(key);
      if (!word) {
        if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
        word = { ...this.encodeText(key), length: codePointLength(key) };
        cache.set(key, word);
      }
      for (let t = 0; t < word.ids.length; t++) {
        ids.push(word.ids[t]);
        ranges.push({ start: cp + word.ranges[t].start, end: cp + word.ranges[t].end });
      }
      cp += word.length;
      i = end;
    }
    return { ids, ranges };
  }

  /**
   * The text of `ids` and the code-point range each token produced in it (a character completed by a later token
   * belongs to that token), for mapping output text back to the tokens, and their probabilities, that wrote it.
   */
  decodeWithOffsets(ids: readonly number[]): { text: string; ranges: Range[] } {
    const text = this.decode(ids);
    const ranges: Range[] = [];
    if (this.byteLevel) {
      const stream = new TextDecoder('utf-8', { fatal: false });
      let cp = 0;
      let rebuilt = '';
      for (const id of ids) {
        const token = this.tokenizer.id_to_token(id) ?? '';
        const bytes = this.added.has(id)
          ? utf8.encode(token)
          : Uint8Array.from(Array.from(token, (ch: string) => this.byteLevel!.get(ch) ?? 63));
        const piece = stream.decode(bytes, { stream: true });
        rebuilt += piece;
        const n = Array.from(piece).length;
        ranges.push({ start: cp, end: cp + n });
        cp += n;
      }
      rebuilt += stream.decode();
      if (rebuilt === text) return { text, ranges };
      ranges.length = 0;
    }
    let done = 0;
    for (let i = 0; i < ids.length; i++) {
      const length = Array.from(this.decode(ids.slice(0, i + 1))).length;
      ranges.push({ start: Math.min(done, length), end: length });
      done = length;
    }
    return { text, ranges };
  }

  // Byte-level BPE: each token's bytes are its characters mapped back through the byte table.
  private byteRanges(text: string, ids: number[], tokens: string[]): Range[] | undefined {
    const textBytes = utf8.encode(text);
    const cpOfByte = new Int32Array(textBytes.length + 1);
    let byte = 0;
    let cp = 0;
    for (const ch of text) {
      const n = utf8.encode(ch).length;
      cpOfByte.fill(cp, byte, byte + n);
      byte += n;
      cp++;
    }
    cpOfByte[byte] = cp;
    const ranges: Range[] = [];
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      let bytes: number[] = [];
      if (this.added.has(ids[i])) bytes = [...utf8.encode(tokens[i])];
      else for (const ch of tokens[i]) bytes.push(this.byteLevel!.get(ch) ?? -1);
      for (let b = 0; b < bytes.length; b++) if (textBytes[at + b] !== bytes[b]) return undefined; // normaliser changed the text
      if (bytes.length === 0) return undefined;
      ranges.push({ start: cpOfByte[at], end: cpOfByte[at + bytes.length - 1] + 1 });
      at += bytes.length;
    }
    return at === textBytes.length ? ranges : undefined;
  }

  /**
   * Word-level and BPE/WordPiece tokenizers whose decoder adds or drops spaces (`7 / 3` for `7/3`): each token's own
   * text, without its continuation marker, is found in the text after any whitespace. An unknown token covers the
   * text up to where the next token is found. Undefined when the tokens do not spell the text.
   */
  private surfaceRanges(text: string, ids: number[]): Range[] | undefined {
    const cps = Array.from(text);
    const info = ids.map((id) => this.surfaceInfo(id));
    const surfaces = info.map((x) => x.surface);
    const unknown = info.map((x) => x.unknown);
    // UTF-16 index of each code point (and of the end), so a surface is compared in place.
    const utf16 = new Int32Array(cps.length + 1);
    for (let i = 0; i < cps.length; i++) utf16[i + 1] = utf16[i] + cps[i].length;
    const ranges: Range[] = [];
    let at = 0;
    const skipSpace = (from: number) => {
      while (from < cps.length && /\s/u.test(cps[from])) from++;
      return from;
    };
    const lengthOf = (i: number) => info[i].length;
    const matchesAt = (surface: string, from: number, length: number) =>
      surface !== '' &&
      from + length <= cps.length &&
      utf16[from + length] - utf16[from] === surface.length &&
      text.startsWith(surface, utf16[from]);
    for (let i = 0; i < ids.length; i++) {
      at = skipSpace(at);
      if (unknown[i]) {
        // One code point when another unknown token follows (tokenizers that emit one [UNK] per character);
        // otherwise up to the next known token's text, or the end of the word.
        let end = at + 1;
        if (unknown[i + 1]) {
          ranges.push({ start: at, end });
          at = end;
          continue;
        }
        while (
          end < cps.length &&
          !/\s/u.test(cps[end]) &&
          !(i + 1 < ids.length && matchesAt(surfaces[i + 1], end, lengthOf(i + 1)))
        )
          end++;
        ranges.push({ start: at, end: Math.min(end, cps.length) });
        at = end;
        continue;
      }
      const length = lengthOf(i);
      if (!matchesAt(surfaces[i], at, length)) return undefined;
      ranges.push({ start: at, end: at + length });
      at += length;
    }
    return skipSpace(at) === cps.length ? ranges : undefined;
  }

  // Any other tokenizer: decode growing prefixes; a character still incomplete (U+FFFD at the end) belongs to the
  // token that started it. Quadratic, but only used for short windows of non-byte-level tokenizers.
  private decodedRanges(text: string, ids: number[]): Range[] {
    const cps = Array.from(text);
    const ranges: Range[] = [];
    let done = 0;
    for (let i = 0; i < ids.length; i++) {
      const decoded = Array.from(this.decode(ids.slice(0, i + 1)));
      let complete = decoded.length;
      while (complete > done && decoded[complete - 1] === '\ufffd' && cps[complete - 1] !== '\ufffd') complete--;
      const partial = complete < decoded.length ? 1 : 0;
      if (decoded.slice(0, complete).join('') !== cps.slice(0, complete).join('')) {
        throw new Error(`the tokenizer does not reproduce the text (token ${i + 1}); cannot place tokens on offsets`);
      }
      ranges.push({ start: done, end: Math.min(cps.length, complete + partial) });
      done = complete;
    }
    return ranges;
  }
}
