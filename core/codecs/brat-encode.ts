// Writes one brat document: its .txt and an .ann whose lines follow the layout it was read with.
import { fragmentsOf, type Doc, type Entity, type Range } from '../document.js';
import type { Issue } from '../issues.js';
import { escapeLabel } from '../labels.js';
import { CodePointIndex } from '../offsets.js';
import { CrlfAsOne } from './brat-crlf.js';
import { formatTextBound, isTextBoundSlot, lineId, referencedIds, spanTextForAnn } from './brat-lines.js';
import { bratMetaOf } from './brat-meta.js';
import { highestNumber, recallIds } from './remembered-ids.js';
import { entityFits } from './source-text.js';

type Report = (issue: Issue) => void;

/** A file stem that is safe as a relative path: path separators and reserved characters become `_`. */
export function safeStem(name: string, report: Report): string {
  let stem = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  if (stem === '' || stem === '.' || stem === '..') stem = `_${stem}`;
  if (stem !== name)
    report({
      severity: 'warning',
      file: `${stem}.txt`,
      message: `document name ${JSON.stringify(name)} is not a safe file name; written as ${JSON.stringify(stem)}`,
    });
  return stem;
}

// How a document's offsets are written: code points of the text as stored, or with each CRLF counted as one when the
// source counted them so (meta.brat.crlfCountsAsOne).
interface OffsetWriter {
  index: CodePointIndex;
  crlf?: CrlfAsOne;
}

// Moves a fragment onto the CRLF-as-one count. A boundary between a CR and its LF has no place there: it moves out of
// the line break (start after it, end before it), which keeps every visible character of the span.
function fragmentsForAnn(
  fragments: readonly Range[],
  crlf: CrlfAsOne,
): { written: Range[]; raw: Range[]; moved: boolean } {
  const written: Range[] = [];
  const raw: Range[] = [];
  let moved = false;
  for (const f of fragments) {
    let start = f.start;
    let end = f.end;
    if (crlf.fromRaw(start) === undefined) start++;
    if (crlf.fromRaw(end) === undefined) end--;
    moved ||= start !== f.start || end !== f.end;
    raw.push({ start, end });
    written.push({ start: crlf.fromRaw(start)!, end: crlf.fromRaw(end)! });
  }
  return { written, raw, moved };
}

function textBoundLine(
  id: string,
  entity: Entity,
  out: OffsetWriter,
  file: string,
  report: Report,
): string | undefined {
  const { index, crlf } = out;
  let fragments = fragmentsOf(entity);
  if (!entityFits(entity, index.length)) {
    report({
      severity: 'error',
      file,
      field: id,
      message: `entity ${entity.label} ${entity.start}..${entity.end} lies outside the text; not written`,
    });
    return undefined;
  }
  let written = fragments;
  if (crlf) {
    const mapped = fragmentsForAnn(fragments, crlf);
    if (mapped.raw.some((f) => f.start >= f.end)) {
      report({
        severity: 'error',
        file,
        field: id,
        message: `entity ${entity.label} ${entity.start}..${entity.end} is only a line break, which this document's offsets (CRLF counted as one) cannot hold; not written`,
      });
      return undefined;
    }
    if (mapped.moved) {
      report({
        severity: 'warning',
        file,
        field: id,
        message: `entity ${entity.label} ${entity.start}..${entity.end} starts or ends between a CR and its LF, which this document's offsets (CRLF counted as one) cannot hold; written without that part of the line break`,
      });
    }
    fragments = mapped.raw;
    written = mapped.written;
  }
  // brat's type ends at the first space: a spaced label is written escaped (`triệu%20chứng`), read back by the decoder.
  return formatTextBound(
    id,
    escapeLabel(entity.label),
    written,
    spanTextForAnn(
      fragments.map((f) => index.slice(f.start, f.end)),
      crlf !== undefined,
    ),
  );
}

/** The .ann text for a document: remembered T ids and kept lines in their order, new entities numbered on. */
export function encodeAnn(doc: Doc, file: string, report: Report): string {
  const meta = bratMetaOf(doc);
  if (doc.meta?.brat !== undefined && !meta)
    report({ severity: 'warning', file, message: 'meta.brat is not of the expected shape; ignored' });
  const writer: OffsetWriter = { index: new CodePointIndex(doc.text) };
  if (meta?.crlfCountsAsOne) {
    const crlf = new CrlfAsOne(doc.text);
    if (crlf.hasCrlf) writer.crlf = crlf;
  }
  const layout = meta?.lines ?? [];
  const remembered = recallIds(meta?.ids, doc.entities);
  const known = new Set(layout.map(lineId).filter((id) => id !== ''));
  let next = highestNumber([...known, ...Object.values(meta?.ids ?? {}).flat()], 'T') + 1;
  const slots = new Set(layout.filter(isTextBoundSlot));
  const byId = new Map<string, Entity>();
  const fresh: [string, Entity][] = [];
  doc.entities.forEach((entity, i) => {
    const id = remembered[i] !== undefined && !byId.has(remembered[i]!) ? remembered[i]! : `T${next++}`;
    byId.set(id, entity);
    if (!slots.has(id)) fresh.push([id, entity]);
  });

  const out: string[] = [];
  const fromEntities = new Set<string>(); // the T lines written here; every other line is a kept one
  const dropped = new Set<string>();
  let afterLastTextBound = 0;
  for (const entry of layout) {
    if (!isTextBoundSlot(entry)) {
      out.push(entry);
      continue;
    }
    const entity = byId.get(entry);
    const line = entity && textBoundLine(entry, entity, writer, file, report);
    if (line === undefined) dropped.add(entry);
    else {
      out.push(line);
      fromEntities.add(line);
      afterLastTextBound = out.length;
    }
  }
  const added = fresh
    .map(([id, entity]) => textBoundLine(id, entity, writer, file, report))
    .filter((line): line is string => line !== undefined);
  added.forEach((line) => fromEntities.add(line));
  out.splice(afterLastTextBound, 0, ...added);

  // A relation, event, attribute or note about a deleted entity would be an error in brat: drop it, and
  // whatever points at it in turn.
  for (let changed = dropped.size > 0; changed;) {
    changed = false;
    for (let i = out.length - 1; i >= 0; i--) {
      const refs = referencedIds(out[i], known).filter((id) => dropped.has(id));
      // A kept line with a T id (a note written with one) is checked like any kept line.
      if (refs.length === 0 || fromEntities.has(out[i])) continue;
      report({
        severity: 'warning',
        file,
        field: lineId(out[i]) || undefined,
        message: `dropped because ${refs.join(', ')} is no longer there: ${out[i]}`,
      });
      if (lineId(out[i])) dropped.add(lineId(out[i]));
      out.splice(i, 1);
      changed = true;
    }
  }
  if (out.length === 0) return '';
  return out.join('\n') + (meta?.finalNewline === false ? '' : '\n');
}
