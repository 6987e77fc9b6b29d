// Document statuses in the order the UI lists them.
export const DOCUMENT_STATUS_KEYS = ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'] as const;
