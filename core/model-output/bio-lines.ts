// The flat model-output format BIO-trained models write: one `token TAG` line per token, and stacked tags for
// nesting, `B-ORG|B-LOC`, one column per nesting level (outer first; `O` holds a column below a deeper tag, trailing
// O's are left off). Parsing never throws: lines are read as leniently as they can be, the output's tokens are aligned
// to the source's tokens by text (so a missing, extra or changed line is recovered), and problems are reported.

import { nestingLevels, type TokenSpan } from '../bio.js';
import { compareEntities, entityKey, type Entity, type Range } from '../document.js';
import { CodePointIndex, codePointLength } from '../offsets.js';
import { snapToTokens, tokenize } from '../tokenize.js';
import { alignText } from './align.js';
import { driftSummary } from './inline-tags.js';

const LABEL = /^[^\s|]+$/u;
const TAG = /^([BI])-(\S+)$/u;
// A field that is meant as tags: a stack with |, O, or PREFIX-LABEL (a malformed one is still reported as a tag).
const TAG_FIELD = /\||^O$|^[A-Z]-\S/u;

/**
 * Renders entities as `token TAG` lines over `tokens` of `text`. Entities whose boundaries are not token boundaries,
 * discontinuous ones and labels with whitespace or | are returned in `skipped`; exact duplicates are written once.
 */
export function renderBioLines(
  text: string,
  tokens: readonly Range[],
  entities: readonly Entity[],
): { output: string; skipped: Entity[] } {
  const index = new CodePointIndex(text);
  const tokenStarting = new Map(tokens.map((t, i) => [t.start, i]));
  const tokenEnding = new Map(tokens.map((t, i) => [t.end, i]));
  const skipped: Entity[] = [];
  const spans = new Map<string, TokenSpan>();
  for (const entity of [...entities].sort(compareEntities)) {
    const first = tokenStarting.get(entity.start);
    const last = tokenEnding.get(entity.end);
    if (
      (entity.fragments && entity.fragments.length > 1) ||
      !LABEL.test(entity.label) ||
      first === undefined ||
      last === undefined ||
      last < first
    ) {
      skipped.push(entity);
      continue;
    }
    spans.set(entityKey(entity), { label: entity.label, start: first, end: last + 1 });
  }
  const columns = tokens.map(() => [] as string[]);
  nestingLevels([...spans.values()]).forEach((level, depth) => {
    for (const span of level) {
      for (let t = span.start; t < span.end; t++) columns[t][depth] = `${t === span.start ? 'B' : 'I'}-${span.label}`;
    }
  });
  const lines = tokens.map((token, t) => {
    const tags = Array.from(columns[t], (tag) => tag ?? 'O'); // holes below a deeper level become O
    // A line break inside a token would split its line; the parser aligns the token back by text anyway.
    return `${index.slice(token.start, token.end).replace(/[\r\n]+/gu, ' ')} ${tags.length > 0 ? tags.join('|') : 'O'}`;
  });
  return { output: lines.join('\n'), skipped };
}

interface OutputToken {
  text: string;
  tags: ({ prefix: 'B' | 'I'; label: string } | undefined)[];
}

function readLines(output: string, known: Set<string> | undefined, problems: string[]): OutputToken[] {
  const tokens: OutputToken[] = [];
  output.split(/\r\n|\n|\r/u).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const split = /^(.*\S)\s+(\S+)$/u.exec(line);
    let text = split ? split[1] : line;
    let field = split ? split[2] : '';
    if (!TAG_FIELD.test(field)) {
      if (!split && TAG_FIELD.test(line)) [text, field] = ['', line];
      else [text, field] = [line, ''];
      problems.push(field === '' ? `line ${i + 1}: no tag; read as O` : `line ${i + 1}: a tag with no token`);
    }
    const tags =
      field === ''
        ? []
        : field.split('|').map((tag) => {
            if (tag === 'O') return undefined;
            const m = TAG.exec(tag);
            if (!m) return void problems.push(`line ${i + 1}: "${tag}" is not O, B-LABEL or I-LABEL; read as O`);
            if (known && !known.has(m[2])) return void problems.push(`line ${i + 1}: unknown label "${m[2]}"; dropped`);
            return { prefix: m[1] as 'B' | 'I', label: m[2] };
          });
    tokens.push({ text, tags });
  });
  return tokens;
}

/** Reads stacked tags into spans over output token indices; an I-X continues an open X, preferably in its column. */
function decodeStacked(tokens: readonly OutputToken[], problems: string[]): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let open: (TokenSpan | undefined)[] = [];
  tokens.forEach((token, t) => {
    const next: (TokenSpan | undefined)[] = [];
    const continued = new Set<TokenSpan>();
    token.tags.forEach((tag, column) => {
      if (!tag) return;
      let span: TokenSpan | undefined;
      if (tag.prefix === 'I') {
        const canContinue = (s: TokenSpan | undefined) => s !== undefined && s.label === tag.label && !continued.has(s);
        span = canContinue(open[column]) ? open[column] : open.find(canContinue);
        if (!span)
          problems.push(
            `token ${t + 1} (${JSON.stringify(token.text)}): I-${tag.label} does not continue a ${tag.label}; read as B-${tag.label}`,
          );
      }
      if (span) {
        span.end = t + 1;
        continued.add(span);
      } else {
        span = { label: tag.label, start: t, end: t + 1 };
        spans.push(span);
      }
      next[column] = span;
    });
    open = next;
  });
  return spans;
}

/** Tokens joined by single spaces, with each token's code-point start in the joined text. */
function joinTokens(texts: readonly string[]): { text: string; starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const text of texts) {
    starts.push(at);
    at += codePointLength(text);
    ends.push(at);
    at += 1;
  }
  return { text: texts.join(' '), starts, ends };
}

/**
 * Reads entities from `token TAG` model output onto `source`: never throws. Output tokens are aligned to the
 * source's tokens (`tokens`, or tokenize(source)) by text, so offsets are code points into `source` on token
 * boundaries. Malformed lines, unknown labels (when `labels` is given), stray I- tags and drift are reported.
 */
export function parseBioLines(
  output: string,
  source: string,
  tokens?: readonly Range[],
  options: { labels?: readonly string[] } = {},
): { entities: Entity[]; problems: string[] } {
  const problems: string[] = [];
  try {
    const outTokens = readLines(output, options.labels ? new Set(options.labels) : undefined, problems);
    const spans = decodeStacked(outTokens, problems);
    const sourceTokens = tokens ?? tokenize(source);
    const index = new CodePointIndex(source);
    const sourceTexts = sourceTokens.map((t) => index.slice(t.start, t.end));
    const out = joinTokens(outTokens.map((t) => t.text));
    const src = joinTokens(sourceTexts);
    // Both sides are compared as tokens joined by single spaces: the format does not keep the source's spacing.
    const alignment = alignText(out.text, src.text);
    if (!alignment.identical) {
      problems.push(
        `output tokens differ from the source tokens (${driftSummary(alignment)}); entities aligned to the source`,
      );
    }
    const joinedSourceTokens = src.starts.map((start, i) => ({ start, end: src.ends[i] }));
    const placed = new Map<string, Entity>();
    for (const span of spans) {
      const written = outTokens
        .slice(span.start, span.end)
        .map((t) => t.text)
        .join(' ');
      const range = alignment.mapRange(out.starts[span.start], out.ends[span.end - 1]);
      const snapped = range && snapToTokens(range, joinedSourceTokens);
      if (!snapped) {
        problems.push(
          `${span.label} ${JSON.stringify(written)} (token ${span.start + 1}) is not in the source; dropped`,
        );
        continue;
      }
      const found = sourceTexts.slice(snapped.first, snapped.end).join(' ');
      if (found !== written)
        problems.push(`${span.label} ${JSON.stringify(written)} aligned to source tokens ${JSON.stringify(found)}`);
      const entity = {
        label: span.label,
        start: sourceTokens[snapped.first].start,
        end: sourceTokens[snapped.end - 1].end,
      };
      placed.set(entityKey(entity), entity);
    }
    return { entities: [...placed.values()].sort(compareEntities), problems };
  } catch (error) {
    // Defensive only: model output must never take the caller down; tests assert this path is not reached.
    problems.push(
      `internal error while reading model output: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { entities: [], problems };
  }
}
