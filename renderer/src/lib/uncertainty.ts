// One way to write a document's uncertainty, so the list and the queue show the same number for the same document.

/** The uncertainty as both views show it: two decimals, a dash when the document has none. */
export function formatUncertainty(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(2);
}
