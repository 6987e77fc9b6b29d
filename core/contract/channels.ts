// Method names and IPC channels without the schemas, for the preload script (which must stay small and load
// before anything else). methods.ts checks at compile time that its schema table has exactly these names.
export const METHOD_LIST = [
  'app.info',
  'projects.list',
  'documents.list',
  'documents.progress',
  'documents.get',
  'documents.adjacent',
  'documents.setStatus',
  'documents.import',
  'annotations.save',
  'annotations.history',
  'annotations.revision',
  'suggestions.reject',
  'suggestions.reopen',
  'export.run',
  'files.listFolders',
  'models.list',
  'preannotate.start',
  'preannotate.trace',
  'jobs.cancel',
  'jobs.list',
  'queue.next',
  'models.versions',
  'models.activate',
  'fineTune.start',
  'models.train',
  'learning.curves',
  'labels.list',
  'labels.add',
  'labels.rename',
  'labels.merge',
  'labels.delete',
  'labels.update',
  'labels.map',
  'projects.settings',
  'projects.updateSettings',
  'assignments.assign',
  'assignments.unassign',
  'assignments.progress',
  'agreement.report',
  'agreement.documents',
  'dataset.write',
  'curation.versions',
  'curation.saveGold',
] as const;

export type MethodName = (typeof METHOD_LIST)[number];

/** The Electron IPC channel of a method: one channel per method, so a sender can only reach named methods. */
export function ipcChannel(method: MethodName): string {
  return `workbench:${method}`;
}

/** The IPC channel main pushes events on. */
export const EVENT_CHANNEL = 'workbench:event';
