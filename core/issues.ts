/** Something found while reading or writing a file: where (file, line, field) and what. */
export interface Issue {
  severity: 'error' | 'warning';
  file: string;
  /** 1-based line (or record number for formats without lines). */
  line?: number;
  /** The field at fault, in the format's own words (`tags[3]`, `label[0][1]`, `T4`). */
  field?: string;
  message: string;
}

/** Formats an issue as `file:line: field: message`, the form every error message takes. */
export function formatIssue(issue: Issue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: ${issue.severity}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

/** Thrown when input cannot be used; carries every issue found so the user can fix them all at once. */
export class InputError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}
