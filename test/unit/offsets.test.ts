import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodePointIndex, codePointLength } from '../../core/offsets.js';

test('code points and UTF-16 indices agree on Vietnamese text with emoji', () => {
  const text = 'Bệnh nhân 😷 ở Đà Nẵng 🇻🇳.';
  const index = new CodePointIndex(text);
  assert.equal(index.length, [...text].length);
  assert.equal(index.slice(10, 11), '😷');
  assert.equal(index.toUtf16(11), text.indexOf('😷') + 2);
  assert.equal(index.toCodePoint(text.indexOf(' ở')), 11);
  assert.throws(() => index.toCodePoint(text.indexOf('😷') + 1), /surrogate pair/);
  assert.throws(() => index.toUtf16(index.length + 1), /outside/);
});

test('every code-point offset maps to UTF-16 and back', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const index = new CodePointIndex(text);
      assert.equal(index.length, codePointLength(text));
      const chars = [...text];
      for (let cp = 0; cp <= index.length; cp++) {
        const u = index.toUtf16(cp);
        assert.equal(u, chars.slice(0, cp).join('').length);
        assert.equal(index.toCodePoint(u), cp);
      }
    }),
  );
});
