// Message templates: `{name}` fills in a parameter, `{name|one|other}` writes the form agreeing with the number (issue
// 14: "1 finished documents"), by each language's own plural rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillIn } from '../../../renderer/src/lib/fill-in.js';
import { en, type MessageKey } from '../../../renderer/src/lib/messages.js';

test('a count chooses the form that agrees with it', () => {
  const t = '{n} {n|document|documents} in {m} {m|folder is|folders are} here';
  assert.equal(fillIn(t, { n: 1, m: 1 }, 'en'), '1 document in 1 folder is here');
  assert.equal(fillIn(t, { n: 0, m: 2 }, 'en'), '0 documents in 2 folders are here');
  assert.equal(fillIn(t, { n: 21, m: 1.5 }, 'en'), '21 documents in 1.5 folders are here');
  // Vietnamese has one form: a choice there always takes the second.
  assert.equal(fillIn('{n} {n|x|y}', { n: 1 }, 'vi'), '1 y');
});

test('plain placeholders, missing parameters and text without placeholders', () => {
  assert.equal(fillIn('Xin chào {name}', { name: 'An' }, 'vi'), 'Xin chào An');
  assert.equal(fillIn('{a} and {b|one|many}', {}, 'en'), '{a} and {b|one|many}');
  assert.equal(fillIn('no placeholders', { n: 1 }, 'en'), 'no placeholders');
});

// The words English puts after a count; each such count in the English table must choose its form.
// ({ext} is a file extension, "jsonl files", not a count; a part of a whole, "1 of 1 documents", "1–1 / 1 documents",
// reads as a ratio and stays plural: scripts and readers know that form.)
const COUNTED =
  /(?<!(?: of |\/ ?))\{(?!ext\})(\w+)\}(?: [\p{L}-]+){0,2}? (documents|entities|files|pieces|bytes|entries|positions|seconds|revisions|steps|labels|spans|suggestions|tokens|versions|runs)\b/u;

test('every count in the English messages agrees with its number', () => {
  const wrong = (Object.keys(en) as MessageKey[]).filter((k) => COUNTED.test(en[k]));
  assert.deepEqual(
    wrong.map((k) => `${k}: ${en[k]}`),
    [],
  );
});
