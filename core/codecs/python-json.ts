// doccano and most tools around it write JSON lines with Python's json.dumps(..., ensure_ascii=False):
// `{"text": "...", "label": [[0, 5, "ORG"]]}`, a space after every ',' and ':'. Writing the same layout lets a
// file go out exactly as it came in.

/** Serialises a JSON-safe value as Python's `json.dumps(value, ensure_ascii=False)` does. */
export function pythonJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value) ?? 'null';
  // JSON.stringify escapes the same characters json.dumps does without ensure_ascii (quote, backslash, C0 controls).
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : pythonJson(item))).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return 'null';
}
