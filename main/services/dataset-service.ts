// `workbench dataset` (issue 15): a project's gold standard as a released dataset — train/dev/test files stratified
// by label (core/dataset/stratify.ts) and a dataset card beside them (dataset.json, DATASET_CARD.md). Everything is
// written through writeOutput into one folder: built beside its place and renamed in whole, or, into an existing
// folder, every target checked before the first file moves. A refused or failed run leaves nothing behind, and
// existing files are replaced only when asked.
import type { Codec, EncodedPart } from '../../core/codecs/codec.js';
import {
  addNestingDepths,
  countSplit,
  renderCard,
  type DatasetCard,
  type LabelAgreementSummary,
} from '../../core/dataset/dataset-card.js';
import { stratify } from '../../core/dataset/stratify.js';
import type { Doc } from '../../core/document.js';
import { ANSWERED_STATUSES, DOCUMENT_STATUSES } from '../../core/document-status.js';
import type { Issue } from '../../core/issues.js';
import type { PairAgreement } from '../../core/metrics/pair-agreement.js';
import type { Store } from '../../db/store.js';
import { destinationGuard, resolveDestination } from '../io/export-destination.js';
import { writeOutput } from '../io/write-output.js';
import { AgreementService } from './agreement-service.js';
import { exportName, toDoc } from './export-service.js';
import { emptyTally, goldRecords, type StandardRecord } from './gold-standard.js';
import { IssueLog } from './issue-log.js';

/** The split names for two or three ratios (more are numbered). */
export function splitNames(count: number): string[] {
  if (count === 2) return ['train', 'test'];
  if (count === 3) return ['train', 'dev', 'test'];
  return Array.from({ length: count }, (_, i) => `split${i + 1}`);
}

/** The event whose latest payload holds a project's dataset licence (a project setting). */
export const LICENCE_EVENT = 'dataset.licence';

/** The project's dataset licence as last recorded (by `--licence` or dataset.write's `licence`), or null. */
export function recordedLicence(store: Store, projectId: number): string | null {
  const payload = store.events.latestPayload(LICENCE_EVENT, projectId) as { licence?: unknown } | undefined;
  return typeof payload?.licence === 'string' ? payload.licence : null;
}

export interface DatasetOptions {
  projectId: number;
  codec: Codec;
  variant?: string;
  /** Shares of the documents (they sum to 1), one per split. */
  ratios: readonly number[];
  seed?: number;
  /** Recorded as the project's licence; absent: the licence recorded before (or none). */
  licence?: string;
  /** Only curated gold (no fallback to the answered annotation). */
  goldOnly?: boolean;
  overwrite?: boolean;
  /** What a relative destination resolves against. */
  base?: string;
  /** The workbench data folder, refused as a destination (as exports are). */
  dataDir?: string;
  actor?: string;
}

export interface DatasetSummary {
  destination: string;
  card: DatasetCard;
  files: number;
  bytes: number;
  issues: Issue[];
  errors: number;
  warnings: number;
}

/** Agreement per label, pooled over pairs: each pair weighted by the label's spans on both its sides. */
function pooledLabels(pairs: readonly PairAgreement[]): Record<string, LabelAgreementSummary> {
  const sums = new Map<string, { w: number; strict: number; overlap: number; kw: number; kappa: number }>();
  for (const pair of pairs)
    for (const [label, a] of Object.entries(pair.labels)) {
      const w = a.a + a.b;
      const s = sums.get(label) ?? { w: 0, strict: 0, overlap: 0, kw: 0, kappa: 0 };
      s.w += w;
      s.strict += w * a.strictF1;
      s.overlap += w * a.overlapF1;
      if (a.kappa !== null) {
        s.kw += w;
        s.kappa += w * a.kappa;
      }
      sums.set(label, s);
    }
  return Object.fromEntries(
    [...sums]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([label, s]) => [
        label,
        {
          strictF1: s.w === 0 ? 1 : s.strict / s.w,
          overlapF1: s.w === 0 ? 1 : s.overlap / s.w,
          kappa: s.kw === 0 ? null : s.kappa / s.kw,
          spans: s.w,
        },
      ]),
  );
}

/** The pairs' overall figures, each pair weighted by its documents. */
function pooledOverall(pairs: readonly PairAgreement[]): DatasetCard['agreement']['overall'] {
  const docs = pairs.reduce((n, p) => n + p.documents, 0);
  if (docs === 0) return null;
  const mean = (f: (p: PairAgreement) => number) => pairs.reduce((sum, p) => sum + p.documents * f(p), 0) / docs;
  return { strictF1: mean((p) => p.strictF1), overlapF1: mean((p) => p.overlapF1), kappa: mean((p) => p.kappa) };
}

/** Writes the project's gold standard as stratified splits with a dataset card into `dest` (a folder). */
export async function writeDataset(store: Store, dest: string, options: DatasetOptions): Promise<DatasetSummary> {
  const project = store.projects.byId(options.projectId);
  if (!project) throw new Error(`no project ${options.projectId}`);
  const { codec } = options;
  const seed = options.seed ?? 0;
  const names = splitNames(options.ratios.length);
  const tally = emptyTally();
  const records: StandardRecord[] = [
    ...goldRecords(store, project.id, { statuses: ANSWERED_STATUSES, goldOnly: options.goldOnly ?? false }, tally),
  ];
  const labelCounts = (r: StandardRecord) => {
    const counts: Record<string, number> = {};
    for (const e of r.entities) counts[e.label] = (counts[e.label] ?? 0) + 1;
    return counts;
  };
  const placed = stratify(
    records.map((r) => ({ id: r.doc.id, labels: labelCounts(r) })),
    options.ratios,
    seed,
  );
  const bySplit = names.map((_, k) => records.filter((r) => placed.get(r.doc.id) === k));

  const recorded = recordedLicence(store, project.id);
  const licence = options.licence ?? recorded;
  const agreement = new AgreementService(store).report({ projectId: project.id });
  const heads = store.curation.lineHeads(project.id);
  const annotators = new Map<string, { documents: number; finished: number }>();
  for (const lines of heads.values())
    for (const head of lines) {
      const a = annotators.get(head.line) ?? { documents: 0, finished: 0 };
      a.documents++;
      if ((ANSWERED_STATUSES as readonly string[]).includes(head.status)) a.finished++;
      annotators.set(head.line, a);
    }
  const nestingDepth: Record<string, number> = {};
  for (const r of records) addNestingDepths(r.entities, nestingDepth);
  const ext = codec.extensions[0] ?? '.txt';
  const fileOf = (name: string) => (codec.multiFile ? `${name}/` : `${name}${ext}`);
  const card: DatasetCard = {
    name: project.name,
    created: new Date().toISOString(),
    licence,
    format: codec.id,
    variant: options.variant ?? null,
    seed,
    splits: Object.fromEntries(
      names.map((name, k) => [
        name,
        { ratio: options.ratios[k], file: fileOf(name), ...countSplit(bySplit[k].map((r) => r.entities)) },
      ]),
    ),
    total: countSplit(records.map((r) => r.entities)),
    nestingDepth,
    sources: {
      gold: tally.gold,
      shared: tally.shared,
      annotator: tally.annotator,
      awaitingCuration: tally.awaitingCuration,
    },
    agreement: {
      documents: agreement.documents,
      level: agreement.level,
      overall: pooledOverall(agreement.pairs),
      labels: pooledLabels(agreement.pairs),
      pairs: agreement.pairs,
    },
    annotators: [...annotators].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, a]) => ({ name, ...a })),
    modelVersions: store.curation.suggestionSources(project.id),
    revisions: store.curation.revisionDates(project.id),
  };

  const log = new IssueLog();
  const repeated = store.documents.repeatedNames(project.id, DOCUMENT_STATUSES);
  async function* docsOf(split: readonly StandardRecord[]): AsyncGenerator<Doc> {
    let position = 0;
    for (const r of split) yield toDoc(r.doc, exportName(r.doc, ++position, repeated, codec.multiFile), r.entities);
  }
  async function* parts(): AsyncGenerator<EncodedPart> {
    for (const [k, name] of names.entries()) {
      // An empty split still gets its file, so every split named in the card is there.
      if (!codec.multiFile) yield { path: fileOf(name), text: '' };
      const encoded = codec.encode(docsOf(bySplit[k]), { variant: options.variant, report: (i) => log.add(i) });
      for await (const part of encoded)
        yield { path: part.path === undefined ? fileOf(name) : `${name}/${part.path}`, text: part.text };
    }
    yield { path: 'dataset.json', text: `${JSON.stringify(card, null, 2)}\n` };
    yield { path: 'DATASET_CARD.md', text: renderCard(card) };
  }
  const written = await writeOutput(resolveDestination(dest, options.base ?? process.cwd()), parts(), {
    multiFile: true,
    overwrite: options.overwrite ?? false,
    folder: true,
    guard: destinationGuard({ dataDir: options.dataDir, dbPath: store.db.name }),
  });
  const actor = options.actor ?? 'cli';
  if (options.licence !== undefined && options.licence !== recorded)
    store.events.append({ type: LICENCE_EVENT, actor, projectId: project.id, payload: { licence: options.licence } });
  store.events.append({
    type: 'dataset',
    actor,
    projectId: project.id,
    payload: {
      dest: written.path,
      format: codec.id,
      variant: options.variant ?? null,
      ratios: options.ratios,
      seed,
      documents: card.total.documents,
      spans: card.total.spans,
      issues: log.total,
    },
  });
  return {
    destination: written.path,
    card,
    files: written.files,
    bytes: written.bytes,
    issues: log.summary(written.path),
    errors: log.errors,
    warnings: log.warnings,
  };
}
