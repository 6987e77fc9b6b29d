import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBio, ioToIob2, isIob1, isIoTagged, nestingLevels } from '../../../core/bio.js';
import { conllCodec } from '../../../core/codecs/conll.js';
import type { Doc } from '../../../core/document.js';
import type { Source } from '../../../core/source.js';
import { arbitraryDocs, decodeText, encodeDocs } from '../../support/random-docs.js';

const decode = (text: string) => decodeText(conllCodec, 'f.conll', text);
const summary = (issues: { severity: string; line?: number; field?: string }[]) =>
  issues.map((i) => `${i.severity} ${i.line ?? '-'} ${i.field ?? '-'}`);

test('without -DOCSTART- each sentence is a document named by its first line', async () => {
  const { docs, issues, lines } = await decode(
    'Bệnh\tO\nnhân\tO\nBN123\tB-PATIENT_ID\n\n\nở O\nHà B-LOCATION\nNội I-LOCATION\n',
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [1, 6]);
  assert.deepEqual(docs[0], {
    name: '1',
    text: 'Bệnh nhân BN123',
    entities: [{ label: 'PATIENT_ID', start: 10, end: 15 }],
    tokens: [
      { start: 0, end: 4 },
      { start: 5, end: 9 },
      { start: 10, end: 15 },
    ],
  });
  assert.deepEqual(docs[1].entities, [{ label: 'LOCATION', start: 2, end: 8 }]);
});

test('-DOCSTART- groups sentences into one document; text joins sentences with "\\n"; CRLF and NFD input', async () => {
  const source = [
    '-DOCSTART- -X- O O',
    '',
    'Sốt\tB-SYMPTOM',
    'cao\tI-SYMPTOM',
    '',
    'Hà\tB-LOC',
    '',
    '-DOCSTART-',
    'x\tO',
    '',
  ]
    .join('\r\n')
    .normalize('NFD');
  const { docs, issues, lines } = await decode(source);
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [1, 8]);
  assert.deepEqual(docs[0], {
    name: '1',
    text: 'Sốt cao\nHà',
    entities: [
      { label: 'SYMPTOM', start: 0, end: 7 },
      { label: 'LOC', start: 8, end: 10 },
    ],
    tokens: [
      { start: 0, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 10 },
    ],
    meta: { docstart: '-DOCSTART- -X- O O' },
  });
  assert.deepEqual(docs[1], { name: '8', text: 'x', entities: [], tokens: [{ start: 0, end: 1 }] });
});

test('nested entities: one tag column per level, outermost first', async () => {
  const { docs } = await decode(
    ['Bệnh\tB-ORG\tO\tO', 'viện\tI-ORG\tO\tO', 'Hà\tI-ORG\tB-LOC\tB-CITY', 'Nội\tI-ORG\tI-LOC\tI-CITY'].join('\n'),
  );
  assert.deepEqual(docs[0].entities, [
    { label: 'ORG', start: 0, end: 16 },
    { label: 'CITY', start: 10, end: 16 },
    { label: 'LOC', start: 10, end: 16 },
  ]);
  const out = await encodeDocs(conllCodec, docs);
  assert.equal(
    out.text,
    'Bệnh\tB-ORG\tO\tO\nviện\tI-ORG\tO\tO\nHà\tI-ORG\tB-CITY\tB-LOC\nNội\tI-ORG\tI-CITY\tI-LOC\n\n',
  );
});

test('bad lines are errors naming line and column; the sentence is dropped and decoding goes on', async () => {
  const source = [
    'a\tO\tO',
    'b\tO',
    'c\tO\tO\tO',
    '',
    'd\tX-LOC',
    'e\tB-',
    '',
    'f\tO',
    '\tO',
    '',
    'g\tI-LOC',
    'h\tO',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(summary(issues), [
    'error 2 column 3',
    'error 3 column 4',
    'error 5 column 2',
    'error 6 column 2',
    'error 9 column 1',
    'warning 11 column 2',
  ]);
  assert.equal(issues[0].message, "2 columns, but this sentence's first line (1) has 3");
  assert.equal(issues[2].message, 'tag "X-LOC" is not O, B-LABEL or I-LABEL (or BIOES / BILOU: E-, S-, L-, U-)');
  assert.equal(issues[4].message, 'empty token');
  // No B- tag before it: the file reads as IO-tagged so far (see the IO tests below).
  assert.match(
    issues[5].message,
    /^"I-LOC" starts an entity and no B- tag came before it: the file reads as IO-tagged/,
  );
  assert.deepEqual(
    docs.map((d) => d.text),
    ['g h'],
  );
});

test('comment lines are kept in meta and written back before their sentence', async () => {
  const source =
    '# sent_id = 1\n# text = Sốt cao\nSốt\tB-S\ncao\tI-S\n\n-DOCSTART-\n\n# a\nx\tO\n\n# b\ny\tO\n\n# after\n';
  const { docs, issues } = await decode(source);
  assert.deepEqual(issues, []);
  assert.deepEqual(docs[0].meta, {
    comments: [
      { sentence: 0, text: '# sent_id = 1' },
      { sentence: 0, text: '# text = Sốt cao' },
    ],
  });
  assert.deepEqual(docs[1].meta, {
    comments: [
      { sentence: 0, text: '# a' },
      { sentence: 1, text: '# b' },
      { sentence: 2, text: '# after' },
    ],
  });
  assert.equal((await encodeDocs(conllCodec, docs)).text, source);
});

test('an empty file is a warning "no documents"; trailing comments without a sentence are reported', async () => {
  assert.deepEqual((await decode('')).issues, [{ severity: 'warning', file: 'f.conll', message: 'no documents' }]);
  const { docs, issues } = await decode('a\tO\n\n# lost\n');
  assert.equal(docs.length, 1);
  assert.deepEqual(
    issues.map((i) => i.message),
    ['1 comment line(s) after the last sentence are not kept'],
  );
});

test('export of an untokenised doc: tokenises, sentences at line breaks, reports what it cannot hold', async () => {
  const doc: Doc = {
    name: 'ca',
    text: 'Bệnh nhân  BN123\r\nsốt, ho.',
    entities: [
      { label: 'A', start: 5, end: 22 }, // over the line break
      { label: 'B', start: 11, end: 14 }, // inside "BN123"
      {
        label: 'C',
        start: 18,
        end: 25,
        fragments: [
          { start: 18, end: 21 },
          { start: 23, end: 25 },
        ],
      },
      { label: 'bad\tlabel', start: 0, end: 4 }, // a tab (no label can have one now) would split the columns
    ],
  };
  const { text, issues } = await encodeDocs(conllCodec, [
    doc,
    { name: 'next', text: 'x', entities: [] },
    { name: 'empty', text: ' ', entities: [] },
  ]);
  // Levels are filled outer-first in order of start: C (sốt..ho) takes column 2 after A's first part ends.
  assert.equal(
    text,
    '-DOCSTART-\n\nBệnh\tO\tO\nnhân\tB-A\tO\nBN123\tI-A\tB-B\n\nsốt\tB-C\tB-A\n,\tI-C\tI-A\nho\tI-C\tO\n.\tO\tO\n\n-DOCSTART-\n\nx\tO\n\n',
  );
  assert.deepEqual(summary(issues), [
    'warning - entities[1]',
    'warning - entities[2]',
    'warning - entities[3]',
    'warning - entities[0]',
    'warning - -',
  ]);
  assert.match(issues[0].message, /does not fall on token boundaries; written as "BN123"/);
  assert.match(issues[3].message, /runs over a sentence break/);
  assert.match(issues[4].message, /no tokens/);
});

test('property: docs with up to 3 nested (and crossing) levels round-trip, names aside, from NFD and CRLF too', async () => {
  await fc.assert(
    fc.asyncProperty(
      arbitraryDocs({ tokenised: true, wordTokens: true, allowCrossing: true, maxLevels: 3, maxLines: 3 }),
      fc.integer({ min: 1, max: 30 }),
      async (docs, chunkSize) => {
        const { text, issues } = await encodeDocs(conllCodec, docs);
        assert.deepEqual(issues, []);
        for (const doc of docs) assert.ok(nestingLevels(doc.entities).length <= 3);
        const decoded = await decodeText(conllCodec, 'x.conll', text, { chunkSize });
        assert.deepEqual(
          decoded.issues,
          docs.length === 0 ? [{ severity: 'warning', file: 'x.conll', message: 'no documents' }] : [],
        );
        const unnamed = (list: Doc[]) => list.map((d) => ({ ...d, name: '' }));
        assert.deepEqual(unnamed(decoded.docs), unnamed(docs));
        assert.deepEqual(
          unnamed((await decodeText(conllCodec, 'x.conll', text.normalize('NFD').replace(/\n/g, '\r\n'))).docs),
          unnamed(docs),
        );
      },
    ),
    { numRuns: 150 },
  );
});

test('decoding streams: the first document comes before the source is read to the end', async () => {
  let chunksRead = 0;
  const source: Source = {
    name: 'big.conll',
    async *chunks() {
      for (let i = 0; i < 100_000; i++) {
        chunksRead++;
        yield `bệnh\tO\nBN${i}\tB-PATIENT_ID\n\n`;
      }
    },
  };
  for await (const event of conllCodec.decode({ source, sibling: () => undefined })) {
    assert.equal(event.kind, 'doc');
    break;
  }
  assert.ok(chunksRead < 10, `read ${chunksRead} chunks before the first document`);
});

test('IO-tagged file (I- tags only): runs of one label are one entity, one warning for the whole file', async () => {
  const source = [
    'Bệnh\tO',
    'nhân\tO',
    'ở\tO',
    'Hà\tI-LOCATION',
    'Nội\tI-LOCATION',
    'Đà\tI-LOCATION',
    '', // a run: one entity
    'Sốt\tI-SYMPTOM',
    'cao\tI-SYMPTOM',
    ',\tO',
    'ho\tI-SYMPTOM',
    'Huế\tI-LOCATION',
    '',
    '-DOCSTART-',
    '',
    'BN91\tI-PATIENT_ID',
    'ở\tO',
    'Đà\tI-LOCATION',
    'Nẵng\tI-LOCATION',
    '',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(summary(issues), ['warning 4 column 2']);
  assert.match(
    issues[0].message,
    /"I-LOCATION" starts an entity .* IO-tagged \(I- tags only\), where a run of I- tags of one label is one entity; such tags are not reported one by one/,
  );
  const spans = (doc: Doc) => doc.entities.map((e) => `${e.label} ${[...doc.text].slice(e.start, e.end).join('')}`);
  assert.deepEqual(docs.map(spans), [
    ['LOCATION Hà Nội Đà'],
    ['SYMPTOM Sốt cao', 'SYMPTOM ho', 'LOCATION Huế'],
    ['PATIENT_ID BN91', 'LOCATION Đà Nẵng'],
  ]);
  // Exported as BIO, it reads back with no warning at all and the same entities.
  const back = await decode((await encodeDocs(conllCodec, docs)).text);
  assert.deepEqual(back.issues, []);
  assert.deepEqual(back.docs.map(spans), docs.map(spans));
});

test('IO-tagged nested columns: one warning for the file, whichever column comes first', async () => {
  const { docs, issues } = await decode(
    ['Bệnh\tI-ORG\tO', 'viện\tI-ORG\tO', 'Hà\tI-ORG\tI-LOC', 'Nội\tI-ORG\tI-LOC', '', 'Huế\tO\tI-LOC'].join('\n'),
  );
  assert.deepEqual(summary(issues), ['warning 1 column 2']);
  assert.deepEqual(
    docs.map((d) => d.entities.length),
    [2, 1],
  );
});

test('a file that turns to BIO after IO lines: one note where it turns, then stray I- tags one by one; BIO files as before', async () => {
  const source = [
    'Hà\tI-LOC',
    'Nội\tI-LOC',
    'và\tO',
    'Huế\tI-LOC',
    '', // two IO starts (lines 1, 4)
    'Sốt\tI-SYM',
    'BN1\tB-ID',
    'x\tO',
    'ho\tI-SYM',
    '', // line 6 is an IO start (before the first B- on line 7); line 9 is stray
    'Huế\tI-LOC',
    '',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(summary(issues), ['warning 1 column 2', 'warning 7 -', 'warning 9 column 2', 'warning 11 column 2']);
  assert.match(
    issues[1].message,
    /first B- tag of a file that read as IO-tagged until here: the file mixes IO and BIO; the 3 I- tag\(s\) above/,
  );
  assert.equal(issues[2].message, '"I-SYM" does not continue an entity; read as B-SYM');
  // The entities are the same either way: each I- start is an entity.
  assert.deepEqual(
    docs.map((d) => d.entities.map((e) => e.label)),
    [['LOC', 'LOC'], ['SYM', 'ID', 'SYM'], ['LOC']],
  );

  // A BIO file: the stray I- after a B- is reported as before, and nothing about IO.
  const bio = await decode(['Hà\tB-LOC', 'Nội\tI-LOC', '', 'x\tO', 'Huế\tI-LOC', 'Nội\tI-LOC', ''].join('\n'));
  assert.deepEqual(summary(bio.issues), ['warning 5 column 2']);
  assert.equal(bio.issues[0].message, '"I-LOC" does not continue an entity; read as B-LOC');
  assert.deepEqual(
    bio.docs.map((d) => d.entities.length),
    [1, 1],
  );
});

test('an IO-tagged file still streams: its first document comes before the source is read to the end', async () => {
  let chunksRead = 0;
  const source: Source = {
    name: 'io.conll',
    async *chunks() {
      for (let i = 0; i < 100_000; i++) {
        chunksRead++;
        yield `ở\tO\nHà\tI-LOCATION\nNội\tI-LOCATION\n\n`;
      }
    },
  };
  const events: string[] = [];
  for await (const event of conllCodec.decode({ source, sibling: () => undefined })) {
    events.push(event.kind);
    if (event.kind === 'doc') break;
  }
  assert.deepEqual(events, ['issue', 'doc']);
  assert.ok(chunksRead < 10, `read ${chunksRead} chunks before the first document`);
});

test('isIoTagged / ioToIob2 (what eval uses): a run of one label becomes B- then I-; any B- means not IO', () => {
  assert.equal(isIoTagged([['O', 'I-A'], ['I-B']]), true);
  assert.equal(isIoTagged([['O', 'I-A'], ['B-B']]), false);
  assert.equal(isIoTagged([['O', 'O']]), false);
  const io = ['I-A', 'I-A', 'I-B', 'O', 'I-B', 'I-B'];
  assert.deepEqual(ioToIob2(io), ['B-A', 'I-A', 'B-B', 'O', 'B-B', 'I-B']);
  // Strict IOB2 of the converted tags finds what repair finds in the IO tags.
  assert.deepEqual(decodeBio(ioToIob2(io), 'strict'), decodeBio(io, 'repair'));
  assert.deepEqual(ioToIob2(['B-A', 'I-A', 'I-A']), ['B-A', 'I-A', 'I-A']);
});

test('BIOES and BILOU files import as the spans they mark, without a warning', async () => {
  const bioes = ['Bệnh\tO', 'nhân\tS-ROLE', 'ở\tO', 'Hà\tB-LOCATION', 'Nội\tE-LOCATION', 'Huế\tS-LOCATION', ''];
  const bilou = bioes.map((line) => line.replace('\tS-', '\tU-').replace('\tE-', '\tL-'));
  for (const source of [bioes, bilou]) {
    const { docs, issues } = await decode(source.join('\n'));
    assert.deepEqual(issues, []);
    assert.deepEqual(docs[0].entities, [
      { label: 'ROLE', start: 5, end: 9 },
      { label: 'LOCATION', start: 12, end: 18 },
      { label: 'LOCATION', start: 19, end: 22 },
    ]);
  }
});

test('isIob1: I- starts entities and every B- follows its own label; an IOB2 file (B- after O) is not IOB1', () => {
  assert.equal(
    isIob1([
      ['I-A', 'I-A', 'B-A', 'O', 'I-B'],
      ['O', 'I-B'],
    ]),
    true,
  );
  assert.deepEqual(ioToIob2(['I-A', 'I-A', 'B-A', 'O', 'I-B']), ['B-A', 'I-A', 'B-A', 'O', 'B-B']);
  assert.equal(isIob1([['B-A', 'I-A', 'O', 'I-B']]), false); // IOB2 with a stray I-
  assert.equal(isIob1([['I-A', 'B-B']]), false); // a B- after another label
  assert.equal(isIob1([['I-A', 'O']]), false); // IO: no B- at all
  assert.equal(isIob1([['O']]), false);
});

test('columns without tags between the token and the tags (POS) are skipped, with one warning', async () => {
  const source = [
    'Bệnh\tN\tO',
    'viện\tN\tO',
    'Bạch_Mai\tNp\tB-ORG',
    'ở\tE\tO',
    'Hà_Nội\tNp\tB-LOC',
    '',
    'Sốt\tV\tB-SYM',
    'cao\tA\tI-SYM',
    '',
    'Ho\tV',
    '',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(
    issues.map((i) => `${i.severity} ${i.line} ${i.field}: ${i.message}`),
    [
      'warning 1 column 2: no entity tags (POS or chunk columns?): skipped; entities are read from column 3',
      "error 10 column 2: 2 columns: no tag column after the file's 2 columns of tokens and features",
    ],
  );
  assert.deepEqual(
    docs.map((d) => d.entities.map((e) => `${e.label} ${d.text.slice(e.start, e.end)}`)),
    [['ORG Bạch_Mai', 'LOC Hà_Nội'], ['SYM Sốt cao']],
  );
});

test('a chunk column (B-NP) after the POS column is skipped too; nested entity columns after it are read', async () => {
  // VLSP 2016's layout: token, POS, chunk, entities, nested entities.
  const source = [
    'Bệnh\tN\tB-NP\tB-ORG\tO',
    'viện\tN\tI-NP\tI-ORG\tO',
    'Hà\tNp\tI-NP\tI-ORG\tB-LOC',
    'Nội\tNp\tI-NP\tI-ORG\tI-LOC',
    'quá\tR\tB-AP\tO\tO',
    'tải\tV\tB-VP\tO\tO',
    '.\tCH\tO\tO\tO',
    '',
    'Phổi\tN\tB-NP\tB-ORGAN\tO',
    '',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(
    issues.map((i) => `${i.line} ${i.field}: ${i.message}`),
    ['1 columns 2–3: no entity tags (POS or chunk columns?): skipped; entities are read from columns 4–5'],
  );
  assert.deepEqual(
    docs.map((d) => d.entities.map((e) => `${e.label} ${d.text.slice(e.start, e.end)}`)),
    [['ORG Bệnh viện Hà Nội', 'LOC Hà Nội'], ['ORGAN Phổi']],
  );
  // An entity column is mostly O, so a label that happens to be a phrase type is still an entity label.
  const ner = await decode(['Ông\tB-NP\tO', 'ấy\tO\tO', 'đến\tO\tO', 'viện\tO\tB-ORG', ''].join('\n'));
  assert.deepEqual(ner.issues, []);
  assert.deepEqual(
    ner.docs[0].entities.map((e) => e.label),
    ['NP', 'ORG'],
  );
});

test('an IOB1 file (CoNLL-2003 style: B- only between touching entities of one label) warns once, like IO', async () => {
  const source = [
    'Hà\tI-LOC',
    'Nội\tI-LOC',
    'Huế\tB-LOC',
    'và\tO',
    'Sở\tI-ORG',
    'Y\tI-ORG',
    'tế\tI-ORG',
    '',
    'BN91\tI-PATIENT',
    '',
  ].join('\n');
  const { docs, issues } = await decode(source);
  assert.deepEqual(summary(issues), ['warning 1 column 2']);
  assert.deepEqual(
    docs.map((d) => d.entities.map((e) => `${e.label} ${d.text.slice(e.start, e.end)}`)),
    [['LOC Hà Nội', 'LOC Huế', 'ORG Sở Y tế'], ['PATIENT BN91']],
  );
});
