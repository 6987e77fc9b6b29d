// Store.transaction: every commit is synced (synchronous = FULL) unless a caller asks otherwise for one transaction,
// and the setting is back before anything else can run, even when the transaction fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../../db/open-database.js';
import { Store } from '../../../db/store.js';

const FULL = 2;
const NORMAL = 1;

test('a non-durable transaction runs unsynced and leaves every other commit synced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-store-'));
  const store = new Store(openDatabase(join(dir, 'db.sqlite')));
  const level = () => store.db.pragma('synchronous', { simple: true });
  try {
    assert.equal(level(), FULL);
    assert.equal(
      store.transaction(() => level(), { durable: false }),
      NORMAL,
    );
    assert.equal(level(), FULL);
    assert.throws(
      () =>
        store.transaction(
          () => {
            throw new Error('boom');
          },
          { durable: false },
        ),
      /boom/,
    );
    assert.equal(level(), FULL);
    // Nested: the outer transaction's setting holds (SQLite cannot change it inside a transaction).
    assert.equal(
      store.transaction(() => store.transaction(() => level(), { durable: false })),
      FULL,
    );
    const project = store.transaction(() => store.projects.create('p'), { durable: false });
    assert.equal(
      store.projects.list().some((p) => p.id === project.id),
      true,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
