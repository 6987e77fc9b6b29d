// Curation (issue 15): a curator reads every annotator's version of a document side by side with the current gold
// and who marked which span (core/metrics/span-votes.ts, on the matching agreement uses), then writes the gold. The
// gold goes through the shared line's one write path (AnnotationService marked gold), so its parent rule, conflict
// answer and gold mark are exactly a curator's save in the editor, and the gold export reads it as such.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { CurationLine, CurationVersions, SaveResult, Span } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';
import { spanVotes } from '../../core/metrics/span-votes.js';
import type { Store } from '../../db/store.js';
import { lineEntities } from './annotation-lines.js';
import { AnnotationService } from './annotation-service.js';

const span = ({ label, start, end, fragments }: Entity): Span =>
  fragments ? { label, start, end, fragments } : { label, start, end };

export class CurationService {
  constructor(private readonly store: Store) {}

  /** The document's text, each annotator's line (saved or finished), the current gold and the span votes. */
  versions(documentId: number): CurationVersions {
    const at = this.store.documents.locate(documentId);
    const doc = at && this.store.documents.get(documentId);
    if (!at || !doc) throw new ContractError('not-found', `no document ${documentId}`, 'documentId');
    // A line with revisions, or one its annotator finished without a change (it stands at the shared base).
    const names = new Set(this.store.lines.lines(doc.id));
    for (const f of this.store.lines.finished(at.projectId)) if (f.documentId === doc.id) names.add(f.line);
    const lines: CurationLine[] = [...names].sort().map((annotator) => {
      const latest = this.store.lines.latest(doc.id, annotator);
      return {
        annotator,
        author: latest?.author ?? annotator,
        revision: latest?.revision ?? 0,
        revisionId: latest?.id ?? null,
        createdAt: latest?.createdAt ?? null,
        status: this.store.lines.status(doc.id, annotator) ?? 'in_progress',
        entities: lineEntities(this.store, doc, annotator).map(span),
      };
    });
    const shared = this.store.revisions.latest(doc.id);
    const gold =
      shared && this.store.curation.goldDocuments(at.projectId).has(doc.id)
        ? {
            revisionId: shared.id,
            revision: shared.revision,
            author: shared.author,
            createdAt: shared.createdAt,
            entities: shared.entities.map(span),
          }
        : null;
    return {
      documentId: doc.id,
      name: doc.name,
      text: doc.text,
      parentRevisionId: shared?.id ?? null,
      gold,
      lines,
      votes: spanVotes(lines.map((l) => ({ name: l.annotator, entities: l.entities }))),
    };
  }

  /** Writes the curator's gold: a gold revision of the shared line after `parentRevisionId` (else `conflict`). */
  saveGold(p: Params<'curation.saveGold'>, actor: string): SaveResult {
    return new AnnotationService(this.store, actor, true).save({
      documentId: p.documentId,
      parentRevisionId: p.parentRevisionId,
      entities: p.entities,
      note: p.note ?? 'curation',
    });
  }
}
