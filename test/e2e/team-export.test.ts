// The export dialog on a team server (issue 15): in Chromium, an admin picks which annotation to export. Every
// annotator's version in a format that cannot name authors is explained and cannot be sent; the gold standard
// (curated gold only) exports through the usual path and its file is named for the choice.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { repoRoot } from './support/server.js';

const PASSWORD = 'mật khẩu đủ dài 2026';

test(
  'team export dialog: shared, gold or every annotator’s version',
  { skip: noChromium, timeout: 240_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-team-export-'));
    const data = join(dir, 'data');
    const added = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin/workbench.js'), 'users', 'add', 'minh', '--role', 'admin', '--data', data],
      { cwd: repoRoot, encoding: 'utf8', input: `${PASSWORD}\n`, timeout: 120_000 },
    );
    assert.equal(added.status, 0, added.stderr);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/workbench.js'), 'serve', '--team', '--port', '0', '--data', data, '--no-samples'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /^Workbench: (\S+)/.exec(line);
          if (match) resolveUrl(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
      });
      const page = await browser.context.newPage();
      await page.goto(`${url}?lang=en`);
      await page.getByTestId('login-form').waitFor();
      await page.getByLabel('User name').fill('minh');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('user').waitFor();

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
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
