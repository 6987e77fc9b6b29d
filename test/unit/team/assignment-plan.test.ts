// The automatic assignment plan (core/team/assignment-plan.ts): deterministic for a seed whatever the input order,
// exactly round(overlap × n) documents shared by `copies` distinct annotators, loads balanced, overlap spread over
// every pair of annotators.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAssignment } from '../../../core/team/assignment-plan.js';

const ids = Array.from({ length: 200 }, (_, i) => i + 1);
const team = ['hoa', 'lan', 'minh'];

test('15 % overlap over 200 documents and three annotators: 30 shared by two, the rest by one, loads even', () => {
  const plan = planAssignment(ids, team, { overlap: 0.15, copies: 2, seed: 7 });
  assert.equal(plan.size, 200);
  const shared = [...plan.values()].filter((who) => who.length === 2);
  assert.equal(shared.length, 30);
  assert.ok(shared.every(([a, b]) => a !== b));
  assert.equal([...plan.values()].filter((who) => who.length === 1).length, 170);
  const load = new Map(team.map((n) => [n, 0]));
  for (const who of plan.values()) for (const n of who) load.set(n, load.get(n)! + 1);
  const loads = [...load.values()];
  assert.equal(
    loads.reduce((a, b) => a + b),
    230,
  );
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads}`);
  const pairs = new Map<string, number>();
  for (const [a, b] of shared) pairs.set([a, b].sort().join('+'), (pairs.get([a, b].sort().join('+')) ?? 0) + 1);
  assert.equal(pairs.size, 3, 'every pair of annotators shares documents');
  assert.ok(
    [...pairs.values()].every((n) => n >= 8),
    JSON.stringify([...pairs]),
  );
});

test('deterministic: the same seed gives the same plan whatever the order of documents and annotators', () => {
  const a = planAssignment(ids, team, { overlap: 0.2, copies: 2, seed: 3 });
  const b = planAssignment([...ids].reverse(), [...team].reverse(), { overlap: 0.2, copies: 2, seed: 3 });
  assert.deepEqual(
    [...a].sort((x, y) => x[0] - y[0]).map(([id, who]) => [id, [...who].sort()]),
    [...b].sort((x, y) => x[0] - y[0]).map(([id, who]) => [id, [...who].sort()]),
  );
  const c = planAssignment(ids, team, { overlap: 0.2, copies: 2, seed: 4 });
  const sharedOf = (p: Map<number, string[]>) =>
    [...p]
      .filter(([, w]) => w.length > 1)
      .map(([id]) => id)
      .sort((x, y) => x - y);
  assert.notDeepEqual(sharedOf(a), sharedOf(c), 'another seed shares other documents');
});

test('edges: no overlap, full overlap, one annotator, copies above the team size', () => {
  assert.ok([...planAssignment(ids, team, { overlap: 0, copies: 2, seed: 0 }).values()].every((w) => w.length === 1));
  assert.ok([...planAssignment(ids, team, { overlap: 1, copies: 2, seed: 0 }).values()].every((w) => w.length === 2));
  assert.ok(
    [...planAssignment(ids, ['hoa'], { overlap: 0.5, copies: 2, seed: 0 }).values()].every((w) => w.length === 1),
  );
  assert.ok([...planAssignment(ids, team, { overlap: 1, copies: 5, seed: 0 }).values()].every((w) => w.length === 3));
  assert.equal(planAssignment([], team, { overlap: 0.5, copies: 2, seed: 0 }).size, 0);
  assert.throws(() => planAssignment(ids, [], { overlap: 0.1, copies: 2, seed: 0 }), /at least one annotator/);
});
