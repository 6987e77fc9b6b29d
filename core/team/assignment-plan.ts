// Automatic assignment (issue 15): documents spread over annotators, a share of them (the overlap) given to several
// annotators so that agreement can be measured. Deterministic: the same documents, annotators and seed give the same
// plan whatever order they arrive in (each document's draw is its own seeded stream, as the random queue does).
import { Xoshiro128 } from '../sampler/rng.js';

export interface PlanOptions {
  /** Share of the documents given to `copies` annotators (0..1); the rest go to one each. */
  overlap: number;
  /** Annotators per overlapped document (at least 2, at most the number of annotators). */
  copies: number;
  seed: number;
}

/** Which annotators each document goes to: document id -> names (as given). */
export type AssignmentPlan = Map<number, string[]>;

/**
 * Plans an assignment: the documents are ordered by a seeded draw; the first round(overlap × n) of them go to
 * `copies` annotators, the others to one. Each pick is the least loaded annotator (so loads differ by at most one
 * per kind), and an overlapped document's further picks prefer the pairs that have shared fewest documents (so each
 * pair of annotators gets overlap to compare); ties go to a seeded order of the annotators.
 */
export function planAssignment(
  documentIds: readonly number[],
  annotators: readonly string[],
  options: PlanOptions,
): AssignmentPlan {
  if (annotators.length === 0) throw new Error('an assignment needs at least one annotator');
  if (!(options.overlap >= 0 && options.overlap <= 1))
    throw new Error(`overlap must be in [0, 1], not ${options.overlap}`);
  const copies = Math.min(options.copies, annotators.length);
  const draw = (id: number) => new Xoshiro128(options.seed, id).uniform();
  const docs = [...new Set(documentIds)]
    .map((id) => ({ id, key: draw(id) }))
    .sort((a, b) => a.key - b.key || a.id - b.id)
    .map((d) => d.id);
  const names = [...new Set(annotators)].sort();
  const tie = new Map(names.map((n, i) => [n, new Xoshiro128(options.seed ^ 0x5bd1e995, i).uniform()]));
  const load = new Map(names.map((n) => [n, 0]));
  const shared = new Map<string, number>(); // "a\u0000b" -> documents the pair shares
  const pair = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const overlapped = copies >= 2 ? Math.round(options.overlap * docs.length) : 0;

  const plan: AssignmentPlan = new Map();
  docs.forEach((id, i) => {
    const chosen: string[] = [];
    const wanted = i < overlapped ? copies : 1;
    while (chosen.length < wanted) {
      const score = (n: string) => chosen.reduce((sum, c) => sum + (shared.get(pair(n, c)) ?? 0), 0);
      const next = names
        .filter((n) => !chosen.includes(n))
        .sort((a, b) => load.get(a)! - load.get(b)! || score(a) - score(b) || tie.get(a)! - tie.get(b)!)[0];
      for (const c of chosen) shared.set(pair(next, c), (shared.get(pair(next, c)) ?? 0) + 1);
      chosen.push(next);
      load.set(next, load.get(next)! + 1);
    }
    plan.set(id, chosen);
  });
  return plan;
}
