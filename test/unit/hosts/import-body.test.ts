// A large import body is read off the host's thread into an upload: the import sees the same bytes, a refused body
// or call leaves no upload behind, and a call the service never runs (bad project) discards it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../../main/hosts/web/web-host.js';
import { WORKER_BODY_BYTES } from '../../../main/hosts/web/import-body.js';
import { tempService } from './helpers.js';

let host: WebHost;
let env: Awaited<ReturnType<typeof tempService>>;

before(async () => {
  env = await tempService();
  host = await startWebHost({ service: env.service, staticDir: mkdtempSync(join(tmpdir(), 'wb-static-')) });
});

after(async () => {
  await host.close();
  await env.close();
});

function importCall(params: unknown): Promise<{
  status: number;
  body: { ok: boolean; result?: { imported: number }; error?: { message: string; field?: string } };
}> {
  const body = Buffer.from(JSON.stringify(params));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        agent: false,
        path: '/api/call/documents.import',
        method: 'POST',
        headers: {
          Authorization: `Bearer ${host.token}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const uploadsLeft = () => (existsSync(env.service.uploads.dir) ? readdirSync(env.service.uploads.dir) : []);

// Over the worker threshold: ~1.5 MB of text lines, NFD and emoji included, the last one without a newline.
function bigText(): string {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 1.2 * WORKER_BODY_BYTES; i++)
    size += lines[lines.push(`Bệnh nhân ${i} ở Ha\u0300 Nội 😷 khỏi bệnh.`) - 1].length + 1;
  return lines.join('\n');
}

test('a large import goes through an upload and imports every line', async () => {
  const text = bigText();
  const reply = await importCall({
    projectId: 1,
    name: 'lon.txt',
    contentBase64: Buffer.from(text).toString('base64'),
    format: 'text',
    variant: 'lines',
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.result!.imported, text.split('\n').length);
  assert.deepEqual(uploadsLeft(), []);
  const page = await env.service['documents.list']({ projectId: 1, limit: 1 });
  assert.equal(page.total, text.split('\n').length);
});

test('a large body with invalid base64 is refused naming contentBase64, and nothing is kept', async () => {
  const bad = 'A'.repeat(WORKER_BODY_BYTES) + '!!!!';
  const reply = await importCall({ projectId: 1, name: 'x.txt', contentBase64: bad, format: 'text' });
  assert.equal(reply.status, 400);
  assert.equal(reply.body.error!.field, 'contentBase64');
  assert.deepEqual(uploadsLeft(), []);
});

test('a large body for a project that does not exist is refused, and its upload is discarded', async () => {
  const before = (await env.service['documents.list']({ projectId: 1, limit: 1 })).total;
  const reply = await importCall({
    projectId: 999,
    name: 'x.txt',
    contentBase64: Buffer.from(bigText()).toString('base64'),
    format: 'text',
  });
  assert.equal(reply.status, 404, JSON.stringify(reply.body));
  assert.deepEqual(uploadsLeft(), []);
  assert.equal((await env.service['documents.list']({ projectId: 1, limit: 1 })).total, before);
});

test('a large body that is not JSON is a named error, not a 500', async () => {
  const reply = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        agent: false,
        path: '/api/call/documents.import',
        method: 'POST',
        headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end('{"projectId": 1, "name": "x.txt", "contentBase64": "' + 'A'.repeat(WORKER_BODY_BYTES)); // chunked, cut short
  });
  assert.equal(reply, 400);
  assert.deepEqual(uploadsLeft(), []);
});

test('an upload id that was never received is not found', async () => {
  const reply = await importCall({ projectId: 1, name: 'x.txt', upload: 'a'.repeat(32), format: 'text' });
  assert.equal(reply.status, 404);
  assert.equal(reply.body.error!.field, 'upload');
});
