// Which annotation of each document an export writes (issue 15's curation): owned here, used by the contract, the
// export service, the CLI and the export dialog.

/**
 * `shared`: each document's latest revision (single-user work, or the shared line), as every export did before.
 * `gold`: the curated gold standard — a curator's gold where one exists, else (unless gold only) the answered
 * annotation. `annotators`: every annotator's own version, one record per (document, annotator), its author in the
 * record's metadata (formats that can carry it only).
 */
export const EXPORT_LINES = ['shared', 'gold', 'annotators'] as const;
/** One of EXPORT_LINES. */
export type ExportLines = (typeof EXPORT_LINES)[number];
