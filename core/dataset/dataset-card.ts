// A dataset card (issue 15): what a released gold standard holds, written beside its splits as dataset.json (for
// programs) and DATASET_CARD.md (for people). The figures are counted here from the split documents; the service
// supplies what only the database knows (agreement, annotators, model versions, dates).
import { nestingLevels } from '../bio.js';
import type { Entity } from '../document.js';
import type { PairAgreement } from '../metrics/pair-agreement.js';

/** One split's counts. */
export interface SplitCounts {
  documents: number;
  spans: number;
  /** Spans per label. */
  labels: Record<string, number>;
}

/** Agreement on one label, pooled over the annotator pairs (each pair weighted by the label's spans on both sides). */
export interface LabelAgreementSummary {
  strictF1: number;
  overlapF1: number;
  /** Null when no pair has the label at the nesting level kappa looks at. */
  kappa: number | null;
  /** The label's spans in the compared lines (both sides, all pairs). */
  spans: number;
}

export interface DatasetCard {
  name: string;
  created: string;
  licence: string | null;
  format: string;
  variant: string | null;
  seed: number;
  /** Split name -> its share of the documents asked for, and the file (or folder) it was written to. */
  splits: Record<string, { ratio: number; file: string } & SplitCounts>;
  total: SplitCounts;
  /** Spans at each nesting depth (1 = outermost; 2 = inside one other span; ...). */
  nestingDepth: Record<string, number>;
  /** Where each document's annotation came from (gold-standard.ts). */
  sources: { gold: number; shared: number; annotator: number; awaitingCuration: number };
  agreement: {
    /** Documents finished by two or more annotators: what agreement was measured on. */
    documents: number;
    level: number;
    overall: { strictF1: number; overlapF1: number; kappa: number } | null;
    labels: Record<string, LabelAgreementSummary>;
    /** Each pair of annotators, over the documents both finished. */
    pairs: PairAgreement[];
  };
  annotators: { name: string; documents: number; finished: number }[];
  modelVersions: { model: string; version: string; documents: number; first: string; last: string }[];
  revisions: { first: string | null; last: string | null };
}

/** Counts of documents, spans and spans per label. */
export function countSplit(docs: readonly (readonly Entity[])[]): SplitCounts {
  const labels: Record<string, number> = {};
  let spans = 0;
  for (const entities of docs)
    for (const e of entities) {
      spans++;
      labels[e.label] = (labels[e.label] ?? 0) + 1;
    }
  return { documents: docs.length, spans, labels: sortedRecord(labels) };
}

/** Adds one document's spans at each nesting depth into `into` (depth 1 = outermost). */
export function addNestingDepths(entities: readonly Entity[], into: Record<string, number>): void {
  // A discontinuous entity nests by its whole extent; crossing spans land on separate levels, as in BIO export.
  nestingLevels(entities.map((e) => ({ label: e.label, start: e.start, end: e.end }))).forEach((level, i) => {
    into[String(i + 1)] = (into[String(i + 1)] ?? 0) + level.length;
  });
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const pct = (x: number, of: number) => (of === 0 ? '–' : `${((100 * x) / of).toFixed(1)} %`);
const f3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));
/** Markdown table cells cannot hold a bar or a line break. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The card as Markdown. */
export function renderCard(card: DatasetCard): string {
  const names = Object.keys(card.splits);
  const labels = Object.keys(card.total.labels);
  const out: string[] = [];
  out.push(`# ${cell(card.name)}`, '');
  out.push(`Created ${card.created} with Diffusion NER Workbench (\`workbench dataset\`).`, '');
  out.push(`**Licence:** ${card.licence === null ? 'not stated (ask the project admin)' : cell(card.licence)}`, '');
  out.push(`**Format:** ${card.format}${card.variant ? ` (${card.variant})` : ''}; offsets count Unicode code points.`);
  out.push('');
  out.push('## Splits', '');
  out.push(`Stratified by label (iterative stratification over span counts, seed ${card.seed}).`, '');
  out.push('| split | file | share asked | documents | spans |', '|---|---|---|---|---|');
  for (const n of names) {
    const s = card.splits[n];
    out.push(`| ${n} | ${cell(s.file)} | ${pct(s.ratio, 1)} | ${s.documents} | ${s.spans} |`);
  }
  out.push(`| total | | | ${card.total.documents} | ${card.total.spans} |`, '');
  out.push('## Spans per label', '');
  out.push(`| label | ${names.join(' | ')} | total | agreement strict F1 | overlap F1 | kappa |`);
  out.push(`|---|${names.map(() => '---|').join('')}---|---|---|---|`);
  for (const label of labels) {
    const a = card.agreement.labels[label];
    const per = names.map((n) => {
      const k = card.splits[n].labels[label] ?? 0;
      return `${k} (${pct(k, card.total.labels[label])})`;
    });
    out.push(
      `| ${cell(label)} | ${per.join(' | ')} | ${card.total.labels[label]} | ${a ? f3(a.strictF1) : '–'} | ${a ? f3(a.overlapF1) : '–'} | ${a ? f3(a.kappa) : '–'} |`,
    );
  }
  out.push('');
  out.push('## Nesting depth', '');
  out.push('| depth | spans |', '|---|---|');
  for (const [depth, n] of Object.entries(card.nestingDepth)) out.push(`| ${depth} | ${n} |`);
  out.push('');
  out.push('## Where the annotation comes from', '');
  const s = card.sources;
  out.push(`- ${s.gold} documents curated to gold`);
  out.push(`- ${s.annotator} documents finished by one annotator`);
  out.push(`- ${s.shared} documents answered on the shared line (imported or single-user work)`);
  if (s.awaitingCuration > 0)
    out.push(`- left out: ${s.awaitingCuration} documents finished by several annotators and not curated yet`);
  out.push('');
  out.push('## Agreement', '');
  const ag = card.agreement;
  if (ag.overall === null) out.push('No document was finished by two annotators: agreement was not measured.');
  else
    out.push(
      `Measured on ${ag.documents} documents finished by two or more annotators, before curation: strict span F1 ` +
        `${f3(ag.overall.strictF1)}, overlap span F1 ${f3(ag.overall.overlapF1)}, token Cohen's kappa ` +
        `${f3(ag.overall.kappa)} (nesting level ${ag.level}). Per label in the table above; per pair in dataset.json.`,
    );
  out.push('');
  out.push('## Annotators', '');
  if (card.annotators.length === 0) out.push('No per-annotator lines (single-user annotation).');
  else {
    out.push('| annotator | documents | finished |', '|---|---|---|');
    for (const a of card.annotators) out.push(`| ${cell(a.name)} | ${a.documents} | ${a.finished} |`);
  }
  out.push('');
  out.push('## Models that pre-annotated it', '');
  if (card.modelVersions.length === 0) out.push('None: every span was marked by people.');
  else {
    out.push('| model | version | documents | first | last |', '|---|---|---|---|---|');
    for (const m of card.modelVersions)
      out.push(`| ${cell(m.model)} | ${cell(m.version)} | ${m.documents} | ${m.first} | ${m.last} |`);
  }
  out.push('');
  out.push('## Dates', '');
  out.push(
    card.revisions.first === null
      ? 'No revision recorded.'
      : `Annotated from ${card.revisions.first} to ${card.revisions.last}.`,
  );
  out.push('');
  return out.join('\n');
}
