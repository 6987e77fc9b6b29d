// Page object: the editor. Spans are found as the UI exposes them: role "mark", named "LABEL: text".
import type { Locator, Page } from 'playwright-core';

export class EditorPage {
  constructor(private readonly page: Page) {}

  get text(): Locator {
    return this.page.getByRole('application', { name: 'Text' });
  }

  span(name: string): Locator {
    return this.page.getByRole('mark', { name, exact: true });
  }

  /** Suggestions are named "LABEL: text — gợi ý (suggestion) 0.93". */
  suggestion(label: string, text: string): Locator {
    return this.page.getByRole('mark', { name: new RegExp(`^${label}: ${text} — .*suggestion`) });
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

  /** Waits until the revision shown is at least `revision`. */
  async revisionAtLeast(revision: number): Promise<void> {
    await this.page.waitForFunction(
      (r) => Number(document.querySelector('[data-testid="save-status"]')?.getAttribute('data-revision')) >= r && document.querySelector('[data-testid="save-status"]')?.getAttribute('data-pending') === '0',
      revision,
    );
  }

  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.page.keyboard.press(key);
  }

  /** Drags the mouse across `phrase` (its first occurrence in the text) so the browser selects it. */
  async dragSelect(phrase: string): Promise<void> {
    const box = await this.page.evaluate((needle) => {
      const root = document.querySelector('.doc-text')!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let full = '';
      const nodes: { node: Text; at: number }[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ node: n as Text, at: full.length });
        full += (n as Text).data;
      }
      const start = full.indexOf(needle);
      const end = start + needle.length;
      const locate = (i: number) => {
        const hit = nodes.filter((x) => x.at <= i).pop()!;
        return [hit.node, i - hit.at] as const;
      };
      const range = document.createRange();
      range.setStart(...locate(start));
      range.setEnd(...locate(end));
      const rects = range.getClientRects();
      const first = rects[0];
      const last = rects[rects.length - 1];
      return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
    }, phrase);
    await this.page.mouse.move(box.x1, box.y1);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x2, box.y2, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Drags the selected span's end handle onto the end of `phrase`. */
  async dragEndHandleTo(phrase: string): Promise<void> {
    const handle = this.page.getByRole('slider', { name: /^.*\(End\)/ });
    const from = (await handle.boundingBox())!;
    const to = await this.page.evaluate((needle) => {
      const root = document.querySelector('.doc-text')!;
      const text = root.textContent ?? '';
      const end = text.indexOf(needle) + needle.length;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let at = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = (n as Text).data.length;
        if (at + len >= end) {
          const range = document.createRange();
          range.setStart(n, end - at - 1);
          range.setEnd(n, end - at);
          const r = range.getBoundingClientRect();
          return { x: r.right - 1, y: r.top + r.height / 2 };
        }
        at += len;
      }
      throw new Error(`${needle} not found`);
    }, phrase);
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(to.x, to.y, { steps: 8 });
    await this.page.mouse.up();
  }
}
