import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Doc } from '../../../core/document.js';
import type { Issue } from '../../../core/issues.js';
import type { DecodeEvent } from '../../../core/codecs/codec.js';
import { instructionCodec, instructionPrompt } from '../../../core/codecs/instruction.js';

/** A source that hands out its text in chunks of `size` UTF-16 units, to exercise streaming. */
function chunked(name: string, text: string, size = 7) {
  return {
    source: {
      name,
      async *chunks() {
        for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
      },
    },
    sibling: () => undefined,
  };
}

async function decode(text: string, size?: number): Promise<DecodeEvent[]> {
  const events: DecodeEvent[] = [];
  for await (const event of instructionCodec.decode(chunked('train.jsonl', text, size))) events.push(event);
  return events;
}

async function encode(docs: Doc[], variant?: string): Promise<{ text: string; issues: Issue[] }> {
  const issues: Issue[] = [];
  async function* source() {
    yield* docs;
  }
  let text = '';
  for await (const part of instructionCodec.encode(source(), { variant, report: (i) => issues.push(i) }))
    text += part.text;
  return { text, issues };
}

const doc: Doc = {
  name: 'bn-91',
  text: 'BN 91 <nam> & ở Hà Nội\r\nsốt 😷',
  entities: [
    { label: 'PATIENT_ID', start: 3, end: 5 },
    { label: 'LOCATION', start: 16, end: 22 },
    { label: 'ORGANIZATION', start: 14, end: 22 },
  ],
  meta: { split: 'train' },
};
const expectedOutput =
  'BN <PATIENT_ID>91</PATIENT_ID> &lt;nam&gt; &amp; <ORGANIZATION>ở <LOCATION>Hà Nội</LOCATION></ORGANIZATION>\r\nsốt 😷';

test('exports the plain variant by default, text escaped in both fields', async () => {
  const { text, issues } = await encode([doc]);
  assert.deepEqual(issues, []);
  assert.equal(text.endsWith('\n'), true);
  assert.deepEqual(JSON.parse(text), {
    instruction: '<ner>\nBN 91 &lt;nam&gt; &amp; ở Hà Nội\r\nsốt 😷\n</ner>',
    output: expectedOutput,
    split: 'train',
    id: 'bn-91',
  });
});

test('exports the chat variant', async () => {
  const { text } = await encode([{ ...doc, meta: { system: 'You tag entities.' } }], 'chat');
  assert.deepEqual(JSON.parse(text), {
    messages: [
      { role: 'system', content: 'You tag entities.' },
      { role: 'user', content: instructionPrompt(doc.text) },
      { role: 'assistant', content: expectedOutput },
    ],
    id: 'bn-91',
  });
});

test('both variants read back to the same documents, streamed in small chunks', async () => {
  for (const variant of ['plain', 'chat']) {
    const { text } = await encode([doc, { name: '2', text: 'ho khan', entities: [] }], variant);
    const events = await decode(text, 5);
    assert.deepEqual(events, [
      { kind: 'doc', line: 1, doc: { ...doc, entities: [doc.entities[0], doc.entities[2], doc.entities[1]] } },
      { kind: 'doc', line: 2, doc: { name: '2', text: 'ho khan', entities: [] } },
    ]);
  }
});

test('reports what inline tags cannot hold on export', async () => {
  const { text, issues } = await encode([
    {
      name: 'x',
      text: 'sốt ho khan',
      entities: [
        { label: 'SYMPTOM', start: 0, end: 6 },
        { label: 'SYMPTOM', start: 4, end: 11 },
        {
          label: 'SYMPTOM',
          start: 0,
          end: 11,
          fragments: [
            { start: 0, end: 3 },
            { start: 7, end: 11 },
          ],
        },
      ],
    },
  ]);
  assert.equal(JSON.parse(text).output, '<SYMPTOM>sốt ho</SYMPTOM> khan');
  assert.deepEqual(
    issues.map((i) => `${i.field}: ${i.message}`),
    [
      'entities[2]: inline tags cannot hold SYMPTOM [0, 11) "sốt ho khan": discontinuous; left out',
      'entities[1]: inline tags cannot hold SYMPTOM [4, 11) "ho khan": crosses another entity; left out',
    ],
  );
});

test('an output whose text differs from the instruction is an error naming line and field', async () => {
  const lines = [
    JSON.stringify({ instruction: '<ner>\nsốt ho\n</ner>', output: '<S>sốt</S> ho' }),
    JSON.stringify({ instruction: '<ner>\nsốt ho\n</ner>', output: '<S>sot</S> ho' }),
    JSON.stringify({
      messages: [
        { role: 'user', content: '<ner>\na &lt; b\n</ner>' },
        { role: 'assistant', content: 'a < b' },
      ],
    }),
  ];
  const events = await decode(lines.join('\n'));
  assert.equal(events[0].kind, 'doc');
  assert.deepEqual(events.slice(1), [
    {
      kind: 'issue',
      issue: {
        severity: 'error',
        file: 'train.jsonl',
        line: 2,
        field: 'output',
        message:
          'text with tags removed differs from the instruction\'s at character 1: instruction "ốt ho", output "ot ho"',
      },
    },
    {
      kind: 'issue',
      issue: {
        severity: 'error',
        file: 'train.jsonl',
        line: 3,
        field: 'messages[1].content',
        message:
          'text with tags removed differs from the instruction\'s at character 2: instruction "&lt; b", output "< b"',
      },
    },
  ]);
});

test('bad records are errors, the rest still decode; tag slips are warnings with the repaired doc', async () => {
  const lines = [
    '{"instruction": "<ner>\\nx\\n</ner>"',
    '[1]',
    JSON.stringify({ prompt: 'x' }),
    JSON.stringify({ instruction: 'x', output: 'x' }),
    JSON.stringify({ messages: [{ role: 'assistant', content: 'x' }] }),
    '',
    JSON.stringify({ instruction: '<ner>\nho khan\n</ner>', output: '<S>ho</S> khan</S>', id: 7 }),
  ];
  const events = await decode(lines.join('\n'));
  const issues = events.flatMap((e) =>
    e.kind === 'issue' ? [`${e.issue.severity} ${e.issue.line} ${e.issue.field ?? '-'}`] : [],
  );
  assert.deepEqual(issues, [
    'error 1 -',
    'error 2 -',
    'error 3 instruction',
    'error 4 instruction',
    'error 5 messages[0]',
    'warning 7 output',
  ]);
  const last = events[events.length - 1];
  assert.deepEqual(last, {
    kind: 'doc',
    line: 7,
    doc: { name: '7', text: 'ho khan', entities: [{ label: 'S', start: 0, end: 2 }], meta: { id: 7 } },
  });
});

test('NFD text is stored NFC with entity offsets remapped', async () => {
  const instruction = `<ner>\n${'Hà Nội'.normalize('NFD')}\n</ner>`;
  const output = `<LOCATION>${'Hà Nội'.normalize('NFD')}</LOCATION>`;
  const [event] = await decode(JSON.stringify({ instruction, output }));
  assert.deepEqual(event, {
    kind: 'doc',
    line: 1,
    doc: { name: '1', text: 'Hà Nội', entities: [{ label: 'LOCATION', start: 0, end: 6 }] },
  });
});

test('an unknown export variant is refused', async () => {
  await assert.rejects(encode([doc], 'alpaca'), /unknown instruction variant "alpaca"/);
});
