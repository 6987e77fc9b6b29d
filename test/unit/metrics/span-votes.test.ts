// Who has each span (core/metrics/span-votes.ts, issue 15's curation): agreed spans, a boundary difference's and a
// relabel's counterparts, and a span both annotators have never named as what one has instead of the other's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spanVotes } from '../../../core/metrics/span-votes.js';

const e = (label: string, start: number, end: number) => ({ label, start, end });
const brief = (votes: ReturnType<typeof spanVotes>) =>
  votes.map((v) => ({
    key: v.key,
    annotators: v.annotators,
    agreed: v.agreed,
    counterparts: v.counterparts.map((c) => `${c.annotator}:${c.kind}:${c.key}`),
  }));

test('agreed, boundary and relabel counterparts, in text order', () => {
  const votes = spanVotes([
    { name: 'lan', entities: [e('LOC', 0, 6), e('SYM', 10, 13), e('AGE', 20, 22)] },
    { name: 'hoa', entities: [e('LOC', 0, 6), e('SYM', 10, 17), e('DATE', 20, 22)] },
  ]);
  const byKey = new Map(brief(votes).map((v) => [v.key, v]));
  const keys = [...byKey.keys()];
  assert.equal(votes[0].agreed, true);
  assert.deepEqual(votes[0].annotators, ['hoa', 'lan']);
  const sym = votes.find((v) => v.entity.label === 'SYM' && v.entity.end === 13)!;
  assert.deepEqual(byKey.get(sym.key)!.counterparts, [
    `hoa:boundary:${keys.find((k) => k !== sym.key && votes.find((v) => v.key === k)!.entity.end === 17)}`,
  ]);
  const age = votes.find((v) => v.entity.label === 'AGE')!;
  const date = votes.find((v) => v.entity.label === 'DATE')!;
  assert.deepEqual(byKey.get(age.key)!.counterparts, [`hoa:label:${date.key}`]);
  assert.deepEqual(byKey.get(date.key)!.counterparts, [`lan:label:${age.key}`]);
  assert.deepEqual(
    votes.map((v) => v.entity.start),
    [0, 10, 10, 20, 20],
  );
});

test('a span both have is never the counterpart of a relabel', () => {
  // hoa gave "Huế" two labels; lan only one of them: that one is agreed, hoa's other label has nothing instead.
  const votes = spanVotes([
    { name: 'hoa', entities: [e('LOC', 0, 3), e('ORG', 0, 3)] },
    { name: 'lan', entities: [e('LOC', 0, 3)] },
  ]);
  const loc = votes.find((v) => v.entity.label === 'LOC')!;
  const org = votes.find((v) => v.entity.label === 'ORG')!;
  assert.equal(loc.agreed, true);
  assert.deepEqual(org.annotators, ['hoa']);
  assert.deepEqual(org.counterparts, []);
});
