// Page object: the "next most useful document" queue in the Documents view (components/QueuePanel.svelte).
import type { Locator, Page } from 'playwright-core';

export class QueuePage {
  constructor(private readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: /Next most useful/ });
  }

  get strategy(): Locator {
    return this.region.getByRole('combobox', { name: /Strategy/ });
  }

  /** The queued documents' buttons, most useful first; each is named with its document's name. */
  get items(): Locator {
    return this.region.getByRole('list', { name: /Queue/ }).getByRole('button');
  }

  item(name: string): Locator {
    return this.region.getByRole('listitem').filter({ has: this.page.getByRole('button', { name, exact: true }) });
  }

  reason(name: string): Locator {
    return this.item(name).getByTestId('queue-reason');
  }

  async order(): Promise<string[]> {
    return (await this.items.allTextContents()).map((t) => t.trim());
  }

  /**
   * Waits until the queue, as shown, starts with `names` (the ranking is the service's, refreshed on the app's own
   * events and on every strategy change). Fails with the order it saw.
   */
  async waitForOrder(names: string[], timeout = 15_000): Promise<void> {
    try {
      // A function, not source text: the page's CSP (no 'unsafe-eval') refuses strings when Playwright polls.
      // Runs in the page: only globals there (the cast keeps the DOM lib out of the Node-side test build).
      await this.page.waitForFunction(
        (want) => {
          const buttons = (globalThis as unknown as PageGlobals).document.querySelectorAll(
            'section.queue ol li button',
          );
          return buttons.length >= want.length && want.every((name, i) => buttons[i].textContent?.trim() === name);
        },
        names,
        { timeout },
      );
    } catch (error) {
      throw new Error(
        `queue order ${JSON.stringify(await this.order())}, expected it to start with ${JSON.stringify(names)} (${(error as Error).message.split('\n')[0]})`,
      );
    }
  }

  /** Chooses a strategy and waits for its ranking to arrive (a load after the choice), not just the choice. */
  async choose(strategy: 'entropy-mean' | 'entropy-max' | 'margin' | 'disagreement' | 'random'): Promise<void> {
    const section = this.page.locator('section.queue');
    const before = Number(await section.getAttribute('data-loads'));
    await this.strategy.selectOption(strategy);
    await this.page.waitForFunction(
      ([want, loads]) => {
        const queue = (globalThis as unknown as PageGlobals).document.querySelector('section.queue');
        return queue?.getAttribute('data-strategy') === want && Number(queue.getAttribute('data-loads')) > loads;
      },
      [strategy, before] as const,
    );
  }
}

interface PageGlobals {
  document: {
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  };
}
