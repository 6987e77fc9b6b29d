// Assignment on a team server (issue 15): an admin assigns all documents, a list, or an automatic plan with
// overlap; each annotator's document list, progress, next/previous and queue are then their assignment (with their
// line's status), a document outside it is refused, and the admin sees progress per annotator. A project without
// any assignment stays open to every annotator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractError } from '../../../core/contract/errors.js';
import { paramSchemas } from '../../../core/contract/methods.js';
import { METHOD_ROLES, type CallContext } from '../../../core/contract/roles.js';
import { tempService } from '../hosts/helpers.js';

const hoa: CallContext = { actor: 'hoa', role: 'annotator' };
const lan: CallContext = { actor: 'lan', role: 'annotator' };
const admin: CallContext = { actor: 'minh', role: 'admin' };
const LINES = Array.from({ length: 20 }, (_, i) => `Bệnh nhân ${i + 1} ở Hà Nội.`).join('\n') + '\n';

async function team() {
  const env = await tempService();
  for (const [name, role] of [
    ['hoa', 'annotator'],
    ['lan', 'annotator'],
    ['tuan', 'annotator'],
    ['minh', 'admin'],
    ['cuc', 'curator'],
  ] as const)
    env.store.users.add(name, role, 'scrypt$test');
  const s = env.service;
  await s['documents.import']({
    projectId: 1,
    name: 'a.txt',
    contentBase64: Buffer.from(LINES).toString('base64'),
    format: 'text',
    variant: 'lines',
  });
  const ids = (await s['documents.list']({ projectId: 1 })).items.map((d) => d.id);
  assert.equal(ids.length, 20);
  return { env, s, ids };
}

const invalid = (field: string, pattern: RegExp) => (e: ContractError) =>
  e instanceof ContractError && e.code === 'invalid' && e.field === field && pattern.test(e.message);

test('a list assignment limits each annotator to their documents; others are refused; progress per annotator', async () => {
  const { env, s, ids } = await team();
  try {
    const listed = async (who: CallContext, q = {}) =>
      (await s['documents.list']({ projectId: 1, ...q }, who)).items.map((d) => d.id);
    assert.deepEqual(await listed(hoa), ids, 'no assignment yet: the project is open to every annotator');

    const result = await s['assignments.assign'](
      { mode: 'list', projectId: 1, annotators: ['HOA'], documentIds: ids.slice(0, 5) },
      admin,
    );
    assert.deepEqual(result, { added: 5, documents: 5, byAnnotator: { hoa: 5 } }, 'names are the users’ own');
    await s['assignments.assign']({ mode: 'list', projectId: 1, annotators: ['lan'], documentIds: ids.slice(3, 8) });
    assert.deepEqual(await listed(hoa), ids.slice(0, 5));
    assert.deepEqual(await listed(lan), ids.slice(3, 8));
    assert.deepEqual(await listed(lan, { limit: 2, after: ids[4] }), ids.slice(5, 7));
    assert.equal((await s['documents.list']({ projectId: 1 })).total, 20, 'the shared list is everything');

    await assert.rejects(
      s['documents.get']({ documentId: ids[9] }, hoa),
      (e: ContractError) => e.code === 'forbidden' && /not assigned to hoa/.test(e.message),
    );
    await assert.rejects(
      s['annotations.save']({ documentId: ids[9], parentRevisionId: null, entities: [] }, hoa),
      (e: ContractError) => e.code === 'forbidden',
    );
    await assert.rejects(
      s['annotations.history']({ documentId: ids[6] }, hoa),
      (e: ContractError) => e.code === 'forbidden',
    );

    // hoa finishes two, starts one: her line's statuses show in her list, progress and queue; lan's are untouched.
    for (const id of ids.slice(0, 2)) await s['documents.setStatus']({ documentId: id, status: 'done' }, hoa);
    const doc = await s['documents.get']({ documentId: ids[2] }, hoa);
    await s['annotations.save'](
      { documentId: ids[2], parentRevisionId: doc.revisionId, entities: [{ label: 'LOCATION', start: 14, end: 20 }] },
      hoa,
    );
    assert.deepEqual(await listed(hoa, { status: 'done' }), ids.slice(0, 2));
    const row = (await s['documents.list']({ projectId: 1, status: 'in_progress' }, hoa)).items[0];
    assert.deepEqual([row.id, row.entityCount], [ids[2], 1]);
    const mine = await s['documents.progress']({ projectId: 1 }, hoa);
    assert.deepEqual([mine.total, mine.done, mine.byStatus], [5, 2, { done: 2, in_progress: 1, new: 2 }]);
    assert.deepEqual(mine.byLabel, { LOCATION: 1 });
    const queue = await s['queue.next']({ projectId: 1, strategy: 'random', seed: 1 }, hoa);
    assert.deepEqual(
      queue.items.map((i) => i.documentId).sort((a, b) => a - b),
      ids.slice(2, 5),
    );
    assert.equal(queue.items.find((i) => i.documentId === ids[2])?.status, 'in_progress');
    assert.equal((await s['queue.next']({ projectId: 1, strategy: 'random', seed: 1 }, lan)).total, 5);
    assert.equal((await s['queue.next']({ projectId: 1, strategy: 'random', seed: 1 })).total, 20);
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: ids[1], direction: 'next' }, hoa), {
      documentId: ids[2],
    });
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: ids[4], direction: 'next' }, hoa), {
      documentId: null,
    });
    assert.deepEqual(
      await s['documents.adjacent']({ projectId: 1, documentId: ids[4], direction: 'previous', status: 'done' }, hoa),
      { documentId: ids[1] },
    );

    const progress = await s['assignments.progress']({ projectId: 1 });
    assert.deepEqual(progress, {
      annotators: [
        { annotator: 'hoa', assigned: 5, done: 2, inProgress: 1, skipped: 0 },
        { annotator: 'lan', assigned: 5, done: 0, inProgress: 0, skipped: 0 },
      ],
      documents: 20,
      unassigned: 12,
      overlapped: 2,
    });

    assert.deepEqual(
      await s['assignments.unassign']({ projectId: 1, annotator: 'lan', documentIds: [ids[3]] }, admin),
      {
        removed: 1,
      },
    );
    assert.deepEqual(await listed(lan), ids.slice(4, 8));
    assert.deepEqual(await s['assignments.unassign']({ projectId: 1, annotator: 'lan' }, admin), { removed: 4 });
    assert.deepEqual(await listed(lan), [], 'the project has assignments, none of them hers');
    const logged = env.store.db
      .prepare("SELECT type, actor FROM events WHERE type IN ('assign', 'unassign') ORDER BY id")
      .all();
    assert.deepEqual(logged, [
      { type: 'assign', actor: 'minh' },
      { type: 'assign', actor: 'annotator' },
      { type: 'unassign', actor: 'minh' },
      { type: 'unassign', actor: 'minh' },
    ]);
  } finally {
    await env.close();
  }
});

test('all and auto: every document to each; auto spreads the unassigned ones with 15 % overlap, deterministically', async () => {
  const { env, s, ids } = await team();
  try {
    const all = await s['assignments.assign']({ mode: 'all', projectId: 1, annotators: ['tuan'] }, admin);
    assert.deepEqual(all, { added: 20, documents: 20, byAnnotator: { tuan: 20 } });
    assert.equal((await s['assignments.assign']({ mode: 'all', projectId: 1, annotators: ['tuan'] })).added, 0);
    await s['assignments.unassign']({ projectId: 1, annotator: 'tuan' });

    const auto = await s['assignments.assign'](
      { mode: 'auto', projectId: 1, annotators: ['hoa', 'lan', 'tuan'], overlap: 0.15, seed: 42 },
      admin,
    );
    assert.equal(auto.documents, 20);
    assert.equal(auto.added, 23, '3 of 20 documents (15 %) go to two annotators');
    const progress = await s['assignments.progress']({ projectId: 1 });
    assert.deepEqual([progress.unassigned, progress.overlapped], [0, 3]);
    const loads = progress.annotators.map((a) => a.assigned);
    assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `${loads}`);
    const byHoa = (await s['documents.list']({ projectId: 1 }, hoa)).items.map((d) => d.id);
    assert.equal(byHoa.length, progress.annotators.find((a) => a.annotator === 'hoa')!.assigned);

    // The same request on a copy of the project gives the same plan; on this one nothing is left to assign.
    const again = await team();
    try {
      await again.s['assignments.assign']({
        mode: 'auto',
        projectId: 1,
        annotators: ['tuan', 'lan', 'hoa'],
        overlap: 0.15,
        seed: 42,
      });
      assert.deepEqual(
        (await again.s['documents.list']({ projectId: 1 }, hoa)).items.map((d) => d.id),
        byHoa,
      );
    } finally {
      await again.env.close();
    }
    assert.equal(
      (await s['assignments.assign']({ mode: 'auto', projectId: 1, annotators: ['hoa'], overlap: 0.5 })).added,
      0,
    );
    assert.ok(ids.length > 0);
  } finally {
    await env.close();
  }
});

test('refusals: unknown, disabled or non-annotator assignees, foreign documents, bad payloads, roles', async () => {
  const { env, s } = await team();
  try {
    env.store.users.setDisabled(env.store.users.byName('tuan')!.id, true);
    const assign = (annotators: string[], documentIds = [1]) =>
      s['assignments.assign']({ mode: 'list', projectId: 1, annotators, documentIds }, admin);
    await assert.rejects(assign(['hoa', 'nobody']), invalid('annotators.1', /no user "nobody"/));
    await assert.rejects(assign(['tuan']), invalid('annotators.0', /tuan is disabled/));
    await assert.rejects(
      assign(['cuc']),
      invalid('annotators.0', /cuc is a curator; documents are assigned to annotators/),
    );
    await assert.rejects(assign(['hoa'], [1, 999]), invalid('documentIds.1', /no document 999 in project 1/));
    await assert.rejects(
      s['assignments.assign']({ mode: 'all', projectId: 9, annotators: ['hoa'] }),
      (e: ContractError) => e.code === 'not-found',
    );
    await assert.rejects(
      s['assignments.unassign']({ projectId: 1, annotator: 'nobody' }),
      invalid('annotator', /no user "nobody"/),
    );
    assert.deepEqual(
      env.store.db.prepare('SELECT count(*) AS n FROM assignments').get(),
      { n: 0 },
      'nothing half-assigned',
    );

    const schema = paramSchemas['assignments.assign'];
    for (const bad of [
      { mode: 'auto', projectId: 1, annotators: ['hoa'], overlap: 1.5 },
      { mode: 'auto', projectId: 1, annotators: ['hoa'], overlap: 0.1, copies: 1 },
      { mode: 'list', projectId: 1, annotators: ['hoa'] },
      { mode: 'all', projectId: 1, annotators: [] },
      { mode: 'all', projectId: 1, annotators: ['hoa', 'Hoa'] },
      { mode: 'some', projectId: 1, annotators: ['hoa'] },
      { mode: 'all', projectId: 1, annotators: ['hoa'], extra: 1 },
    ])
      assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
    assert.deepEqual(
      [METHOD_ROLES['assignments.assign'], METHOD_ROLES['assignments.unassign'], METHOD_ROLES['assignments.progress']],
      ['admin', 'admin', 'curator'],
    );
  } finally {
    await env.close();
  }
});
