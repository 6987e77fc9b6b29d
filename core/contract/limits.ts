// Limits of the contract that the renderer checks too, kept apart from the schemas so it need not bundle zod.

/** The largest file an import may send (the browser host has no path to read, so the bytes travel). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
