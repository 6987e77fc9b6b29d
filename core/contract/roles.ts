// Who may call what (issue 15, team mode). Every contract method names the least role it needs; the one dispatch
// wrapper (main/hosts/dispatch.ts) checks the caller's role against this table before the payload is even parsed.
// Single-user hosts (the Electron app, the browser host with its launch token) call as the local admin.
import type { MethodName } from './channels.js';

/** A team member's role; each includes the ones before it. */
export type Role = 'annotator' | 'curator' | 'admin';

export const ROLES: readonly Role[] = ['annotator', 'curator', 'admin'];

/**
 * The least role each method needs. Annotators read the project and annotate; curators shape the work (import,
 * pre-annotate, cancel jobs, add and recolour labels); admins do what rewrites everyone's annotations (rename,
 * merge, delete or map labels), changes the models everyone gets (train, fine-tune, activate, the retraining
 * setting), or touches the server's own folders (export writes there, the folder browser lists them).
 */
const TABLE = {
  'app.info': 'annotator',
  'projects.list': 'annotator',
  'documents.list': 'annotator',
  'documents.progress': 'annotator',
  'documents.get': 'annotator',
  'documents.adjacent': 'annotator',
  'documents.setStatus': 'annotator',
  'documents.import': 'curator',
  'annotations.save': 'annotator',
  'annotations.history': 'annotator',
  'annotations.revision': 'annotator',
  'suggestions.reject': 'annotator',
  'suggestions.reopen': 'annotator',
  'export.run': 'admin',
  'files.listFolders': 'admin',
  'models.list': 'annotator',
  'preannotate.start': 'curator',
  'preannotate.trace': 'curator',
  'jobs.cancel': 'curator',
  'jobs.list': 'annotator',
  'queue.next': 'annotator',
  'models.versions': 'annotator',
  'models.activate': 'admin',
  'fineTune.start': 'admin',
  'models.train': 'admin',
  'learning.curves': 'annotator',
  'labels.list': 'annotator',
  'labels.add': 'curator',
  'labels.rename': 'admin',
  'labels.merge': 'admin',
  'labels.delete': 'admin',
  'labels.update': 'curator',
  'labels.map': 'admin',
  'projects.settings': 'annotator',
  'projects.updateSettings': 'admin',
  // Who annotates what is the admin's to decide; curators follow the progress (annotators see their own in
  // documents.progress).
  'assignments.assign': 'admin',
  'assignments.unassign': 'admin',
  'assignments.progress': 'curator',
  // Agreement compares annotators' lines: a curator's business, never an annotator's (their work stays blind).
  'agreement.report': 'curator',
  'agreement.documents': 'curator',
  // Writes in the server's folders, as export.run does.
  'dataset.write': 'admin',
  // Curation reads every annotator's line and writes the gold standard.
  'curation.versions': 'curator',
  'curation.saveGold': 'curator',
} as const;

// Typed as the full record, so a method without a role does not compile; a row for a method that no longer exists
// is caught by test/unit/contract/roles.test.ts.
export const METHOD_ROLES: Readonly<Record<MethodName, Role>> = TABLE;

/** True when `role` may do what `needed` may. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The least role `method` needs. */
export function methodRole(method: MethodName): Role {
  return METHOD_ROLES[method];
}

/** Who a call is made by: the revisions' author and the events' actor, and the role the dispatcher checked. */
export interface CallContext {
  actor: string;
  role: Role;
}

/** What a team server's GET /api/session and POST /api/login answer: who is logged in, and the CSRF proof. */
export interface TeamSession {
  team: true;
  user: { name: string; role: Role } | null;
  /** Sent back in the X-Workbench-CSRF header on every state-changing request. */
  csrf?: string;
}

/** The header that carries a team session's CSRF proof. */
export const CSRF_HEADER = 'X-Workbench-CSRF';
