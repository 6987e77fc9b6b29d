import type { Doc, Entity } from '../document.js';
import type { Issue } from '../issues.js';
import type { Source } from '../source.js';

export const FORMAT_IDS = ['phoner', 'conll', 'brat', 'doccano', 'label-studio', 'instruction', 'text'] as const;
/** The import/export formats. */
export type FormatId = (typeof FORMAT_IDS)[number];

/** What a decoder yields: a document (with the line or record it started on), or an issue. */
export type DecodeEvent = { kind: 'doc'; doc: Doc; line: number } | { kind: 'issue'; issue: Issue };

/** An input to decode: a main file and, for formats of several files, access to the files beside it. */
export interface CodecInput {
  source: Source;
  /** Opens a file beside the main one by name (brat's .ann beside its .txt); undefined when there is none. */
  sibling(name: string): Source | undefined;
}

export interface DecodeOptions {
  /** Format variant: phoner `syllable` | `word`; text `lines` | `file`; instruction `plain` | `chat`. */
  variant?: string;
  /**
   * The longest record read, in UTF-16 code units (a line, a JSON array element, a brat or text `file` document);
   * a longer one is an error naming file:line and is skipped without being held. Default DEFAULT_MAX_RECORD_CHARS.
   */
  maxRecordChars?: number;
}

/** The same codec with `defaults` under every decode's own options (the CLI's --max-record-mb); undefined never overrides. */
export function withDecodeDefaults(codec: Codec, defaults: DecodeOptions): Codec {
  const given = (options?: DecodeOptions) =>
    Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  return { ...codec, decode: (input, options) => codec.decode(input, { ...defaults, ...given(options) }) };
}

/** The variant `options` ask for (`fallback` when they name none), or undefined when the format has no such variant. */
export function chosenVariant<V extends string>(
  options: { variant?: string } | undefined,
  variants: readonly V[],
  fallback: V,
): V | undefined {
  const variant = options?.variant ?? fallback;
  return (variants as readonly string[]).includes(variant) ? (variant as V) : undefined;
}

/** Why a variant is refused, naming the ones the format has (the same words on decode and encode). */
export function unknownVariant(format: string, asked: string | undefined, variants: readonly string[]): string {
  return `unknown ${format} variant ${JSON.stringify(asked)} (expected ${variants.join(' or ')})`;
}

export interface EncodeOptions {
  variant?: string;
  /** Told of every entity or record the format cannot hold as it is (crossing spans, fragments, ...). */
  report?: (issue: Issue) => void;
}

/** Part of an export: text for the main output (path undefined) or for a file at a relative path (brat, text). */
export interface EncodedPart {
  path?: string;
  text: string;
}

/** What a decoded document carries into a project: a person's answer and model suggestions. */
export interface Carried {
  /** The answer, or null when the record holds none (a text not annotated yet). An empty list means "nothing here". */
  answer: Entity[] | null;
  /** Model suggestions, kept apart from annotations (with their scores). */
  suggested: Entity[];
  /** The suggestions' model version, when the record names one. */
  modelVersion?: string;
}

/**
 * The usual reading of a decoded document: scored entities are suggestions, the others the answer. With `emptyIsAnswer`
 * (CoNLL, PhoNER, brat, instruction: every record was labelled) a record with no entity is the answer "nothing here";
 * without it (doccano, plain text) it is a text not annotated yet.
 */
export function scoredAreSuggestions(emptyIsAnswer: boolean): (doc: Doc) => Carried {
  return (doc) => {
    const answer = doc.entities.filter((e) => e.score === undefined);
    const suggested = doc.entities.filter((e) => e.score !== undefined);
    return { answer: emptyIsAnswer || answer.length > 0 ? answer : null, suggested };
  };
}

/** A JSON record (a line, or an array's first element), as sniffing parsed it. */
export type JsonRecord = Record<string, unknown>;

/**
 * How a file shows it is in this format where its extension cannot tell (.json and .jsonl are read by five codecs):
 * each codec declares its own signs, and guessing (registry.guessFormat) only asks them.
 */
export interface FormatSigns {
  /** A file name (lowercase) that says this format, e.g. one naming the tool that wrote it. */
  name?: RegExp;
  /** True for a first JSON record with the keys only this format writes. */
  record?(record: JsonRecord): boolean;
  /** True for the non-blank lines of a text file's first block (CoNLL's token-and-tag lines). */
  lines?(lines: readonly string[]): boolean;
}

/** The doc.meta key naming who made a document's annotation (an annotator's line in a team export). */
export const AUTHOR_META = 'author';

/** doc.meta.author when it is a name. */
export function authorOf(doc: Doc): string | undefined {
  const author = doc.meta?.[AUTHOR_META];
  return typeof author === 'string' ? author : undefined;
}

/** A format: decode and encode, streaming. */
export interface Codec {
  id: FormatId;
  title: string;
  /** File extensions it reads, lowercase with the dot. */
  extensions: readonly string[];
  /** Extensions of files it reads beside the main one (brat's .ann): a file that travels alone is not this format. */
  sidecars?: readonly string[];
  /** True when each document is a set of files written under a folder (brat, text per file). */
  multiFile: boolean;
  /**
   * True when each record can say who annotated it: the encoder writes `doc.meta.author` (AUTHOR_META) where the
   * format's own tool keeps a record's metadata. Formats without per-record metadata (CoNLL, PhoNER, brat, text) lack it.
   */
  carriesAuthor?: boolean;
  /** True when the format writes only the text, never its spans (plain text): it cannot hold a gold standard. */
  textOnly?: boolean;
  /** What tells this format apart when the extension does not (see FormatSigns). */
  signs?: FormatSigns;
  /** What a document this codec decoded carries: answer and suggestions (see scoredAreSuggestions). */
  carried(doc: Doc): Carried;
  /**
   * The BIO tag sequences of one file as written, unrepaired (evaluation must see a stray I-X as seqeval's strict mode
   * does); undefined when the file is not flat (more than one tag level). Only formats of flat BIO tags have it.
   */
  rawTags?(input: CodecInput): Promise<string[][] | undefined>;
  /**
   * Decodes one input. A record that cannot be used yields an `error` issue and no doc; a repaired one yields a
   * `warning` and the repaired doc. Never throws on bad content, so the caller decides all-or-nothing.
   */
  decode(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent>;
  /** Encodes documents in order, streaming. */
  encode(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart>;
}
