import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramSchemas } from '../../../core/contract/methods.js';

const base = { projectId: 1, format: 'doccano', scope: 'done' };

test('export.run takes which annotation to export, and goldOnly only with gold', () => {
  const schema = paramSchemas['export.run'];
  for (const lines of ['shared', 'gold', 'annotators']) assert.ok(schema.safeParse({ ...base, lines }).success, lines);
  assert.ok(schema.safeParse({ ...base, lines: 'gold', goldOnly: true }).success);
  assert.equal(schema.safeParse({ ...base, lines: 'mine' }).success, false);
  const stray = schema.safeParse({ ...base, lines: 'annotators', goldOnly: true });
  assert.equal(stray.success, false);
  assert.deepEqual(stray.error?.issues[0].path, ['goldOnly']);
  assert.equal(schema.safeParse({ ...base, goldOnly: false }).success, false, 'goldOnly without lines: gold');
});
