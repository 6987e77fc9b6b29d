// The curation view's state (issue 15, curators and admins on a team server): the documents ranked by disagreement,
// the open document's versions (curation.versions) and the gold draft the curator builds from them, saved with
// curation.saveGold. A save whose parent went stale (another curator saved gold meanwhile) is refused by the server;
// the view then reloads the document and starts from the new gold rather than overwriting it.
import type { CurationVersions, DisagreementPage, Span, SpanVote } from '../../../core/contract/types.js';
import { ContractError } from '../../../core/contract/errors.js';
import { call } from '../lib/api.js';
import { acceptNested, acceptVote, initialDraft, removeSpan, sameSpans } from '../lib/curation-draft.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';

class Curation {
  ranked = $state.raw<DisagreementPage | null>(null);
  versions = $state.raw<CurationVersions | null>(null);
  /** The gold as the curator has it now (unsaved until save()). */
  draft = $state.raw<Span[]>([]);
  loading = $state(false);
  saving = $state(false);

  /** The draft differs from what the document's curation started from (the saved gold, or the agreed spans). */
  get dirty(): boolean {
    return this.versions !== null && !sameSpans(this.draft, initialDraft(this.versions));
  }

  async loadList(): Promise<void> {
    const projectId = app.project?.id;
    if (projectId === undefined) return;
    this.loading = true;
    try {
      this.ranked = await call('agreement.documents', { projectId, limit: 200 });
    } catch (error) {
      app.fail(error, 'load');
    } finally {
      this.loading = false;
    }
  }

  // Unsaved drafts by document, with the parent they were built on: going to another document or tab and back (the
  // view reopens its document on mount) must not lose a draft silently. A draft whose parent has moved on is dropped:
  // after a save, or when the gold changed under it (a save would be refused as stale anyway).
  private unsaved = new Map<number, { parentRevisionId: number | null; draft: Span[] }>();

  async open(documentId: number): Promise<void> {
    const current = this.versions;
    if (current && this.dirty)
      this.unsaved.set(current.documentId, { parentRevisionId: current.parentRevisionId, draft: this.draft });
    this.loading = true;
    try {
      const v = await call('curation.versions', { documentId });
      const kept = this.unsaved.get(documentId);
      this.unsaved.delete(documentId);
      this.versions = v;
      this.draft = kept && kept.parentRevisionId === v.parentRevisionId ? kept.draft : initialDraft(v);
    } catch (error) {
      app.fail(error, 'load');
    } finally {
      this.loading = false;
    }
  }

  accept(vote: SpanVote): void {
    if (this.versions) this.draft = acceptVote(this.draft, vote, this.versions.votes);
  }

  /** `vote` and the same-label spans nested with it that other annotators marked instead: the gold keeps both. */
  acceptNested(vote: SpanVote): void {
    if (this.versions) this.draft = acceptNested(this.draft, vote, this.versions.votes);
  }

  remove(key: string): void {
    this.draft = removeSpan(this.draft, key);
  }

  /** One annotator's whole version becomes the draft. */
  acceptVersion(annotator: string): void {
    const line = this.versions?.lines.find((l) => l.annotator === annotator);
    if (line) this.draft = [...line.entities];
  }

  reset(): void {
    if (this.versions) this.draft = initialDraft(this.versions);
  }

  async save(): Promise<void> {
    const v = this.versions;
    if (!v || this.saving) return;
    this.saving = true;
    try {
      const saved = await call('curation.saveGold', {
        documentId: v.documentId,
        parentRevisionId: v.parentRevisionId,
        entities: this.draft,
      });
      await this.open(v.documentId);
      app.show('info', i18n.fill('curationSaved', { revision: saved.revision }));
    } catch (error) {
      app.fail(error, 'save');
      if (error instanceof ContractError && error.code === 'conflict') await this.open(v.documentId);
    } finally {
      this.saving = false;
    }
  }
}

export const curation = new Curation();
