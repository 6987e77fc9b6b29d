// The team view in Chromium (issue 15): on a real `workbench serve --team`, two annotators finish their own lines of
// the same documents through the HTTP API; the admin's Team tab shows progress per annotator, the pair's agreement
// with the figures agreement.report gives, per label on demand, and the documents ranked by disagreement, each
// opening in the editor. An annotator has no Team tab. axe finds no serious violation in the view.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, noChromium, type Browser } from './support/browser.js';
import { repoRoot } from './support/server.js';

const PASSWORD = 'mật khẩu đủ dài 2026';
const TEXTS = ['Bệnh nhân 91 ở Hà Nội.', 'Bà Hoa ở Huế bị sốt.', 'Ông Nam ở Vinh.'];

function workbench(args: string[], input?: string): void {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin/workbench.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
}

/** A team member over the HTTP API, as any client would: log in, then calls with the cookie and the CSRF proof. */
async function member(url: string, name: string) {
  const login = await fetch(new URL('/api/login', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const { result } = (await login.json()) as { result: { csrf: string } };
  return async (method: string, params: unknown) => {
    const reply = await fetch(new URL(`/api/call/${method}`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-Workbench-CSRF': result.csrf },
      body: JSON.stringify(params),
    });
    const body = (await reply.json()) as { ok: boolean; result: any; error?: { message: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON
    assert.ok(body.ok, `${method}: ${body.error?.message}`);
    return body.result;
  };
}

async function logIn(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${url}?lang=en`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('user').waitFor();
  await page.locator('.documents').waitFor();
  return page;
}

test(
  "team view: progress, agreement equal to agreement.report, disagreements open in the editor; not an annotator's",
  { skip: noChromium, timeout: 300_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-agree-'));
    const data = join(dir, 'data');
    for (const [name, role] of [
      ['hoa', 'annotator'],
      ['lan', 'annotator'],
      ['minh', 'admin'],
    ])
      workbench(['users', 'add', name, '--role', role, '--data', data], `${PASSWORD}\n`);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/workbench.js'), 'serve', '--team', '--port', '0', '--data', data, '--no-samples'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // One browser per person: a context shares its cookies, so two logins there would be one session.
    const browser = await launchBrowser({ locale: 'en-US' });
    const adminBrowser = await launchBrowser({ locale: 'en-US' });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /^Workbench: (\S+)/.exec(line);
          if (match) resolveUrl(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stderr}`)));
      });
      const minh = await member(url, 'minh');
      const projectId = (await minh('projects.list', {}))[0].id;
      await minh('documents.import', {
        projectId,
        name: 'notes.txt',
        contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
        format: 'text',
        variant: 'lines',
      });
      const ids: number[] = (await minh('documents.list', { projectId })).items.map((d: { id: number }) => d.id);
      await minh('assignments.assign', {
        mode: 'list',
        projectId,
        annotators: ['hoa', 'lan'],
        documentIds: ids.slice(0, 2),
      });
      const work = {
        hoa: [[{ label: 'LOCATION', start: 15, end: 21 }], [{ label: 'LOCATION', start: 9, end: 12 }]],
        lan: [[{ label: 'LOCATION', start: 15, end: 21 }], [{ label: 'LOCATION', start: 6, end: 12 }]],
      };
      for (const [name, docs] of Object.entries(work)) {
        const who = await member(url, name);
        for (const [i, entities] of docs.entries()) {
          const doc = await who('documents.get', { documentId: ids[i] });
          await who('annotations.save', { documentId: ids[i], parentRevisionId: doc.revisionId, entities });
          await who('documents.setStatus', { documentId: ids[i], status: 'done' });
        }
      }
      const report = await minh('agreement.report', { projectId });
      const pair = report.pairs[0];

      const annotator = await logIn(browser, url, 'hoa');
      assert.equal(await annotator.getByRole('tab', { name: 'Team' }).count(), 0, 'no Team tab for an annotator');
      const admin = await logIn(adminBrowser, url, 'minh');
      await admin.getByRole('tab', { name: 'Team' }).click();
      const pairs = admin.getByTestId('agreement-pairs');
      await pairs.waitFor();
      const row = pairs.getByRole('row', { name: /hoa × lan/ });
      assert.deepEqual(await row.getByRole('cell').allTextContents(), [
        '2',
        pair.strictF1.toFixed(3),
        pair.overlapF1.toFixed(3),
        pair.kappa.toFixed(3),
      ]);
      assert.equal(pair.strictF1, 0.5, 'one of two locations matches exactly');
      assert.equal(pair.overlapF1, 1, 'the other overlaps');
      const progress = admin.getByTestId('team-progress');
      assert.deepEqual(await progress.getByRole('row', { name: /^hoa/ }).getByRole('cell').allTextContents(), [
        '2',
        '0',
        '2',
        '0',
      ]);
      await admin.locator('summary', { hasText: 'Per label: hoa × lan' }).click();
      assert.equal(
        await admin
          .getByRole('table', { name: 'Per label: hoa × lan' })
          .getByRole('row', { name: /LOCATION/ })
          .count(),
        1,
      );
      assert.deepEqual(await seriousViolations(admin), []);
      const worst = admin.getByTestId('disagreements').getByRole('button').first();
      assert.match((await worst.getAttribute('aria-label'))!, /^Open /);
      await worst.click();
      await admin.locator('main[data-view=editor]').waitFor();
    } finally {
      await browser.close();
      await adminBrowser.close();
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
