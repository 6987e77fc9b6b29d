import assert from 'node:assert/strict';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { conllCodec } from '../../../core/codecs/conll.js';
import { phonerCodec } from '../../../core/codecs/phoner.js';
import type { Doc } from '../../../core/document.js';
import type { Source } from '../../../core/source.js';
import { arbitraryDoc, arbitraryDocs, decodeText, encodeDocs } from '../../support/random-docs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const phonerDir = path.resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');
const noData = !existsSync(phonerDir) && 'PhoNER_COVID19 not found at ../shared/data';

const record = (words: string[], tags: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ words, tags, ...extra });
const decode = (text: string, variant?: string) => decodeText(phonerCodec, 'f.jsonl', text, { variant });
const errors = (issues: { severity: string }[]) => issues.filter((i) => i.severity === 'error');

test('decodes a syllable record: text, tokens, entities on code points, name = line number', async () => {
  const { docs, issues, lines } = await decode(
    `\n${record(['Bệnh', 'nhân', 'BN123', 'ở', 'Hà', 'Nội'], ['O', 'O', 'B-PATIENT_ID', 'O', 'B-LOCATION', 'I-LOCATION'])}\n`,
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [2]);
  assert.deepEqual(docs[0], {
    name: '2',
    text: 'Bệnh nhân BN123 ở Hà Nội',
    entities: [
      { label: 'PATIENT_ID', start: 10, end: 15 },
      { label: 'LOCATION', start: 18, end: 24 },
    ],
    tokens: [0, 5, 10, 16, 18, 21].map((start, i) => ({ start, end: start + [4, 4, 5, 1, 2, 3][i] })),
  });
});

test('NFD words become NFC text with entities on the same tokens', async () => {
  const words = ['Bệnh', 'viện', 'Việt', 'Đức', '😷'];
  const tags = ['B-ORGANIZATION', 'I-ORGANIZATION', 'I-ORGANIZATION', 'I-ORGANIZATION', 'O'];
  const nfc = await decode(record(words, tags));
  const nfd = await decode(
    record(
      words.map((w) => w.normalize('NFD')),
      tags,
    ),
  );
  assert.deepEqual(nfd, nfc);
  assert.equal(nfd.docs[0].text, 'Bệnh viện Việt Đức 😷');
  assert.deepEqual(nfd.docs[0].entities, [{ label: 'ORGANIZATION', start: 0, end: 18 }]);
});

test('word level: "_" joins syllables in the file, spaces in the text, one token per word', async () => {
  const source = record(
    ['Bệnh_viện', 'Bạch_Mai', 'có', '_', 'a__b'],
    ['B-ORGANIZATION', 'I-ORGANIZATION', 'O', 'O', 'O'],
  );
  const { docs } = await decode(source, 'word');
  assert.equal(docs[0].text, 'Bệnh viện Bạch Mai có _ a__b');
  assert.deepEqual(docs[0].tokens?.slice(0, 2), [
    { start: 0, end: 9 },
    { start: 10, end: 18 },
  ]);
  assert.deepEqual(docs[0].entities, [{ label: 'ORGANIZATION', start: 0, end: 18 }]);
  const written = (await encodeDocs(phonerCodec, docs, { variant: 'word' })).text;
  assert.equal(
    written,
    '{"words": ["Bệnh_viện", "Bạch_Mai", "có", "_", "a__b"], "tags": ["B-ORGANIZATION", "I-ORGANIZATION", "O", "O", "O"]}\n',
  );
  const syllables = JSON.parse((await encodeDocs(phonerCodec, docs)).text);
  assert.deepEqual(syllables.words, ['Bệnh', 'viện', 'Bạch', 'Mai', 'có', '_', 'a__b']);
  assert.deepEqual(syllables.tags, [
    'B-ORGANIZATION',
    'I-ORGANIZATION',
    'I-ORGANIZATION',
    'I-ORGANIZATION',
    'O',
    'O',
    'O',
  ]);
});

test('an I- without B- is repaired and reported with line and tags[i]', async () => {
  const { docs, issues } = await decode(
    `${record(['a'], ['O'])}\r\n${record(['sốt', 'cao'], ['O', 'I-SYMPTOM_AND_DISEASE'])}`,
  );
  assert.deepEqual(issues, [
    {
      severity: 'warning',
      file: 'f.jsonl',
      line: 2,
      field: 'tags[1]',
      message: '"I-SYMPTOM_AND_DISEASE" does not continue an entity; read as B-SYMPTOM_AND_DISEASE',
    },
  ]);
  assert.deepEqual(docs[1].entities, [{ label: 'SYMPTOM_AND_DISEASE', start: 4, end: 7 }]);
});

test('bad records are errors naming line and field, and decoding goes on', async () => {
  const lines = [
    '{"words": ["a"], "tags": ["O"]', // 1: malformed JSON
    '[1, 2]', // 2
    JSON.stringify({ tags: ['O'] }), // 3
    JSON.stringify({ words: 'a b', tags: ['O'] }), // 4
    JSON.stringify({ words: ['a', 7], tags: ['O', 'O'] }), // 5
    record(['a', 'b'], ['O']), // 6
    record(['a', 'b', 'c', 'd'], ['O', 'X-LOC', 'B-', 'B-LOC']), // 7
    record(['a', '', ' '], ['O', 'O', 'O']), // 8
    record(['a\nb'], ['O']), // 9
    record(['ok'], ['B-LOC']), // 10
  ];
  const { docs, issues } = await decode(lines.join('\n'));
  assert.deepEqual(
    docs.map((d) => d.name),
    ['10'],
  );
  const where = issues.map((i) => `${i.severity} ${i.line} ${i.field ?? '-'}`);
  assert.deepEqual(where, [
    'error 1 -',
    'error 2 -',
    'error 3 words',
    'error 4 words',
    'error 5 words[1]',
    'error 6 tags',
    'error 7 tags[1]',
    'error 7 tags[2]',
    'error 8 words[1]',
    'error 8 words[2]',
    'error 9 words[0]',
  ]);
  assert.match(issues[0].message, /^malformed JSON: /);
  assert.deepEqual(
    issues.slice(2, 7).map((i) => i.message),
    [
      'missing',
      'is not an array',
      'is not a string (7)',
      '1 tags for 2 words',
      'tag "X-LOC" is not O, B-LABEL or I-LABEL (or BIOES / BILOU: E-, S-, L-, U-)',
    ],
  );
  assert.equal(issues[8].message, 'empty word');
});

test('an empty file, or one of blank lines, is a warning "no documents"', async () => {
  for (const text of ['', '\n\r\n  \n']) {
    assert.deepEqual((await decode(text)).issues, [{ severity: 'warning', file: 'f.jsonl', message: 'no documents' }]);
  }
});

test('a JSON array file is one error, not one per line', async () => {
  const { docs, issues } = await decode(`[\n  ${record(['a'], ['O'])}\n]`);
  assert.equal(docs.length, 0);
  assert.equal(issues.length, 1);
  assert.match(issues[0].message, /JSON array/);
});

test('extra keys are kept in meta and written back; an id names the record', async () => {
  const text = [
    record(['a'], ['O'], { id: 'ca-7', split: 'train' }),
    record(['b'], ['O'], { id: 12 }),
    record(['c'], ['O']),
  ].join('\n');
  const { docs } = await decode(text);
  assert.deepEqual(
    docs.map((d) => [d.name, d.meta]),
    [
      ['ca-7', { split: 'train' }],
      ['12', { id: 12 }],
      ['3', undefined],
    ],
  );
  const out = (await encodeDocs(phonerCodec, docs)).text.split('\n');
  assert.deepEqual(JSON.parse(out[0]), { words: ['a'], tags: ['O'], split: 'train', id: 'ca-7' });
  assert.deepEqual(JSON.parse(out[1]), { words: ['b'], tags: ['O'], id: 12 });
  assert.deepEqual(JSON.parse(out[2]), { words: ['c'], tags: ['O'] });
});

test('export keeps the outermost level and reports every dropped, widened or discontinuous entity', async () => {
  // No tokens: the export tokenises "Bệnh viện Bạch Mai, Hà Nội".
  const doc: Doc = {
    name: 'ca',
    text: 'Bệnh viện Bạch Mai, Hà Nội',
    entities: [
      { label: 'ORG', start: 0, end: 18 },
      { label: 'LOC', start: 10, end: 18 }, // nested in ORG
      { label: 'X', start: 15, end: 22 }, // crosses ORG
      { label: 'LOC', start: 20, end: 24 }, // "Hà N": not on a token boundary
      {
        label: 'D',
        start: 0,
        end: 9,
        fragments: [
          { start: 0, end: 4 },
          { start: 5, end: 9 },
        ],
      },
    ],
  };
  const { text, issues } = await encodeDocs(phonerCodec, [doc]);
  assert.deepEqual(JSON.parse(text), {
    words: ['Bệnh', 'viện', 'Bạch', 'Mai', ',', 'Hà', 'Nội'],
    tags: ['B-ORG', 'I-ORG', 'I-ORG', 'I-ORG', 'O', 'B-LOC', 'I-LOC'],
    id: 'ca',
  });
  assert.deepEqual(
    issues.map((i) => `${i.severity} ${i.file} ${i.field}`),
    [
      'warning ca entities[3]',
      'warning ca entities[4]',
      'warning ca entities[4]',
      'warning ca entities[1]',
      'warning ca entities[2]',
    ],
  );
  assert.match(issues[0].message, /"Hà N" does not fall on token boundaries; written as "Hà Nội"/);
  assert.match(issues[1].message, /discontinuous/);
  assert.match(issues[3].message, /dropped LOC "Bạch Mai", nested in ORG "Bệnh viện Bạch Mai"/);
  assert.match(issues[4].message, /dropped X "Mai, Hà", crossing ORG/);
});

test('property: flat docs round-trip through both variants; chunked input decodes the same', async () => {
  for (const [variant, wordTokens] of [
    ['syllable', false],
    ['word', true],
    ['word', false],
  ] as const) {
    await fc.assert(
      fc.asyncProperty(
        arbitraryDocs({ tokenised: true, wordTokens, maxLines: 1, maxLevels: 1 }),
        fc.integer({ min: 1, max: 40 }),
        async (docs, chunkSize) => {
          const { text, issues } = await encodeDocs(phonerCodec, docs, { variant });
          assert.deepEqual(issues, []);
          const decoded = await decodeText(phonerCodec, 'x.jsonl', text, { variant, chunkSize });
          assert.deepEqual(
            decoded.issues,
            docs.length === 0 ? [{ severity: 'warning', file: 'x.jsonl', message: 'no documents' }] : [],
          );
          assert.deepEqual(decoded.docs, docs);
          // Decomposed input reads back to the same NFC docs, entities on the same words.
          const nfdWords = text.split('\n').map((l) =>
            l === ''
              ? l
              : JSON.stringify({
                  ...JSON.parse(l),
                  words: JSON.parse(l).words.map((w: string) => w.normalize('NFD')),
                }),
          );
          assert.deepEqual((await decodeText(phonerCodec, 'x.jsonl', nfdWords.join('\n'), { variant })).docs, docs);
        },
      ),
      { numRuns: 60 },
    );
  }
});

test('property: nested docs export their outermost level and report each inner entity once', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryDoc({ tokenised: true, maxLines: 1, allowCrossing: true }), async (doc) => {
      const { text, issues } = await encodeDocs(phonerCodec, [doc]);
      const back = (await decodeText(phonerCodec, 'x', text)).docs[0];
      assert.equal(back.entities.length + issues.length, doc.entities.length);
      for (const e of back.entities)
        assert.ok(doc.entities.some((d) => d.label === e.label && d.start === e.start && d.end === e.end));
    }),
    { numRuns: 100 },
  );
});

test('decoding streams: the first document comes before the source is read to the end', async () => {
  let chunksRead = 0;
  const source: Source = {
    name: 'big.jsonl',
    async *chunks() {
      for (let i = 0; i < 100_000; i++) {
        chunksRead++;
        yield `${record(['bệnh', 'nhân', String(i)], ['O', 'O', 'B-PATIENT_ID'])}\n`;
      }
    },
  };
  for await (const event of phonerCodec.decode({ source, sibling: () => undefined })) {
    assert.equal(event.kind, 'doc');
    break;
  }
  assert.ok(chunksRead < 10, `read ${chunksRead} chunks before the first document`);
});

function fileSource(file: string): Source {
  return {
    name: path.basename(file),
    chunks: () => createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 }) as AsyncIterable<string>,
  };
}

async function decodeFile(file: string, variant: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  for await (const event of phonerCodec.decode({ source: fileSource(file), sibling: () => undefined }, { variant })) {
    if (event.kind === 'issue') assert.fail(`${event.issue.line}: ${event.issue.message}`);
    docs.push(event.doc);
  }
  return docs;
}

test(
  'real data: every PhoNER_COVID19 sentence decodes and re-encodes to the same tags, also through CoNLL',
  { skip: noData },
  async () => {
    let sentences = 0;
    for (const split of ['train', 'dev', 'test']) {
      for (const variant of ['syllable', 'word']) {
        const file = path.join(phonerDir, `${split}_${variant}.jsonl`);
        const original = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as { words: string[]; tags: string[] });
        const docs = await decodeFile(file, variant);
        assert.equal(docs.length, original.length);
        const encoded = await encodeDocs(phonerCodec, docs, { variant });
        assert.deepEqual(encoded.issues, []);
        const rawLines = encoded.text.split('\n').slice(0, -1);
        const lines = rawLines.map((l) => JSON.parse(l) as { words: string[]; tags: string[] });
        const originalLines = readFileSync(file, 'utf8').split('\n');
        lines.forEach((back, i) => {
          // json.dumps layout: a line with no NFD word comes back byte for byte.
          if (original[i].words.every((w) => w === w.normalize('NFC'))) assert.equal(rawLines[i], originalLines[i]);
          assert.deepEqual(back.tags, original[i].tags, `${file}:${i + 1} tags`);
          assert.deepEqual(
            back.words,
            original[i].words.map((w) => w.normalize('NFC')),
            `${file}:${i + 1} words`,
          );
        });
        if (variant === 'word') continue;
        sentences += docs.length;
        const conll = await encodeDocs(conllCodec, docs);
        assert.deepEqual(conll.issues, []);
        const viaConll = await decodeText(conllCodec, 'x.conll', conll.text);
        assert.deepEqual(viaConll.issues, []);
        const again = (await encodeDocs(phonerCodec, viaConll.docs)).text.split('\n').slice(0, -1);
        again.forEach((l, i) => assert.deepEqual(JSON.parse(l).tags, original[i].tags, `${file}:${i + 1} via CoNLL`));
      }
    }
    assert.equal(sentences, 10_027);
  },
);
