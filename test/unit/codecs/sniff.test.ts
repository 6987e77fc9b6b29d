// Automatic format detection looks inside a file when its name cannot tell (.json and .jsonl are read by five codecs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecs, guessFormat } from '../../../core/codecs/registry.js';
import { SNIFF_CHARS, sniffFormat } from '../../../core/codecs/sniff.js';
import type { Doc } from '../../../core/document.js';
import { encodeDocs } from '../../support/random-docs.js';

const ALL = Object.values(codecs);

// What doccano's own export writes (sequence labelling), and its newer entities shape.
const DOCCANO_LABEL = [
  '{"id": 1, "text": "Bệnh nhân 91 ở Hà Nội", "label": [[10, 12, "PATIENT_ID"], [15, 21, "LOCATION"]], "Comments": []}',
  '{"id": 2, "text": "Sốt, ho khan", "label": []}',
].join('\n');
const DOCCANO_ENTITIES =
  '{"id": 7, "text": "Sốt cao", "entities": [{"id": 1, "label": "SYMPTOM", "start_offset": 0, "end_offset": 7}], "relations": []}\n';

test('a doccano JSONL with no telling name is detected as doccano, in both of its shapes', () => {
  assert.equal(sniffFormat(DOCCANO_LABEL, ALL), 'doccano');
  assert.equal(guessFormat('held-out.jsonl', DOCCANO_LABEL), 'doccano');
  assert.equal(guessFormat('admin.jsonl', DOCCANO_ENTITIES), 'doccano');
  // A byte-order mark and blank leading lines do not hide it.
  assert.equal(guessFormat('x.jsonl', `\uFEFF\n\n${DOCCANO_LABEL}`), 'doccano');
  // Without the content the name alone still cannot tell.
  assert.equal(guessFormat('held-out.jsonl'), undefined);
});

test('what every JSON codec writes is recognised as that codec', async () => {
  const docs: Doc[] = [
    { name: 'ca-1', text: 'Bệnh nhân ở Hà Nội', entities: [{ start: 12, end: 18, label: 'LOCATION' }] },
  ];
  for (const [id, name] of [
    ['doccano', 'a.jsonl'],
    ['phoner', 'a.jsonl'],
    ['instruction', 'a.jsonl'],
    ['label-studio', 'a.json'],
  ] as const) {
    const { text } = await encodeDocs(codecs[id], docs);
    assert.equal(guessFormat(name, text), id, `${id}: ${text.slice(0, 120)}`);
  }
});

test('CoNLL lines are recognised; unknown shapes and cut-off records decide nothing', () => {
  assert.equal(sniffFormat('Bệnh\tO\nnhân\tO\nHà\tB-LOCATION\nNội\tI-LOCATION\n\nSốt\tB-SYMPTOM\n', ALL), 'conll');
  assert.equal(sniffFormat('{"foo": 1}\n', ALL), undefined);
  assert.equal(sniffFormat('not json at all\n', ALL), undefined);
  // A first record longer than the sample is not guessed from its cut-off start.
  const long = `{"text": "${'a'.repeat(SNIFF_CHARS)}", "label": []}\n`;
  assert.equal(sniffFormat(long.slice(0, SNIFF_CHARS), ALL), undefined);
  // The content only chooses among the codecs the extension allows: a .txt stays brat-or-text.
  assert.equal(guessFormat('ca.txt', DOCCANO_LABEL), undefined);
});

test('a .txt that travels alone (a browser upload) is plain text: brat needs its .ann beside it', () => {
  assert.equal(guessFormat('notes.txt'), undefined, 'on disk a .txt may be half of a brat pair');
  assert.equal(guessFormat('notes.txt', 'Bệnh nhân sốt cao.\n', { alone: true }), 'text');
  assert.equal(guessFormat('case.ann', undefined, { alone: true }), 'brat', 'a telling name still decides');
});

test('a name that says its tool decides before the corpus it names, and before the content', () => {
  assert.equal(guessFormat('phoner_doccano.jsonl'), 'doccano');
  assert.equal(guessFormat('covid_label-studio.json', DOCCANO_LABEL), 'label-studio');
  assert.equal(guessFormat('train_syllable.jsonl'), 'phoner');
  assert.equal(guessFormat('ca.ann'), 'brat');
});

test('every sign is declared by its codec: each JSON-reading codec recognises its own first record', () => {
  for (const codec of ALL.filter((c) => c.extensions.some((e) => e.startsWith('.json'))))
    assert.ok(codec.signs?.record, `${codec.id} reads JSON but declares no record sign`);
});
