// EventRepository.latestPayload: a project's latest event of one type (settings kept in the log), found by the type
// index whatever else the log holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../../db/open-database.js';
import { Store } from '../../../db/store.js';

test('latestPayload: the latest of that type and project; undefined when there is none', () => {
  const store = new Store(openDatabase(':memory:'));
  try {
    const p1 = store.projects.create('a').id;
    const p2 = store.projects.create('b').id;
    assert.equal(store.events.latestPayload('training.settings', p1), undefined);
    store.events.append({ type: 'training.settings', actor: 't', projectId: p1, payload: { retrainEvery: 5 } });
    store.events.append({ type: 'training.settings', actor: 't', projectId: p2, payload: { retrainEvery: 7 } });
    store.events.append({ type: 'other', actor: 't', projectId: p1, payload: { retrainEvery: 99 } });
    store.events.append({ type: 'training.settings', actor: 't', projectId: p1, payload: { retrainEvery: null } });
    assert.deepEqual(store.events.latestPayload('training.settings', p1), { retrainEvery: null });
    assert.deepEqual(store.events.latestPayload('training.settings', p2), { retrainEvery: 7 });
    const plan = store.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT payload FROM events INDEXED BY events_by_type WHERE type = 'x' AND project_id = 1 ORDER BY id DESC LIMIT 1",
      )
      .all() as { detail: string }[];
    assert.match(plan.map((r) => r.detail).join(' '), /USING INDEX events_by_type/);
  } finally {
    store.close();
  }
});
