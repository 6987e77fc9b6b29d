// Test helpers of the lexicon tests: entities written by their surface text.
import assert from 'node:assert/strict';
import type { Entity } from '../../../core/document.js';
import { codePointLength } from '../../../core/offsets.js';

/** An entity over the first occurrence of `surface` in `text` at or after `from`, in code points. */
export function at(text: string, surface: string, label: string, from = 0): Entity {
  const i = text.indexOf(surface, from);
  assert.ok(i >= 0, `${surface} in ${text}`);
  const start = codePointLength(text.slice(0, i));
  return { label, start, end: start + codePointLength(surface) };
}

/** Entities without their scores. */
export const spans = (entities: Entity[]) => entities.map(({ label, start, end }) => ({ label, start, end }));
