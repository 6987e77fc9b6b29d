// The registry, and every format through the services: export a small project, import the export into a fresh
// project, and get the same documents and entities back (brat as a folder of .txt + .ann).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FORMAT_IDS, type FormatId } from '../../core/codecs/codec.js';
import { codecFor, codecs, guessFormat } from '../../core/codecs/registry.js';
import { openDatabase } from '../../db/open-database.js';
import { Store } from '../../db/store.js';
import { exportProject } from '../../main/services/export-service.js';
import { importPath } from '../../main/services/import-service.js';

test('the registry has a codec for every format id and refuses unknown ones', () => {
  for (const id of FORMAT_IDS) assert.equal(codecFor(id).id, id);
  assert.deepEqual(Object.keys(codecs).sort(), [...FORMAT_IDS].sort());
  assert.throws(() => codecFor('xml'), /unknown format "xml"; formats: phoner, conll/);
});

test('guessFormat goes by telling names, then by extensions only one codec reads', () => {
  assert.equal(guessFormat('data/train_syllable.jsonl'), 'phoner');
  assert.equal(guessFormat('export/label-studio-2024.json'), 'label-studio');
  assert.equal(guessFormat('doccano_admin.jsonl'), 'doccano');
  assert.equal(guessFormat('dev.conll'), 'conll');
  assert.equal(guessFormat('notes/ca-1.ann'), 'brat');
  assert.equal(guessFormat('ca-1.txt'), undefined); // brat or text
  assert.equal(guessFormat('tasks.json'), undefined);
});

const sentence = (words: string[], tags: string[]) => JSON.stringify({ words, tags });
const SOURCE = [
  sentence(['Bệnh', 'nhân', '91', 'ở', 'Hà', 'Nội'], ['O', 'O', 'B-PATIENT_ID', 'O', 'B-LOCATION', 'I-LOCATION']),
  sentence(
    ['Sốt', ',', 'ho', 'khan', '😷'],
    ['B-SYMPTOM_AND_DISEASE', 'O', 'B-SYMPTOM_AND_DISEASE', 'I-SYMPTOM_AND_DISEASE', 'O'],
  ),
  sentence(['Không', 'có', 'gì'], ['O', 'O', 'O']),
];

function project(dir: string, name: string) {
  const store = new Store(openDatabase(join(dir, `${name}.sqlite`)));
  return { store, projectId: store.projects.create(name).id };
}

const contents = (store: Store, projectId: number) =>
  [...store.documents.current(projectId, ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'])].map(
    (d) => ({
      text: d.text,
      entities: d.entities.map(({ label, start, end }) => ({ label, start, end })),
    }),
  );

for (const format of FORMAT_IDS.filter((f): f is Exclude<FormatId, 'text'> => f !== 'text')) {
  test(`${format}: export and re-import give the same texts and entities`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `wb-${format}-`));
    const source = join(dir, 'train_syllable.jsonl');
    writeFileSync(source, `${SOURCE.join('\n')}\n`);
    const original = project(dir, 'original');
    await importPath(original.store, source, { projectId: original.projectId, format: 'phoner' });
    const dest = join(dir, format === 'brat' ? 'brat-out' : `out.${format}`);
    const summary = await exportProject(original.store, dest, { projectId: original.projectId, format });
    assert.equal(summary.docs, 3);
    const copy = project(dir, 'copy');
    const result = await importPath(copy.store, dest, { projectId: copy.projectId, format });
    assert.equal(result.errors, 0, JSON.stringify(result.issues));
    assert.deepEqual(contents(copy.store, copy.projectId), contents(original.store, original.projectId));
  });
}
