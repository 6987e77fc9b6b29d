// What the page itself can reach: no Node, no inline scripts or eval (CSP); the API refuses it without the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';

test(
  'the renderer cannot reach Node, run inline scripts, or use the API without the token',
  { skip: noChromium, timeout: 60_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const page = wb.page;
      // Evaluated through the DevTools protocol (not the page's eval, which the CSP blocks, as checked below).
      const globals = await page.evaluate(
        '({ require: typeof require, process: typeof process, module: typeof module, bridge: typeof window.workbench })',
      );
      assert.deepEqual(globals, {
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
        bridge: 'undefined',
      });
      const csp = (await page.evaluate(`fetch('/').then((r) => r.headers.get('content-security-policy'))`)) as string;
      assert.match(csp, /script-src 'self'(;|$)/, 'scripts from our origin only: no inline, no eval');
      const inlineScript = await page.evaluate(
        `(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s); return window.__ran === undefined; })()`,
      );
      assert.equal(inlineScript, true, 'CSP forbids inline scripts');
      // Same origin, but without the token (a page that guessed the port gets no further).
      const status = await page.evaluate(
        `fetch('/api/call/projects.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.status)`,
      );
      assert.equal(status, 401);
      const malformed = await page.evaluate(
        `fetch('/api/call/documents.get', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ${wb.server.token}' }, body: '{"documentId":"x"}' }).then((r) => r.json())`,
      );
      assert.equal((malformed as { error: { field: string } }).error.field, 'documentId');
      // The token left the address bar as soon as the page read it.
      assert.equal(new URL(page.url()).hash, '');
    } finally {
      await wb.close();
    }
  },
);
