// The Models view shows a version's model-card F1 (marked as the card's) until it has a held-out score here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cardF1, toVersion } from '../../../main/services/fine-tune-service.js';

test('the first F1 of a manifest evaluation is the card F1; none without one', () => {
  const manifest = {
    evaluation: [
      { dataset: 'x (first 10)', metric: 'latency', value: 3 },
      { dataset: 'phoner_dev', split: 'dev', metric: 'nested micro-F1', value: 0.9108 },
    ],
  };
  assert.deepEqual(cardF1(manifest), { f1: 0.9108, dataset: 'phoner_dev' });
  assert.equal(cardF1({}), undefined);
  assert.equal(cardF1(null), undefined);
  const entry = {
    id: 1,
    name: 'm',
    version: '1',
    path: '/m',
    manifest,
    metrics: null,
    createdAt: '',
    active: true,
    parentId: null,
    projectId: null,
  };
  assert.equal(toVersion(entry).card?.f1, 0.9108);
});

test('the shipped embedded model has a card F1', () => {
  const path = join(import.meta.dirname, '..', '..', '..', 'assets', 'model', 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return; // not built here
  }
  assert.ok((cardF1(manifest)?.f1 ?? 0) > 0.5);
});
