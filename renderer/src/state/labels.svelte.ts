// The project's label set in the labels panel: add, rename, merge, delete, recolour, shortcut. A rename or merge
// is asked about first (it rewrites annotations); a delete is sent as is and, when the service refuses because
// annotations use the label, asked about with the numbers the refusal carries, then sent again with `force`.
import { ContractError } from '../../../core/contract/errors.js';
import type { LabelChange, LabelSet } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';
import { documents } from './documents.svelte.js';
import { editor } from './editor.svelte.js';

export type LabelConfirmation =
  | { kind: 'rename'; from: string; to: string; n: number }
  | { kind: 'merge'; from: string; into: string; n: number }
  | { kind: 'delete'; name: string; entities: number; documents: number };

/** The numbers of a delete refused because annotations use the label (its `conflict` detail), or null. */
export function deleteRefusal(error: unknown): { entities: number; documents: number } | null {
  if (!(error instanceof ContractError) || error.code !== 'conflict' || !error.detail) return null;
  const { entities, documents } = error.detail;
  return typeof entities === 'number' && typeof documents === 'number' ? { entities, documents } : null;
}

class LabelsState {
  set = $state.raw<LabelSet | null>(null);
  busy = $state(false);
  error = $state.raw<UserMessage | null>(null);
  confirmation = $state.raw<LabelConfirmation | null>(null);
  /** Whether the panel is unfolded. */
  open = $state(false);
  /** Bumped after every completed change (tests wait for it). */
  changes = $state(0);

  private stale: number | null = null;

  private get projectId(): number | undefined {
    return app.project?.id;
  }

  async load(): Promise<void> {
    const projectId = this.projectId;
    if (projectId === undefined) return;
    this.set = await call('labels.list', { projectId });
  }

  entitiesOf(name: string): number {
    return this.set?.labels.find((l) => l.name === name)?.entities ?? 0;
  }

  async add(name: string): Promise<boolean> {
    const projectId = this.projectId;
    if (projectId === undefined) return false;
    return this.run(async () => {
      this.set = await call('labels.add', { projectId, name: name.trim() });
    });
  }

  async recolour(name: string, colour: string): Promise<void> {
    const projectId = this.projectId;
    if (projectId === undefined) return;
    await this.run(async () => {
      this.set = await call('labels.update', { projectId, name, colour });
    });
  }

  async shortcut(name: string, key: string): Promise<void> {
    const projectId = this.projectId;
    if (projectId === undefined) return;
    await this.run(async () => {
      this.set = await call('labels.update', { projectId, name, shortcut: key === '' ? null : key.toLowerCase() });
    });
  }

  /** Maps a model's label onto a project label (projectLabel null: removes the mapping); no model: any model. */
  async map(modelLabel: string, projectLabel: string | null, model: string): Promise<boolean> {
    const projectId = this.projectId;
    if (projectId === undefined || modelLabel.trim() === '') return false;
    return this.run(async () => {
      this.set = await call('labels.map', {
        projectId,
        modelLabel: modelLabel.trim(),
        projectLabel,
        ...(model.trim() && model !== '*' ? { model: model.trim() } : {}),
      });
    });
  }

  askRename(from: string, to: string): void {
    this.error = null;
    if (to.trim() === '' || to.trim() === from) return;
    this.confirmation = { kind: 'rename', from, to: to.trim(), n: this.entitiesOf(from) };
  }

  askMerge(from: string, into: string): void {
    this.error = null;
    if (into === '' || into === from) return;
    this.confirmation = { kind: 'merge', from, into, n: this.entitiesOf(from) };
  }

  /** Deletes an unused label at once; for one in use the refusal's numbers are asked about. */
  async remove(name: string): Promise<void> {
    const projectId = this.projectId;
    if (projectId === undefined) return;
    this.busy = true;
    this.error = null;
    try {
      this.changed(
        await call('labels.delete', { projectId, name }),
        i18n.fill('deleteDone', { name, entities: 0, documents: 0 }),
      );
      await this.afterChange();
    } catch (error) {
      const refusal = deleteRefusal(error);
      if (refusal) this.confirmation = { kind: 'delete', name, ...refusal };
      else this.error = describeError(error, 'labels');
    } finally {
      this.busy = false;
    }
  }

  cancel(): void {
    this.confirmation = null;
  }

  /** The user said yes to the question asked. */
  async confirm(): Promise<void> {
    const c = this.confirmation;
    const projectId = this.projectId;
    if (!c || projectId === undefined) return;
    this.confirmation = null;
    await this.run(async () => {
      if (c.kind === 'rename') {
        const r = await call('labels.rename', { projectId, from: c.from, to: c.to });
        this.changed(
          r,
          i18n.fill('renameDone', { from: c.from, to: c.to, entities: r.entities, documents: r.documents }),
        );
      } else if (c.kind === 'merge') {
        const r = await call('labels.merge', { projectId, from: [c.from], into: c.into });
        this.changed(
          r,
          i18n.fill('mergeDone', { from: c.from, into: c.into, entities: r.entities, documents: r.documents }),
        );
      } else {
        const r = await call('labels.delete', { projectId, name: c.name, force: true });
        this.changed(r, i18n.fill('deleteDone', { name: c.name, entities: r.entities, documents: r.documents }));
      }
    });
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      await this.afterChange();
      return true;
    } catch (error) {
      this.error = describeError(error, 'labels');
      return false;
    } finally {
      this.busy = false;
    }
  }

  private changed(result: LabelChange, notice: string): void {
    this.set = result;
    app.show('info', notice);
  }

  /** The project's labels (colours, shortcuts), the list, and the open document (a rename rewrote it). */
  private async afterChange(): Promise<void> {
    await app.reloadProject();
    await documents.refresh();
    // The open document is read again: at once when the editor shows, else when it is shown next (reopenStale).
    const open = editor.doc;
    if (open && app.view === 'editor') await editor.open(open.id);
    else this.stale = open?.id ?? null;
    this.changes++;
  }

  /** The editor is shown again: the document it holds is reloaded when a label change rewrote it meanwhile. */
  async reopenStale(): Promise<void> {
    const id = this.stale;
    this.stale = null;
    if (id !== null && editor.doc?.id === id) await editor.open(id);
  }

  /** Another window changed the label set. */
  listen(): void {
    onEvent((event) => {
      if (event.type === 'labels.changed' && event.projectId === this.projectId && !this.busy) {
        void this.load().then(() => this.afterChange());
      }
    });
  }
}

export const labels = new LabelsState();
