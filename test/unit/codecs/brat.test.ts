import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bratCodec } from '../../../core/codecs/brat.js';
import type { Doc } from '../../../core/document.js';
import type { Issue } from '../../../core/issues.js';
import { stringSource } from '../../../core/source.js';
import { arbitraryDocs, encodeDocs, nfdInput } from '../../support/random-docs.js';

/** Decodes `<stem>.txt` with the other files as its siblings. */
async function decodeFiles(files: Record<string, string>, main: string): Promise<{ docs: Doc[]; issues: Issue[] }> {
  const docs: Doc[] = [];
  const issues: Issue[] = [];
  const input = {
    source: stringSource(main, files[main]),
    sibling: (name: string) => (name in files ? stringSource(name, files[name]) : undefined),
  };
  for await (const event of bratCodec.decode(input)) {
    if (event.kind === 'doc') docs.push(event.doc);
    else issues.push(event.issue);
  }
  return { docs, issues };
}

/** Encodes docs and decodes every .txt written, back into docs. */
async function roundTrip(
  docs: readonly Doc[],
): Promise<{ docs: Doc[]; issues: Issue[]; files: Record<string, string> }> {
  const encoded = await encodeDocs(bratCodec, docs);
  const files = Object.fromEntries(encoded.parts.map((p) => [p.path!, p.text]));
  const out: Doc[] = [];
  const issues = [...encoded.issues];
  for (const path of Object.keys(files).filter((p) => p.endsWith('.txt'))) {
    const decoded = await decodeFiles(files, path);
    out.push(...decoded.docs);
    issues.push(...decoded.issues);
  }
  return { docs: out, issues, files };
}

const where = (issues: Issue[]) => issues.map((i) => `${i.severity} ${i.file}:${i.line ?? '-'} ${i.field ?? '-'}`);

/** "start end" of the n-th occurrence of `needle` in `text`, in code points. */
function span(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in text`);
  const start = [...text.slice(0, at)].length;
  return `${start} ${start + [...needle].length}`;
}

test('property: decode(encode(doc)) is doc: nested, crossing, discontinuous entities over CRLF text with emoji', async () => {
  await fc.assert(
    fc.asyncProperty(
      arbitraryDocs({ allowCrossing: true, allowFragments: true, maxLines: 4, maxEntities: 8 }),
      async (docs) => {
        const back = await roundTrip(docs);
        assert.deepEqual(back.issues, []);
        assert.deepEqual(back.docs, docs);
      },
    ),
    { numRuns: 150 },
  );
});

test('property: NFD input (text and offsets decomposed) decodes to the NFC doc', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryDocs({ allowCrossing: true, allowFragments: true }), async (docs) => {
      const back = await roundTrip(docs.map(nfdInput));
      assert.deepEqual(back.issues, []);
      assert.deepEqual(back.docs, docs);
    }),
    { numRuns: 100 },
  );
});

const TXT =
  'Bệnh nhân BN123, nữ, 45 tuổi, được chuyển đến Bệnh viện Đà Nẵng ngày 25/7 😷.\nKết quả xét nghiệm dương tính với SARS-CoV-2; bệnh nhân sốt, đau đầu và họng.\n';
const ANN =
  [
    `T1\tPATIENT_ID ${span(TXT, 'BN123')}\tBN123`,
    `T2\tORGANIZATION ${span(TXT, 'Bệnh viện Đà Nẵng')}\tBệnh viện Đà Nẵng`,
    `T3\tLOCATION ${span(TXT, 'Đà Nẵng')}\tĐà Nẵng`,
    `R1\tLocated_in Arg1:T2 Arg2:T3`,
    `#1\tAnnotatorNotes T3\tthành phố trực thuộc trung ương`,
    `T4\tDATE ${span(TXT, '25/7')}\t25/7`,
    `T5\tSYMPTOM_AND_DISEASE ${span(TXT, 'sốt')}\tsốt`,
    `T7\tSYMPTOM_AND_DISEASE ${span(TXT, 'đau')};${span(TXT, 'họng')}\tđau họng`,
    `T6\tTEST ${span(TXT, 'xét nghiệm')}\txét nghiệm`,
    `E1\tTEST:T6 Result:T8`,
    `T8\tRESULT ${span(TXT, 'dương tính')}\tdương tính`,
    `A1\tNegated E1`,
    `M2\tConfidence T5 High`,
    `N1\tReference T2 Wikidata:Q1234\tBệnh viện Đà Nẵng`,
    `*\tEquiv T1 T1`,
  ].join('\n') + '\n';

test('a Vietnamese document with relations, events, notes, attributes and normalisations comes back byte for byte', async () => {
  const { docs, issues } = await decodeFiles({ 'ca-1.txt': TXT, 'ca-1.ann': ANN }, 'ca-1.txt');
  assert.deepEqual(issues, []);
  assert.equal(docs[0].name, 'ca-1');
  assert.deepEqual(docs[0].entities.slice(1, 3), [
    { label: 'ORGANIZATION', start: 46, end: 63 },
    { label: 'LOCATION', start: 56, end: 63 },
  ]);
  const dauHong = docs[0].entities.find((e) => e.fragments);
  assert.deepEqual(dauHong?.fragments?.length, 2);
  const encoded = await encodeDocs(bratCodec, docs);
  assert.deepEqual(encoded.issues, []);
  assert.deepEqual(encoded.parts, [
    { path: 'ca-1.txt', text: TXT },
    { path: 'ca-1.ann', text: ANN },
  ]);
});

test('an .ann without a final line break, and one with empty lines, come back as they were', async () => {
  for (const ann of [
    `T1\tPATIENT_ID ${span(TXT, 'BN123')}\tBN123`,
    `T1\tPATIENT_ID ${span(TXT, 'BN123')}\tBN123\n\n#1\tAnnotatorNotes T1\tx\n`,
  ]) {
    const { docs } = await decodeFiles({ 'a.txt': TXT, 'a.ann': ann }, 'a.txt');
    const encoded = await encodeDocs(bratCodec, docs);
    assert.equal(encoded.parts[1].text, ann);
  }
});

test('T ids stay put after edits: a deleted entity takes its relations and notes along, new ones get the next number', async () => {
  const { docs } = await decodeFiles({ 'ca-1.txt': TXT, 'ca-1.ann': ANN }, 'ca-1.txt');
  const doc = docs[0];
  const edited: Doc = {
    ...doc,
    // Drop LOCATION (T3) and add a new entity; also reorder, as a store might.
    entities: [
      { label: 'VIRUS', start: [...TXT].indexOf('S', 100), end: [...TXT].indexOf(';') },
      ...doc.entities.filter((e) => e.label !== 'LOCATION').reverse(),
    ],
  };
  const encoded = await encodeDocs(bratCodec, [edited]);
  const lines = encoded.parts[1].text.split('\n');
  assert.deepEqual(
    lines.map((l) => l.split('\t')[0]),
    ['T1', 'T2', 'T4', 'T5', 'T7', 'T6', 'E1', 'T8', 'T9', 'A1', 'M2', 'N1', '*', ''],
  );
  assert.ok(lines.includes(`T9\tVIRUS ${span(TXT, 'SARS-CoV-2')}\tSARS-CoV-2`));
  assert.deepEqual(
    encoded.issues.map((i) => [i.severity, i.field, /T3 is no longer there/.test(i.message)]),
    [
      ['warning', '#1', true],
      ['warning', 'R1', true],
    ],
  );
  // Deleting the event's argument drops the event, and in turn the attribute on it.
  const noResult = { ...doc, entities: doc.entities.filter((e) => e.label !== 'RESULT') };
  const second = await encodeDocs(bratCodec, [noResult]);
  assert.deepEqual(
    second.issues.map((i) => i.field),
    ['E1', 'A1'],
  );
  assert.ok(!/^(E1|A1)\t/m.test(second.parts[1].text));
});

test('a plain document carries no meta; a missing .ann gives a document without entities', async () => {
  const { docs } = await decodeFiles({ 'a.txt': 'Hà Nội', 'a.ann': 'T1\tLOCATION 0 6\tHà Nội\n' }, 'a.txt');
  assert.deepEqual(docs, [{ name: 'a', text: 'Hà Nội', entities: [{ label: 'LOCATION', start: 0, end: 6 }] }]);
  const alone = await decodeFiles({ 'dir/b.txt': 'Huế' }, 'dir/b.txt');
  assert.deepEqual(alone, { docs: [{ name: 'b', text: 'Huế', entities: [] }], issues: [] });
  // Handed the .ann itself, it reads the .txt beside it.
  const fromAnn = await decodeFiles({ 'a.txt': 'Hà Nội', 'a.ann': 'T1\tLOCATION 0 6\tHà Nội\n' }, 'a.ann');
  assert.deepEqual(fromAnn.docs, docs);
});

test('bad .ann lines are errors naming the .ann file, the line and the T id; no document is yielded', async () => {
  const ann = [
    'T1\tLOCATION 0 6\tHà Nội', // fine
    'T2\tLOCATION 0 99\tHà Nội', // out of range
    'T3\tLOCATION 5 2\tx', // inverted
    'T4\tLOCATION 0 2\tHu', // text mismatch
    'T5 LOCATION 0 2 Hà', // not tab-separated
    'T6\tLOCATION 0 a\tHà', // not numbers
    'T1\tDATE 0 2\tHà', // id defined twice
    'T7\tLOCATION 0 2;1 2\tHà à', // overlapping fragments
    'T8\tLOCATION 3 3\t', // empty
  ].join('\n');
  const { docs, issues } = await decodeFiles({ 'x.txt': 'Hà Nội', 'x.ann': ann }, 'x.txt');
  assert.deepEqual(docs, []);
  assert.deepEqual(where(issues), [
    'error x.ann:5 T5',
    'error x.ann:6 T6',
    'error x.ann:7 T1',
    'error x.ann:2 T2',
    'error x.ann:3 T3',
    'error x.ann:4 T4',
    'error x.ann:8 T7',
    'error x.ann:9 T8',
  ]);
  assert.match(issues[3].message, /end 99 is outside the text \(0\.\.6\)/);
  assert.match(issues[4].message, /end 2 is before start 5/);
  assert.match(issues[5].message, /the text at 0\.\.2 is "Hà", but the \.ann says "Hu"/);
  assert.match(issues[6].message, /fragments overlap/);
});

test('NFD text: offsets are remapped onto the NFC text; one inside a composed character is an error', async () => {
  const nfd = 'Hà Nội'.normalize('NFD'); // "a" + grave, "o" + circumflex + dot: 9 code points
  const ok = await decodeFiles({ 'a.txt': nfd, 'a.ann': `T1\tLOCATION 4 9\t${'Nội'.normalize('NFD')}\n` }, 'a.txt');
  assert.deepEqual(ok.issues, []);
  assert.deepEqual(ok.docs[0], { name: 'a', text: 'Hà Nội', entities: [{ label: 'LOCATION', start: 3, end: 6 }] });
  // "Ha" is the text at 0..2 of the NFD file, but offset 2 splits "a" from its grave accent.
  const inside = await decodeFiles({ 'a.txt': nfd, 'a.ann': 'T1\tLOCATION 0 2\tHa\n' }, 'a.txt');
  assert.equal(inside.docs.length, 0);
  assert.deepEqual(where(inside.issues), ['error a.ann:1 T1']);
  assert.match(inside.issues[0].message, /end 2 falls inside a character that NFC composes/);
  // Marks that NFC reorders (dot below before grave) form one unit too.
  const cut = await decodeFiles({ 'a.txt': 'Ha\u0300\u0323', 'a.ann': 'T1\tX 0 3\tHà\n' }, 'a.txt');
  assert.deepEqual(where(cut.issues), ['error a.ann:1 T1']);
  assert.match(cut.issues[0].message, /end 3 falls inside/);
});

test('CRLF: offsets counted with CRLF as one character are remapped with one warning per file; others are errors', async () => {
  const txt = 'Sốt cao\r\nHà Nội\r\nĐà Nẵng\r\n';
  const asIs = `T1\tLOCATION ${span(txt, 'Hà Nội')}\tHà Nội\nT2\tLOCATION ${span(txt, 'Đà Nẵng')}\tĐà Nẵng\n`;
  const direct = await decodeFiles({ 'a.txt': txt, 'a.ann': asIs }, 'a.txt');
  assert.deepEqual(direct.issues, []);
  const lf = txt.replace(/\r\n/g, '\n');
  const textMode = `T1\tLOCATION ${span(lf, 'Hà Nội')}\tHà Nội\nT2\tLOCATION ${span(lf, 'Đà Nẵng')}\tĐà Nẵng\n`;
  const remapped = await decodeFiles({ 'a.txt': txt, 'a.ann': textMode }, 'a.txt');
  assert.deepEqual(where(remapped.issues), ['warning a.ann:- -']);
  assert.match(remapped.issues[0].message, /CRLF/);
  assert.deepEqual(remapped.docs[0].entities, direct.docs[0].entities);
  assert.equal(remapped.docs[0].text, txt);
  const neither = await decodeFiles(
    { 'a.txt': txt, 'a.ann': `T1\tLOCATION 9 15\tHà Nội\nT2\tLOCATION 12 19\tĐà Nẵng\n` },
    'a.txt',
  );
  assert.deepEqual(where(neither.issues), ['error a.ann:2 T2']);
});

test('a kept line pointing at an id the file does not define is a warning', async () => {
  const { docs, issues } = await decodeFiles(
    { 'a.txt': 'Huế', 'a.ann': 'T1\tLOCATION 0 3\tHuế\nR1\tNear Arg1:T1 Arg2:T9\n' },
    'a.txt',
  );
  assert.equal(docs.length, 1);
  assert.deepEqual(where(issues), ['warning a.ann:2 R1']);
  assert.match(issues[0].message, /T9/);
});

test('export: a label with spaces is written escaped (and read back), an unsafe document name safely and reported', async () => {
  const doc: Doc = {
    name: '../bệnh án/1',
    text: 'Huế 50%',
    entities: [
      { label: 'THÀNH PHỐ', start: 0, end: 3 },
      { label: 'tỉ lệ %', start: 4, end: 7 },
    ],
  };
  const { parts, issues } = await encodeDocs(bratCodec, [doc]);
  assert.deepEqual(
    parts.map((p) => p.path),
    ['.._bệnh án_1.txt', '.._bệnh án_1.ann'],
  );
  assert.equal(parts[1].text, 'T1\tTHÀNH%20PHỐ 0 3\tHuế\nT2\ttỉ%20lệ%20%25 4 7\t50%\n');
  assert.deepEqual(
    issues.map((i) => [i.severity, i.field ?? '-']),
    [['warning', '-']],
  );
  const back = await roundTrip([{ ...doc, name: 'a' }]);
  assert.deepEqual(
    back.docs[0].entities.map((e) => e.label),
    ['THÀNH PHỐ', 'tỉ lệ %'],
  );
});

test('a span crossing a line break is written with spaces for the break and read back', async () => {
  const doc: Doc = {
    name: 'a',
    text: 'Bệnh viện\r\nBạch Mai',
    entities: [{ label: 'ORGANIZATION', start: 0, end: 19 }],
  };
  const back = await roundTrip([doc]);
  assert.equal(back.files['a.ann'], 'T1\tORGANIZATION 0 19\tBệnh viện  Bạch Mai\n');
  assert.deepEqual(back.docs, [doc]);
});

test('an AnnotatorNotes line written with a T id keeps its document: a warning naming file:line, the line written back as it was', async () => {
  const ann = [
    'T21\tLOCATION 0 6\tHà Nội',
    'T24\tAnnotatorNotes T21\t(?)', // published corpora have this: a note with a T id
    'R1 Near Arg1:T21 Arg2:T21', // spaces for tabs: not a brat line either
    'T25\tAnnotatorNotes T9\tdangling',
    '',
  ].join('\n');
  const { docs, issues } = await decodeFiles({ 'x.txt': 'Hà Nội', 'x.ann': ann }, 'x.txt');
  assert.equal(docs.length, 1);
  assert.deepEqual(docs[0].entities, [{ label: 'LOCATION', start: 0, end: 6 }]);
  assert.deepEqual(where(issues), [
    'warning x.ann:2 T24',
    'warning x.ann:3 R1',
    'warning x.ann:4 T25',
    'warning x.ann:4 T25',
  ]);
  assert.match(
    issues[0].message,
    /T24 is not a text-bound annotation: "AnnotatorNotes T21" has an annotation id where offsets belong; kept as it is and written back unchanged, no entity read from it/,
  );
  assert.match(issues[1].message, /not a brat annotation line/);
  assert.match(issues[3].message, /points at T9/);
  const encoded = await encodeDocs(bratCodec, docs);
  assert.deepEqual(encoded.issues, []);
  assert.equal(encoded.parts[1].text, ann);
  // New entities number on above the kept T25; deleting T21 takes the note about it along, as for any kept line.
  // (The line with spaces for tabs is not understood, so nothing is read from it: it stays as it was.)
  const edited = { ...docs[0], entities: [{ label: 'CITY', start: 3, end: 6 }] };
  const second = await encodeDocs(bratCodec, [edited]);
  assert.equal(
    second.parts[1].text,
    'T26\tCITY 3 6\tNội\nR1 Near Arg1:T21 Arg2:T21\nT25\tAnnotatorNotes T9\tdangling\n',
  );
  assert.deepEqual(
    second.issues.map((i) => i.field),
    ['T24'],
  );
  assert.match(second.issues[0].message, /T21 is no longer there/);
});

test('a T line naming an entity whose span cannot be read still refuses its document', async () => {
  for (const line of [
    'T9\tLOCATION\tHà Nội',
    'T9\tLOCATION 0\tHà',
    'T9\tLOCATION 0 2;x\tHà',
    'T9 LOCATION 0 2 Hà',
    'T9',
  ]) {
    const { docs, issues } = await decodeFiles(
      { 'x.txt': 'Hà Nội', 'x.ann': `T1\tLOCATION 0 6\tHà Nội\n${line}\n` },
      'x.txt',
    );
    assert.deepEqual(docs, [], line);
    assert.deepEqual(where(issues), ['error x.ann:2 T9'], line);
  }
});
