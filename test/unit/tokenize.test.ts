import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { snapToTokens, tokenize } from '../../core/tokenize.js';
import { arbitraryDoc, nfdInput } from '../support/random-docs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const phonerDir = path.resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');

function texts(text: string): string[] {
  const cps = Array.from(text);
  return tokenize(text).map((r) => cps.slice(r.start, r.end).join(''));
}

test('splits Vietnamese on whitespace and punctuation', () => {
  assert.deepEqual(texts('Bệnh nhân sốt, ho (khó thở).'), [
    'Bệnh',
    'nhân',
    'sốt',
    ',',
    'ho',
    '(',
    'khó',
    'thở',
    ')',
    '.',
  ]);
});

test('keeps codes, dates, decimals, percentages and initials whole, as PhoNER does', () => {
  assert.deepEqual(texts('BN123 nhiễm COVID-19 ngày 25/7, sốt 37,5 độ; 10% ca'), [
    'BN123',
    'nhiễm',
    'COVID',
    '-',
    '19',
    'ngày',
    '25/7',
    ',',
    'sốt',
    '37,5',
    'độ',
    ';',
    '10%',
    'ca',
  ]);
  assert.deepEqual(texts('ở TP.HCM. Bà N.H.N. và ông T. đi...'), [
    'ở',
    'TP.HCM.',
    'Bà',
    'N.H.N.',
    'và',
    'ông',
    'T.',
    'đi',
    '...',
  ]);
  assert.deepEqual(texts('1.068 ca lúc 18:30 ở Hà Nội.'), ['1.068', 'ca', 'lúc', '18:30', 'ở', 'Hà', 'Nội', '.']);
  assert.deepEqual(texts('xem https://tokhaiyte.vn/a?b=1.'), ['xem', 'https://tokhaiyte.vn/a?b=1', '.']);
  assert.deepEqual(texts('sốt 39°C'), ['sốt', '39', '°C']);
});

test('offsets are code points; NFD text keeps its combining marks inside the word', () => {
  const nfd = 'bệnh viện'.normalize('NFD');
  assert.deepEqual(tokenize(nfd), [
    { start: 0, end: 6 },
    { start: 7, end: 13 },
  ]);
  assert.deepEqual(texts(nfd), ['bệnh'.normalize('NFD'), 'viện'.normalize('NFD')]);
  // Astral letters count one each: "𝔸𝔹" is two code points, four UTF-16 units.
  assert.deepEqual(tokenize('𝔸𝔹 x'), [
    { start: 0, end: 2 },
    { start: 3, end: 4 },
  ]);
});

test('an emoji keeps its modifiers, ZWJ sequence and flag pair; each emoji is its own token', () => {
  assert.deepEqual(texts('Sốt😷🦠 👨‍⚕️ 👍🏽 🇻🇳!'), ['Sốt', '😷', '🦠', '👨‍⚕️', '👍🏽', '🇻🇳', '!']);
});

test('whitespace of every kind separates, CRLF included', () => {
  assert.deepEqual(texts('a\r\nb\tc\u00a0d  \n'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(tokenize(''), []);
  assert.deepEqual(tokenize(' \r\n '), []);
});

test('property: tokens are sorted, disjoint, whitespace-free and cover every non-space code point', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary' }),
        arbitraryDoc().map((d) => d.text),
      ),
      (text) => {
        const cps = Array.from(text);
        const covered = new Array<boolean>(cps.length).fill(false);
        let previousEnd = 0;
        for (const { start, end } of tokenize(text)) {
          assert.ok(start >= previousEnd && end > start && end <= cps.length);
          for (let i = start; i < end; i++) {
            assert.ok(!/\s/u.test(cps[i]), `whitespace inside a token of ${JSON.stringify(text)}`);
            covered[i] = true;
          }
          previousEnd = end;
        }
        cps.forEach((c, i) => assert.ok(covered[i] || /\s/u.test(c)));
      },
    ),
  );
});

test('property: tokenising text built from tokens gives those tokens back (NFC and NFD)', () => {
  fc.assert(
    fc.property(arbitraryDoc({ tokenised: true }), (doc) => {
      assert.deepEqual(tokenize(doc.text), doc.tokens);
      // NFD changes lengths but not where tokens split.
      const nfd = nfdInput(doc);
      assert.equal(nfd.text, doc.text.normalize('NFD'));
      assert.deepEqual(tokenize(nfd.text), nfd.tokens);
    }),
  );
});

test('snapToTokens finds the covering tokens and says whether the range was exact', () => {
  const tokens = tokenize('Bệnh nhân BN123 sốt');
  assert.deepEqual(snapToTokens({ start: 5, end: 15 }, tokens), { first: 1, end: 3, exact: true });
  assert.deepEqual(snapToTokens({ start: 6, end: 12 }, tokens), { first: 1, end: 3, exact: false });
  assert.equal(snapToTokens({ start: 4, end: 5 }, tokens), undefined); // only the space
  assert.equal(snapToTokens({ start: 3, end: 3 }, tokens), undefined); // empty
  assert.deepEqual(snapToTokens({ start: 16, end: 19 }, tokens), { first: 3, end: 4, exact: true });
});

test(
  'agrees with PhoNER_COVID19 tokenisation',
  { skip: !existsSync(phonerDir) && 'PhoNER_COVID19 not found at ../shared/data' },
  () => {
    let sentences = 0;
    let agree = 0;
    for (const split of ['train', 'dev', 'test']) {
      for (const line of readFileSync(path.join(phonerDir, `${split}_syllable.jsonl`), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const words = (JSON.parse(line) as { words: string[] }).words.map((w) => w.normalize('NFC'));
        sentences++;
        if (JSON.stringify(texts(words.join(' '))) === JSON.stringify(words)) agree++;
      }
    }
    assert.equal(sentences, 10027);
    // The few left are VnCoreNLP quirks ("(N.T.T.N." with its bracket attached, "ương.Nữ").
    assert.ok(agree / sentences > 0.998, `${agree}/${sentences} sentences tokenise as PhoNER does`);
  },
);
