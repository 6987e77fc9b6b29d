import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fileStem, textCodec } from '../../../core/codecs/text.js';
import type { Doc } from '../../../core/document.js';
import { arbitraryDoc, arbitraryDocs, decodeText, encodeDocs } from '../../support/random-docs.js';

const doc = (name: string, text: string, entities: Doc['entities'] = []): Doc => ({ name, text, entities });

test('lines: one document per non-blank line, named by line number, NFC, any line ending', async () => {
  const source = `Bệnh nhân sốt\r\n\r\n   \n${'ho khó thở 😷'.normalize('NFD')}\rcuối`;
  const { docs, issues, lines } = await decodeText(textCodec, 'notes.txt', source);
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [1, 4, 5]);
  assert.deepEqual(docs, [doc('1', 'Bệnh nhân sốt'), doc('4', 'ho khó thở 😷'), doc('5', 'cuối')]);
});

test('file: the whole source is one document named by the file stem, CRLF kept', async () => {
  const source = 'Dòng một\r\nDòng hai\r\n'.normalize('NFD');
  const { docs, issues } = await decodeText(textCodec, 'data/ca-01.v2.txt', source, { variant: 'file', chunkSize: 3 });
  assert.deepEqual(issues, []);
  assert.deepEqual(docs, [doc('ca-01.v2', 'Dòng một\r\nDòng hai\r\n')]);
  assert.equal(fileStem('C:\\notes\\a.txt'), 'a');
  assert.equal(fileStem('.hidden'), '.hidden');
});

test('an empty file is a warning "no documents" in both variants', async () => {
  for (const variant of ['lines', 'file']) {
    const { docs, issues } = await decodeText(textCodec, 'e.txt', variant === 'lines' ? '\n \r\n' : '', { variant });
    assert.equal(docs.length, 0);
    assert.deepEqual(issues, [{ severity: 'warning', file: 'e.txt', message: 'no documents' }]);
  }
});

test('an unknown variant is an error issue on decode and a RangeError on encode', async () => {
  const { issues } = await decodeText(textCodec, 'e.txt', 'x', { variant: 'paragraphs' });
  assert.equal(issues[0].severity, 'error');
  await assert.rejects(encodeDocs(textCodec, [doc('a', 'x')], { variant: 'paragraphs' }), RangeError);
});

test('lines export: one line per doc; a line break is an error, not a silent split; entities are reported', async () => {
  const docs = [
    doc('a', 'một'),
    doc('b', 'hai\r\nba'),
    doc('c', '  '),
    doc('d', 'bốn', [{ label: 'X', start: 0, end: 3 }]),
  ];
  const { text, parts, issues } = await encodeDocs(textCodec, docs);
  assert.equal(text, 'một\nbốn\n');
  assert.ok(parts.every((p) => p.path === undefined));
  assert.deepEqual(
    issues.map((i) => `${i.severity} ${i.file}`),
    ['error b', 'warning c', 'warning text export'],
  );
  assert.match(issues[0].message, /line break/);
  assert.match(issues[2].message, /1 entities in 1 documents not written/);
});

test('file export: one part per doc at <name>.txt, names made safe and unique', async () => {
  const docs = [
    doc('ca-1', 'a\r\nb'),
    doc('../etc/passwd', 'x'),
    doc('CA-1', 'y'),
    doc('con', 'z'),
    doc('', 'w'),
    doc('..', 'v'),
    doc('bệnh án', 'u'),
  ];
  const { parts, text } = await encodeDocs(textCodec, docs, { variant: 'file' });
  assert.equal(text, '');
  assert.deepEqual(
    parts.map((p) => p.path),
    ['ca-1.txt', '.._etc_passwd.txt', 'CA-1-2.txt', '_con.txt', '_.txt', '__.txt', 'bệnh án.txt'],
  );
  assert.equal(parts[0].text, 'a\r\nb');
});

test('property: lines round-trip (text and order) for one-line docs', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryDocs({ maxLines: 1, maxEntities: 0 }), async (docs) => {
      const { text, issues } = await encodeDocs(textCodec, docs);
      assert.deepEqual(issues, []);
      const back = await decodeText(textCodec, 'x.txt', text, { chunkSize: 5 });
      assert.deepEqual(
        back.docs.map((d) => d.text),
        docs.map((d) => d.text),
      );
      assert.deepEqual(
        back.docs.map((d) => d.name),
        docs.map((_, i) => String(i + 1)),
      );
    }),
  );
});

test('property: file round-trips text (CRLF, NFD-born, emoji) and name', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryDoc({ maxEntities: 0, maxLines: 4 }), async (d) => {
      const { parts } = await encodeDocs(textCodec, [d], { variant: 'file' });
      const back = await decodeText(textCodec, parts[0].path!, parts[0].text, { variant: 'file' });
      assert.deepEqual(back.docs, [d]);
    }),
  );
});
