// Authors, suggestion sources and revision notes in words (issue 14: no machine names in the UI): the services'
// 'annotator', 'import:FILE unknown', 'workbench:lexicon 3', 'accept>=0.8', 'rename A → B' read as the annotator's
// language; a person's name or a model's "NAME VERSION" stays as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noteWords, originWords } from '../../../renderer/src/lib/revision-words.js';

test('origins: the machine names in words, anything else as it is', () => {
  assert.equal(originWords('annotator', 'vi'), 'người chú thích');
  assert.equal(originWords('workbench:lexicon 3', 'en'), "the project's lexicon");
  assert.equal(originWords('workbench:lexicon 3', 'vi'), 'từ điển của dự án');
  assert.equal(originWords('import:ca-benh.jsonl unknown', 'vi'), 'nhập từ ca-benh.jsonl');
  assert.equal(originWords('import:ca-benh.jsonl', 'en'), 'imported from ca-benh.jsonl');
  assert.equal(originWords('cli', 'en'), 'the command line');
  assert.equal(originWords('workbench', 'vi'), 'bàn làm việc (lần mở đầu)');
  assert.equal(originWords('phoner-covid19 1.0.0', 'vi'), 'phoner-covid19 1.0.0');
  assert.equal(originWords('lan.nguyen', 'en'), 'lan.nguyen');
});

test('notes: every note the editor and the label service write, in both languages', () => {
  const notes = ['edit', 'undo', 'redo', 'accept', 'edit-suggestion', 'accept>=0.8', 'restore r3'];
  for (const note of [...notes, 'rename PER → NGƯỜI', 'merge LOC, ORG → NƠI', 'delete DATE'])
    assert.notEqual(noteWords(note, 'vi'), note, `vi: ${note}`);
  assert.equal(noteWords('edit-suggestion', 'en'), 'suggestion edited');
  assert.equal(noteWords('accept>=0.8', 'en'), 'all suggestions at or above 0.8 accepted');
  assert.equal(noteWords('restore r3', 'vi'), 'khôi phục r3');
  assert.equal(noteWords('merge LOC, ORG → NƠI', 'en'), 'labels LOC, ORG merged into NƠI');
  assert.equal(noteWords('delete DATE', 'vi'), 'xóa nhãn DATE');
  assert.equal(noteWords('something new', 'vi'), 'something new');
});
