// Label set changes (issue 12): add, rename, merge, delete, recolour, and the model -> project label mapping.
// Each command is one synchronous transaction (docs/data-safety.md). A rename, merge or delete rewrites the current
// annotations as new revisions, one per affected document, authored by the actor with a note saying why; the
// earlier revisions stay readable (history is append-only). Suggestions are model output and append-only too: they
// are kept as the model wrote them, and a rename or merge adds a `*` mapping (old -> new), through which pending
// suggestions are shown and accepted under the new name and later model output is stored under it. A delete leaves
// pending suggestions of the deleted label as they are (shown with that name until someone acts on them).
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { LabelChange, LabelSet } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';
import { ANY_MODEL, MAX_LABELS_PER_PROJECT, labelMapper, relabelEntities } from '../../core/label-mapping.js';
import type { Label } from '../../db/repositories/labels.js';
import type { Store } from '../../db/store.js';
import { summarize } from './document-summary.js';
import { pendingSuggestions } from './pending-suggestions.js';

export class LabelService {
  constructor(
    private readonly store: Store,
    private readonly actor: string,
  ) {}

  private project(projectId: number): void {
    if (!this.store.projects.byId(projectId))
      throw new ContractError('not-found', `no project ${projectId}`, 'projectId');
  }

  private label(method: string, projectId: number, name: string, field: string): Label {
    const label = this.store.labels.byName(projectId, name);
    if (!label) {
      const names =
        this.store.labels
          .list(projectId)
          .map((l) => l.name)
          .join(', ') || 'none';
      throw new ContractError(
        'not-found',
        `${method}: ${field}: the project has no label "${name}" (labels: ${names})`,
        field,
      );
    }
    return label;
  }

  /** The label set with entity totals, and the mapping. */
  list(projectId: number): LabelSet {
    this.project(projectId);
    const totals = this.store.documents.labelTotals(projectId);
    return {
      labels: this.store.labels
        .list(projectId)
        .map((l) => ({ name: l.name, colour: l.colour, shortcut: l.shortcut, entities: totals.get(l.name) ?? 0 })),
      mappings: this.store.labelMappings.list(projectId),
    };
  }

  add(p: Params<'labels.add'>): LabelSet {
    this.project(p.projectId);
    this.store.transaction(() => {
      const labels = this.store.labels.list(p.projectId);
      if (labels.some((l) => l.name === p.name))
        throw new ContractError('conflict', `labels.add: name: the project already has a label "${p.name}"`, 'name');
      if (labels.length >= MAX_LABELS_PER_PROJECT) {
        throw new ContractError(
          'invalid',
          `labels.add: name: a project has at most ${MAX_LABELS_PER_PROJECT} labels; merge or delete one first`,
          'name',
        );
      }
      if (p.shortcut) this.shortcutFree(labels, p.shortcut, p.name, 'labels.add');
      this.store.labels.add(p.projectId, { name: p.name, colour: p.colour?.toLowerCase(), shortcut: p.shortcut });
      // A `*` row from an earlier rename of a label of this name would send its suggestions elsewhere: the name is
      // the project's own again.
      this.store.labelMappings.remove(p.projectId, ANY_MODEL, p.name);
      this.log(p.projectId, { action: 'add', name: p.name });
    });
    return this.list(p.projectId);
  }

  rename(p: Params<'labels.rename'>): LabelChange {
    this.project(p.projectId);
    const changed = this.store.transaction(() => {
      this.label('labels.rename', p.projectId, p.from, 'from');
      if (p.to === p.from)
        throw new ContractError('invalid', `labels.rename: to: "${p.to}" is the label's name already`, 'to');
      if (this.store.labels.byName(p.projectId, p.to)) {
        throw new ContractError(
          'conflict',
          `labels.rename: to: the project already has a label "${p.to}"; merge the two instead`,
          'to',
        );
      }
      this.store.labels.rename(p.projectId, p.from, p.to);
      this.remap(p.projectId, [p.from], p.to);
      const changed = this.rewrite(
        p.projectId,
        [p.from],
        (l) => (l === p.from ? p.to : l),
        `rename ${p.from} → ${p.to}`,
      );
      this.log(p.projectId, { action: 'rename', from: p.from, to: p.to, ...changed });
      return changed;
    });
    return { ...this.list(p.projectId), ...changed };
  }

  merge(p: Params<'labels.merge'>): LabelChange {
    this.project(p.projectId);
    const from = [...new Set(p.from)];
    const changed = this.store.transaction(() => {
      this.label('labels.merge', p.projectId, p.into, 'into');
      p.from.forEach((name, i) => {
        this.label('labels.merge', p.projectId, name, `from.${i}`);
        if (name === p.into)
          throw new ContractError(
            'invalid',
            `labels.merge: from.${i}: "${name}" is the label merged into`,
            `from.${i}`,
          );
      });
      for (const name of from) this.store.labels.remove(p.projectId, name);
      this.remap(p.projectId, from, p.into);
      const merged = new Set(from);
      const changed = this.rewrite(
        p.projectId,
        from,
        (l) => (merged.has(l) ? p.into : l),
        `merge ${from.join(', ')} → ${p.into}`,
      );
      this.log(p.projectId, { action: 'merge', from, into: p.into, ...changed });
      return changed;
    });
    return { ...this.list(p.projectId), ...changed };
  }

  delete(p: Params<'labels.delete'>): LabelChange {
    this.project(p.projectId);
    const changed = this.store.transaction(() => {
      this.label('labels.delete', p.projectId, p.name, 'name');
      const using = this.store.labels.currentUsing(p.projectId, [p.name]);
      if (using.length > 0 && !p.force) {
        const entities = using.reduce((n, d) => n + d.entities.filter((e) => e.label === p.name).length, 0);
        throw new ContractError(
          'conflict',
          `labels.delete: name: "${p.name}" labels ${entities} ${entities === 1 ? 'entity' : 'entities'} in ${using.length} ` +
            `${using.length === 1 ? 'document' : 'documents'}; delete them with it (force) or merge the label into another`,
          'name',
          { entities, documents: using.length },
        );
      }
      this.store.labels.remove(p.projectId, p.name);
      this.store.labelMappings.dropTarget(p.projectId, p.name);
      const changed = this.rewrite(p.projectId, [p.name], (l) => (l === p.name ? null : l), `delete ${p.name}`);
      this.log(p.projectId, { action: 'delete', name: p.name, ...changed });
      return changed;
    });
    return { ...this.list(p.projectId), ...changed };
  }

  /** Colour and shortcut: plain updates of the label row. */
  update(p: Params<'labels.update'>): LabelSet {
    this.project(p.projectId);
    this.store.transaction(() => {
      this.label('labels.update', p.projectId, p.name, 'name');
      const others = this.store.labels.list(p.projectId).filter((l) => l.name !== p.name);
      if (p.colour !== undefined) {
        this.store.labels.setColour(p.projectId, p.name, p.colour.toLowerCase());
      }
      if (p.shortcut !== undefined) {
        if (p.shortcut !== null) this.shortcutFree(others, p.shortcut, p.name, 'labels.update');
        this.store.labels.setShortcut(p.projectId, p.name, p.shortcut);
      }
      this.log(p.projectId, {
        action: 'update',
        name: p.name,
        ...(p.colour !== undefined ? { colour: p.colour } : {}),
        ...(p.shortcut !== undefined ? { shortcut: p.shortcut } : {}),
      });
    });
    return this.list(p.projectId);
  }

  /** Maps a model's label onto a project label (null removes the mapping); applied where suggestions are stored. */
  map(p: Params<'labels.map'>): LabelSet {
    this.project(p.projectId);
    const model = p.model ?? ANY_MODEL;
    this.store.transaction(() => {
      if (p.projectLabel === null) {
        if (!this.store.labelMappings.remove(p.projectId, model, p.modelLabel)) {
          throw new ContractError(
            'not-found',
            `labels.map: modelLabel: no mapping of "${p.modelLabel}" for ${model === ANY_MODEL ? 'every model' : `model ${model}`}`,
            'modelLabel',
          );
        }
      } else {
        this.label('labels.map', p.projectId, p.projectLabel, 'projectLabel');
        if (p.modelLabel === p.projectLabel) {
          this.store.labelMappings.remove(p.projectId, model, p.modelLabel); // X -> X is no mapping at all
        } else {
          this.store.labelMappings.set(p.projectId, { model, modelLabel: p.modelLabel, projectLabel: p.projectLabel });
        }
      }
      this.log(p.projectId, { action: 'map', model, modelLabel: p.modelLabel, projectLabel: p.projectLabel });
    });
    return this.list(p.projectId);
  }

  /** Rows that mapped onto a label now map onto its new name, and the old name itself maps there for any model. */
  private remap(projectId: number, from: readonly string[], to: string): void {
    for (const name of from) {
      this.store.labelMappings.retarget(projectId, name, to);
      this.store.labelMappings.set(projectId, { model: ANY_MODEL, modelLabel: name, projectLabel: to });
    }
  }

  /**
   * Appends a revision with `map` applied to every document (and annotator line) whose current annotation uses one of
   * `labels`, and recomputes the summaries of those and of the documents whose pending suggestions carry one of them.
   */
  private rewrite(
    projectId: number,
    labels: readonly string[],
    map: (label: string) => string | null,
    note: string,
  ): { documents: number; entities: number } {
    let entities = 0;
    let documents = 0;
    const affected = new Set(labels);
    // The summaries as refreshSummary computes them, with the mapping (already changed) read once for all documents.
    const mapLabel = labelMapper(this.store.labelMappings.list(projectId), ANY_MODEL);
    const summarise = (documentId: number, current: readonly Entity[]) =>
      this.store.documents.setSummary(
        documentId,
        summarize(current, pendingSuggestions(current, this.store.suggestions.forDocument(documentId), mapLabel)),
      );
    const done = new Set<number>();
    for (const doc of this.store.labels.currentUsing(projectId, labels)) {
      entities += doc.entities.filter((e) => affected.has(e.label)).length;
      const next = relabelEntities(doc.entities, map);
      this.store.revisions.append({
        documentId: doc.documentId,
        parentId: doc.revisionId,
        author: this.actor,
        entities: next,
        note,
      });
      summarise(doc.documentId, next);
      done.add(doc.documentId);
      documents++;
    }
    // Team mode's annotator lines use the project's labels too: each line using one gets a rewritten revision (the
    // counts returned stay the shared line's).
    for (const line of this.store.lines.currentUsing(projectId, labels)) {
      this.store.lines.append({
        documentId: line.documentId,
        line: line.line,
        parentId: line.revisionId,
        baseRevisionId: null,
        author: this.actor,
        entities: relabelEntities(line.entities, map),
        note,
      });
    }
    // Documents whose pending suggestions carry the label: their list labels change too.
    const last = this.store.documents.lastId(projectId);
    for (const label of labels) {
      for (const { id } of this.store.documents.matchesIn({ projectId, label }, 0, last)) {
        if (done.has(id)) continue;
        done.add(id);
        const doc = this.store.documents.get(id);
        if (doc) summarise(id, doc.entities);
      }
    }
    return { documents, entities };
  }

  private log(projectId: number, payload: Record<string, unknown>): void {
    this.store.events.append({ type: 'labels', actor: this.actor, projectId, payload });
  }

  private shortcutFree(labels: readonly Label[], shortcut: string, name: string, method: string): void {
    const taken = labels.find((l) => l.shortcut === shortcut && l.name !== name);
    if (taken)
      throw new ContractError(
        'conflict',
        `${method}: shortcut: "${shortcut}" is the shortcut of "${taken.name}" already`,
        'shortcut',
      );
  }
}
