// Events the services push to the UI: job progress and document changes (from another window or a job).
import type { JobInfo } from './types.js';

export type WorkbenchEvent =
  | { type: 'job.progress'; job: JobInfo; documentId?: number }
  | { type: 'job.finished'; job: JobInfo }
  | {
      type: 'document.changed';
      documentId: number;
      revisionId: number | null;
      reason: 'edit' | 'suggestions' | 'status';
    }
  | { type: 'documents.imported'; projectId: number; count: number }
  /** A label was added, renamed, merged, deleted, recoloured or mapped; a rename, merge or delete rewrote documents. */
  | { type: 'labels.changed'; projectId: number }
  /** A desktop menu item the renderer carries out (it holds the state the action needs). */
  | { type: 'menu'; command: MenuCommand };

export type MenuCommand = 'import' | 'export' | 'undo' | 'redo' | 'next' | 'previous';

export type EventListener = (event: WorkbenchEvent) => void;
