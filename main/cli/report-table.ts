import type { Report, Scores } from '../../core/metrics/scores.js';

const f = (n: number): string => n.toFixed(4);

/** A classification report laid out as seqeval prints it. */
export function formatReport(report: Report): string {
  const labels = Object.keys(report.perLabel);
  const width = Math.max(12, ...labels.map((l) => l.length));
  const row = (name: string, s: Scores) =>
    `${name.padStart(width)}  ${f(s.precision).padStart(9)}  ${f(s.recall).padStart(9)}  ${f(s.f1).padStart(9)}  ${String(s.support).padStart(9)}`;
  return [
    `${''.padStart(width)}  ${'precision'.padStart(9)}  ${'recall'.padStart(9)}  ${'f1-score'.padStart(9)}  ${'support'.padStart(9)}`,
    '',
    ...labels.map((label) => row(label, report.perLabel[label])),
    '',
    row('micro avg', report.micro),
    row('macro avg', report.macro),
    row('weighted avg', report.weighted),
  ].join('\n');
}

/** A square matrix with row and column names. */
export function formatMatrix(names: readonly string[], values: readonly (readonly number[])[]): string {
  const width = Math.max(8, ...names.map((n) => n.length));
  return [
    `${''.padStart(width)}  ${names.map((n) => n.padStart(width)).join('  ')}`,
    ...values.map(
      (row, i) =>
        `${names[i].padStart(width)}  ${row.map((v) => (Number.isNaN(v) ? 'n/a' : f(v)).padStart(width)).join('  ')}`,
    ),
  ].join('\n');
}
