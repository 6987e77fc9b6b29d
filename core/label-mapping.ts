// Label set changes as pure functions: relabelling a document's entities (a rename, a merge, a delete) and mapping a
// model's labels onto a project's. The services store the results; nothing here knows about the database.
import { compareEntities, entityKey, type Entity } from './document.js';

/** The longest label set a project may have. */
export const MAX_LABELS_PER_PROJECT = 50;

/** The model name of a mapping row that holds for every model (and for suggestions stored before a rename). */
export const ANY_MODEL = '*';

/** A project's label mapping: model label -> project label, per model name (`*`: any model). */
export interface LabelMappingRow {
  model: string;
  modelLabel: string;
  projectLabel: string;
}

/**
 * A lookup from a model's label to the project's: the model's own row first, then the `*` row; a label neither
 * maps is kept as it is.
 */
export function labelMapper(rows: readonly LabelMappingRow[], model: string): (label: string) => string {
  const own = new Map<string, string>();
  const any = new Map<string, string>();
  for (const r of rows) {
    if (r.model === model) own.set(r.modelLabel, r.projectLabel);
    else if (r.model === ANY_MODEL) any.set(r.modelLabel, r.projectLabel);
  }
  if (own.size === 0 && any.size === 0) return (label) => label;
  return (label) => own.get(label) ?? any.get(label) ?? label;
}

/**
 * The model's labels that land on a project label (`lands`, through the project's mapping): the model decodes with
 * only those, so a model of two schemas tags as the project's. Undefined (decode with all) when all land, or none
 * does (its suggestions then keep their own labels, as before any mapping).
 */
export function labelsThatLand(
  modelLabels: readonly string[],
  lands: (label: string) => boolean,
): string[] | undefined {
  const used = modelLabels.filter(lands);
  return used.length > 0 && used.length < modelLabels.length ? used : undefined;
}

/**
 * Entities with their labels passed through `map` (null drops the entity), sorted, and without the duplicates a
 * merge can make (two labels becoming one on the same text): the first of equal entities is kept, so a scored
 * suggestion keeps its higher score when the input lists it first.
 */
export function relabelEntities<E extends Entity>(entities: readonly E[], map: (label: string) => string | null): E[] {
  const seen = new Set<string>();
  const out: E[] = [];
  for (const e of entities) {
    const label = map(e.label);
    if (label === null) continue;
    const next = label === e.label ? e : { ...e, label };
    const key = entityKey(next);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(next);
  }
  return out.sort(compareEntities);
}

/** Scored spans (a model's output) mapped onto the project's labels; of spans that become equal the best-scored is kept. */
export function mapSuggestedSpans<E extends Entity>(spans: readonly E[], map: (label: string) => string): E[] {
  const byScore = [...spans].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  return relabelEntities(byScore, map);
}
