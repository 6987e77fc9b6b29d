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
  nodes: { target: unknown[]; summary: string; within: boolean }[];
}

/** A rule left out inside one part of the page: a known exception, named, that the caller checks on its own. */
export interface AxeException {
  rule: string;
  /** CSS selector of the part (`.doc-text`). */
  within: string;
}

/** Runs axe over the whole page; returns "rule (impact): help — targets" for each serious or critical violation. */
export async function seriousViolations(page: Page, except?: AxeException): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations =
    (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target,
      summary: (n.failureSummary || '').split('\\n').slice(1, 3).join(' ').trim(),
      within: ${JSON.stringify(except?.within ?? '')} !== '' && !!document.querySelector(n.target[0])?.closest(${JSON.stringify(except?.within ?? 'x')}),
    })),
  })))`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => (except && v.id === except.rule ? { ...v, nodes: v.nodes.filter((n) => !n.within) } : v))
    .filter((v) => v.nodes.length > 0)
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 6)
          .map((n) => `${JSON.stringify(n.target)}: ${n.summary}`)
          .join(' | ')}`,
    );
}

/** True when `rule` is violated inside `within` (so a known exception is noticed the day it is fixed). */
export async function violates(page: Page, rule: string, within: string): Promise<boolean> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  return (await page.evaluate(
    `window.axe.run(${JSON.stringify(within)}, { runOnly: [${JSON.stringify(rule)}], resultTypes: ['violations'] }).then((r) => r.violations.length > 0)`,
  )) as boolean;
}
