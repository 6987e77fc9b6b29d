// Who annotates which documents on a team server (issue 15): an admin assigns all of a project's documents, a list,
// or an automatic plan with an overlap (core/team/assignment-plan.ts); each annotator's list and queue are then their
// assignment (annotator-documents.ts). Assignees must be enabled users with the annotator role: only annotators have
// lines, and a typo must not silently assign work to nobody.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { AssignmentProgress, AssignResult } from '../../core/contract/types.js';
import { DOCUMENT_STATUSES } from '../../core/document-status.js';
import { planAssignment } from '../../core/team/assignment-plan.js';
import type { Store } from '../../db/store.js';

export class AssignmentService {
  constructor(private readonly store: Store) {}

  /** The users' names as stored, checked: each must be an enabled annotator. */
  private annotators(names: readonly string[], field: (i: number) => string, method: string): string[] {
    return names.map((name, i) => {
      const user = this.store.users.byName(name);
      const refuse = (why: string) => {
        throw new ContractError('invalid', `${method}: invalid ${field(i)}: ${why}`, field(i));
      };
      if (!user) return refuse(`no user "${name}" (workbench users list)`);
      if (user.disabled) return refuse(`${user.name} is disabled`);
      if (user.role !== 'annotator')
        return refuse(`${user.name} is a ${user.role}; documents are assigned to annotators`);
      return user.name;
    });
  }

  private project(projectId: number): void {
    if (!this.store.projects.byId(projectId))
      throw new ContractError('not-found', `no project ${projectId}`, 'projectId');
  }

  assign(p: Params<'assignments.assign'>, actor: string): AssignResult {
    this.project(p.projectId);
    const names = this.annotators(p.annotators, (i) => `annotators.${i}`, 'assignments.assign');
    return this.store.transaction(() => {
      let rows: { documentId: number; annotator: string }[];
      let documents: number;
      if (p.mode === 'auto') {
        const ids = this.store.assignments.unassigned(p.projectId);
        const plan = planAssignment(ids, names, { overlap: p.overlap, copies: p.copies ?? 2, seed: p.seed ?? 0 });
        rows = [...plan].flatMap(([documentId, who]) => who.map((annotator) => ({ documentId, annotator })));
        documents = ids.length;
      } else {
        const ids = p.mode === 'all' ? this.store.documents.ids(p.projectId, DOCUMENT_STATUSES) : p.documentIds;
        if (p.mode === 'list')
          ids.forEach((id, i) => {
            if (this.store.documents.locate(id)?.projectId !== p.projectId)
              throw new ContractError(
                'invalid',
                `assignments.assign: invalid documentIds.${i}: no document ${id} in project ${p.projectId}`,
                `documentIds.${i}`,
              );
          });
        rows = ids.flatMap((documentId) => names.map((annotator) => ({ documentId, annotator })));
        documents = new Set(ids).size;
      }
      const byAnnotator: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
      let added = 0;
      for (const row of rows) {
        const n = this.store.assignments.add([row], actor);
        byAnnotator[row.annotator] += n;
        added += n;
      }
      this.store.events.append({
        type: 'assign',
        actor,
        projectId: p.projectId,
        payload: {
          mode: p.mode,
          annotators: names,
          added,
          ...(p.mode === 'auto' ? { overlap: p.overlap, copies: p.copies ?? 2, seed: p.seed ?? 0 } : {}),
        },
      });
      return { added, documents, byAnnotator };
    });
  }

  unassign(p: Params<'assignments.unassign'>, actor: string): { removed: number } {
    this.project(p.projectId);
    // A disabled user's or a former annotator's documents may still be taken back, so only the name must exist.
    const user = this.store.users.byName(p.annotator);
    if (!user)
      throw new ContractError(
        'invalid',
        `assignments.unassign: invalid annotator: no user "${p.annotator}"`,
        'annotator',
      );
    return this.store.transaction(() => {
      const removed = this.store.assignments.remove(p.projectId, user.name, p.documentIds);
      this.store.events.append({
        type: 'unassign',
        actor,
        projectId: p.projectId,
        payload: { annotator: user.name, removed, ...(p.documentIds ? { documents: p.documentIds.length } : {}) },
      });
      return { removed };
    });
  }

  progress(projectId: number): AssignmentProgress {
    this.project(projectId);
    const documents = this.store.documents.ids(projectId, DOCUMENT_STATUSES).length;
    return {
      annotators: this.store.assignments.progress(projectId),
      documents,
      ...this.store.assignments.counts(projectId),
    };
  }
}
