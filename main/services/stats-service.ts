// Numbers about a project: documents by status and split, entities per label, suggestions and their outcomes.
import type { Label } from '../../db/repositories/labels.js';
import type { Count } from '../../db/repositories/stats.js';
import type { Store } from '../../db/store.js';

export interface ProjectStats {
  project: string;
  documents: number;
  /** Documents with at least one revision. */
  annotated: number;
  /** Entities in the latest revisions. */
  entities: number;
  revisions: number;
  byStatus: Record<string, number>;
  bySplit: Record<string, number>;
  byLabel: Record<string, number>;
  labels: Pick<Label, 'name' | 'colour' | 'shortcut'>[];
  suggestions: number;
  suggestedSpans: number;
  outcomes: Record<string, number>;
}

const toRecord = (counts: Count[], none = '(none)'): Record<string, number> =>
  Object.fromEntries(counts.map((c) => [c.key ?? none, c.count]));

/** Gathers a project's numbers (all in SQL; nothing is loaded per document). */
export function projectStats(store: Store, projectId: number): ProjectStats {
  const project = store.projects.byId(projectId);
  if (!project) throw new Error(`project ${projectId} does not exist`);
  const totals = store.stats.totals(projectId);
  const suggestions = store.stats.suggestions(projectId);
  return {
    project: project.name,
    ...totals,
    byStatus: toRecord(store.stats.byStatus(projectId)),
    bySplit: toRecord(store.stats.bySplit(projectId)),
    byLabel: toRecord(store.stats.byLabel(projectId)),
    labels: store.labels.list(projectId).map(({ name, colour, shortcut }) => ({ name, colour, shortcut })),
    suggestions: suggestions.suggestions,
    suggestedSpans: suggestions.spans,
    outcomes: toRecord(store.stats.outcomes(projectId)),
  };
}

function table(title: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return [`${title}: none`];
  const width = Math.max(...entries.map(([key]) => key.length));
  return [`${title}:`, ...entries.map(([key, n]) => `  ${key.padEnd(width)}  ${n}`)];
}

/** The stats as the CLI prints them. */
export function formatStats(stats: ProjectStats): string {
  return [
    `project ${stats.project}: ${stats.documents} documents (${stats.annotated} annotated), ${stats.entities} entities, ${stats.revisions} revisions`,
    `labels: ${stats.labels.map((l) => l.name).join(', ') || 'none'}`,
    ...table('by status', stats.byStatus),
    ...table('by split', stats.bySplit),
    ...table('entities by label', stats.byLabel),
    `suggestions: ${stats.suggestions} (${stats.suggestedSpans} spans)`,
    ...(Object.keys(stats.outcomes).length > 0 ? table('suggestion outcomes', stats.outcomes) : []),
  ].join('\n');
}
