// core/labels.ts: the label-name rule (inner single spaces allowed) and the escape that formats with space-separated
// syntax use for spaced names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeLabel, labelProblem, normalizeLabel, unescapeLabel } from '../../core/labels.js';
import { labelNameSchema } from '../../core/contract/schemas.js';

test('label names: Unicode with inner single spaces; no edge, double or other whitespace, no control characters', () => {
  for (const ok of ['triệu chứng bệnh', 'Nơi|chốn', '50 %', 'a b c d', '😷 ho'])
    assert.equal(labelProblem(ok), undefined, ok);
  const bad: [string, RegExp][] = [
    [' lead', /starts or ends with a space/],
    ['trail ', /starts or ends with a space/],
    ['two  spaces', /two spaces in a row/],
    ['no\u00a0break', /whitespace other than a plain space/],
    ['ideographic\u3000space', /whitespace other than a plain space/],
    ['tab\there', /control character/],
    ['line\nbreak', /control character/],
    ['', /empty/],
    ['x'.repeat(65), /longer than 64/],
  ];
  for (const [label, why] of bad) assert.match(labelProblem(label) ?? '', why, JSON.stringify(label));
});

test('a typed name is made canonical before the rule: NFC and trimmed', () => {
  const typed = '  Triệu chứng  '.normalize('NFD');
  assert.equal(normalizeLabel(typed), 'Triệu chứng');
  assert.equal(labelNameSchema.parse(typed), 'Triệu chứng');
  assert.equal(labelNameSchema.safeParse('a  b').success, false);
});

test('escapeLabel round-trips and leaves no space; names without space or % are unchanged', () => {
  for (const name of ['triệu chứng bệnh', '50 %', '%20 literal', '100%25', 'a%b c', 'AGE', 'Nơi|chốn']) {
    const written = escapeLabel(name);
    assert.ok(!written.includes(' '), written);
    assert.equal(unescapeLabel(written), name, name);
  }
  assert.equal(escapeLabel('triệu chứng bệnh'), 'triệu%20chứng%20bệnh');
  assert.equal(escapeLabel('AGE'), 'AGE');
  assert.equal(unescapeLabel('50%'), '50%', 'a % that escapes nothing stays');
});
