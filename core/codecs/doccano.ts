// doccano JSON lines (docs/formats/doccano.md).
import { fragmentsOf, type Doc, type Range } from '../document.js';
import type { Issue } from '../issues.js';
import { codePointLength } from '../offsets.js';
import {
  authorOf,
  scoredAreSuggestions,
  type Codec,
  type EncodedPart,
  type EncodeOptions,
  type JsonRecord,
} from './codec.js';
import { decodeDoccano } from './doccano-decode.js';
import { canonicalRecord, doccanoMetaOf, spanKeyOf, type DoccanoVariant } from './doccano-meta.js';
import { pythonJson } from './python-json.js';
import { entityFits } from './source-text.js';
import { highestNumber, isJsonObject, recallIds } from './remembered-ids.js';

type Report = (issue: Issue) => void;

// doccano ids are integers; remembered ids are kept as strings in meta.
function idValue(id: string): number | string {
  return /^-?\d+$/.test(id) ? Number(id) : id;
}

interface Span extends Range {
  label: string;
  id?: string;
}

/** The spans a document writes: one per entity, one per fragment of a discontinuous entity (reported). */
function spansOf(
  doc: Doc,
  variant: DoccanoVariant,
  ids: (string | undefined)[],
  where: Omit<Issue, 'severity' | 'message'>,
  report: Report,
): Span[] {
  const length = codePointLength(doc.text);
  let next =
    highestNumber(
      ids.filter((id): id is string => id !== undefined),
      '',
    ) + 1;
  const spans: Span[] = [];
  doc.entities.forEach((entity, i) => {
    const fragments = fragmentsOf(entity);
    if (!entityFits(entity, length)) {
      report({
        severity: 'error',
        ...where,
        message: `entity ${entity.label} ${entity.start}..${entity.end} lies outside the text; not written`,
      });
      return;
    }
    if (fragments.length > 1) {
      const parts = fragments.map((f) => `${f.start}..${f.end}`).join(', ');
      report({
        severity: 'warning',
        ...where,
        message: `discontinuous ${entity.label} entity written as ${fragments.length} separate spans (${parts}); doccano cannot join them`,
      });
    }
    fragments.forEach((f, k) => {
      const id = variant === 'entities' ? (k === 0 && ids[i] !== undefined ? ids[i] : String(next++)) : undefined;
      spans.push({ label: entity.label, start: f.start, end: f.end, id });
    });
  });
  return spans;
}

/** Drops relations whose ends are no longer written, reporting each. */
function keptRelations(
  relations: unknown,
  written: Set<string>,
  where: Omit<Issue, 'severity' | 'message'>,
  report: Report,
): unknown {
  if (!Array.isArray(relations)) return relations;
  return relations.filter((relation) => {
    const ends = [relation?.from_id, relation?.to_id].map(String);
    const missing = ends.filter((id) => !written.has(id));
    if (missing.length === 0) return true;
    report({
      severity: 'warning',
      ...where,
      field: 'relations',
      message: `relation ${JSON.stringify(relation)} dropped: entity ${missing.join(', ')} is no longer there`,
    });
    return false;
  });
}

/** One JSON line for a document, keys in the order it was read with. */
export function encodeDoccanoRecord(
  doc: Doc,
  recordNumber: number,
  variant: DoccanoVariant | undefined,
  report: Report,
): string {
  const meta = doccanoMetaOf(doc);
  const where = { file: doc.name, line: recordNumber };
  if (doc.meta?.doccano !== undefined && !meta)
    report({ severity: 'warning', ...where, message: 'meta.doccano is not of the expected shape; ignored' });
  const skeleton = meta?.record ?? canonicalRecord('label');
  const oldKey = spanKeyOf(skeleton);
  const chosen: DoccanoVariant = variant ?? (oldKey === 'entities' ? 'entities' : 'label');
  const newKey = chosen === 'entities' ? 'entities' : oldKey === 'labels' ? 'labels' : 'label';
  const spans = spansOf(doc, chosen, chosen === 'entities' ? recallIds(meta?.ids, doc.entities) : [], where, report);
  const spanValue =
    chosen === 'entities'
      ? spans.map((s) => ({ id: idValue(s.id!), label: s.label, start_offset: s.start, end_offset: s.end }))
      : spans.map((s) => [s.start, s.end, s.label]);
  const written = new Set(spans.map((s) => s.id).filter((id): id is string => id !== undefined));

  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    out[key] = value;
    if (key === 'text' && oldKey === undefined) out[newKey] = spanValue;
  };
  for (const [key, value] of Object.entries(skeleton)) {
    if (key === 'text') put('text', doc.text);
    else if (key === oldKey) out[newKey] = spanValue;
    else if (key === 'relations' && chosen === 'entities') out[key] = keptRelations(value, written, where, report);
    else out[key] = value;
  }
  if (!('text' in out)) Object.assign(out, { text: doc.text, [newKey]: spanValue });
  // doccano keeps a record's free-form metadata under `meta`: the annotator of a team export goes there.
  const author = authorOf(doc);
  if (author !== undefined) out.meta = { ...(isJsonObject(out.meta) ? out.meta : {}), author };
  if (chosen === 'label' && Array.isArray(out.relations) && out.relations.length > 0) {
    report({
      severity: 'warning',
      ...where,
      field: 'relations',
      message:
        'relations are written as they came, but the `label` variant has no entity ids for them to point at; export the `entities` variant to keep them meaningful',
    });
  }
  return pythonJson(out);
}

async function* encodeDoccano(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const variant = options?.variant;
  if (variant !== undefined && variant !== 'label' && variant !== 'entities')
    throw new RangeError(`doccano variant must be "label" or "entities", not "${variant}"`);
  const report = options?.report ?? (() => {});
  let recordNumber = 0;
  for await (const doc of docs) yield { text: `${encodeDoccanoRecord(doc, ++recordNumber, variant, report)}\n` };
}

// doccano: `text` with spans as `label: [[start, end, "L"], ...]` (sequence labelling) or `entities: [{start_offset,
// ...}]`; a bare {"text": ...} line (doccano's import shape before labelling) is doccano too.
function isDoccanoRecord(record: JsonRecord): boolean {
  if (typeof record.text !== 'string') return false;
  const spans = record.label ?? record.labels;
  if (Array.isArray(spans))
    return spans.every((s) => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'number');
  if (Array.isArray(record.entities))
    return record.entities.every(
      (e) => typeof e === 'object' && e !== null && 'start_offset' in e && 'end_offset' in e,
    );
  return Object.keys(record).every((k) => ['id', 'text', 'meta', 'Comments', 'relations'].includes(k));
}

/** doccano JSON lines: `label` ([start, end, "TYPE"]) or `entities` variant, extra keys kept, code-point offsets. */
export const doccanoCodec: Codec = {
  id: 'doccano',
  title: 'doccano JSONL',
  extensions: ['.jsonl'],
  multiFile: false,
  carriesAuthor: true,
  signs: { name: /doccano/u, record: isDoccanoRecord },
  // A record with no label is a text not annotated yet (doccano's import shape).
  carried: scoredAreSuggestions(false),
  decode: (input, options) => decodeDoccano(input, options),
  encode: encodeDoccano,
};
