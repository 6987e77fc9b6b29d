// Instruction JSON lines, the reference model's fine-tuning format. Variant `plain` (default):
//   {"instruction": "<ner>\n{text}\n</ner>", "output": "{text with inline tags}"}
// variant `chat`:
//   {"messages": [{"role": "user", "content": "<ner>\n{text}\n</ner>"}, {"role": "assistant", "content": "{inline tags}"}]}
// The text is escaped (escapeText) in both places, so the output with its tags removed equals the instruction body.
// Import reads either shape per record and is strict about text: this is training data, so an output whose text
// differs from its instruction is an error, never aligned. Tag-structure slips are repaired with a warning, since
// the text (and so every offset) is still exactly known.

import { compareEntities, entityKey, type Doc, type Entity } from '../document.js';
import type { Issue } from '../issues.js';
import { normalizeNfc } from '../normalize.js';
import { CodePointIndex, codePointLength } from '../offsets.js';
import { jsonDepthProblem } from '../json-depth.js';
import { escapeLabel, unescapeLabel } from '../labels.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, recordTooLong } from '../source.js';
import {
  escapeText,
  readInlineTags,
  renderInlineTags,
  unescapeText,
  unrenderableReason,
} from '../model-output/inline-tags.js';
import {
  chosenVariant,
  scoredAreSuggestions,
  unknownVariant,
  type Codec,
  type CodecInput,
  type DecodeEvent,
  type DecodeOptions,
  type EncodedPart,
  type EncodeOptions,
} from './codec.js';

const VARIANTS = ['plain', 'chat'] as const;
const PROMPT = /^<ner>\n([^]*)\n<\/ner>$/u;

/** The prompt for a text: `<ner>\n{escaped text}\n</ner>` (what the model is asked, in training and inference). */
export function instructionPrompt(text: string): string {
  return `<ner>\n${escapeText(text)}\n</ner>`;
}

/** Instruction JSON lines for fine-tuning (plain instruction/output or chat messages). */
export const instructionCodec: Codec = {
  id: 'instruction',
  title: 'Instruction JSON lines (fine-tuning)',
  extensions: ['.jsonl'],
  multiFile: false,
  carriesAuthor: true,
  signs: {
    name: /instruct/u,
    record: (record) => typeof record.instruction === 'string' || Array.isArray(record.messages),
  },
  // Every pair was answered: an empty answer says "nothing here".
  carried: scoredAreSuggestions(true),
  decode: decodeInstruction,
  encode: encodeInstruction,
};

// Both variants are detected per record, so a decode needs no variant option.
async function* decodeInstruction(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  let records = 0;
  for await (const { line, text, tooLong } of linesOf(input.source.chunks(), options?.maxRecordChars)) {
    if (tooLong) {
      records++;
      yield { kind: 'issue', issue: recordTooLong(file, line, options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS) };
      continue;
    }
    if (text.trim() === '') continue;
    records++;
    for (const event of decodeRecord(file, line, text)) yield event;
  }
  if (records === 0) yield { kind: 'issue', issue: { severity: 'warning', file, message: 'no documents' } };
}

/** Finds the prompt and answer of one record, in either shape; extras are the record's other keys. */
function shapeOf(
  record: Record<string, unknown>,
  fail: (field: string | undefined, message: string) => void,
):
  | { prompt: string; answer: string; promptField: string; answerField: string; extras: Record<string, unknown> }
  | undefined {
  if ('messages' in record) {
    const { messages, ...extras } = record;
    if (!Array.isArray(messages)) return void fail('messages', 'is not an array');
    let prompt: number | undefined;
    let answer: number | undefined;
    for (const [i, message] of messages.entries()) {
      const m = message as { role?: unknown; content?: unknown } | null;
      if (typeof m !== 'object' || m === null || typeof m.role !== 'string' || typeof m.content !== 'string') {
        return void fail(`messages[${i}]`, 'is not a {"role", "content"} message with string values');
      }
      if (m.role === 'system' && prompt === undefined && extras.system === undefined) extras.system = m.content;
      else if (m.role === 'user' && prompt === undefined) prompt = i;
      else if (m.role === 'assistant' && prompt !== undefined && answer === undefined) answer = i;
      else
        return void fail(
          `messages[${i}]`,
          `unexpected "${m.role}" message (expected an optional system message, then one user and one assistant message)`,
        );
    }
    if (prompt === undefined || answer === undefined)
      return void fail('messages', 'needs a user message followed by an assistant message');
    const content = (i: number) => (messages[i] as { content: string }).content;
    return {
      prompt: content(prompt),
      answer: content(answer),
      promptField: `messages[${prompt}].content`,
      answerField: `messages[${answer}].content`,
      extras,
    };
  }
  const { instruction, output, ...extras } = record;
  if (typeof instruction !== 'string')
    return void fail(
      'instruction',
      instruction === undefined ? 'missing (expected "instruction" and "output", or "messages")' : 'is not a string',
    );
  if (typeof output !== 'string') return void fail('output', output === undefined ? 'missing' : 'is not a string');
  return { prompt: instruction, answer: output, promptField: 'instruction', answerField: 'output', extras };
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function decodeRecord(file: string, line: number, json: string): DecodeEvent[] {
  const events: DecodeEvent[] = [];
  const report = (severity: Issue['severity'], field: string | undefined, message: string) =>
    void events.push({ kind: 'issue', issue: { severity, file, line, field, message } });
  const tooDeep = jsonDepthProblem(json);
  if (tooDeep) {
    report('error', undefined, tooDeep);
    return events;
  }
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch (e) {
    report('error', undefined, `malformed JSON: ${(e as Error).message}`);
    return events;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    report('error', undefined, 'record is not a JSON object');
    return events;
  }
  const shape = shapeOf(record as Record<string, unknown>, (field, message) => report('error', field, message));
  if (!shape) return events;
  const body = PROMPT.exec(shape.prompt)?.[1];
  if (body === undefined) {
    report('error', shape.promptField, 'expected "<ner>\\n{text}\\n</ner>"');
    return events;
  }
  const read = readInlineTags(shape.answer);
  if (read.rawText !== body) {
    const at = firstDifference(body, read.rawText);
    const show = (s: string) => JSON.stringify(s.slice(at, at + 24));
    report(
      'error',
      shape.answerField,
      `text with tags removed differs from the instruction's at character ${codePointLength(body.slice(0, at))}: instruction ${show(body)}, output ${show(read.rawText)}`,
    );
    return events;
  }
  for (const problem of read.problems) report('warning', shape.answerField, problem);

  const text = unescapeText(body);
  const nfc = normalizeNfc(text);
  const entities = new Map<string, Entity>();
  for (const { label: written, start, end, at } of read.entities) {
    const label = unescapeLabel(written); // a tag holds a spaced label escaped (encodeInstruction)
    const [s, e] = [nfc.map(start), nfc.map(end)];
    if (s === undefined || e === undefined) {
      report('error', shape.answerField, `<${label}> at output offset ${at} splits a character that NFC composes`);
      return events;
    }
    entities.set(entityKey({ label, start: s, end: e }), { label, start: s, end: e });
  }
  const { extras } = shape;
  // A string id names the record and is written back from the name; any other id is kept as it came (as PhoNER).
  const name =
    typeof extras.id === 'string' && extras.id !== ''
      ? extras.id
      : typeof extras.id === 'number'
        ? String(extras.id)
        : String(line);
  if (typeof extras.id === 'string' && extras.id !== '') delete extras.id;
  const doc: Doc = { name, text: nfc.text, entities: [...entities.values()].sort(compareEntities) };
  if (Object.keys(extras).length > 0) doc.meta = extras;
  events.push({ kind: 'doc', doc, line });
  return events;
}

async function* encodeInstruction(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const variant = chosenVariant(options, VARIANTS, 'plain');
  if (!variant) throw new RangeError(unknownVariant('instruction', options?.variant, VARIANTS));
  const report = options?.report ?? (() => {});
  let line = 0;
  for await (const doc of docs) {
    line++;
    // A tag ends at a space: a spaced label is written escaped (`<triệu%20chứng>`, read back by decode).
    const escaped = doc.entities.map((e) => ({ ...e, label: escapeLabel(e.label) }));
    const { output, skipped } = renderInlineTags(doc.text, escaped);
    const index = new CodePointIndex(doc.text);
    for (const entity of skipped) {
      const why = unrenderableReason(entity, index.length) ?? 'crosses another entity';
      const inText =
        Number.isInteger(entity.start) &&
        Number.isInteger(entity.end) &&
        0 <= entity.start &&
        entity.start <= entity.end &&
        entity.end <= index.length;
      const shown = inText ? ` ${JSON.stringify(index.slice(entity.start, entity.end))}` : '';
      report({
        severity: 'warning',
        file: doc.name,
        field: `entities[${escaped.indexOf(entity)}]`,
        message: `inline tags cannot hold ${doc.entities[escaped.indexOf(entity)].label} [${entity.start}, ${entity.end})${shown}: ${why}; left out`,
      });
    }
    const { instruction: _i, output: _o, messages: _m, system, ...extras } = doc.meta ?? {};
    if (extras.id === undefined && doc.name !== String(line)) extras.id = doc.name;
    const prompt = instructionPrompt(doc.text);
    const record =
      variant === 'chat'
        ? {
            messages: [
              ...(typeof system === 'string' ? [{ role: 'system', content: system }] : []),
              { role: 'user', content: prompt },
              { role: 'assistant', content: output },
            ],
            ...(system !== undefined && typeof system !== 'string' ? { system } : {}),
            ...extras,
          }
        : { instruction: prompt, output, ...(system !== undefined ? { system } : {}), ...extras };
    yield { text: `${JSON.stringify(record)}\n` };
  }
}
