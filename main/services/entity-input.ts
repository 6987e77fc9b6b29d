// The entities of a save as the store keeps them: checked against the document's length (the schema cannot know
// it), fragments only where discontinuous, in the one canonical order. Shared by the shared line and annotator lines.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import { compareEntities, type Entity } from '../../core/document.js';
import { codePointLength } from '../../core/offsets.js';

/** The saved entities, sorted; refuses (`invalid`, naming the field) an entity that ends past the text. */
export function savedEntities(params: Params<'annotations.save'>, text: string): Entity[] {
  const length = codePointLength(text);
  const entities: Entity[] = params.entities.map((e, i) => {
    if (e.end > length)
      throw new ContractError(
        'invalid',
        `annotations.save: invalid entities.${i}.end: ${e.end} is past the end of the text (${length})`,
        `entities.${i}.end`,
      );
    return e.fragments
      ? { label: e.label, start: e.start, end: e.end, fragments: e.fragments }
      : { label: e.label, start: e.start, end: e.end };
  });
  return entities.sort(compareEntities);
}
