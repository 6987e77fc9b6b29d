// Which suggested spans still wait for a person: those of the document's latest model run that nobody accepted,
// edited or rejected (or whose latest outcome is `reopened`: an undo took that back), and that no entity already
// equals (a re-imported answer makes them moot). Their labels pass through the project's `*` label mapping first
// (label-service.ts): a suggestion stored before a rename or merge is shown, and accepted, under the new name.
import type { SuggestedSpan } from '../../core/contract/types.js';
import { entityKey, type Entity } from '../../core/document.js';
import type { Suggestion } from '../../db/repositories/suggestions.js';

/** The pending suggested spans of a document, given its current entities, its suggestion runs and the label mapping. */
export function pendingSuggestions(
  entities: readonly Entity[],
  runs: readonly Suggestion[],
  mapLabel: (label: string) => string = (l) => l,
): SuggestedSpan[] {
  const latest = runs[runs.length - 1];
  if (!latest) return [];
  const taken = new Set(entities.map(entityKey));
  const source = `${latest.modelName} ${latest.modelVersion}`;
  return latest.spans
    .map((span) => {
      const label = mapLabel(span.label);
      return label === span.label ? span : { ...span, label };
    })
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
