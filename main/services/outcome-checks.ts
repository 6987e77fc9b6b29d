// The rules for what a person may do with a suggested span, given each span's latest outcome on the line being
// written (the shared line, or an annotator's own): refusals name the field, and `conflict` means another window
// acted first (reload). Shared by annotation-service.ts and annotation-lines.ts so both lines keep one rule.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { SuggestionOutcome } from '../../db/repositories/suggestions.js';

/** Every suggested span of a document, with its latest outcome on one line (undefined: none yet). */
export type SpanOutcomes = ReadonlyMap<number, SuggestionOutcome | undefined>;

/** A save's outcomes: each names a span of the document; a `reopened` takes back an accept or edit. */
export function checkSaveOutcomes(outcomes: SpanOutcomes, params: Params<'annotations.save'>): void {
  params.outcomes?.forEach((o, i) => {
    if (!outcomes.has(o.suggestedSpanId))
      throw new ContractError(
        'invalid',
        `annotations.save: invalid outcomes.${i}.suggestedSpanId: not a suggestion of this document`,
        `outcomes.${i}.suggestedSpanId`,
      );
    const current = outcomes.get(o.suggestedSpanId);
    if (o.outcome === 'reopened' && current !== 'accepted' && current !== 'edited') {
      throw new ContractError(
        'conflict',
        `annotations.save: outcomes.${i}: suggestion ${o.suggestedSpanId} is ${describe(current)}, so there is no accept or edit to take back; reload the document`,
        `outcomes.${i}.outcome`,
      );
    }
  });
}

/**
 * A reject: each span's latest outcome must be none or `reopened`; one another window accepted, edited or already
 * rejected is refused (`conflict`), so a stale tab cannot log a reject while the entity stays.
 */
export function checkReject(outcomes: SpanOutcomes, ids: readonly number[]): void {
  ids.forEach((id, i) => {
    known(outcomes, 'suggestions.reject', id, i);
    const current = outcomes.get(id);
    if (current !== undefined && current !== 'reopened') {
      throw new ContractError(
        'conflict',
        `suggestions.reject: suggestedSpanIds.${i}: suggestion ${id} is already ${current} (another window acted on it); reload the document`,
        `suggestedSpanIds.${i}`,
      );
    }
  });
}

/** A reopen (undo of a reject): each span's latest outcome must be `rejected`. */
export function checkReopen(outcomes: SpanOutcomes, ids: readonly number[]): void {
  ids.forEach((id, i) => {
    known(outcomes, 'suggestions.reopen', id, i);
    const current = outcomes.get(id);
    if (current !== 'rejected') {
      throw new ContractError(
        'conflict',
        `suggestions.reopen: suggestedSpanIds.${i}: suggestion ${id} is ${describe(current)}, not rejected; only a rejected suggestion can be reopened`,
        `suggestedSpanIds.${i}`,
      );
    }
  });
}

function known(outcomes: SpanOutcomes, method: string, id: number, i: number): void {
  if (!outcomes.has(id))
    throw new ContractError(
      'invalid',
      `${method}: invalid suggestedSpanIds.${i}: not a suggestion of this document`,
      `suggestedSpanIds.${i}`,
    );
}

/** A span's state in words, for refusals: `pending` covers no outcome yet and a reopened one. */
function describe(outcome: SuggestionOutcome | undefined): string {
  return outcome === undefined || outcome === 'reopened' ? 'pending' : outcome;
}
