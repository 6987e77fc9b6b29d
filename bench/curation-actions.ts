// Issue 15's curation figure: "curating 100 doubly-annotated documents needs no more than one action per
// disagreement". Real sentences of PhoNER_COVID19 (../shared/data, read in place, never copied) with the corpus's own
// spans as gold, plus a nested inner span synthesised inside some long spans (the corpus is flat; nested corpora nest
// this way: "Bệnh viện Bạch Mai" ORGANIZATION around "Bạch Mai" LOCATION). Two simulated annotators derive their
// versions from gold with seeded perturbations: boundary off by a syllable, another label, a span missed, a spurious
// span, a spurious nested span. The votes come from core/metrics/span-votes.ts exactly as curation.versions computes
// them; a curator starts from curation-draft's initialDraft and uses only the differences table's buttons
// (acceptVote, acceptNested, removeSpan), greedily picking the one that brings the draft closest to the gold.
//
//   node --import tsx bench/curation-actions.ts [--docs 100] [--seed 1] [--split test] [--verbose]
//
// A disagreement is one decision the curator faces: a span only one version has, or a pair of differing versions of
// one span (a counterpart pair of span-votes, counted once: votes not agreed minus a maximum matching of the
// counterpart pairs). What the table cannot do is counted apart, as editor work: a span both annotators marked
// identically but wrongly, and a gold span neither marked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CurationVersions, Span, SpanVote } from '../core/contract/types.js';
import { spanVotes } from '../core/metrics/span-votes.js';
import {
  acceptNested,
  acceptVote,
  initialDraft,
  nestedAlternatives,
  removeSpan,
  spanKey,
} from '../renderer/src/lib/curation-draft.js';
import { DEFAULT_LABELS } from '../main/hosts/workspace.js';
import { flag, machine, option, repoRoot, rng } from './safety-kit.js';

const docCount = Number(option('docs', '100'));
const seed = Number(option('seed', '1'));
const split = option('split', 'test');
const verbose = flag('verbose');
const file = join(repoRoot, '..', 'shared', 'data', 'phoner_covid19', `${split}_syllable.jsonl`);

// PhoNER_COVID19's ten labels: the sample project's (workspace.ts).
const LABELS = DEFAULT_LABELS;
// The label an annotator confuses a label with most (else any other).
const CONFUSED: Record<string, string> = {
  LOCATION: 'ORGANIZATION',
  ORGANIZATION: 'LOCATION',
  PATIENT_ID: 'AGE',
  AGE: 'PATIENT_ID',
  NAME: 'JOB',
  JOB: 'NAME',
};

type Pattern = 'boundary' | 'label' | 'missed' | 'spurious' | 'nested';

interface Doc {
  text: string;
  /** Code-point offsets of each syllable. */
  words: { start: number; end: number }[];
  gold: Span[];
  /** Syllable ranges [from, to) of the gold spans, for perturbing. */
  goldWords: { label: string; from: number; to: number }[];
}

function loadDocs(): Doc[] {
  const docs: Doc[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { words, tags } = JSON.parse(line) as { words: string[]; tags: string[] };
    const offsets: { start: number; end: number }[] = [];
    let at = 0;
    for (const w of words) {
      const n = Array.from(w.normalize('NFC')).length;
      offsets.push({ start: at, end: at + n });
      at += n + 1;
    }
    const goldWords: Doc['goldWords'] = [];
    tags.forEach((tag, i) => {
      if (tag.startsWith('B-') || (tag.startsWith('I-') && (i === 0 || tags[i - 1].slice(2) !== tag.slice(2))))
        goldWords.push({ label: tag.slice(2), from: i, to: i + 1 });
      else if (tag.startsWith('I-')) goldWords[goldWords.length - 1].to = i + 1;
    });
    // Sentences with at least three spans: enough for annotators to disagree on.
    if (goldWords.length < 3) continue;
    docs.push({
      text: words.map((w) => w.normalize('NFC')).join(' '),
      words: offsets,
      gold: [],
      goldWords,
    });
    if (docs.length === docCount) break;
  }
  return docs;
}

const spanOf = (d: Doc, label: string, from: number, to: number): Span => ({
  label,
  start: d.words[from].start,
  end: d.words[to - 1].end,
});

/** Gold: the corpus's spans, and a nested LOCATION in some spans of three syllables or more (their last two). */
function withGold(d: Doc, random: () => number): void {
  const nested: Doc['goldWords'] = [];
  for (const g of d.goldWords)
    if (g.to - g.from >= 3 && (g.label === 'ORGANIZATION' || g.label === 'LOCATION') && random() < 0.5)
      nested.push({ label: 'LOCATION', from: g.to - 2, to: g.to });
  d.goldWords.push(...nested);
  d.gold = dedupe(d.goldWords.map((g) => spanOf(d, g.label, g.from, g.to)));
}

function dedupe(spans: Span[]): Span[] {
  return [...new Map(spans.map((s) => [spanKey(s), s])).values()];
}

/** One annotator's version: each gold span kept, shifted, relabelled or missed; now and then a spurious span. */
function annotate(d: Doc, random: () => number, made: Map<string, Pattern>): Span[] {
  const out: Span[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  for (const g of d.goldWords) {
    const r = random();
    if (r < 0.78) out.push(spanOf(d, g.label, g.from, g.to));
    else if (r < 0.86) {
      // One syllable more or less at one end, inside the sentence, never empty.
      const options: [number, number][] = [];
      if (g.from > 0) options.push([g.from - 1, g.to]);
      if (g.to < d.words.length) options.push([g.from, g.to + 1]);
      if (g.to - g.from > 1) options.push([g.from + 1, g.to], [g.from, g.to - 1]);
      const [from, to] = pick(options);
      const s = spanOf(d, g.label, from, to);
      made.set(spanKey(s), 'boundary');
      out.push(s);
    } else if (r < 0.93) {
      const label = CONFUSED[g.label] && random() < 0.6 ? CONFUSED[g.label] : pick(LABELS.filter((l) => l !== g.label));
      const s = spanOf(d, label, g.from, g.to);
      made.set(spanKey(s), 'label');
      out.push(s);
    } else made.set(spanKey(spanOf(d, g.label, g.from, g.to)), 'missed');
  }
  // A spurious span over words outside every gold span (one or two syllables).
  if (random() < 0.25) {
    const free = d.words.map((_, i) => i).filter((i) => !d.goldWords.some((g) => i >= g.from && i < g.to));
    if (free.length) {
      const from = pick(free);
      const to = free.includes(from + 1) && random() < 0.5 ? from + 2 : from + 1;
      const s = spanOf(d, pick(LABELS), from, to);
      made.set(spanKey(s), 'spurious');
      out.push(s);
    }
  }
  // A spurious nested span inside a gold span of two syllables or more (its first syllable).
  if (random() < 0.1) {
    const outer = d.goldWords.filter((g) => g.to - g.from >= 2);
    if (outer.length) {
      const g = pick(outer);
      const s = spanOf(d, pick(LABELS), g.from, g.from + 1);
      made.set(spanKey(s), 'nested');
      out.push(s);
    }
  }
  return dedupe(out);
}

/** Votes not agreed minus a maximum matching of counterpart pairs: the decisions the curator faces. */
function disagreements(votes: readonly SpanVote[]): number {
  const open = votes.filter((v) => !v.agreed);
  const index = new Map(open.map((v, i) => [v.key, i]));
  const edges = open.map(() => new Set<number>());
  open.forEach((v, i) =>
    v.counterparts.forEach((c) => {
      const j = index.get(c.key);
      if (j !== undefined && j !== i) {
        edges[i].add(j);
        edges[j].add(i);
      }
    }),
  );
  // Two annotators: a counterpart is always the other's span, so the graph is bipartite (annotator a | b).
  const left = open.map((v, i) => (v.annotators.includes('a') ? i : -1)).filter((i) => i >= 0);
  const match = new Map<number, number>();
  const tryAugment = (u: number, seen: Set<number>): boolean => {
    for (const w of edges[u]) {
      if (seen.has(w)) continue;
      seen.add(w);
      const m = match.get(w);
      if (m === undefined || tryAugment(m, seen)) {
        match.set(w, u);
        return true;
      }
    }
    return false;
  };
  let pairs = 0;
  for (const u of left) if (tryAugment(u, new Set())) pairs++;
  return open.length - pairs;
}

const distance = (draft: readonly Span[], target: ReadonlySet<string>) => {
  const keys = new Set(draft.map(spanKey));
  let n = 0;
  for (const k of keys) if (!target.has(k)) n++;
  for (const k of target) if (!keys.has(k)) n++;
  return n;
};

interface Outcome {
  disagreements: number;
  actions: number;
  /** Agreed but wrong spans and gold spans nobody marked: the editor's work, not the table's. */
  editorWork: number;
  reached: boolean;
  log: string[];
}

/** A curator at the differences table: the action that brings the draft nearest the gold, until none does. */
function curate(d: Doc, a: Span[], b: Span[]): Outcome {
  const votes = spanVotes([
    { name: 'a', entities: a },
    { name: 'b', entities: b },
  ]);
  const v = { gold: null, votes } as unknown as CurationVersions;
  let draft = initialDraft(v);
  const inVotes = new Set(votes.map((x) => x.key));
  const agreed = new Set(votes.filter((x) => x.agreed).map((x) => x.key));
  const gold = new Set(d.gold.map(spanKey));
  // The table reaches what some annotator marked; agreed spans it cannot remove.
  const target = new Set([...gold].filter((k) => inVotes.has(k)));
  for (const k of agreed) target.add(k);
  const editorWork = [...gold].filter((k) => !inVotes.has(k)).length + [...agreed].filter((k) => !gold.has(k)).length;
  const open = votes.filter((x) => !x.agreed);
  const log: string[] = [];
  let actions = 0;
  for (;;) {
    const now = distance(draft, target);
    if (now === 0) break;
    // Set inside `consider` (a closure), so its type is written out for the narrowing after the loop.
    let best = null as { draft: Span[]; gain: number; what: string } | null;
    const inDraft = new Set(draft.map(spanKey));
    const consider = (next: Span[], what: string) => {
      const gain = now - distance(next, target);
      if (gain > 0 && (!best || gain > best.gain)) best = { draft: next, gain, what };
    };
    for (const vote of open) {
      // The row's buttons: Remove for a span in the draft, else Accept and, beside a nested alternative, Accept both.
      if (inDraft.has(vote.key)) consider(removeSpan(draft, vote.key), `remove ${vote.key}`);
      else {
        consider(acceptVote(draft, vote, votes), `accept ${vote.key}`);
        if (nestedAlternatives(vote, votes).length > 0)
          consider(acceptNested(draft, vote, votes), `accept ${vote.key} with nested`);
      }
    }
    if (!best) break;
    draft = best.draft;
    actions++;
    log.push(best.what);
  }
  return { disagreements: disagreements(votes), actions, editorWork, reached: distance(draft, target) === 0, log };
}

if (!existsSync(file)) {
  console.log(`skipped: ${file} is not there (PhoNER_COVID19 is read in place from ../shared/data, never copied)`);
  process.exit(0);
}

const random = rng(seed);
const docs = loadDocs();
const patterns = new Map<Pattern, number>();
let totalDisagreements = 0;
let totalActions = 0;
let maxActions = 0;
let editorWork = 0;
const kinds = { accept: 0, 'accept both': 0, remove: 0 };
const over: string[] = [];
const unreached: string[] = [];
for (const [i, d] of docs.entries()) {
  withGold(d, random);
  const made = new Map<string, Pattern>();
  const a = annotate(d, random, made);
  const b = annotate(d, random, made);
  for (const p of made.values()) patterns.set(p, (patterns.get(p) ?? 0) + 1);
  const o = curate(d, a, b);
  totalDisagreements += o.disagreements;
  totalActions += o.actions;
  maxActions = Math.max(maxActions, o.actions);
  editorWork += o.editorWork;
  for (const what of o.log)
    kinds[what.endsWith('with nested') ? 'accept both' : what.startsWith('remove') ? 'remove' : 'accept']++;
  const describe = () =>
    `doc ${i}: ${o.disagreements} disagreements, ${o.actions} actions [${o.log.join('; ')}]\n  gold ${d.gold.map(spanKey).join(' ')}\n  a    ${a.map(spanKey).join(' ')}\n  b    ${b.map(spanKey).join(' ')}`;
  if (o.actions > o.disagreements) over.push(describe());
  if (!o.reached) unreached.push(describe());
  if (verbose) console.log(describe());
}

console.log(
  `curation actions (issue 15): ${docs.length} doubly-annotated PhoNER_COVID19 ${split} sentences, seed ${seed}`,
);
console.log(`machine: ${machine()}`);
console.log(
  `perturbations made: ${[...patterns].map(([p, n]) => `${p} ${n}`).join(', ')} (nested gold spans synthesised inside long ORGANIZATION/LOCATION spans)`,
);
console.log(`disagreements: ${totalDisagreements}`);
console.log(
  `table actions: ${totalActions} (${(totalActions / Math.max(1, totalDisagreements)).toFixed(3)} per disagreement)`,
);
console.log(
  `  by button: ${Object.entries(kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
);
console.log(`max actions in one document: ${maxActions}`);
console.log(`documents with actions > disagreements: ${over.length}`);
console.log(`documents whose gold the table could not reach: ${unreached.length}`);
console.log(`editor work apart (agreed-but-wrong spans, gold spans nobody marked): ${editorWork}`);
for (const line of [...new Set([...over, ...unreached])]) console.log(line);
if (over.length > 0 || unreached.length > 0) process.exitCode = 1;
