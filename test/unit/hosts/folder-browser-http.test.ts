// files.listFolders through the browser host, as the export dialog calls it: the token, the schema and the home
// folder's bounds all hold over HTTP (a typed path outside home is 403, a malformed payload 400, no token 401).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startWebHost, type WebHost } from '../../../main/hosts/web/web-host.js';
import { tempService } from './helpers.js';

let host: WebHost;
let env: Awaited<ReturnType<typeof tempService>>;
let home: string;
const savedHome = process.env.HOME;

before(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'wb-http-home-')));
  mkdirSync(join(home, 'Documents'));
  process.env.HOME = home; // os.homedir() reads it on each call
  env = await tempService();
  host = await startWebHost({ service: env.service, staticDir: tmpdir() });
});

after(async () => {
  process.env.HOME = savedHome;
  await host.close();
  await env.close();
  rmSync(home, { recursive: true, force: true });
});

function call(
  body: string,
  token: string | null = host.token,
): Promise<{
  status: number;
  json: { ok: boolean; result?: { path: string; folders: string[] }; error?: { code: string } };
}> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    };
    const req = request(
      { host: '127.0.0.1', port: host.port, path: '/api/call/files.listFolders', method: 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('the home folder is listed for the token holder', async () => {
  const reply = await call('{}');
  assert.equal(reply.status, 200);
  assert.equal(reply.json.result?.path, home);
  assert.deepEqual(reply.json.result?.folders, ['Documents']);
});

test('outside the home folder is forbidden; malformed payloads and missing tokens are refused before it runs', async () => {
  assert.equal((await call(JSON.stringify({ path: '/etc' }))).status, 403);
  assert.equal((await call(JSON.stringify({ path: '~/../..' }))).status, 403);
  assert.equal((await call(JSON.stringify({ path: 5 }))).status, 400);
  assert.equal((await call(JSON.stringify({ path: '~', recursive: true }))).status, 400);
  assert.equal((await call(JSON.stringify({ extensions: ['../x'] }))).status, 400);
  assert.equal((await call('{}', null)).status, 401);
});
