import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, spans } from './entity-at.js';
import { FILL_MIN_SCORE, fillGaps } from '../../../core/lexicon/fill.js';
import { Lexicon } from '../../../core/lexicon/lexicon.js';
import { lexiconFile, readLexiconFile } from '../../../core/lexicon/lexicon-file.js';

// "sốt" annotated wherever it occurs (score 3/4), "ho" annotated once in three occurrences (2/5: below the floor),
// a place with an emoji before it and a label name with a space.
const docs = ['Bệnh nhân 1 bị sốt và ho , ở 🏥 Hà Nội .', 'Bệnh nhân 2 bị sốt , không ho .', 'Cô ấy ho nhẹ .'].map(
  (text, i) => ({
    text,
    entities: [
      ...(text.includes('sốt') ? [at(text, 'sốt', 'Triệu chứng')] : []),
      ...(i === 0 ? [at(text, 'ho', 'Triệu chứng'), at(text, 'Hà Nội', 'Nơi')] : []),
    ],
  }),
);

test('a lexicon file reads back as a lexicon that matches and scores as the original', () => {
  const original = Lexicon.build(docs);
  const file = JSON.parse(JSON.stringify(lexiconFile(original)));
  const copy = readLexiconFile(file, 'lexicon.json');
  const text = 'Ca mới : sốt , ho , 😷 Hà Nội .';
  assert.deepEqual(copy.match(text), original.match(text));
  assert.equal(copy.score('ho', 'Triệu chứng'), original.score('ho', 'Triệu chứng'));
  assert.deepEqual([...copy.pairs()], [...original.pairs()]);
});

test('a broken lexicon file is refused, naming the file and the entry', () => {
  const good = lexiconFile(Lexicon.build(docs));
  const broken = (entries: unknown) => () => readLexiconFile({ ...good, entries }, 'pkg/lexicon.json');
  assert.throws(broken([['sốt', 2, { S: 3 }]]), /pkg\/lexicon\.json: entries\[0\]: label "S"/);
  assert.throws(broken([['sốt', -1, {}]]), /entries\[0\]: occurrences/);
  assert.throws(broken([['Hà  Nội', 1, { Nơi: 1 }]]), /entries: "Hà {2}Nội" is not a lexicon key/);
  assert.throws(broken('x'), /entries: must be an array/);
  assert.throws(() => readLexiconFile({ ...good, formatVersion: 9 }, 'l.json'), /l\.json: formatVersion: must be 1/);
  assert.throws(() => readLexiconFile([], 'l.json'), /l\.json: : must hold a JSON object/);
});

test("the lexicon fills the model's gaps with its precise matches, never over the model's own", () => {
  const lexicon = Lexicon.build(docs);
  assert.ok(lexicon.score('sốt', 'Triệu chứng') >= FILL_MIN_SCORE);
  assert.ok(lexicon.score('ho', 'Triệu chứng') < FILL_MIN_SCORE);
  const text = 'Bệnh nhân 3 bị sốt , ho , ở Hà Nội .';
  // The model found the place, longer than the lexicon's form, and nothing else.
  const model = [{ ...at(text, 'ở Hà Nội', 'Nơi'), score: 0.9 }];
  const filled = fillGaps(text, model, lexicon);
  assert.deepEqual(spans(filled), [at(text, 'sốt', 'Triệu chứng'), at(text, 'ở Hà Nội', 'Nơi')]);
  assert.equal(filled[0].score, lexicon.score('sốt', 'Triệu chứng'));
  // Nothing to fill: the model's entities come back as they were.
  assert.deepEqual(fillGaps('Không có gì .', model, lexicon), model);
  // A text that is not NFC is left as the model saw it (lexicon offsets count NFC code points).
  assert.deepEqual(fillGaps(text.normalize('NFD'), [], lexicon), []);
});
