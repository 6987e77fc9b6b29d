// Token offsets for tokenizers whose decoder does not give the text back (spaces added around punctuation), checked
// against the offsets Python's tokenizers library gives for the same tokenizer.json (values below came from it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { encodesWordByWord, TextTokenizer } from '../../main/engine/text-tokenizer.js';

// Trained by training/dnw/tagger/tokenizer.py (BERT pre-tokenizer, BPE with `</w>`) on three made-up sentences.
const json = JSON.parse(
  readFileSync(new URL('../fixtures/bpe-tokenizer/tokenizer.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const tokenizer = new TextTokenizer(json);
const spans = (ranges: { start: number; end: number }[]) => ranges.map((r) => [r.start, r.end]);

test('offsets land on the text even where decoding would add spaces', () => {
  const { ranges } = tokenizer.encodeWithOffsets('Ngày 7/3 Hà Nội');
  assert.deepEqual(spans(ranges), [
    [0, 4],
    [5, 6],
    [6, 7],
    [7, 8],
    [9, 11],
    [12, 15],
  ]);
});

test('unknown tokens cover their own characters, emoji included', () => {
  const { ranges } = tokenizer.encodeWithOffsets('Hà Nội xyz 😷');
  assert.deepEqual(spans(ranges), [
    [0, 2],
    [3, 6],
    [7, 8],
    [8, 9],
    [9, 10],
    [11, 12],
  ]);
});

test('NFD input gets offsets on its own code points', () => {
  const text = 'Hà Nội'.normalize('NFD');
  const { ranges } = tokenizer.encodeWithOffsets(text);
  assert.deepEqual(
    ranges.map((r) => Array.from(text).slice(r.start, r.end).join('').normalize('NFC')),
    ['Hà', 'Nội'],
  );
});

test('consecutive unknown tokens each cover one character', () => {
  const { ranges } = tokenizer.encodeWithOffsets('字字 Hà x字y');
  assert.deepEqual(spans(ranges), [
    [0, 1],
    [1, 2],
    [3, 5],
    [6, 7],
    [7, 8],
    [8, 9],
  ]);
});

// Word-by-word encoding (cached per word) must give exactly what encoding each text whole gives: ids and offsets.
const embedded = JSON.parse(
  readFileSync(new URL('../../assets/model/tokenizer.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const DEV = new URL('../../../shared/data/phoner_covid19/dev_syllable.jsonl', import.meta.url);
const EDGE_CASES = [
  'Bệnh viện  Đà\u00a0Nẵng 😀 e\u0301 tab\there ⟨O⟩ ⟨B-LOCATION⟩x <LOCATION> x</ner>y',
  'ABC-123/4.5%!! (BN91) “ngoặc” … ‘x’',
  '',
  '   ',
  'ﬁ unknown 字 Ω ½ ٣ 字字 x字y',
  'CRLF\r\nline\r\n',
  'Hà Nội'.normalize('NFD'),
  '  leading and trailing  ',
  '😷😷 👩‍⚕️ bác sĩ',
];

test('word-by-word encoding equals whole-text encoding (ids and offsets)', (t) => {
  const texts = [...EDGE_CASES];
  if (existsSync(DEV)) {
    texts.push(
      ...readFileSync(DEV, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { words: string[] }).words.join(' ')),
    );
  } else {
    t.diagnostic('PhoNER_COVID19 is not in ../shared/data: edge cases only');
  }
  for (const source of [embedded, json]) {
    const cached = new TextTokenizer(source);
    const whole = new TextTokenizer(source, {}, { wordByWord: false });
    for (const text of texts)
      assert.deepEqual(cached.encodeWithOffsets(text), whole.encodeWithOffsets(text), JSON.stringify(text));
    for (const text of texts.slice(0, 50)) assert.deepEqual(cached.encode(text), whole.encode(text));
  }
});

test('word-by-word encoding is used only where the tokenizer splits at whitespace first', () => {
  assert.equal(encodesWordByWord(embedded), true);
  assert.equal(
    encodesWordByWord({ ...embedded, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false } }),
    false,
  );
  assert.equal(encodesWordByWord({ ...embedded, normalizer: { type: 'BertNormalizer' } }), false);
  assert.equal(
    encodesWordByWord({
      ...embedded,
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
    }),
    true,
  );
  assert.equal(encodesWordByWord({ ...embedded, post_processor: { type: 'TemplateProcessing' } }), false);
  assert.equal(
    encodesWordByWord({ ...embedded, added_tokens: [{ content: '<ner> x', lstrip: false, rstrip: false }] }),
    false,
  );
  assert.equal(
    encodesWordByWord({ ...embedded, added_tokens: [{ content: '<ner>', lstrip: true, rstrip: false }] }),
    false,
  );
});

test("the model's own tags written in a text get offsets like any other token", () => {
  const { ids, ranges } = new TextTokenizer(embedded).encodeWithOffsets('x</ner>y ⟨O⟩');
  assert.equal(ids.length, 4);
  assert.deepEqual(spans(ranges), [
    [0, 1],
    [1, 7],
    [7, 8],
    [9, 12],
  ]);
});
