import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { labelStudioCodec } from '../../../core/codecs/label-studio.js';
import type { Doc } from '../../../core/document.js';
import type { Issue } from '../../../core/issues.js';
import { arbitraryDoc, arbitraryDocs, decodeText, encodeDocs, nfdInput } from '../../support/random-docs.js';

const decode = (text: string, chunkSize?: number) => decodeText(labelStudioCodec, 'export.json', text, { chunkSize });
const where = (issues: Issue[]) => issues.map((i) => `${i.severity} ${i.line ?? '-'} ${i.field ?? '-'}`);
// A task without an id is named by its position.
const numbered = (docs: Doc[]) => docs.map((doc, i) => ({ ...doc, name: String(i + 1) }));

test('property: decode(encode(docs)) is docs: nested, crossing, scored entities over CRLF text with NFD and emoji', async () => {
  await fc.assert(
    // At least one doc: an empty JSON lines file is an empty file, which decoding warns about.
    fc.asyncProperty(
      arbitraryDocs({ allowCrossing: true, scores: true, maxLines: 4, maxEntities: 8 }, { minLength: 1 }),
      fc.constantFrom('json', 'jsonl'),
      fc.constantFrom(0, 5),
      async (docs, variant, chunkSize) => {
        const expected = numbered(docs);
        const encoded = await encodeDocs(labelStudioCodec, expected, { variant });
        assert.deepEqual(encoded.issues, []);
        const back = await decode(encoded.text, chunkSize);
        assert.deepEqual(back.issues, []);
        assert.deepEqual(back.docs, expected);
        const fromNfd = await decode((await encodeDocs(labelStudioCodec, expected.map(nfdInput), { variant })).text);
        assert.deepEqual(fromNfd.docs, expected);
      },
    ),
    { numRuns: 150 },
  );
});

test('property: model suggestions in meta.predictions go out as a prediction and come back with their scores', async () => {
  const withSuggestions = fc
    .tuple(arbitraryDoc({ allowCrossing: true }), arbitraryDoc({ scores: true }))
    .map(([doc, other]): Doc => {
      // Suggestions over the same text: reuse the doc's own spans with other labels and scores.
      const predictions = doc.entities.map((e, i) => ({
        ...e,
        label: other.entities[i]?.label ?? 'DATE',
        score: other.entities[i]?.score ?? 0.5,
      }));
      return { ...doc, name: '1', ...(predictions.length > 0 ? { meta: { predictions } } : {}) };
    });
  await fc.assert(
    fc.asyncProperty(withSuggestions, async (doc) => {
      const back = await decode((await encodeDocs(labelStudioCodec, [doc])).text);
      assert.deepEqual(back.issues, []);
      assert.deepEqual(back.docs, [doc]);
    }),
    { numRuns: 100 },
  );
});

test('offsets are code points, as Label Studio counts them ("🐱 Warning: This is a test text": "test" is 21..25)', async () => {
  const task = {
    data: { text: '🐱 Warning: This is a test text' },
    annotations: [
      {
        result: [
          {
            id: 'r1',
            from_name: 'tag',
            to_name: 'text',
            type: 'labels',
            value: { start: 21, end: 25, text: 'test', labels: ['region'] },
          },
        ],
      },
    ],
  };
  const { docs, issues } = await decode(JSON.stringify([task]));
  assert.deepEqual(issues, []);
  assert.deepEqual(docs[0].entities, [{ label: 'region', start: 21, end: 25 }]);
  const { text } = await encodeDocs(labelStudioCodec, docs);
  assert.deepEqual(JSON.parse(text), [task]);
});

test('an old export counting UTF-16 code units is recognised by its value.text, converted and warned about', async () => {
  const task = {
    data: { text: '😷 Hà Nội 🦠 Huế' },
    annotations: [
      {
        result: [
          {
            id: 'a',
            from_name: 'label',
            to_name: 'text',
            type: 'labels',
            value: { start: 3, end: 9, text: 'Hà Nội', labels: ['LOCATION'] },
          },
          {
            id: 'b',
            from_name: 'label',
            to_name: 'text',
            type: 'labels',
            value: { start: 13, end: 16, text: 'Huế', labels: ['LOCATION'] },
          },
        ],
      },
    ],
  };
  const { docs, issues } = await decode(JSON.stringify([task]));
  assert.deepEqual(where(issues), ['warning 1 [0]']);
  assert.match(issues[0].message, /UTF-16 code units/);
  assert.deepEqual(docs[0].entities, [
    { label: 'LOCATION', start: 2, end: 8 },
    { label: 'LOCATION', start: 11, end: 14 },
  ]);
  const out = JSON.parse((await encodeDocs(labelStudioCodec, docs)).text);
  assert.deepEqual(
    out[0].annotations[0].result.map((r: { value: { start: number } }) => r.value.start),
    [2, 11],
  );
  // Once per file, not once per task: the first task is named, the rest counted.
  const three = await decode(`[\n${[task, task, task].map((t) => JSON.stringify(t)).join(',\n')}\n]`);
  assert.equal(three.docs.length, 3);
  assert.deepEqual(where(three.issues), ['warning 2 [0]', 'warning - -']);
  assert.match(three.issues[1].message, /3 tasks/);
});

const FULL_TASK = {
  id: 42,
  data: { text: 'Bệnh nhân BN123 được chuyển đến Bệnh viện Đà Nẵng 😷 ngày 25/7.', source: 'bệnh án 12' },
  annotations: [
    { id: 1, was_cancelled: true, result: [] },
    {
      id: 2,
      completed_by: 7,
      lead_time: 12.5,
      result: [
        {
          value: { start: 10, end: 15, text: 'BN123', labels: ['PATIENT_ID'] },
          id: 'pid',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
          origin: 'manual',
        },
        {
          value: { start: 32, end: 49, text: 'Bệnh viện Đà Nẵng', labels: ['ORGANIZATION'] },
          id: 'org',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
          origin: 'prediction-changed',
        },
        {
          value: { start: 42, end: 49, text: 'Đà Nẵng', labels: ['LOCATION', 'CITY'] },
          id: 'loc',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
          origin: 'prediction',
        },
        {
          value: { start: 42, end: 49, text: ['thành phố'] },
          id: 'loc',
          from_name: 'note',
          to_name: 'text',
          type: 'textarea',
        },
        { from_id: 'loc', to_id: 'org', type: 'relation', direction: 'right', labels: ['located_in'] },
      ],
    },
    {
      id: 3,
      completed_by: 8,
      result: [
        {
          value: { start: 57, end: 61, text: '25/7', labels: ['DATE'] },
          id: 'd',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
        },
      ],
    },
  ],
  predictions: [
    {
      model_version: 'dnw-0.1',
      score: 0.71,
      result: [
        {
          value: { start: 42, end: 49, text: 'Đà Nẵng', labels: ['LOCATION'] },
          id: 'p1',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
          score: 0.93,
        },
        {
          value: { start: 57, end: 61, text: '25/7', labels: ['DATE'] },
          id: 'p2',
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
        },
      ],
    },
  ],
  meta: {},
  created_at: '2024-05-01T10:00:00Z',
};

test('a full task (cancelled and further annotations, relations, text areas, predictions, metadata) comes back whole', async () => {
  const { docs, issues } = await decode(JSON.stringify([FULL_TASK], null, 2));
  assert.deepEqual(issues, []);
  const doc = docs[0];
  assert.equal(doc.name, '42');
  // The first annotation not cancelled becomes the entities; a region with two labels becomes two entities.
  assert.deepEqual(doc.entities, [
    { label: 'PATIENT_ID', start: 10, end: 15 },
    { label: 'ORGANIZATION', start: 32, end: 49 },
    { label: 'LOCATION', start: 42, end: 49 },
    { label: 'CITY', start: 42, end: 49 },
  ]);
  assert.deepEqual(doc.meta?.predictions, [
    { label: 'LOCATION', start: 42, end: 49, score: 0.93 },
    { label: 'DATE', start: 57, end: 61, score: 0.71 },
  ]);
  const { text, issues: written } = await encodeDocs(labelStudioCodec, docs);
  assert.deepEqual(written, []);
  assert.equal(text, `[\n${JSON.stringify(FULL_TASK)}\n]\n`);
});

test('after edits, result ids stay; what pointed at a removed region is dropped with a warning; new regions get fresh ids', async () => {
  const { docs } = await decode(JSON.stringify([FULL_TASK]));
  const doc = docs[0];
  const edited: Doc = {
    ...doc,
    entities: [...doc.entities.filter((e) => e.start !== 42), { label: 'SYMPTOM', start: 0, end: 4 }],
  };
  const { text, issues } = await encodeDocs(labelStudioCodec, [edited]);
  const results = JSON.parse(text)[0].annotations[1].result;
  assert.deepEqual(
    results.map((r: { id: string; type: string }) => `${r.id}:${r.type}`),
    ['pid:labels', 'org:labels', 'wb1:labels'],
  );
  assert.deepEqual(results[2], {
    id: 'wb1',
    type: 'labels',
    from_name: 'label',
    to_name: 'text',
    value: { start: 0, end: 4, text: 'Bệnh', labels: ['SYMPTOM'] },
  });
  assert.deepEqual(where(issues), ['warning 1 annotations[1]', 'warning 1 annotations[1]']);
  assert.match(issues[0].message, /"loc" \(textarea\) dropped/);
  // Keeping one of the region's two labels keeps the region (and what points at it), with that label.
  const oneLabel = { ...doc, entities: doc.entities.filter((e) => e.label !== 'CITY') };
  const kept = JSON.parse((await encodeDocs(labelStudioCodec, [oneLabel])).text)[0].annotations[1].result;
  assert.deepEqual(
    kept.map((r: { id?: string }) => r.id ?? 'relation'),
    ['pid', 'org', 'loc', 'loc', 'relation'],
  );
  assert.deepEqual(kept[2].value.labels, ['LOCATION']);
});

test('removing a region that had no id drops nothing else', async () => {
  const lab = (start: number, end: number, text: string, id?: string) => ({
    ...(id ? { id } : {}),
    from_name: 'label',
    to_name: 'text',
    type: 'labels',
    value: { start, end, text, labels: ['L'] },
  });
  const task = {
    data: { text: 'Hà Nội, Huế' },
    annotations: [
      {
        result: [
          lab(0, 6, 'Hà Nội', 'a'),
          lab(8, 11, 'Huế', 'b'),
          lab(0, 2, 'Hà'),
          { from_id: 'a', to_id: 'b', type: 'relation', direction: 'right' },
        ],
      },
    ],
  };
  const { docs } = await decode(JSON.stringify([task]));
  const edited = { ...docs[0], entities: docs[0].entities.filter((e) => e.end !== 2) };
  const { text, issues } = await encodeDocs(labelStudioCodec, [edited]);
  assert.deepEqual(issues, []);
  assert.deepEqual(
    JSON.parse(text)[0].annotations[0].result.map((r: { type: string }) => r.type),
    ['labels', 'labels', 'relation'],
  );
});

test('JSON lines of tasks, and JSON_MIN rows, are read too', async () => {
  const lines = `${JSON.stringify({ data: { text: 'Huế' } })}\n\n${JSON.stringify({ id: 9, data: { text: 'Hà Nội' }, annotations: [{ result: [{ id: 'x', from_name: 'label', to_name: 'text', type: 'labels', value: { start: 3, end: 6, text: 'Nội', labels: ['L'] } }] }] })}\n`;
  const fromLines = await decode(lines);
  assert.deepEqual(fromLines.issues, []);
  assert.deepEqual(fromLines.lines, [1, 3]);
  assert.deepEqual(
    fromLines.docs.map((d) => [d.name, d.entities]),
    [
      ['1', []],
      ['9', [{ label: 'L', start: 3, end: 6 }]],
    ],
  );

  const min = [
    {
      id: 5,
      text: 'Bệnh viện Đà Nẵng',
      label: [
        { start: 0, end: 17, text: 'Bệnh viện Đà Nẵng', labels: ['ORGANIZATION'] },
        { start: 10, end: 17, text: 'Đà Nẵng', labels: ['LOCATION'] },
      ],
      annotator: 'a@b.vn',
      annotation_id: 3,
      created_at: 'c',
      updated_at: 'u',
      lead_time: 2.5,
    },
  ];
  const fromMin = await decode(JSON.stringify(min));
  assert.deepEqual(fromMin.issues, []);
  assert.deepEqual(fromMin.docs[0].entities, [
    { label: 'ORGANIZATION', start: 0, end: 17 },
    { label: 'LOCATION', start: 10, end: 17 },
  ]);
  const full = JSON.parse((await encodeDocs(labelStudioCodec, fromMin.docs)).text)[0];
  assert.deepEqual(Object.keys(full), ['id', 'data', 'annotations']);
  assert.deepEqual(full.annotations[0].completed_by, 'a@b.vn');
  assert.deepEqual(full.annotations[0].result[1].from_name, 'label');
});

test('bad tasks are errors naming the line and the path in the task; the other tasks still decode', async () => {
  const good = {
    data: { text: 'Huế' },
    annotations: [
      {
        result: [
          {
            id: 'a',
            from_name: 'l',
            to_name: 't',
            type: 'labels',
            value: { start: 0, end: 3, text: 'Huế', labels: ['L'] },
          },
        ],
      },
    ],
  };
  const withValue = (value: object, owner = 'annotations') => ({
    data: { text: 'Huế' },
    [owner]: [
      {
        result: [
          { id: 'a', type: 'labels', value: { labels: ['L'], ...value } },
          { id: 'b', type: 'labels', value: { start: 0, end: 3, labels: ['L'] } },
        ],
      },
    ],
  });
  const tasks = [
    good,
    { annotations: [] },
    { data: { a: 1 } },
    withValue({ start: 0, end: 9, text: 'Huế' }),
    withValue({ start: 2, end: 1 }),
    withValue({ start: 0, end: 2, text: 'Hà' }),
    withValue({ start: -1, end: 2 }, 'predictions'),
    { data: { text: 'Huế' }, annotations: 'none' },
    good,
  ];
  const text = `[\n${tasks.map((t) => JSON.stringify(t)).join(',\n')},\n{"data": {"text": "x"}, oops},\n${JSON.stringify(good)}\n]`;
  const { docs, issues, lines } = await decode(text, 11);
  assert.deepEqual(lines, [2, 10, 12]);
  assert.equal(docs.length, 3);
  assert.deepEqual(where(issues), [
    'error 3 [1].data',
    'error 4 [2].data.text',
    'error 5 [3].annotations[0].result[0].value.end',
    'error 6 [4].annotations[0].result[0].value.end',
    'error 7 [5].annotations[0].result[0].value.text',
    'error 8 [6].predictions[0].result[0].value.start',
    'error 9 [7].annotations',
    'error 11 [9]',
  ]);
  assert.match(issues[2].message, /end 9 is outside the text \(0\.\.3\) \(code points\)/);
  assert.match(issues[4].message, /the text at 0\.\.2 is "Hu", but value\.text is "Hà"/);
  assert.match(issues[7].message, /not valid JSON/);
});

test('a broken array structure stops with an error at its line; a non-JSON file is an error, an empty one a warning', async () => {
  const cut = await decode('[\n{"data": {"text": "Huế"}},\n{"data": {"text": "Hà');
  assert.equal(cut.docs.length, 1);
  assert.deepEqual(where(cut.issues), ['error 3 -']);
  assert.match(cut.issues[0].message, /cut off/);
  assert.deepEqual(where((await decode('  \n')).issues), ['warning 1 -']);
  assert.deepEqual(await decode('[]\n'), { docs: [], issues: [], lines: [] });
  assert.equal((await encodeDocs(labelStudioCodec, [])).text, '[]\n');
  assert.match((await decode('text,label\n')).issues[0].message, /expected a JSON array of tasks or JSON lines/);
});

test('export: a discontinuous entity becomes one region per fragment, with a warning; no value.text stays absent', async () => {
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
  const { text, issues } = await encodeDocs(labelStudioCodec, [doc]);
  assert.deepEqual(
    JSON.parse(text)[0].annotations[0].result.map((r: { value: object }) => r.value),
    [
      { start: 0, end: 3, text: 'đau', labels: ['SYMPTOM'] },
      { start: 11, end: 15, text: 'họng', labels: ['SYMPTOM'] },
    ],
  );
  assert.deepEqual(where(issues), ['warning 1 -']);

  const noText = [
    {
      data: { sentence: 'Hà Nội' },
      annotations: [
        {
          result: [
            {
              id: 'a',
              from_name: 'l',
              to_name: 's',
              type: 'labels',
              value: { start: 0, end: 6, labels: ['LOCATION'] },
            },
          ],
        },
      ],
    },
  ];
  const decoded = await decode(JSON.stringify(noText));
  assert.deepEqual(decoded.docs[0].text, 'Hà Nội');
  assert.deepEqual(JSON.parse((await encodeDocs(labelStudioCodec, decoded.docs)).text), noText);
});
