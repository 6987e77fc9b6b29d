// The contract: one method list, schemas that refuse bad input with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHOD_LIST } from '../../../core/contract/channels.js';
import { validationError } from '../../../core/contract/errors.js';
import { isMethodName, paramSchemas } from '../../../core/contract/methods.js';
import * as s from '../../../core/contract/schemas.js';

test('the schema table and the channel list name the same methods', () => {
  assert.deepEqual(Object.keys(paramSchemas).sort(), [...METHOD_LIST].sort());
});

test('isMethodName accepts only own method names', () => {
  assert.ok(isMethodName('documents.get'));
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'documents', 1, null])
    assert.equal(isMethodName(name), false);
});

test('spans: non-empty label without whitespace, end after start, no extra keys', () => {
  assert.ok(s.spanSchema.safeParse({ label: 'LOCATION', start: 0, end: 3 }).success);
  for (const bad of [
    { label: '', start: 0, end: 1 },
    { label: 'A  B', start: 0, end: 1 },
    { label: 'A', start: 2, end: 2 },
    { label: 'A', start: -1, end: 1 },
    { label: 'A', start: 0.5, end: 1 },
    { label: 'A', start: 0, end: 1, score: 1 },
  ]) {
    assert.equal(s.spanSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('a validation error names the method and the field path', () => {
  const result = s.saveAnnotationsSchema.safeParse({
    documentId: 1,
    parentRevisionId: null,
    entities: [
      { label: 'A', start: 0, end: 1 },
      { label: 'B', start: 0 },
    ],
  });
  assert.equal(result.success, false);
  const error = validationError('annotations.save', result.error!);
  assert.equal(error.code, 'invalid');
  assert.equal(error.field, 'entities.1.end');
  assert.match(error.message, /^annotations\.save: invalid entities\.1\.end: /);
});

test('pre-annotating selected documents needs their ids', () => {
  assert.equal(
    s.preannotateSchema.safeParse({ projectId: 1, scope: 'selected', model: { kind: 'embedded' } }).success,
    false,
  );
  assert.ok(
    s.preannotateSchema.safeParse({ projectId: 1, scope: 'selected', documentIds: [3], model: { kind: 'embedded' } })
      .success,
  );
});

test('imports take a file name, not a path', () => {
  assert.equal(s.importSchema.safeParse({ projectId: 1, name: '../etc/passwd', contentBase64: '' }).success, false);
});
