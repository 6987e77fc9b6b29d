// The browser host's gate: token, loopback Host, no cross-origin callers, validated payloads, static files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../../main/hosts/web/web-host.js';
import { tempService } from './helpers.js';

let host: WebHost;
let env: Awaited<ReturnType<typeof tempService>>;

before(async () => {
  env = await tempService();
  const staticDir = mkdtempSync(join(tmpdir(), 'wb-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(staticDir, 'assets', 'a.js'), 'console.log(1)');
  host = await startWebHost({ service: env.service, staticDir });
});

after(async () => {
  await host.close();
  await env.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: options.method ?? 'POST', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });

test('binds to loopback on a random port and prints a URL with the token in the fragment', () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.notEqual(host.port, 0);
  assert.equal(host.openUrl, `${host.url}#token=${host.token}`);
  assert.ok(host.token.length >= 40);
});

test('refuses to bind a non-loopback address', async () => {
  await assert.rejects(startWebHost({ service: env.service, staticDir: tmpdir(), host: '0.0.0.0' }), /loopback only/);
});

test('a call with the token works', async () => {
  const reply = await send('/api/call/projects.list', { headers: auth(), body: '{}' });
  assert.equal(reply.status, 200);
  const outcome = JSON.parse(reply.body);
  assert.equal(outcome.ok, true);
  assert.equal(outcome.result[0].labels.length, 10);
});

test('a missing or wrong token is refused with 401', async () => {
  const missing = await send('/api/call/projects.list', {
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  assert.equal(missing.status, 401);
  assert.equal(JSON.parse(missing.body).error.code, 'unauthorized');
  const wrong = await send('/api/call/projects.list', {
    headers: { ...auth(), Authorization: `Bearer ${'x'.repeat(host.token.length)}` },
    body: '{}',
  });
  assert.equal(wrong.status, 401);
  const events = await send('/api/events', { method: 'GET' });
  assert.equal(events.status, 401);
});

test('malformed payloads are refused with 400 and the field named', async () => {
  const wrongType = await send('/api/call/documents.get', { headers: auth(), body: '{"documentId":"1"}' });
  assert.equal(wrongType.status, 400);
  const error = JSON.parse(wrongType.body).error;
  assert.equal(error.field, 'documentId');
  assert.match(error.message, /documents\.get: invalid documentId/);
  const extra = await send('/api/call/documents.get', { headers: auth(), body: '{"documentId":1,"evil":true}' });
  assert.equal(extra.status, 400);
  const span = await send('/api/call/annotations.save', {
    headers: auth(),
    body: JSON.stringify({
      documentId: 1,
      parentRevisionId: null,
      entities: [{ label: 'LOCATION', start: 5, end: 2 }],
    }),
  });
  assert.equal(JSON.parse(span.body).error.field, 'entities.0.end');
  const notJson = await send('/api/call/projects.list', { headers: auth(), body: '{' });
  assert.equal(notJson.status, 400);
  const notJsonType = await send('/api/call/projects.list', {
    headers: { Authorization: auth().Authorization, 'Content-Type': 'text/plain' },
    body: '{}',
  });
  assert.equal(notJsonType.status, 400);
});

test('unknown methods and prototype names are 404', async () => {
  for (const method of ['nope', '__proto__', 'constructor', 'toString']) {
    const reply = await send(`/api/call/${method}`, { headers: auth(), body: '{}' });
    assert.equal(reply.status, 404, method);
  }
});

test('another Host (DNS rebinding) or Origin is refused, and no CORS header is ever sent', async () => {
  const rebinding = await send('/api/call/projects.list', {
    headers: { ...auth(), Host: `evil.example:${host.port}` },
    body: '{}',
  });
  assert.equal(rebinding.status, 403);
  const crossOrigin = await send('/api/call/projects.list', {
    headers: { ...auth(), Origin: 'http://evil.example' },
    body: '{}',
  });
  assert.equal(crossOrigin.status, 403);
  const preflight = await send('/api/call/projects.list', {
    method: 'OPTIONS',
    headers: { Origin: 'http://evil.example' },
  });
  assert.notEqual(preflight.status, 204);
  for (const reply of [rebinding, crossOrigin, preflight])
    assert.equal(reply.headers['access-control-allow-origin'], undefined);
  const sameOrigin = await send('/api/call/projects.list', {
    headers: { ...auth(), Origin: `http://127.0.0.1:${host.port}` },
    body: '{}',
  });
  assert.equal(sameOrigin.status, 200);
});

test('static files come with a strict CSP; nothing outside the folder is reachable', async () => {
  const index = await send('/', { method: 'GET' });
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.equal((await send('/assets/a.js', { method: 'GET' })).status, 200);
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json', '/%00']) {
    assert.equal((await send(path, { method: 'GET' })).status, 404, path);
  }
});
