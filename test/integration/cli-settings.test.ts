// `workbench settings`: keep-learning's N and the lexicon switch, persisted in the database, and refusals (exit 2).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, workbench } from './cli-run.js';

test('workbench settings: retrain every N and the lexicon switch are kept; bad values are refused', () => {
  const dir = dataFolder();
  const db = join(dir, 'w.sqlite');
  assert.equal(workbench(['init', db, '--labels', 'PER,LOC']).status, 0);
  const shown = workbench(['settings', db]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /retrain every: off/);
  assert.match(shown.stdout, /lexicon suggestions: on/);

  const set = workbench(['settings', db, '--retrain-every', '25', '--lexicon', 'off']);
  assert.equal(set.status, 0, set.stderr);
  const json = JSON.parse(workbench(['settings', db, '--json']).stdout);
  assert.deepEqual(
    { retrainEvery: json.retrainEvery, lexicon: json.lexicon, finished: json.finished },
    { retrainEvery: 25, lexicon: false, finished: 0 },
  );

  assert.equal(workbench(['settings', db, '--retrain-every', 'off']).status, 0);
  assert.match(workbench(['settings', db]).stdout, /retrain every: off/);
  assert.match(workbench(['settings', db]).stdout, /lexicon suggestions: off/);

  const bad = workbench(['settings', db, '--retrain-every', '2.5']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--retrain-every takes a whole number/);
  assert.equal(workbench(['settings', db, '--lexicon', 'maybe']).status, 2);
});
