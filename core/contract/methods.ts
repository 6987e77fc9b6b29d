// The one contract between the UI and the services: method names, their parameter schemas and result types.
// Electron IPC, the browser host's HTTP API and the preload bridge are all generated from this table.
import type { z } from 'zod';
import { METHOD_LIST, type MethodName } from './channels.js';
import * as s from './schemas.js';
import type * as T from './types.js';

/** Parameter schema of every method. Adding a method here is the only way to expose one. */
export const paramSchemas = {
  'app.info': s.emptySchema,
  'projects.list': s.emptySchema,
  'documents.list': s.listDocumentsSchema,
  'documents.progress': s.projectRef,
  'documents.get': s.documentRef,
  'documents.adjacent': s.adjacentSchema,
  'documents.setStatus': s.setStatusSchema,
  'documents.import': s.importSchema,
  'annotations.save': s.saveAnnotationsSchema,
  'annotations.history': s.documentRef,
  'annotations.revision': s.revisionRef,
  'suggestions.reject': s.rejectSuggestionsSchema,
  'suggestions.reopen': s.reopenSuggestionsSchema,
  'export.run': s.exportSchema,
  'files.listFolders': s.listFoldersSchema,
  'models.list': s.emptySchema,
  'preannotate.start': s.preannotateSchema,
  'preannotate.trace': s.traceSchema,
  'jobs.cancel': s.jobRef,
  'jobs.list': s.emptySchema,
  'queue.next': s.queueSchema,
  'models.versions': s.projectRef,
  'models.activate': s.modelRef,
  'fineTune.start': s.fineTuneSchema,
  'models.train': s.trainSchema,
  'learning.curves': s.projectRef,
  'labels.list': s.projectRef,
  'labels.add': s.addLabelSchema,
  'labels.rename': s.renameLabelSchema,
  'labels.merge': s.mergeLabelsSchema,
  'labels.delete': s.deleteLabelSchema,
  'labels.update': s.updateLabelSchema,
  'labels.map': s.mapLabelSchema,
  'projects.settings': s.projectRef,
  'projects.updateSettings': s.updateSettingsSchema,
  'assignments.assign': s.assignSchema,
  'assignments.unassign': s.unassignSchema,
  'assignments.progress': s.projectRef,
  'agreement.report': s.agreementSchema,
  'agreement.documents': s.disagreementsSchema,
  'dataset.write': s.datasetSchema,
  'curation.versions': s.documentRef,
  'curation.saveGold': s.saveGoldSchema,
} as const satisfies Record<MethodName, z.ZodType>;

// Both directions: the table has no method the channel list lacks (the `satisfies` above covers the other).
type Extra = Exclude<keyof typeof paramSchemas, MethodName>;
const noExtraMethods: Extra extends never ? true : never = true;
void noExtraMethods;

export type { MethodName };
export { ipcChannel, EVENT_CHANNEL } from './channels.js';
/** What a caller passes (before defaults). */
export type Params<M extends MethodName> = z.input<(typeof paramSchemas)[M]>;

/** Result type of every method. */
export interface Results {
  'app.info': T.AppInfo;
  'projects.list': T.ProjectInfo[];
  'documents.list': T.DocumentPage;
  'documents.progress': T.ProjectProgress;
  'documents.get': T.DocumentView;
  'documents.adjacent': { documentId: number | null };
  'documents.setStatus': { status: T.DocumentStatus };
  'documents.import': T.ImportSummary;
  'annotations.save': T.SaveResult;
  'annotations.history': T.RevisionInfo[];
  'annotations.revision': T.RevisionView;
  'suggestions.reject': { rejected: number };
  'suggestions.reopen': { reopened: number };
  'export.run': T.ExportSummary;
  'files.listFolders': T.FolderListing;
  'models.list': T.ModelsInfo;
  'preannotate.start': T.JobInfo;
  'preannotate.trace': T.DenoisingTrace;
  'jobs.cancel': T.JobInfo;
  'jobs.list': T.JobInfo[];
  'queue.next': T.QueuePage;
  'models.versions': T.ModelVersions;
  'models.activate': { modelId: number };
  'fineTune.start': T.JobInfo;
  'models.train': T.JobInfo;
  'learning.curves': T.LearningCurves;
  'labels.list': T.LabelSet;
  'labels.add': T.LabelSet;
  'labels.rename': T.LabelChange;
  'labels.merge': T.LabelChange;
  'labels.delete': T.LabelChange;
  'labels.update': T.LabelSet;
  'labels.map': T.LabelSet;
  'projects.settings': T.ProjectSettings;
  'projects.updateSettings': T.ProjectSettings;
  'assignments.assign': T.AssignResult;
  'assignments.unassign': { removed: number };
  'assignments.progress': T.AssignmentProgress;
  'agreement.report': T.AgreementReport;
  'agreement.documents': T.DisagreementPage;
  'dataset.write': T.DatasetSummary;
  'curation.versions': T.CurationVersions;
  'curation.saveGold': T.SaveResult;
}

/** The services as one object: what main implements and what the renderer calls. */
export type WorkbenchApi = { [M in MethodName]: (params: Params<M>) => Promise<Results[M]> };

export const METHOD_NAMES: readonly MethodName[] = METHOD_LIST;

/** True when `name` is a method of the contract (an own key, so `__proto__` and friends are not). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(paramSchemas, name);
}
