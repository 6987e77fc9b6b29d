// The curation draft's logic (issue 15: one action per disagreement), on votes from core/metrics/span-votes.ts as
// curation.versions computes them: a boundary pick, a relabel pick, a span only one annotator marked, nested spans
// the gold keeps both of, and an accept that never pushes out a span the accepted span's own annotator also marked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CurationVersions, Span, SpanVote } from '../../../core/contract/types.js';
import { spanVotes } from '../../../core/metrics/span-votes.js';
import {
  acceptNested,
  acceptVote,
  alternatives,
  initialDraft,
  nestedAlternatives,
  removeSpan,
  spanKey,
} from '../../../renderer/src/lib/curation-draft.js';

const s = (label: string, start: number, end: number): Span => ({ label, start, end });
const keys = (spans: readonly Span[]) => spans.map(spanKey).sort();

function versions(hoa: Span[], lan: Span[], gold: Span[] | null = null): { v: CurationVersions; votes: SpanVote[] } {
  const votes = spanVotes([
    { name: 'hoa', entities: hoa },
    { name: 'lan', entities: lan },
  ]);
  const v = { gold: gold && { entities: gold }, votes } as unknown as CurationVersions;
  return { v, votes };
}

const vote = (votes: SpanVote[], span: Span) => votes.find((x) => x.key === spanKey(span))!;

// "Bệnh nhân sốt cao ở Hà Nội": sốt cao 10-17, sốt 10-13, Hà Nội 21-27.
test('boundary: one click takes either version, and switching replaces the other', () => {
  const { v, votes } = versions([s('SYMPTOM', 10, 17), s('LOC', 21, 27)], [s('SYMPTOM', 10, 13), s('LOC', 21, 27)]);
  const start = initialDraft(v);
  assert.deepEqual(keys(start), keys([s('LOC', 21, 27)]), 'the draft starts from what both marked');
  const long = acceptVote(start, vote(votes, s('SYMPTOM', 10, 17)), votes);
  assert.deepEqual(keys(long), keys([s('SYMPTOM', 10, 17), s('LOC', 21, 27)]));
  const short = acceptVote(long, vote(votes, s('SYMPTOM', 10, 13)), votes);
  assert.deepEqual(keys(short), keys([s('SYMPTOM', 10, 13), s('LOC', 21, 27)]), 'accepting lan’s pushes hoa’s out');
});

test('relabel: the same words with another label; accepting one label replaces the other', () => {
  const { v, votes } = versions([s('ORG', 0, 18)], [s('LOC', 0, 18)]);
  assert.deepEqual(vote(votes, s('ORG', 0, 18)).counterparts, [
    { annotator: 'lan', key: spanKey(s('LOC', 0, 18)), kind: 'label' },
  ]);
  const org = acceptVote(initialDraft(v), vote(votes, s('ORG', 0, 18)), votes);
  assert.deepEqual(keys(org), keys([s('ORG', 0, 18)]));
  assert.deepEqual(keys(acceptVote(org, vote(votes, s('LOC', 0, 18)), votes)), keys([s('LOC', 0, 18)]));
});

test('only in one version: accept adds it, remove takes it out; nothing else moves', () => {
  const { v, votes } = versions([s('LOC', 21, 27)], [s('PATIENT_ID', 10, 12), s('LOC', 21, 27)]);
  const id = vote(votes, s('PATIENT_ID', 10, 12));
  assert.deepEqual(id.counterparts, []);
  const draft = acceptVote(initialDraft(v), id, votes);
  assert.deepEqual(keys(draft), keys([s('PATIENT_ID', 10, 12), s('LOC', 21, 27)]));
  assert.deepEqual(keys(removeSpan(draft, id.key)), keys([s('LOC', 21, 27)]));
});

test('nested: hoa marked the outer span, lan the inner one; "accept both" keeps both in one action', () => {
  // "Bệnh viện Bạch Mai": outer 0-18, inner "Bạch Mai" 10-18, both LOC. The matching pairs them as a boundary
  // difference, so a plain accept of one replaces the other.
  const { v, votes } = versions([s('LOC', 0, 18)], [s('LOC', 10, 18)]);
  const outer = vote(votes, s('LOC', 0, 18));
  const inner = vote(votes, s('LOC', 10, 18));
  assert.deepEqual(keys(acceptVote(acceptVote(initialDraft(v), outer, votes), inner, votes)), [inner.key]);
  assert.deepEqual(
    nestedAlternatives(outer, votes).map((x) => x.key),
    [inner.key],
  );
  assert.deepEqual(keys(acceptNested(initialDraft(v), outer, votes)), keys([s('LOC', 0, 18), s('LOC', 10, 18)]));
  assert.deepEqual(keys(acceptNested(initialDraft(v), inner, votes)), keys([s('LOC', 0, 18), s('LOC', 10, 18)]));
  // Crossing, not nested: no "both" on offer.
  const crossing = versions([s('LOC', 0, 12)], [s('LOC', 10, 18)]).votes;
  assert.deepEqual(nestedAlternatives(crossing[0], crossing), []);
});

test('nested with a relabel: picking the inner span’s label keeps the agreed outer span', () => {
  // Both marked ORG "Bệnh viện Bạch Mai"; inside it hoa marked "Bạch Mai" LOC, lan ORG.
  const { v, votes } = versions([s('ORG', 0, 18), s('LOC', 10, 18)], [s('ORG', 0, 18), s('ORG', 10, 18)]);
  assert.deepEqual(keys(initialDraft(v)), keys([s('ORG', 0, 18)]));
  const draft = acceptVote(initialDraft(v), vote(votes, s('LOC', 10, 18)), votes);
  assert.deepEqual(keys(draft), keys([s('ORG', 0, 18), s('LOC', 10, 18)]));
});

test('an accept never removes a span the accepted span’s own annotator also marked (an agreed one included)', () => {
  // hoa gave "Hà Nội" two labels, lan one of them: LOC is agreed, ORG only hoa's. LOC does not stand for ORG (hoa has
  // both: span-votes names no counterpart), and accepting ORG keeps LOC.
  const { v, votes } = versions([s('LOC', 21, 27), s('ORG', 21, 27)], [s('LOC', 21, 27)]);
  const org = vote(votes, s('ORG', 21, 27));
  assert.deepEqual(org.counterparts, []);
  assert.deepEqual([...alternatives(org, votes)], []);
  assert.deepEqual(keys(acceptVote(initialDraft(v), org, votes)), keys([s('LOC', 21, 27), s('ORG', 21, 27)]));
});

test('a saved gold is where the draft starts; switching a boundary from it is one click', () => {
  const hoa = [s('SYMPTOM', 10, 17)];
  const lan = [s('SYMPTOM', 10, 13)];
  const { v, votes } = versions(hoa, lan, hoa);
  assert.deepEqual(keys(initialDraft(v)), keys(hoa));
  assert.deepEqual(keys(acceptVote(initialDraft(v), vote(votes, lan[0]), votes)), keys(lan));
});
