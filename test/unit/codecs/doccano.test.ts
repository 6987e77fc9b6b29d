import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { doccanoCodec } from '../../../core/codecs/doccano.js';
import type { Doc } from '../../../core/document.js';
import type { Issue } from '../../../core/issues.js';
import { arbitraryDocs, decodeText, encodeDocs, nfdInput } from '../../support/random-docs.js';

const decode = (text: string, chunkSize?: number) => decodeText(doccanoCodec, 'data.jsonl', text, { chunkSize });
const where = (issues: Issue[]) => issues.map((i) => `${i.severity} ${i.file}:${i.line ?? '-'} ${i.field ?? '-'}`);
// doccano has no document names: a record without an id is named by its record number.
const numbered = (docs: Doc[]) => docs.map((doc, i) => ({ ...doc, name: String(i + 1) }));

test('property: decode(encode(docs)) is docs: nested and crossing entities over CRLF text with NFD and emoji', async () => {
  await fc.assert(
    fc.asyncProperty(
      arbitraryDocs({ allowCrossing: true, maxLines: 4, maxEntities: 8 }),
      fc.constantFrom(0, 7),
      async (docs, chunkSize) => {
        const expected = numbered(docs);
        const encoded = await encodeDocs(doccanoCodec, expected);
        assert.deepEqual(encoded.issues, []);
        const back = await decode(encoded.text, chunkSize);
        assert.deepEqual(back.issues, []);
        assert.deepEqual(back.docs, expected);
        // The same docs given decomposed come back composed.
        const fromNfd = await decode((await encodeDocs(doccanoCodec, expected.map(nfdInput))).text);
        assert.deepEqual(fromNfd.docs, expected);
      },
    ),
    { numRuns: 150 },
  );
});

test('property: the entities variant round-trips too, remembering only that it is the entities variant', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryDocs({ allowCrossing: true }), async (docs) => {
      const expected = numbered(docs);
      const back = await decode((await encodeDocs(doccanoCodec, expected, { variant: 'entities' })).text);
      assert.deepEqual(back.issues, []);
      assert.deepEqual(
        back.docs,
        expected.map((doc) => ({ ...doc, meta: { doccano: { record: { text: null, entities: null } } } })),
      );
    }),
    { numRuns: 100 },
  );
});

// doccano's own export layout (Python json.dumps, ensure_ascii=False), both variants and extra keys.
const SAMPLE =
  [
    '{"id": 6400, "text": "Bệnh nhân BN123 được chuyển đến Bệnh viện Đà Nẵng 😷 ngày 25/7.", "Comments": [], "entities": [{"id": 1662, "label": "PATIENT_ID", "start_offset": 10, "end_offset": 15}, {"id": 1663, "label": "ORGANIZATION", "start_offset": 32, "end_offset": 49}, {"id": 1670, "label": "LOCATION", "start_offset": 42, "end_offset": 49}, {"id": 1671, "label": "DATE", "start_offset": 57, "end_offset": 61}], "relations": [{"id": 273, "from_id": 1663, "to_id": 1670, "type": "located_in"}]}',
    '{"id": 6401, "text": "Kết quả xét nghiệm dương tính với SARS-CoV-2.\\r\\nBệnh nhân sốt, ho.", "label": [[8, 18, "TEST"], [19, 29, "RESULT"], [57, 60, "SYMPTOM_AND_DISEASE"], [62, 64, "SYMPTOM_AND_DISEASE"]], "meta": {"source": "bệnh án 12", "split": "train"}, "Comments": ["kiểm tra lại"]}',
    '{"text": "Bệnh viện Bạch Mai, Hà Nội", "labels": [[0, 18, "ORGANIZATION"], [20, 26, "LOCATION"]]}',
    '{"text": "Không có thực thể.", "label": []}',
  ].join('\n') + '\n';

test('a realistic Vietnamese file (both variants, ids, relations, meta, comments) comes back byte for byte', async () => {
  const { docs, issues, lines } = await decode(SAMPLE);
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [1, 2, 3, 4]);
  assert.deepEqual(
    docs.map((d) => d.name),
    ['6400', '6401', '3', '4'],
  );
  assert.deepEqual(docs[0].entities.slice(1, 3), [
    { label: 'ORGANIZATION', start: 32, end: 49 },
    { label: 'LOCATION', start: 42, end: 49 },
  ]);
  assert.equal([...docs[0].text].slice(32, 49).join(''), 'Bệnh viện Đà Nẵng');
  assert.equal([...docs[0].text].slice(57, 61).join(''), '25/7'); // code points: the emoji counts one
  assert.equal([...docs[1].text].slice(57, 60).join(''), 'sốt'); // CRLF counts two
  assert.deepEqual(docs[3], { name: '4', text: 'Không có thực thể.', entities: [] });
  const encoded = await encodeDocs(doccanoCodec, docs);
  assert.deepEqual(encoded.issues, []);
  assert.equal(encoded.text, SAMPLE);
});

test('entity ids stay put: a deleted entity takes its relations along, a new one gets the next id', async () => {
  const { docs } = await decode(SAMPLE);
  const doc = docs[0];
  const edited = {
    ...doc,
    entities: [...doc.entities.filter((e) => e.label !== 'LOCATION'), { label: 'SYMPTOM', start: 0, end: 4 }],
  };
  const encoded = await encodeDocs(doccanoCodec, [edited]);
  const record = JSON.parse(encoded.text);
  assert.deepEqual(
    record.entities.map((e: { id: number }) => e.id),
    [1662, 1663, 1671, 1672],
  );
  assert.deepEqual(record.relations, []);
  assert.deepEqual(where(encoded.issues), ['warning 6400:1 relations']);
  assert.deepEqual(Object.keys(record), ['id', 'text', 'Comments', 'entities', 'relations']);
});

test('export variant: `entities` replaces `label` in place; a record that had no span list gets one after text', async () => {
  const { docs } = await decode(
    '{"id": 1, "text": "Huế", "label": [[0, 3, "LOCATION"]], "x": 1}\n{"text": "Hà Nội", "extra": true}\n',
  );
  const { text } = await encodeDocs(doccanoCodec, docs, { variant: 'entities' });
  assert.equal(
    text,
    '{"id": 1, "text": "Huế", "entities": [{"id": 1, "label": "LOCATION", "start_offset": 0, "end_offset": 3}], "x": 1}\n{"text": "Hà Nội", "entities": [], "extra": true}\n',
  );
  await assert.rejects(() => encodeDocs(doccanoCodec, docs, { variant: 'spans' }), /variant/);
});

test('a discontinuous entity is written as one span per fragment, with a warning', async () => {
  const doc: Doc = {
    name: 'a',
    text: 'đau đầu và họng',
    entities: [
      {
        label: 'SYMPTOM',
        start: 0,
        end: 15,
        fragments: [
          { start: 0, end: 3 },
          { start: 11, end: 15 },
        ],
      },
    ],
  };
  const { text, issues } = await encodeDocs(doccanoCodec, [doc]);
  assert.equal(text, '{"text": "đau đầu và họng", "label": [[0, 3, "SYMPTOM"], [11, 15, "SYMPTOM"]]}\n');
  assert.deepEqual(where(issues), ['warning a:1 -']);
  assert.match(issues[0].message, /discontinuous SYMPTOM entity written as 2 separate spans/);
});

test('bad records are errors naming the line and the field; the other records still decode', async () => {
  const input = [
    '{"text": "Huế", "label": [[0, 3, "LOCATION"]]}',
    '{"text": "Huế", "label": [[0, 3, "LOC"]',
    '{"label": [[0, 3, "LOCATION"]]}',
    '{"text": 5}',
    '[1, 2]',
    '{"text": "Huế", "label": [[0, 9, "LOCATION"]]}',
    '{"text": "Huế", "label": [[2, 1, "LOCATION"]]}',
    '{"text": "Huế", "label": [[0, 3]]}',
    '{"text": "Huế", "label": [[0, 3, ""]]}',
    '{"text": "Huế", "label": "LOCATION"}',
    '{"text": "Huế", "entities": [{"id": 1, "label": "LOCATION", "start_offset": -1, "end_offset": 3}]}',
    '{"text": "Huế", "entities": [{"id": 1, "label": "LOCATION", "start_offset": 0.5, "end_offset": 3}]}',
    `{"text": "${'Hà'.normalize('NFD')}", "label": [[0, 2, "X"]]}`,
    '',
    '{"text": "Hà Nội", "labels": [[3, 6, "LOCATION"]]}',
  ].join('\n');
  const { docs, issues, lines } = await decode(input);
  assert.deepEqual(lines, [1, 15]);
  assert.deepEqual(
    docs.map((d) => d.entities),
    [[{ label: 'LOCATION', start: 0, end: 3 }], [{ label: 'LOCATION', start: 3, end: 6 }]],
  );
  assert.deepEqual(where(issues), [
    'error data.jsonl:2 -',
    'error data.jsonl:3 text',
    'error data.jsonl:4 text',
    'error data.jsonl:5 -',
    'error data.jsonl:6 label[0][1]',
    'error data.jsonl:7 label[0][1]',
    'error data.jsonl:8 label[0]',
    'error data.jsonl:9 label[0][2]',
    'error data.jsonl:10 label',
    'error data.jsonl:11 entities[0].start_offset',
    'error data.jsonl:12 entities[0].start_offset',
    'error data.jsonl:13 label[0][1]',
  ]);
  assert.match(issues[0].message, /not valid JSON/);
  assert.match(issues[1].message, /missing/);
  assert.match(issues[4].message, /end 9 is outside the text \(0\.\.3\)/);
  assert.match(issues[5].message, /end 1 is before start 2/);
  assert.match(issues[11].message, /end 2 falls inside a character that NFC composes/);
});

test('extra items in a span and extra keys on an entity object are reported as not kept', async () => {
  const { docs, issues } = await decode(
    '{"text": "Huế", "label": [[0, 3, "LOCATION", 0.9]]}\n{"text": "Huế", "entities": [{"id": 1, "label": "L", "start_offset": 0, "end_offset": 3, "by": "x"}]}\n',
  );
  assert.equal(docs.length, 2);
  assert.deepEqual(where(issues), ['warning data.jsonl:1 label[0]', 'warning data.jsonl:2 entities[0]']);
});
