// Page object: the editor. Spans are found as the UI exposes them: each span's label chip, a button named "LABEL: text".
import type { Locator, Page } from 'playwright-core';

export class EditorPage {
  constructor(private readonly page: Page) {}

  get text(): Locator {
    return this.page.getByRole('application', { name: 'Text' });
  }

  span(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** Suggestions are named "LABEL: text — gợi ý (suggestion) 0.93". */
  suggestion(label: string, text: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${label}: ${text} — .*suggestion`) });
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name });
  }

  /** Waits until every edit so far is acknowledged by the server, and returns the revision number shown. */
  async saved(): Promise<number> {
    const status = this.page.getByTestId('save-status');
    await this.page.locator('[data-testid="save-status"][data-pending="0"]').waitFor();
    return Number(await status.getAttribute('data-revision'));
  }

  /** Waits until the revision shown is at least `revision`, with nothing left to save. */
  async revisionAtLeast(revision: number): Promise<void> {
    const status = this.page.locator(`[data-testid="save-status"][data-pending="0"]`);
    await status
      .and(this.page.locator(Array.from({ length: 50 }, (_, i) => `[data-revision="${revision + i}"]`).join(', ')))
      .waitFor();
  }

  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.page.keyboard.press(key);
  }

  /** Drags the mouse across `phrase` (its first occurrence in the text) so the browser selects it. */
  async dragSelect(phrase: string): Promise<void> {
    const box = (await this.page.evaluate(`(${RECTS_OF})(${JSON.stringify(phrase)})`)) as {
      x1: number;
      y1: number;
      x2: number;
      y2: number;
    };
    await this.page.mouse.move(box.x1, box.y1);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x2, box.y2, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Drags the selected span's end handle onto the end of `phrase`. */
  async dragEndHandleTo(phrase: string): Promise<void> {
    const handle = this.page.getByRole('slider', { name: /\(?End\)?:/ });
    const from = (await handle.boundingBox())!;
    const to = (await this.page.evaluate(`(${RECTS_OF})(${JSON.stringify(phrase)})`)) as { x2: number; y2: number };
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(to.x2, to.y2, { steps: 8 });
    await this.page.mouse.up();
  }
}

// Runs in the page (as source text: the test runner's transpiler would otherwise inject helpers the page lacks).
// Finds `needle` in the editor's text and returns points just inside its first and last character.
const RECTS_OF = `function (needle) {
  var root = document.querySelector('.doc-text');
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  var full = '';
  var nodes = [];
  for (var n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push({ node: n, at: full.length }); full += n.data; }
  var start = full.indexOf(needle);
  if (start < 0) throw new Error(needle + ' not found');
  var end = start + needle.length;
  function locate(i, isEnd) {
    var hit = null;
    for (var k = 0; k < nodes.length; k++) if (nodes[k].at < i || (!isEnd && nodes[k].at === i)) hit = nodes[k];
    return [hit.node, i - hit.at];
  }
  var range = document.createRange();
  var s = locate(start, false), e = locate(end, true);
  range.setStart(s[0], s[1]);
  range.setEnd(e[0], e[1]);
  var rects = range.getClientRects();
  var first = rects[0], last = rects[rects.length - 1];
  return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
}`;
