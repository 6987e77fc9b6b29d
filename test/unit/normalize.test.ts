import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerCaseInPlace, normalizeNfc } from '../../core/normalize.js';

test('NFD Vietnamese is composed and offsets are remapped', () => {
  const nfc = 'Bệnh viện Đà Nẵng';
  const nfd = nfc.normalize('NFD');
  const result = normalizeNfc(nfd);
  assert.equal(result.text, nfc);
  assert.equal(result.unchanged, false);
  const nfdChars = [...nfd];
  const start = nfdChars.join('').indexOf('Đ'.normalize('NFD'));
  // 'Đà Nẵng' starts after 'Bệnh viện ' (10 NFC code points).
  assert.equal(result.map([...nfd.slice(0, start)].length), 10);
  assert.equal(result.map(nfdChars.length), [...nfc].length);
});

test('an offset between a letter and its combining mark maps to nothing', () => {
  const result = normalizeNfc('e\u0302\u0301 x');
  assert.equal(result.text, 'ế x');
  assert.equal(result.map(0), 0);
  assert.equal(result.map(1), undefined);
  assert.equal(result.map(2), undefined);
  assert.equal(result.map(3), 1);
  assert.equal(result.map(5), 3);
});

test('NFC text with CRLF and emoji is unchanged', () => {
  const text = 'Sốt 😷\r\nho';
  const result = normalizeNfc(text);
  assert.equal(result.unchanged, true);
  assert.equal(result.text, text);
  assert.equal(result.map(4), 4);
});

test('lower-casing in place keeps every offset: NFC, NFD, CRLF, emoji, and a letter whose lower case is longer', () => {
  const text = 'Bệnh viện ĐÀ NẴNG\r\n😷 SỐT 39°C, İzmir';
  const lower = lowerCaseInPlace(text);
  assert.equal(lower, 'bệnh viện đà nẵng\r\n😷 sốt 39°c, İzmir');
  assert.equal(lower.length, text.length);
  const nfd = 'Bệnh viện ĐÀ NẴNG, SỐT'.normalize('NFD');
  assert.equal(lowerCaseInPlace(nfd), 'bệnh viện đà nẵng, sốt'.normalize('NFD'));
});
