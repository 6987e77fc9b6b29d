// Checks the import service makes on every decoded document before it is stored, whatever the codec.
import type { Carried } from '../../core/codecs/codec.js';
import type { Doc, Entity } from '../../core/document.js';
import { fragmentsOf } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import { labelProblem } from '../../core/labels.js';
import { codePointLength } from '../../core/offsets.js';

function entityProblem(entity: Entity, length: number): string | undefined {
  if (typeof entity.label !== 'string') return `label ${JSON.stringify(entity.label)?.slice(0, 80)} is not a string`;
  const bad = labelProblem(entity.label);
  if (bad) return `label ${JSON.stringify(Array.from(entity.label).slice(0, 80).join(''))} ${bad}`;
  for (const f of fragmentsOf(entity)) {
    if (!Number.isInteger(f.start) || !Number.isInteger(f.end) || f.start < 0 || f.end > length || f.start >= f.end) {
      return `span ${f.start}-${f.end} is outside the text (0-${length}) or empty`;
    }
  }
  if (entity.score !== undefined && !(entity.score >= 0 && entity.score <= 1))
    return `score ${entity.score} is not in [0, 1]`;
  return undefined;
}

/**
 * The errors that make a decoded document unusable: non-NFC text, spans outside the text, bad labels or scores, in
 * its entities and in the suggestions its codec found beside them (`carried`, Label Studio's predictions).
 */
export function documentErrors(doc: Doc, file: string, line: number, carried?: Carried): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string, message: string): Issue => ({ severity: 'error', file, line, field, message });
  if (doc.text.normalize('NFC') !== doc.text)
    issues.push(at('text', 'text is not NFC-normalised (a codec bug: please report it)'));
  const length = codePointLength(doc.text);
  doc.entities.forEach((entity, i) => {
    const problem = entityProblem(entity, length);
    if (problem) issues.push(at(`entities[${i}]`, problem));
  });
  // Suggestions held outside doc.entities become suggestions too: they must fit the text as well.
  const beside = carried?.suggested.filter((entity) => !doc.entities.includes(entity)) ?? [];
  beside.forEach((entity, i) => {
    const problem = entityProblem(entity, length);
    if (problem) issues.push(at(`suggestions[${i}]`, problem));
  });
  return issues;
}

const SPLIT_IN_NAME = /(?:^|[^a-z])(train|dev|valid|validation|test)(?:[^a-z]|$)/i;

/** The split a file's name implies (`train_syllable.jsonl` -> train); validation is called dev. */
export function splitFromFileName(name: string): string | null {
  const m = SPLIT_IN_NAME.exec(name.split('/').pop() ?? name);
  if (!m) return null;
  const split = m[1].toLowerCase();
  return split === 'valid' || split === 'validation' ? 'dev' : split;
}
