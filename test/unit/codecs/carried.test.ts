// What each codec says a decoded record carries: a person's answer (or none) and model suggestions. The import
// service stores what the codec says, so these are the format rules a new codec declares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecs } from '../../../core/codecs/registry.js';
import type { Doc } from '../../../core/document.js';
import { stringSource } from '../../../core/source.js';

const empty: Doc = { name: '1', text: 'Sốt cao', entities: [] };
const scored: Doc = {
  name: '1',
  text: 'Sốt cao',
  entities: [
    { label: 'SYMPTOM', start: 0, end: 3 },
    { label: 'SYMPTOM', start: 4, end: 7, score: 0.6 },
  ],
};

test('a record with no entity is an answer ("nothing here") only in formats where every record was labelled', () => {
  const answered = Object.values(codecs)
    .filter((codec) => codec.carried(empty).answer !== null)
    .map((codec) => codec.id)
    .sort();
  assert.deepEqual(answered, ['brat', 'conll', 'instruction', 'phoner']);
});

test('scored entities are suggestions, the others the answer', () => {
  for (const codec of Object.values(codecs)) {
    const carried = codec.carried(scored);
    assert.deepEqual(carried.answer, [scored.entities[0]], codec.id);
    assert.deepEqual(carried.suggested, [scored.entities[1]], codec.id);
  }
});

test('a Label Studio task: the chosen annotation answers even when empty; predictions are suggestions with their model version', () => {
  const prediction = { label: 'SYMPTOM', start: 0, end: 7, score: 0.6 };
  const doc: Doc = {
    ...empty,
    meta: {
      predictions: [prediction],
      labelStudio: { task: { data: { text: null }, predictions: [{ model_version: 'tiny-v3' }] }, chosen: 0 },
    },
  };
  assert.deepEqual(codecs['label-studio'].carried(doc), {
    answer: [],
    suggested: [prediction],
    modelVersion: 'tiny-v3',
  });
  assert.equal(codecs['label-studio'].carried(empty).answer, null, 'a task with no annotation is not answered');
});

test('flat BIO codecs give their tags as written (a stray I- is not repaired); nested CoNLL is not flat', async () => {
  const input = (text: string) => ({ source: stringSource('f', text), sibling: () => undefined });
  assert.deepEqual(await codecs.phoner.rawTags?.(input('{"words": ["a", "b"], "tags": ["I-X", "O"]}\n')), [
    ['I-X', 'O'],
  ]);
  assert.deepEqual(await codecs.conll.rawTags?.(input('a\tI-X\nb\tO\n\nc\tB-Y\n')), [['I-X', 'O'], ['B-Y']]);
  assert.equal(await codecs.conll.rawTags?.(input('a\tB-X\tB-Y\n')), undefined);
  assert.equal(codecs.doccano.rawTags, undefined);
});
