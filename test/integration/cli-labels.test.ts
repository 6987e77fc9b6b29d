// `workbench labels` as a user runs it: list, add, rename (new revisions, history kept), merge, a delete refused
// then forced, recolour, shortcut, map / unmap, and refusals with exit 1 (bad input) or 2 (bad command line).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { dataFolder, workbench } from './cli-run.js';

test('workbench labels: add, rename, merge, delete (refused, then --force), recolour, shortcut, map', () => {
  const dir = dataFolder();
  const db = join(dir, 'w.sqlite');
  assert.equal(workbench(['init', db, '--labels', 'PER,LOC,ORG']).status, 0);
  const file = join(dir, 'a.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({
        text: 'Anh Nam ở Hà Nội',
        label: [
          [0, 7, 'PER'],
          [10, 16, 'LOC'],
        ],
      }),
      JSON.stringify({
        text: 'Chị Lan ở Huế',
        label: [
          [0, 7, 'PER'],
          [10, 13, 'ORG'],
        ],
      }),
    ].join('\n') + '\n',
  );
  assert.equal(workbench(['import', db, file, '--format', 'doccano']).status, 0);

  const list = workbench(['labels', db]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^PER\s+#0072b2\s+1\s+2$/mu);

  const added = workbench(['labels', db, 'add', 'NƠI_CHỐN', '--colour', '#112233', '--shortcut', 'n']);
  assert.equal(added.status, 0, added.stderr);
  const renamed = workbench(['labels', db, 'rename', 'PER', 'NGƯỜI']);
  assert.equal(renamed.status, 0, renamed.stderr);
  assert.match(renamed.stdout, /renamed PER → NGƯỜI: 2 entities in 2 documents/u);
  const merged = workbench(['labels', db, 'merge', 'LOC', 'ORG', 'NƠI_CHỐN']);
  assert.equal(merged.status, 0, merged.stderr);
  assert.match(merged.stdout, /merged LOC, ORG → NƠI_CHỐN: 2 entities in 2 documents/u);

  const refused = workbench(['labels', db, 'delete', 'NƠI_CHỐN']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /"NƠI_CHỐN" labels 2 entities in 2 documents.*--force/u);
  const forced = workbench(['labels', db, 'delete', 'NƠI_CHỐN', '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /2 entities removed from 2 documents/);

  assert.equal(workbench(['labels', db, 'recolour', 'NGƯỜI', '#00AA00']).status, 0);
  assert.equal(workbench(['labels', db, 'shortcut', 'NGƯỜI', 'p']).status, 0);
  const mapped = workbench(['labels', db, 'map', 'PERSON', 'NGƯỜI', '--model', 'my-model']);
  assert.equal(mapped.status, 0, mapped.stderr);
  const json = JSON.parse(workbench(['labels', db, 'list', '--json']).stdout);
  assert.deepEqual(json.labels, [{ name: 'NGƯỜI', colour: '#00aa00', shortcut: 'p', entities: 2 }]);
  assert.deepEqual(
    json.mappings,
    [
      { model: '*', modelLabel: 'PER', projectLabel: 'NGƯỜI' },
      { model: 'my-model', modelLabel: 'PERSON', projectLabel: 'NGƯỜI' },
    ],
    'the deleted label took its mappings with it',
  );
  assert.equal(workbench(['labels', db, 'unmap', 'PERSON', '--model', 'my-model']).status, 0);

  // Every step is a revision; the first is still there.
  const raw = new Database(db, { readonly: true });
  const history = raw
    .prepare('SELECT revision, author, note, spans FROM annotation_revisions WHERE document_id = 1 ORDER BY revision')
    .all() as { revision: number; author: string; note: string | null; spans: string }[];
  raw.close();
  assert.deepEqual(
    history.map((h) => [h.author, h.note]),
    [
      ['import:a.jsonl', null],
      ['cli', 'rename PER → NGƯỜI'],
      ['cli', 'merge LOC, ORG → NƠI_CHỐN'],
      ['cli', 'delete NƠI_CHỐN'],
    ],
  );
  assert.deepEqual(
    JSON.parse(history[0].spans).map((e: { label: string }) => e.label),
    ['PER', 'LOC'],
  );
  assert.deepEqual(JSON.parse(history[3].spans), [{ label: 'NGƯỜI', start: 0, end: 7 }]);

  // Refusals: bad input exits 1 naming the field, a bad command line exits 2.
  const bad = workbench(['labels', db, 'add', 'hai\ttừ']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /add: name: a label contains a control character/);
  // A name with inner spaces is a name (trimmed and NFC-normalised as typed).
  const spaced = workbench(['labels', db, 'add', ' triệu chứng bệnh '.normalize('NFD')]);
  assert.equal(spaced.status, 0, spaced.stderr);
  assert.match(workbench(['labels', db]).stdout, /^triệu chứng bệnh\s+#/mu);
  const taken = workbench(['labels', db, 'rename', 'NGƯỜI', 'NGƯỜI']);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /to: "NGƯỜI" is the label's name already/u);
  const unknown = workbench(['labels', db, 'frob']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown action "frob"/);
  assert.equal(workbench(['labels', db, 'rename', 'NGƯỜI']).status, 2);
});
