// Generated tokens -> entities with scores, through the core parser of the package's output format.
// A suggestion's score is the mean probability, at commit time, of the output tokens that wrote it: for aligned
// BIO the label tokens of its text tokens; for inline tags the tokens from its opening to its closing tag; for BIO
// lines the lines of its tokens. Where the output drifted from the text and the parser had to align it, the
// entity cannot be traced to its tokens and gets the mean over the whole output instead.

import type { Entity, Range } from '../../core/document.js';
import type { OutputSpec } from '../../core/model-package/manifest.js';
import { continuesWord, parseAlignedBio } from '../../core/model-output/aligned-bio.js';
import { parseBioLines } from '../../core/model-output/bio-lines.js';
import { parseInlineTags, readInlineTags, unescapeText } from '../../core/model-output/inline-tags.js';
import { codePointLength } from '../../core/offsets.js';
import { tokenize } from '../../core/tokenize.js';
import type { TextTokenizer } from './text-tokenizer.js';

export interface ParsedOutput {
  /** Entities over the text (code points), each with a score in [0, 1]. */
  entities: Entity[];
  problems: string[];
  /** The decoded output, for the UI and for debugging. */
  output: string;
  /** Per output token: does it write part of an entity (aligned BIO: a label other than O; other formats: every token). */
  tokenIsEntity: boolean[];
}

function mean(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    if (Number.isNaN(values[i])) continue;
    sum += values[i];
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** Mean probability of the output tokens whose code-point ranges overlap [start, end). */
function meanOver(ranges: readonly Range[], probabilities: Float32Array, start: number, end: number): number {
  const picked: number[] = [];
  ranges.forEach((r, i) => {
    if (r.end > start && r.start < end) picked.push(probabilities[i]);
  });
  return picked.length > 0 ? mean(picked) : mean(probabilities);
}

/** Code points of the raw character (or &lt; &gt; &amp; entity) at raw code-point offset `at`. */
function rawLengthAt(output: string, at: number): number {
  const rest = Array.from(output)
    .slice(at, at + 5)
    .join('');
  return /^&(?:lt|gt|amp);/u.exec(rest)?.[0].length ?? 1;
}

/** Raw (tagged) output offset of each plain-text offset, as readInlineTags counts them. */
function plainToRaw(output: string): number[] {
  const map: number[] = [];
  const tag = /<(\/?)([\p{L}_][\p{L}\p{N}_.:-]*)\s*>/gu;
  let raw = 0;
  let last = 0;
  const addText = (piece: string) => {
    // Entities (&lt;) are one plain character but several raw ones: map each plain character to where it starts.
    for (const part of piece.split(/(&(?:lt|gt|amp);)/u)) {
      if (part === '') continue;
      const plainLength = codePointLength(unescapeText(part));
      for (let i = 0; i < plainLength; i++) map.push(raw + (plainLength === 1 ? 0 : i));
      raw += codePointLength(part);
    }
  };
  for (const m of output.matchAll(tag)) {
    addText(output.slice(last, m.index));
    raw += codePointLength(m[0]);
    last = m.index + m[0].length;
  }
  addText(output.slice(last));
  map.push(raw);
  return map;
}

/** Entities of one generated output over `text`, whose tokens are `textTokens`. */
export function parseOutput(
  spec: OutputSpec,
  tokenizer: TextTokenizer,
  text: string,
  textTokens: readonly Range[],
  tokens: readonly number[],
  probabilities: Float32Array,
): ParsedOutput {
  const labels = spec.labels;
  if (spec.format === 'aligned-bio') {
    const labelTokens = tokens.map((id) => tokenizer.decode([id]));
    const parsed = parseAlignedBio(labelTokens, textTokens, {
      labels,
      continuesWord: continuesWord(text, textTokens),
    });
    const entities = parsed.entities.map(({ tokens: span, ...entity }) => ({
      ...entity,
      score: mean(probabilities, span.start, span.end),
    }));
    return {
      entities,
      problems: parsed.problems,
      output: labelTokens.join(' '),
      tokenIsEntity: labelTokens.map((t) => t !== 'O'),
    };
  }
  const { text: output, ranges } = tokenizer.decodeWithOffsets(tokens);
  if (spec.format === 'inline-tags') {
    const parsed = parseInlineTags(output, text, { labels });
    const read = readInlineTags(output, { labels });
    const toRaw = plainToRaw(output);
    // Just after the entity's last character, then its closing tag (an escaped last character is several raw ones).
    const rawEnd = (e: { label: string; end: number }) =>
      toRaw[e.end - 1] + rawLengthAt(output, toRaw[e.end - 1]) + codePointLength(`</${e.label}>`);
    const entities = parsed.entities.map((entity) => {
      const own = read.entities.find(
        (e) => e.label === entity.label && e.start === entity.start && e.end === entity.end,
      );
      return { ...entity, score: own ? meanOver(ranges, probabilities, own.at, rawEnd(own)) : mean(probabilities) };
    });
    return { entities, problems: parsed.problems, output, tokenIsEntity: tokens.map(() => true) };
  }
  const sourceTokens = tokenize(text);
  const parsed = parseBioLines(output, text, sourceTokens, { labels });
  const lines = lineRanges(output);
  const entities = parsed.entities.map((entity) => {
    const first = sourceTokens.findIndex((t) => t.start === entity.start);
    const last = sourceTokens.findIndex((t) => t.end === entity.end);
    const traceable = lines.length === sourceTokens.length && first >= 0 && last >= first;
    return {
      ...entity,
      score: traceable ? meanOver(ranges, probabilities, lines[first].start, lines[last].end) : mean(probabilities),
    };
  });
  return { entities, problems: parsed.problems, output, tokenIsEntity: tokens.map(() => true) };
}

/** Code-point ranges of the non-empty lines of `output`. */
function lineRanges(output: string): Range[] {
  const out: Range[] = [];
  let at = 0;
  for (const line of output.split(/(\r\n|\n|\r)/u)) {
    const n = codePointLength(line);
    if (!/^(\r\n|\n|\r)$/u.test(line) && line.trim() !== '') out.push({ start: at, end: at + n });
    at += n;
  }
  return out;
}
