// Debian's Chromium driven by playwright-core (Playwright's own browser download is not possible here).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The Chromium binary, or undefined when none is installed (tests then skip with a message). */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

export const noChromium = chromiumPath()
  ? false
  : 'Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser profile per test. */
export async function launchBrowser(
  options: { locale?: string; deviceScaleFactor?: number; ignoreHTTPSErrors?: boolean } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'wb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: FLAGS,
    locale: options.locale ?? 'vi-VN',
    viewport: { width: 1400, height: 900 },
    // A fractional display scale (125 %, 150 %) puts CSS pixels between device pixels, as on many laptops.
    ...(options.deviceScaleFactor ? { deviceScaleFactor: options.deviceScaleFactor } : {}),
    // A team server's test certificate is self-signed.
    ...(options.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
