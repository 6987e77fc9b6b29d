// A team server in Chromium over HTTPS (issue 15): the page shows the login screen, refuses a wrong password,
// logs in with the right one (a Secure, HttpOnly, SameSite=Strict __Host- cookie), names the user and role, calls
// need the CSRF proof even from the page itself, and logging out brings the login screen back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { selfSignedCertificate, startTeamServer, TEAM_PASSWORD } from './support/team-server.js';

test(
  'team server: login screen, wrong password refused, login, CSRF proof required, logout',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-team-'));
    const server = await startTeamServer(join(dir, 'data'), { lan: 'annotator' }, { tls: selfSignedCertificate(dir) });
    const url = server.openUrl;
    const browser = await launchBrowser({ locale: 'vi-VN', ignoreHTTPSErrors: true });
    try {
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/$/, "no token in a team server's URL");
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.locator('main[data-ready="true"]').waitFor();
      const form = page.getByTestId('login-form');
      await form.waitFor();

      await page.getByLabel('Tên người dùng (User name)').fill('lan');
      await page.getByLabel('Mật khẩu (Password)').fill('not the password');
      await page.getByRole('button', { name: 'Đăng nhập (Log in)' }).click();
      assert.equal(
        await page
          .getByTestId('login-error')
          .textContent()
          .then((t) => t?.trim()),
        'Sai tên người dùng hoặc mật khẩu.',
      );
      assert.deepEqual(await browser.context.cookies(), []);

      await page.getByLabel('Mật khẩu (Password)').fill(TEAM_PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập (Log in)' }).click();
      await page.getByTestId('user').waitFor();
      assert.equal(await page.getByTestId('user').textContent(), 'lan (người gán nhãn)');
      await form.waitFor({ state: 'detached' });
      const [cookie] = await browser.context.cookies();
      assert.equal(cookie.name, '__Host-workbench-session');
      assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path], [true, true, 'Strict', '/']);
      assert.equal(await page.evaluate('document.cookie'), '', 'the page itself cannot read the session');

      // The page's own fetch without the proof is refused; the app's calls (with it) work.
      const bare = await page.evaluate(
        `fetch('/api/call/projects.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.status)`,
      );
      assert.equal(bare, 403);
      const role = await page.evaluate(`fetch('/api/session').then((r) => r.json()).then((j) => j.result.user.role)`);
      assert.equal(role, 'annotator');

      await page.getByRole('button', { name: 'Đăng xuất (Log out)' }).click();
      await form.waitFor();
      const after = await page.evaluate(`fetch('/api/session').then((r) => r.json()).then((j) => j.result.user)`);
      assert.equal(after, null);
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
