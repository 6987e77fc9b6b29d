// The export dialog on a team server (issue 15): in Chromium, an admin picks which annotation to export. Every
// annotator's version in a format that cannot name authors is explained and cannot be sent; the gold standard
// (curated gold only) exports through the usual path and its file is named for the choice.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { logIn, startTeamServer } from './support/team-server.js';

test(
  'team export dialog: shared, gold or every annotator’s version',
  { skip: noChromium, timeout: 240_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-team-export-'));
    const server = await startTeamServer(join(dir, 'data'), { minh: 'admin' });
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const page = await logIn(browser.context, server.openUrl, 'minh');

      await page.getByRole('button', { name: 'Export…' }).click();
      const dialog = page.getByTestId('export-dialog');
      const lines = dialog.getByRole('combobox', { name: 'Annotation' });
      assert.equal(await lines.inputValue(), 'shared');
      const send = dialog.getByRole('button', { name: 'Export', exact: true });

      await lines.selectOption('annotators');
      await dialog.getByRole('combobox', { name: 'Format' }).selectOption('conll');
      const why = dialog.getByRole('status').filter({ hasText: 'cannot name a record’s annotator' });
      await why.waitFor();
      assert.match(await why.innerText(), /doccano.*Label Studio/i);
      assert.equal(await send.isDisabled(), true);
      assert.equal(await send.getAttribute('aria-describedby'), 'export-no-authors');

      await dialog.getByRole('combobox', { name: 'Format' }).selectOption('doccano');
      assert.equal(await send.isDisabled(), false);
      await lines.selectOption('gold');
      await dialog.getByRole('checkbox', { name: 'Curated gold only' }).check();
      await send.click();
      const summary = dialog.getByTestId('export-summary');
      await summary.waitFor();
      const written = (await summary.getAttribute('data-destination'))!;
      assert.ok(existsSync(written), written);
      assert.match(basename(written), /-gold-done-.*\.jsonl$/);
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
