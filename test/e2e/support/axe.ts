// axe-core in the page (its source evaluated there: the page's CSP refuses inline script tags, and it loads nothing
// from outside): the serious and critical violations of the page as it is now, one line each, so a failure says
// what and where.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; summary: string }[];
}

/** Runs axe over the whole page; returns "rule (impact): help — targets" for each serious or critical violation. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations =
    (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target,
      summary: (n.failureSummary || '').split('\\n').slice(1, 3).join(' ').trim(),
    })),
  })))`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 6)
          .map((n) => `${JSON.stringify(n.target)}: ${n.summary}`)
          .join(' | ')}`,
    );
}
