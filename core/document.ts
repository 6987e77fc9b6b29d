/** A half-open range [start, end) of Unicode code points in a document's NFC text. */
export interface Range {
  start: number;
  end: number;
}

/**
 * A named entity over [start, end). `fragments` is present only for a discontinuous entity (brat `s e;s e`):
 * sorted, non-overlapping, at least two, with start = first fragment's start and end = last fragment's end.
 * Any nesting is allowed; crossing overlaps are kept and reported by formats that cannot express them.
 */
export interface Entity {
  label: string;
  start: number;
  end: number;
  fragments?: Range[];
  /** Confidence in [0, 1]; set on model suggestions and on formats that carry one (Label Studio predictions). */
  score?: number;
}

/** A document: NFC text, its entities, and what its source said about it. */
export interface Doc {
  /** Identity inside its source (record number, brat file stem, the format's own id); unique per source. */
  name: string;
  /** NFC-normalised text; line endings kept as they came. */
  text: string;
  entities: Entity[];
  /** Token boundaries when the source was tokenised (PhoNER, CoNLL), so exports keep the same tokens. */
  tokens?: Range[];
  /** Extras a format carries and should get back on export (split, source ids, brat lines not modelled). */
  meta?: Record<string, unknown>;
}

/** Orders entities outer-first: by start, then longer first, then label. */
export function compareEntities(a: Entity, b: Entity): number {
  return a.start - b.start || b.end - a.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/** The fragments of an entity: its own list, or its one contiguous range. */
export function fragmentsOf(entity: Entity): Range[] {
  return entity.fragments ?? [{ start: entity.start, end: entity.end }];
}

/** A key that identifies an entity by label and exact fragments (for dedup and strict matching). */
export function entityKey(entity: Entity): string {
  return `${entity.label}@${fragmentsOf(entity)
    .map((f) => `${f.start}-${f.end}`)
    .join(',')}`;
}

/** True when a and b overlap without one containing the other (a shape flat and nested formats cannot both hold). */
export function crosses(a: Range, b: Range): boolean {
  return a.start < b.start ? b.start < a.end && a.end < b.end : b.start < a.start && a.start < b.end && b.end < a.end;
}
