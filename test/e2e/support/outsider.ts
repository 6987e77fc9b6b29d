// What an outside checker would write around Playwright to drive the workbench by roles and names alone: finding
// spans and suggestions by their accessible names, dragging across text and handles, reading a label's shortcut from
// the palette, counting list rows, reading brat files back. Used by blind-check.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

// Runs in the page; the cast stands in for the DOM library this file is not type-checked with.
export const BORDER_STYLE = (el: unknown): string =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { borderBottomStyle: string } }).getComputedStyle(el)
    .borderBottomStyle;
export const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An accepted entity: exactly "LABEL: text". */
export const entity = (page: Page, label: string, text: string) =>
  page.getByRole('button', { name: `${label}: ${text}`, exact: true });
/** A suggestion: "LABEL: text", marked as a suggestion, with its score. */
export const suggestion = (page: Page, label: string, text: string) =>
  page.getByRole('button', { name: new RegExp(`^${escape(label)}: ${escape(text)}\\b.*suggestion`, 'i') });

/** Code-point span of `phrase` in `text`. */
export function cp(text: string, phrase: string): { start: number; end: number } {
  const i = text.indexOf(phrase);
  assert.ok(i >= 0, phrase);
  const start = Array.from(text.slice(0, i)).length;
  return { start, end: start + Array.from(phrase).length };
}

// Client-space points at the middle of the first and last characters of `needle` in the editor's text.
export async function pointsOf(
  page: Page,
  needle: string,
): Promise<{ x1: number; y1: number; x2: number; y2: number }> {
  return page.evaluate(
    `(${POINTS_OF})(document.querySelector('[role=application]'), ${JSON.stringify(needle)})`,
  ) as Promise<{ x1: number; y1: number; x2: number; y2: number }>;
}

// Runs in the page, as source text (the test transpiler would inject helpers the page lacks, and this file is
// type-checked without the DOM library).
const POINTS_OF = `function (root, n) {
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  var nodes = [];
  var full = '';
  for (var t = walker.nextNode(); t; t = walker.nextNode()) { nodes.push({ node: t, at: full.length }); full += t.data; }
  var start = full.indexOf(n);
  if (start < 0) throw new Error(n + ' not in the text');
  function charBox(i) {
    var hit = null;
    for (var k = 0; k < nodes.length; k++) if (nodes[k].at <= i && i < nodes[k].at + nodes[k].node.data.length) hit = nodes[k];
    var r = document.createRange();
    var len = full.codePointAt(i) > 0xffff ? 2 : 1;
    r.setStart(hit.node, i - hit.at);
    r.setEnd(hit.node, i - hit.at + len);
    return r.getBoundingClientRect();
  }
  var a = charBox(start);
  var b = charBox(start + n.length - 1);
  return { x1: a.left + a.width * 0.3, y1: a.top + a.height / 2, x2: b.right - b.width * 0.3, y2: b.top + b.height / 2 };
}`;

export async function dragAcross(page: Page, needle: string, modifier?: 'Alt'): Promise<void> {
  const p = await pointsOf(page, needle);
  if (modifier) await page.keyboard.down(modifier);
  await page.mouse.move(p.x1, p.y1);
  await page.mouse.down();
  await page.mouse.move(p.x2, p.y2, { steps: 6 });
  await page.mouse.up();
  if (modifier) await page.keyboard.up(modifier);
}

/** Drags a boundary handle (slider) onto the last character of `needle` (with `onFirst`, onto its first). */
export async function dragHandle(
  page: Page,
  handle: Locator,
  needle: string,
  modifier?: 'Alt',
  onFirst = false,
): Promise<void> {
  const from = (await handle.boundingBox())!;
  const to = await pointsOf(page, needle);
  if (modifier) await page.keyboard.down(modifier);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(onFirst ? to.x1 : to.x2, onFirst ? to.y1 : to.y2, { steps: 8 });
  await page.mouse.up();
  if (modifier) await page.keyboard.up(modifier);
}

/** The shortcut key of a label, as the label palette shows it. */
export async function keyOf(page: Page, label: string): Promise<string> {
  const button = page
    .getByRole('toolbar', { name: /Labels/ })
    .getByRole('button', { name: new RegExp(`\\b${label}\\b`) });
  const key = await button.getAttribute('aria-keyshortcuts');
  assert.ok(key, `label ${label} shows no shortcut`);
  return key;
}

export function docRows(page: Page): Locator {
  return page
    .getByRole('table', { name: /Documents/ })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });
}

export async function rowCount(page: Page, n: number): Promise<void> {
  const rows = docRows(page);
  await rows.nth(n - 1).waitFor();
  await rows.nth(n).waitFor({ state: 'detached' });
}

export function bratSpans(dir: string, stem: string): { label: string; start: number; end: number; text: string }[] {
  return readFileSync(join(dir, `${stem}.ann`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('T'))
    .map((l) => {
      const [, type, text] = l.split('\t');
      const [label, start, end] = type.split(' ');
      return { label, start: Number(start), end: Number(end), text };
    })
    .sort((a, b) => a.start - b.start || b.end - a.end || a.label.localeCompare(b.label));
}

export const sortSpans = <T extends { start: number; end: number; label: string }>(xs: T[]) =>
  xs.sort((a, b) => a.start - b.start || b.end - a.end || a.label.localeCompare(b.label));
