// brat corpora over CRLF text: offsets counted with each CRLF as one character (a Windows file read by Python in
// text mode) or as two (the file as it is). Either way import -> export gives the source's .ann back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bratCodec } from '../../../core/codecs/brat.js';
import { CrlfAsOne } from '../../../core/codecs/brat-crlf.js';
import type { Doc } from '../../../core/document.js';
import type { Issue } from '../../../core/issues.js';
import { stringSource } from '../../../core/source.js';
import { encodeDocs } from '../../support/random-docs.js';

type Files = Record<string, string>;

/** Decodes every .txt of a corpus with its siblings. */
async function decodeCorpus(files: Files): Promise<{ docs: Doc[]; issues: Issue[] }> {
  const docs: Doc[] = [];
  const issues: Issue[] = [];
  for (const main of Object.keys(files).filter((p) => p.endsWith('.txt'))) {
    const input = {
      source: stringSource(main, files[main]),
      sibling: (name: string) => (name in files ? stringSource(name, files[name]) : undefined),
    };
    for await (const event of bratCodec.decode(input)) {
      if (event.kind === 'doc') docs.push(event.doc);
      else issues.push(event.issue);
    }
  }
  return { docs, issues };
}

async function encodeCorpus(docs: Doc[]): Promise<{ files: Files; issues: Issue[] }> {
  const { parts, issues } = await encodeDocs(bratCodec, docs);
  return { files: Object.fromEntries(parts.map((p) => [p.path!, p.text])), issues };
}

// The reference for offsets, independent of the codec: code points of the text as the counting tool saw it (with
// CRLF read as LF when it counts CRLF as one).
function offsets(text: string, needle: string, crlfAsOne: boolean, nth = 0): string {
  const seen = crlfAsOne ? text.replace(/\r\n/g, '\n') : text;
  const wanted = crlfAsOne ? needle.replace(/\r\n/g, '\n') : needle;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = seen.indexOf(wanted, at + 1);
  assert.ok(at >= 0, `${needle} not in text`);
  const start = [...seen.slice(0, at)].length;
  return `${start} ${start + [...wanted].length}`;
}

interface Line {
  id: string;
  label?: string;
  /** Fragments' texts (with the occurrence to take); a kept line when `raw` is set. */
  parts?: [string, number?][];
  raw?: string;
}

// Span text as a tool counting CRLF as one writes it: the CRLF is one line break, written as one space.
function annFor(text: string, lines: Line[], crlfAsOne: boolean): string {
  return (
    lines
      .map((l) => {
        if (l.raw !== undefined) return l.raw;
        const where = l.parts!.map(([needle, nth]) => offsets(text, needle, crlfAsOne, nth ?? 0)).join(';');
        const spanText = l
          .parts!.map(([needle]) => (crlfAsOne ? needle.replace(/\r\n/g, '\n') : needle))
          .join(' ')
          .replace(/[\r\n]/g, ' ');
        return `${l.id}\t${l.label} ${where}\t${spanText}`;
      })
      .join('\n') + '\n'
  );
}

// Several documents: entities after several CRLFs, emoji (astral, a ZWJ sequence, a flag) before and inside spans,
// a span over a CRLF, discontinuous fragments on different lines, relations, notes and attributes; one document has
// no entity after its first CRLF (both countings agree there), one has no CRLF at all.
const CORPUS: { name: string; text: string; lines: Line[] }[] = [
  {
    name: 'ca-01',
    text: 'Bệnh nhân BN91 😷 nam, 43 tuổi.\r\nNgày 25/7 🇻🇳 được chuyển đến\r\nBệnh viện Đà Nẵng.\r\n\r\nKết quả: dương tính 👨‍⚕️ SARS-CoV-2.\r\n',
    lines: [
      { id: 'T1', label: 'PATIENT_ID', parts: [['BN91']] },
      { id: 'T2', label: 'DATE', parts: [['25/7']] },
      { id: 'T3', label: 'ORGANIZATION', parts: [['Bệnh viện Đà Nẵng']] },
      { id: 'T4', label: 'LOCATION', parts: [['Đà Nẵng']] },
      { id: 'R1', raw: 'R1\tLocated_in Arg1:T3 Arg2:T4' },
      { id: '#1', raw: '#1\tAnnotatorNotes T4\tthành phố 😷' },
      { id: 'T5', label: 'RESULT', parts: [['dương tính']] },
      { id: 'T6', label: 'VIRUS', parts: [['SARS-CoV-2']] },
      { id: 'A1', raw: 'A1\tConfirmed T5' },
    ],
  },
  {
    name: 'ca-02',
    text: 'Sốt cao 🦠, đau\r\nđầu và\r\nhọng; chuyển đến\r\nBệnh viện\r\nBạch Mai.\r\n',
    lines: [
      { id: 'T1', label: 'SYMPTOM_AND_DISEASE', parts: [['Sốt cao']] },
      { id: 'T2', label: 'SYMPTOM_AND_DISEASE', parts: [['đau'], ['họng']] }, // fragments on lines 1 and 3
      { id: 'T3', label: 'ORGANIZATION', parts: [['Bệnh viện\r\nBạch Mai']] }, // over a CRLF
      { id: 'T4', label: 'SYMPTOM_AND_DISEASE', parts: [['đau\r\nđầu']] },
    ],
  },
  {
    name: 'ca-03', // nothing after the first CRLF: both countings give the same offsets
    text: 'BN92 ở Huế 🇻🇳.\r\nKhông triệu chứng.\r\n',
    lines: [
      { id: 'T1', label: 'PATIENT_ID', parts: [['BN92']] },
      { id: 'T2', label: 'LOCATION', parts: [['Huế']] },
    ],
  },
  {
    name: 'ca-04', // no CRLF at all
    text: 'BN93 ở Hội An 😷.',
    lines: [{ id: 'T1', label: 'LOCATION', parts: [['Hội An']] }],
  },
  {
    name: 'ca-05', // many CRLFs before the entities, T ids out of order
    text: '\r\n\r\n\r\n— 𝔸 —\r\n\r\nBN94, Quảng Nam\r\n\r\nho khan, khó thở 😷\r\n',
    lines: [
      { id: 'T3', label: 'SYMPTOM_AND_DISEASE', parts: [['khó thở']] },
      { id: 'T1', label: 'PATIENT_ID', parts: [['BN94']] },
      { id: 'T2', label: 'LOCATION', parts: [['Quảng Nam']] },
      { id: 'T4', label: 'SYMPTOM_AND_DISEASE', parts: [['ho khan']] },
    ],
  },
];

function corpusFiles(crlfAsOne: boolean, nfd = false): Files {
  const files: Files = {};
  for (const doc of CORPUS) {
    const text = nfd ? doc.text.normalize('NFD') : doc.text;
    const lines = nfd
      ? doc.lines.map((l) => ({ ...l, parts: l.parts?.map(([n, i]) => [n.normalize('NFD'), i] as [string, number?]) }))
      : doc.lines;
    files[`${doc.name}.txt`] = text;
    files[`${doc.name}.ann`] = annFor(text, lines, crlfAsOne);
  }
  return files;
}

test('the reference corpus really differs between the two countings', () => {
  const one = corpusFiles(true);
  const two = corpusFiles(false);
  const differ = CORPUS.filter((d) => one[`${d.name}.ann`] !== two[`${d.name}.ann`]).map((d) => d.name);
  assert.deepEqual(differ, ['ca-01', 'ca-02', 'ca-05']);
});

for (const crlfAsOne of [true, false]) {
  test(`a corpus whose offsets count CRLF as ${crlfAsOne ? 'one' : 'two'}: import -> export gives every .txt and .ann back byte for byte`, async () => {
    const source = corpusFiles(crlfAsOne);
    const { docs, issues } = await decodeCorpus(source);
    assert.equal(docs.length, CORPUS.length);
    const detected = crlfAsOne ? ['ca-01.ann', 'ca-02.ann', 'ca-05.ann'] : [];
    assert.deepEqual(
      issues.map((i) => `${i.severity} ${i.file}`),
      detected.map((f) => `warning ${f}`),
    );
    // The stored text keeps its CRLF; the convention is recorded only where it was needed.
    assert.deepEqual(
      docs.map((d) => d.text),
      CORPUS.map((d) => d.text),
    );
    assert.deepEqual(
      docs
        .filter((d) => (d.meta?.brat as { crlfCountsAsOne?: boolean } | undefined)?.crlfCountsAsOne === true)
        .map((d) => `${d.name}.ann`),
      detected,
    );
    // Entities sit on the same text whichever way the source counted.
    const ref = await decodeCorpus(corpusFiles(false));
    assert.deepEqual(
      docs.map((d) => d.entities),
      ref.docs.map((d) => d.entities),
    );

    const exported = await encodeCorpus(docs);
    assert.deepEqual(exported.issues, []);
    assert.deepEqual(Object.keys(exported.files).sort(), Object.keys(source).sort());
    for (const [path, text] of Object.entries(source)) assert.equal(exported.files[path], text, path);
    // And again: import of the export is the same documents.
    const again = await decodeCorpus(exported.files);
    assert.deepEqual(again.docs, docs);
  });
}

test('NFD source counting CRLF as one: comes back as NFC text with offsets counted the same way on it', async () => {
  const source = corpusFiles(true, true);
  const { docs, issues } = await decodeCorpus(source);
  assert.deepEqual(
    issues.map((i) => `${i.severity} ${i.file}`),
    ['warning ca-01.ann', 'warning ca-02.ann', 'warning ca-05.ann'],
  );
  assert.deepEqual(
    docs.map((d) => d.text),
    CORPUS.map((d) => d.text),
  ); // NFC
  const exported = await encodeCorpus(docs);
  assert.deepEqual(exported.issues, []);
  // What a tool counting CRLF as one writes for the NFC text: the source's .ann, offsets recounted after NFC.
  assert.deepEqual(exported.files, corpusFiles(true, false));
  assert.notDeepEqual(exported.files, source); // NFD offsets differ from NFC ones: this is not a vacuous check
});

test('edits in a document counting CRLF as one: new entities are counted the same way; a boundary inside a CRLF moves out of it', async () => {
  const source = corpusFiles(true);
  const { docs } = await decodeCorpus(source);
  const doc = docs.find((d) => d.name === 'ca-01')!;
  const text = doc.text;
  const at = (needle: string) => [...text.slice(0, text.indexOf(needle))].length;
  const ket = at('Kết quả');
  const added: Doc = { ...doc, entities: [...doc.entities, { label: 'TEST', start: ket, end: ket + 7 }] };
  const out = await encodeCorpus([added]);
  assert.deepEqual(out.issues, []);
  assert.ok(
    out.files['ca-01.ann'].includes(`T7\tTEST ${offsets(text, 'Kết quả', true)}\tKết quả\n`),
    out.files['ca-01.ann'],
  );
  assert.equal((await decodeCorpus(out.files)).docs[0].entities.length, doc.entities.length + 1);

  // "chuyển đến" + the CR of its CRLF: the end falls between CR and LF; the CRLF-as-one count has no such place.
  const chuyen = at('chuyển đến');
  const cut: Doc = {
    ...doc,
    entities: [
      { label: 'X', start: chuyen, end: chuyen + 11 },
      { label: 'Y', start: chuyen + 10, end: chuyen + 11 },
    ],
  };
  const moved = await encodeCorpus([cut]);
  // (R1, #1 and A1 go with the entities this edit removed.)
  assert.deepEqual(
    moved.issues.map((i) => [i.severity, i.field]),
    [
      ['warning', 'T7'],
      ['error', 'T8'],
      ['warning', 'A1'],
      ['warning', '#1'],
      ['warning', 'R1'],
    ],
  );
  assert.match(moved.issues[0].message, /between a CR and its LF/);
  assert.ok(moved.files['ca-01.ann'].includes(`T7\tX ${offsets(text, 'chuyển đến', true)}\tchuyển đến\n`));
  assert.ok(!/^T8\t/m.test(moved.files['ca-01.ann']));
  const back = await decodeCorpus(moved.files);
  assert.deepEqual(
    back.docs[0].entities.find((e) => e.label === 'X'),
    { label: 'X', start: chuyen, end: chuyen + 10 },
  );
});

test('CrlfAsOne maps offsets both ways, with astral characters and lone CR / LF', () => {
  const text = 'a😷\r\nb\rc\n\r\nd';
  // code points: a0 😷1 \r2 \n3 b4 \r5 c6 \n7 \r8 \n9 d10 ; counted with CRLF as one: a😷\nb\rc\n\nd
  const m = new CrlfAsOne(text);
  assert.equal(m.length, 9);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((o) => m.toRaw(o)),
    [0, 1, 2, 4, 5, 6, 7, 8, 10, 11],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((o) => m.fromRaw(o)),
    [0, 1, 2, undefined, 3, 4, 5, 6, 7, undefined, 8, 9],
  );
  assert.equal(new CrlfAsOne('a\nb\rc').hasCrlf, false);
});
