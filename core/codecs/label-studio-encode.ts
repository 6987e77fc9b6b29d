// Writes one Label Studio task per document: the kept task with the doc's text and entities put back in.
import { entityKey, fragmentsOf, type Doc, type Entity } from '../document.js';
import type { Issue } from '../issues.js';
import { CodePointIndex } from '../offsets.js';
import {
  cloneJson,
  labelStudioMetaOf,
  predictionsOf,
  type LabelStudioMeta,
  type LabelStudioRegion,
} from './label-studio-meta.js';
import { authorOf } from './codec.js';
import { fillResultText, isLabelResult } from './label-studio-results.js';
import { highestNumber, isJsonObject } from './remembered-ids.js';
import { entityFits } from './source-text.js';

type Report = (issue: Omit<Issue, 'file' | 'line'> & Partial<Pick<Issue, 'file' | 'line'>>) => void;

interface Names {
  from_name: unknown;
  to_name: unknown;
}

/** The control and object names new results use: those of the task's first label result, else `label`/`text`. */
function namesFor(meta: LabelStudioMeta | undefined): Names {
  const first = meta?.regions?.[0]?.result;
  if (first) return { from_name: first.from_name, to_name: first.to_name };
  const lists = [meta?.task.annotations, meta?.task.predictions].filter(Array.isArray).flat();
  for (const owner of lists) {
    const found = isJsonObject(owner) && Array.isArray(owner.result) ? owner.result.find(isLabelResult) : undefined;
    if (found) return { from_name: found.from_name, to_name: found.to_name };
  }
  return { from_name: 'label', to_name: 'text' };
}

/** New label results for entities, one per fragment of a discontinuous entity (reported). */
function newResults(
  entities: readonly Entity[],
  names: Names,
  nextId: () => string,
  slice: (s: number, e: number) => string,
  report: Report,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entity of entities) {
    const fragments = fragmentsOf(entity);
    if (fragments.length > 1)
      report({
        severity: 'warning',
        message: `discontinuous ${entity.label} entity written as ${fragments.length} separate regions; Label Studio's Text regions are contiguous`,
      });
    for (const f of fragments) {
      const result: Record<string, unknown> = {
        id: nextId(),
        type: 'labels',
        ...names,
        value: { start: f.start, end: f.end, text: slice(f.start, f.end), labels: [entity.label] },
      };
      if (entity.score !== undefined) result.score = entity.score;
      out.push(result);
    }
  }
  return out;
}

/** A remembered region written from the entities still there; undefined when none of them is. */
function regionResult(
  region: LabelStudioRegion,
  found: Entity[],
  slice: (s: number, e: number) => string,
): Record<string, unknown> | undefined {
  if (found.length === 0) return undefined;
  const { start, end } = found[0];
  const labels = found.map((e) => e.label);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(region.result)) {
    out[key] =
      key === 'value'
        ? { start, end, ...(region.noText ? {} : { text: slice(start, end) }), labels, ...(v as object) }
        : v;
  }
  if (found[0].score !== undefined) out.score = found[0].score;
  return out;
}

/** The Label Studio task for a document (see LabelStudioMeta for what comes from meta and what from the doc). */
export function taskOf(doc: Doc, report: Report): Record<string, unknown> {
  const meta = labelStudioMetaOf(doc);
  if (doc.meta?.labelStudio !== undefined && !meta)
    report({ severity: 'warning', message: 'meta.labelStudio is not of the expected shape; ignored' });
  const index = new CodePointIndex(doc.text);
  const length = index.length;
  const valid = (e: Entity) => entityFits(e, length);
  const slice = (s: number, e: number) => index.slice(s, e);
  const task = meta ? cloneJson(meta.task) : { data: {} as Record<string, unknown> };
  (task.data as Record<string, unknown>)[meta?.textKey ?? 'text'] = doc.text;
  const names = namesFor(meta);

  // Entities consumed by remembered regions, by key; what is left is new.
  const pool = new Map<string, Entity[]>();
  for (const entity of doc.entities) {
    if (!valid(entity))
      report({
        severity: 'error',
        message: `entity ${entity.label} ${entity.start}..${entity.end} lies outside the text; not written`,
      });
    else pool.set(entityKey(entity), [...(pool.get(entityKey(entity)) ?? []), entity]);
  }
  const regionResults: Record<string, unknown>[] = [];
  const dropped = new Set<unknown>();
  for (const region of meta?.regions ?? []) {
    const found = region.keys.map((key) => pool.get(key)?.shift()).filter((e): e is Entity => e !== undefined);
    const result = regionResult(region, found, slice);
    if (result) regionResults.push(result);
    else if (region.result.id !== undefined) dropped.add(region.result.id);
  }
  const annotations = Array.isArray(task.annotations) ? (task.annotations as unknown[]) : [];
  const chosen =
    meta?.chosen !== undefined && isJsonObject(annotations[meta.chosen])
      ? (annotations[meta.chosen] as Record<string, unknown>)
      : undefined;
  const raw = chosen && Array.isArray(chosen.result) ? chosen.result : [];
  const usedIds = [...regionResults, ...raw].map((r) => (isJsonObject(r) ? String(r.id) : ''));
  let next = highestNumber(usedIds, 'wb') + 1;
  const fresh = doc.entities.filter((e) => pool.get(entityKey(e))?.includes(e));
  const added = newResults(fresh, names, () => `wb${next++}`, slice, report);

  // Relations and per-region results (text areas, choices) about a removed region would point at nothing.
  const kept = raw.filter((r) => {
    const refs = isJsonObject(r) ? [r.id, r.from_id, r.to_id].filter((id) => id !== undefined && dropped.has(id)) : [];
    if (refs.length > 0)
      report({
        severity: 'warning',
        field: `annotations[${meta?.chosen}]`,
        message: `result ${JSON.stringify((r as Record<string, unknown>).id)} (${(r as Record<string, unknown>).type}) dropped: region ${refs.join(', ')} is no longer there`,
      });
    return refs.length === 0;
  });
  if (chosen) chosen.result = [...regionResults, ...added, ...kept];
  else if (added.length > 0) task.annotations = [...annotations, { result: added }];

  if (!meta) {
    const suggestions = predictionsOf(doc).filter(valid);
    let p = 0;
    if (suggestions.length > 0)
      (task as Record<string, unknown>).predictions = [
        { result: newResults(suggestions, names, () => `wbp${++p}`, slice, report) },
      ];
  }
  const fill = (owner: unknown) =>
    isJsonObject(owner) && Array.isArray(owner.result)
      ? { ...owner, result: owner.result.map((r) => fillResultText(r, slice)) }
      : owner;
  const t = task as Record<string, unknown>;
  if (Array.isArray(t.annotations)) t.annotations = t.annotations.map(fill);
  if (Array.isArray(t.predictions)) t.predictions = t.predictions.map(fill);
  // A task's `meta` is Label Studio's own per-task metadata: the annotator of a team export goes there.
  const author = authorOf(doc);
  if (author !== undefined) t.meta = { ...(isJsonObject(t.meta) ? t.meta : {}), author };
  return t;
}
