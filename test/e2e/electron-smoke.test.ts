// Smoke test of the desktop app with Playwright's _electron, where an Electron binary exists (it cannot be
// downloaded here, so this skips with the reason). Checks the window opens on our page, the page has no Node,
// and a contract call round-trips through preload -> IPC -> service process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { bundleElectron, electronBinary, electronDist } from '../../main/hosts/electron-launch.js';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { repoRoot } from './support/server.js';

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skip =
  'reason' in binary
    ? `no Electron binary: ${binary.reason}`
    : !display
      ? 'no display for Electron (run under xvfb-run)'
      : false;

test('the desktop app opens, is locked down, and answers through IPC', { skip, timeout: 120_000 }, async () => {
  await ensureRendererBuilt();
  await bundleElectron();
  const data = mkdtempSync(join(tmpdir(), 'wb-electron-'));
  const app = await _electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [join(electronDist, 'main.mjs'), `--data=${data}`, '--no-samples'],
    env: { ...process.env, WORKBENCH_NODE: process.execPath, WORKBENCH_ROOT: repoRoot },
  });
  try {
    const page = await app.firstWindow();
    await page.locator('main[data-ready="true"]').waitFor();
    assert.match(page.url(), /^app:\/\/workbench\//);
    assert.deepEqual(await page.evaluate('({ require: typeof require, process: typeof process })'), {
      require: 'undefined',
      process: 'undefined',
    });
    const projects = (await page.evaluate(`window.workbench.methods['projects.list']({})`)) as { ok: boolean };
    assert.equal(projects.ok, true);
    const bad = (await page.evaluate(`window.workbench.methods['documents.get']({ documentId: 'x' })`)) as {
      ok: boolean;
      error: { field: string };
    };
    assert.equal(bad.error.field, 'documentId');
    assert.equal(await page.evaluate('typeof window.workbench.ipcRenderer'), 'undefined');
    const opened = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    assert.equal(opened, 1);
  } finally {
    await app.close();
    rmSync(data, { recursive: true, force: true });
  }
});
