// Inter-annotator agreement for N annotators (or N revisions of the same documents), as two matrices:
//  - span F1: strict entity F1 of one against the other (label + exact fragments, every nesting level). F1 is
//    symmetric, so it needs no gold side; two sides with no entities at all agree perfectly (1).
//  - token-level Cohen's kappa over BIO tags (B-X, I-X, O) of one nesting level, pooled over all documents.
//    Level 0 (the outermost entities, as nestingLevels places them) is the default: it is the flat view PhoNER-style
//    evaluation uses and what an annotator decides first; a deeper level can be asked for. Kappa corrects token
//    agreement for chance, which span F1 does not, and the O majority makes raw token accuracy meaningless.

import { encodeBio, nestingLevels, type TokenSpan } from '../bio.js';
import { fragmentsOf, type Entity, type Range } from '../document.js';
import { entityF1 } from './entity-f1.js';

/** One annotator's (or revision's) entities for each document, in the same document order as the others'. */
export interface AnnotatorEntities {
  name: string;
  docs: readonly (readonly Entity[])[];
}

/** Pairwise agreement: row i, column j compares annotator i with annotator j; the diagonal is 1. */
export interface AgreementMatrix {
  names: string[];
  spanF1: number[][];
  kappa: number[][];
}

/** Strict span F1 between two annotators over the same documents (1 when neither marked anything). */
export function spanAgreement(a: readonly (readonly Entity[])[], b: readonly (readonly Entity[])[]): number {
  if (a.length !== b.length) throw new RangeError(`annotators cover ${a.length} and ${b.length} documents`);
  const report = entityF1(a.map((gold, i) => ({ gold, pred: b[i] })));
  const { tp, fp, fn } = report.micro;
  return tp + fp + fn === 0 ? 1 : report.micro.f1;
}

/** Token indices [start, end) that a code-point range covers (tokens overlapping it); undefined when none. */
function tokenSpanOf(tokens: readonly Range[], range: Range): Range | undefined {
  let start = -1;
  let end = -1;
  tokens.forEach((token, i) => {
    if (token.end > range.start && token.start < range.end) {
      if (start < 0) start = i;
      end = i + 1;
    }
  });
  return start < 0 ? undefined : { start, end };
}

/** BIO tags of one nesting level (0 = outermost) of `entities` over `tokens`; fragments tag separately. */
export function levelTokenTags(tokens: readonly Range[], entities: readonly Entity[], level = 0): string[] {
  const spans: TokenSpan[] = [];
  for (const entity of entities) {
    for (const fragment of fragmentsOf(entity)) {
      const span = tokenSpanOf(tokens, fragment);
      if (span) spans.push({ label: entity.label, ...span });
    }
  }
  // Two entities that differ only below token resolution collapse into one span rather than overlapping.
  const unique = [...new Map(spans.map((s) => [`${s.start}-${s.end}-${s.label}`, s])).values()];
  return encodeBio(nestingLevels(unique)[level] ?? [], tokens.length);
}

/** Cohen's kappa between two equally long label sequences; 1 when they agree and chance agreement is 1, NaN when empty. */
export function cohenKappa(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) throw new RangeError(`sequences have ${a.length} and ${b.length} items`);
  const n = a.length;
  if (n === 0) return NaN;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  const observed = agree / n;
  let chance = 0;
  for (const [label, count] of countA) chance += (count / n) * ((countB.get(label) ?? 0) / n);
  // Both used one and the same category throughout: kappa is 0/0; they agree completely, so say 1.
  if (chance === 1) return 1;
  return (observed - chance) / (1 - chance);
}

/** Span-F1 and token-kappa matrices for N annotators; `tokens[d]` are document d's tokens. */
export function agreementMatrix(
  annotators: readonly AnnotatorEntities[],
  tokens: readonly (readonly Range[])[],
  options: { level?: number } = {},
): AgreementMatrix {
  for (const annotator of annotators) {
    if (annotator.docs.length !== tokens.length) {
      throw new RangeError(
        `${annotator.name} covers ${annotator.docs.length} documents, tokens are given for ${tokens.length}`,
      );
    }
  }
  const tags = annotators.map((annotator) =>
    annotator.docs.flatMap((entities, d) => levelTokenTags(tokens[d], entities, options.level)),
  );
  const n = annotators.length;
  const spanF1 = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  const kappa = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      spanF1[i][j] = spanF1[j][i] = spanAgreement(annotators[i].docs, annotators[j].docs);
      kappa[i][j] = kappa[j][i] = cohenKappa(tags[i], tags[j]);
    }
  }
  return { names: annotators.map((a) => a.name), spanF1, kappa };
}
