// How entities and tokens are stored in JSON columns. Kept in one place so every reader and writer agrees.
import type { Entity, Range } from '../core/document.js';

/** Entities as stored in a revision: no score (scores belong to suggestions), fragments only when discontinuous. */
export function entitiesToJson(entities: readonly Entity[]): string {
  return JSON.stringify(
    entities.map((e) =>
      e.fragments
        ? { label: e.label, start: e.start, end: e.end, fragments: e.fragments }
        : { label: e.label, start: e.start, end: e.end },
    ),
  );
}

export function entitiesFromJson(json: string | null | undefined): Entity[] {
  return json ? (JSON.parse(json) as Entity[]) : [];
}

/** Tokens as a flat [start0, end0, start1, end1, ...] array: a third of the size of objects, and faster to parse. */
export function tokensToJson(tokens: readonly Range[] | undefined): string | null {
  if (!tokens) return null;
  const flat = new Array<number>(tokens.length * 2);
  tokens.forEach((t, i) => {
    flat[2 * i] = t.start;
    flat[2 * i + 1] = t.end;
  });
  return JSON.stringify(flat);
}

export function tokensFromJson(json: string | null | undefined): Range[] | undefined {
  if (!json) return undefined;
  const flat = JSON.parse(json) as number[];
  const tokens = new Array<Range>(flat.length / 2);
  for (let i = 0; i < tokens.length; i++) tokens[i] = { start: flat[2 * i], end: flat[2 * i + 1] };
  return tokens;
}

export function metaToJson(meta: Record<string, unknown> | undefined): string | null {
  return meta && Object.keys(meta).length > 0 ? JSON.stringify(meta) : null;
}

export function metaFromJson(json: string | null | undefined): Record<string, unknown> | undefined {
  return json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
}

/** ISO-8601 UTC with milliseconds, the form every timestamp column holds. */
export function nowIso(): string {
  return new Date().toISOString();
}
