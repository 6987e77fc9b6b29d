// Collects the issues of an import or export: counts them all, keeps the first few hundred in memory (a broken
// 100 MB file must not fill memory with messages) and, when asked, streams every one to a JSON-lines report.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Issue } from '../../core/issues.js';

export const KEPT_ISSUES = 500;

export class IssueLog {
  readonly kept: Issue[] = [];
  errors = 0;
  warnings = 0;
  private fd: number | undefined;

  /** `reportPath`: where every issue is written as one JSON line; the file is created on the first issue. */
  constructor(readonly reportPath?: string) {}

  add(issue: Issue): void {
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    if (this.kept.length < KEPT_ISSUES) this.kept.push(issue);
    if (this.reportPath) {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.reportPath), { recursive: true });
        this.fd = openSync(this.reportPath, 'w');
      }
      writeSync(this.fd, `${JSON.stringify(issue)}\n`);
    }
  }

  get total(): number {
    return this.errors + this.warnings;
  }

  /** True when a report file was written. */
  get wroteReport(): boolean {
    return this.fd !== undefined;
  }

  /** The kept issues plus a note of how many more there were. */
  summary(file: string): Issue[] {
    const dropped = this.total - this.kept.length;
    if (dropped <= 0) return this.kept;
    return [...this.kept, { severity: 'warning', file, message: `${dropped} more issues not shown` }];
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
