// Which suggested spans still wait for a person: those of the document's latest model run that nobody accepted,
// edited or rejected (or whose latest outcome is `reopened`: an undo took that back), and that no entity already
// equals (a re-imported answer makes them moot).
import type { SuggestedSpan } from '../../core/contract/types.js';
import { entityKey, type Entity } from '../../core/document.js';
import type { Suggestion } from '../../db/repositories/suggestions.js';

/** The pending suggested spans of a document, given its current entities and its suggestion runs. */
export function pendingSuggestions(entities: readonly Entity[], runs: readonly Suggestion[]): SuggestedSpan[] {
  const latest = runs[runs.length - 1];
  if (!latest) return [];
  const taken = new Set(entities.map(entityKey));
  const source = `${latest.modelName} ${latest.modelVersion}`;
  return latest.spans
    .filter((span) => (span.outcome === undefined || span.outcome === 'reopened') && !taken.has(entityKey(span)))
    .map((span) => ({
      id: span.id,
      label: span.label,
      start: span.start,
      end: span.end,
      ...(span.fragments ? { fragments: span.fragments } : {}),
      score: span.score ?? null,
      source,
    }));
}
