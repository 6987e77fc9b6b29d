// Agreement in the app (issue 15): between annotators' finished lines (done or reviewed) of the same documents, per
// pair and per label, with the very code `workbench agreement` runs on files (core/metrics/pair-agreement.ts), so
// the figures are equal on the same data; and the documents ranked by how much their annotators disagree, for
// curation. A line counts once its annotator has finished it: half-done work would read as disagreement.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { AgreementReport, DisagreementPage } from '../../core/contract/types.js';
import type { Entity, Range } from '../../core/document.js';
import { documentAgreement, pairAgreement } from '../../core/metrics/pair-agreement.js';
import { tokenize } from '../../core/tokenize.js';
import type { Store } from '../../db/store.js';
import { lineEntities } from './annotation-lines.js';

interface FinishedDocument {
  id: number;
  name: string;
  tokens: Range[];
  /** Annotator -> entities of their finished line. */
  lines: Map<string, Entity[]>;
}

export class AgreementService {
  constructor(private readonly store: Store) {}

  /** The project's documents with at least two finished lines (of the annotators asked about, when given). */
  private finished(projectId: number, only?: readonly string[]): FinishedDocument[] {
    if (!this.store.projects.byId(projectId))
      throw new ContractError('not-found', `no project ${projectId}`, 'projectId');
    const wanted = only && new Set(only.map((n) => n.toLowerCase()));
    const byDocument = new Map<number, string[]>();
    for (const { documentId, line } of this.store.lines.finished(projectId)) {
      if (wanted && !wanted.has(line.toLowerCase())) continue;
      byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), line]);
    }
    const docs: FinishedDocument[] = [];
    for (const [id, names] of byDocument) {
      if (names.length < 2) continue;
      const doc = this.store.documents.get(id)!;
      const lines = new Map(names.map((name) => [name, lineEntities(this.store, doc, name)]));
      docs.push({ id, name: doc.name, tokens: doc.tokens ?? tokenize(doc.text), lines });
    }
    return docs;
  }

  /** Per pair of annotators (over the documents both finished) and per label: strict and overlap F1, kappa. */
  report(p: Params<'agreement.report'>): AgreementReport {
    const level = p.level ?? 0;
    const docs = this.finished(p.projectId, p.annotators);
    const names = [...new Set(docs.flatMap((d) => [...d.lines.keys()]))].sort();
    const pairs = names.flatMap((a, i) =>
      names.slice(i + 1).flatMap((b) => {
        const shared = docs.filter((d) => d.lines.has(a) && d.lines.has(b));
        if (shared.length === 0) return [];
        return [
          pairAgreement(
            { name: a, docs: shared.map((d) => d.lines.get(a)!) },
            { name: b, docs: shared.map((d) => d.lines.get(b)!) },
            shared.map((d) => d.tokens),
            { level },
          ),
        ];
      }),
    );
    return { level, annotators: names, documents: docs.length, pairs };
  }

  /** The documents whose finished lines disagree most (lowest mean strict F1 over their pairs) first. */
  disagreements(p: Params<'agreement.documents'>): DisagreementPage {
    const rows = this.finished(p.projectId).map((d) => {
      const names = [...d.lines.keys()].sort();
      let strict = 0;
      let overlap = 0;
      let unmatched = 0;
      let pairs = 0;
      names.forEach((a, i) =>
        names.slice(i + 1).forEach((b) => {
          const one = documentAgreement(d.lines.get(a)!, d.lines.get(b)!);
          strict += one.strictF1;
          overlap += one.overlapF1;
          unmatched += one.unmatched;
          pairs++;
        }),
      );
      return {
        documentId: d.id,
        name: d.name,
        annotators: names,
        strictF1: strict / pairs,
        overlapF1: overlap / pairs,
        unmatched,
      };
    });
    rows.sort((a, b) => a.strictF1 - b.strictF1 || b.unmatched - a.unmatched || a.documentId - b.documentId);
    return { items: rows.slice(0, p.limit ?? 100), total: rows.length };
  }
}
