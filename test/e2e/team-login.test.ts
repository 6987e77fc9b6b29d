// A team server in Chromium over HTTPS (issue 15): the page shows the login screen, refuses a wrong password,
// logs in with the right one (a Secure, HttpOnly, SameSite=Strict __Host- cookie), names the user and role, calls
// need the CSRF proof even from the page itself, and logging out brings the login screen back.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { repoRoot } from './support/server.js';

const PASSWORD = 'mật khẩu đủ dài 2026';

function workbench(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin/workbench.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
}

test(
  'team server: login screen, wrong password refused, login, CSRF proof required, logout',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-team-'));
    const data = join(dir, 'data');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    workbench(['users', 'add', 'lan', '--role', 'annotator', '--data', data], `${PASSWORD}\n`);
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin/workbench.js'),
        'serve',
        '--team',
        '--listen',
        '127.0.0.1:0',
        '--tls-cert',
        join(dir, 'cert.pem'),
        '--tls-key',
        join(dir, 'key.pem'),
        '--data',
        data,
        '--no-samples',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const browser = await launchBrowser({ locale: 'vi-VN', ignoreHTTPSErrors: true });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /^Workbench: (\S+)/.exec(line);
          if (match) resolveUrl(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
      });
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

      await page.getByLabel('Mật khẩu (Password)').fill(PASSWORD);
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
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
