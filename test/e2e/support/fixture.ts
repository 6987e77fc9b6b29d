// One fresh workbench per test: a temporary data folder, the real `serve` command over it, a fresh Chromium
// profile and a page opened on the printed URL (token included). Everything is removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../../main/hosts/renderer-build.js';
import { launchBrowser, type Browser } from './browser.js';
import { repoRoot, startServer, type Server } from './server.js';

export const lexiconEngine = join(repoRoot, 'test/e2e/support/lexicon-engine.ts');

export interface Workbench {
  dataDir: string;
  server: Server;
  browser: Browser;
  page: Page;
  /** Restarts the server over the same data folder and opens a new page on it. */
  restart(kill: boolean): Promise<Page>;
  close(): Promise<void>;
}

export async function openWorkbench(
  options: { engine?: boolean; locale?: string; deviceScaleFactor?: number; env?: Record<string, string> } = {},
): Promise<Workbench> {
  await ensureRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-'));
  const serverOptions = { engineModule: options.engine ? lexiconEngine : undefined, env: options.env };
  const browser = await launchBrowser({ locale: options.locale, deviceScaleFactor: options.deviceScaleFactor });
  const wb: Workbench = {
    dataDir,
    server: await startServer(dataDir, serverOptions),
    browser,
    page: undefined as unknown as Page,
    async restart(kill) {
      await (kill ? wb.server.kill() : wb.server.stop());
      wb.server = await startServer(dataDir, serverOptions);
      wb.page = await openPage(browser, wb.server);
      return wb.page;
    },
    async close() {
      await browser.close();
      await wb.server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  wb.page = await openPage(browser, wb.server);
  return wb;
}

async function openPage(browser: Browser, server: Server): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(server.openUrl);
  await page.locator('main[data-ready="true"]').waitFor();
  return page;
}
