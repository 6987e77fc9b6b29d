// The team server over real HTTPS (issue 15), with a self-signed certificate made for the test by openssl: logins,
// session cookies, CSRF proofs, roles per method, the login throttle, another server's cookie, authorship of
// revisions, and the command line's refusal to listen beyond loopback without TLS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Role } from '../../core/contract/roles.js';
import { hashPassword } from '../../main/hosts/web/team/passwords.js';
import { teamGate } from '../../main/hosts/web/team/team-gate.js';
import { startWebHost, type WebHost } from '../../main/hosts/web/web-host.js';
import { tempService } from '../unit/hosts/helpers.js';
import { repoRoot } from './cli-run.js';
import { selfSignedCertificate } from '../e2e/support/team-server.js';

const CHEAP = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'a long enough password';
let certDir: string;
let tls: { cert: Buffer; key: Buffer };
let staticDir: string;

interface Server {
  host: WebHost;
  env: Awaited<ReturnType<typeof tempService>>;
}
const servers: Server[] = [];

async function teamServer(users: [string, Role][]): Promise<Server> {
  const env = await tempService();
  const salt = env.store.users.secret('password');
  for (const [name, role] of users) env.store.users.add(name, role, await hashPassword(PASSWORD, salt, CHEAP));
  const host = await startWebHost({
    service: env.service,
    staticDir,
    tls,
    gate: () => teamGate({ users: env.store.users, tls: true }),
  });
  const server = { host, env };
  servers.push(server);
  return server;
}

before(() => {
  certDir = mkdtempSync(join(tmpdir(), 'wb-cert-'));
  const files = selfSignedCertificate(certDir);
  tls = { cert: readFileSync(files.cert), key: readFileSync(files.key) };
  staticDir = mkdtempSync(join(tmpdir(), 'wb-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
});

after(async () => {
  for (const s of servers) {
    await s.host.close();
    await s.env.close();
  }
  rmSync(certDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { ok: boolean; result?: any; error?: { code: string; message: string; detail?: Record<string, unknown> } }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test replies of many shapes
}

/** One HTTPS request that trusts only the test's certificate. */
function send(
  server: Server,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const opts: RequestOptions = {
    host: '127.0.0.1',
    port: server.host.port,
    path,
    method: options.method ?? 'POST',
    ca: tls.cert,
    servername: 'localhost',
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
  };
  return new Promise((resolve, reject) => {
    const req = request(opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          json: text && String(res.headers['content-type']).startsWith('application/json') ? JSON.parse(text) : {},
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Login {
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function login(server: Server, name: string, password = PASSWORD): Promise<Login> {
  const reply = await send(server, '/api/login', { body: { name, password } });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  const setCookie = String(reply.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0], csrf: reply.json.result.csrf, setCookie };
}

function call(
  server: Server,
  who: Login | null,
  method: string,
  params: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(server, `/api/call/${method}`, {
    body: params,
    headers: { ...(who ? { Cookie: who.cookie, 'X-Workbench-CSRF': who.csrf } : {}), ...headers },
  });
}

test('a login sets a Secure, HttpOnly, SameSite=Strict host-only cookie; calls run as that user, revisions carry their name', async () => {
  const server = await teamServer([
    ['lan', 'annotator'],
    ['minh', 'admin'],
  ]);
  assert.match(server.host.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(server.host.openUrl, server.host.url, "no token in a team server's URL");
  const lan = await login(server, 'lan');
  assert.match(
    lan.setCookie,
    /^__Host-workbench-session=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/,
  );
  const page = await send(server, '/', { method: 'GET' });
  assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');

  const info = await call(server, lan, 'app.info', {});
  assert.deepEqual(info.json.result.user, { name: 'lan', role: 'annotator' });
  assert.equal(info.json.result.dataDir, '', "the server's folders are not an annotator's business");
  const session = await send(server, '/api/session', { method: 'GET', headers: { Cookie: lan.cookie } });
  assert.deepEqual(session.json.result, { team: true, user: { name: 'lan', role: 'annotator' }, csrf: lan.csrf });

  const project = (await call(server, lan, 'projects.list', {})).json.result[0];
  const minh = await login(server, 'minh');
  assert.equal((await call(server, minh, 'app.info', {})).json.result.dataDir, server.env.dir);
  const imported = await call(server, minh, 'documents.import', {
    projectId: project.id,
    name: 'a.txt',
    contentBase64: Buffer.from('Bệnh nhân 91 ở Hà Nội\n').toString('base64'),
    format: 'text',
    variant: 'lines',
  });
  assert.equal(imported.status, 200, JSON.stringify(imported.json));
  const doc = (await call(server, lan, 'documents.list', { projectId: project.id })).json.result.items[0];
  const saved = await call(server, lan, 'annotations.save', {
    documentId: doc.id,
    parentRevisionId: null,
    entities: [{ label: 'LOCATION', start: 13, end: 19 }],
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.json));
  // lan's save is on her own line (blind per-annotator work): her history has it; the shared line has no edit yet.
  const authors = async (who: typeof lan) =>
    (await call(server, who, 'annotations.history', { documentId: doc.id })).json.result.map(
      (r: { author: string }) => r.author,
    );
  assert.deepEqual(await authors(lan), ['lan']);
  assert.deepEqual(await authors(minh), []);
  const actors = server.env.store.db
    .prepare("SELECT type, actor FROM events WHERE type IN ('import', 'labels') ORDER BY id")
    .all();
  assert.deepEqual(actors, [{ type: 'import', actor: 'minh' }]);
  assert.equal((await call(server, minh, 'labels.add', { projectId: project.id, name: 'DRUG' })).status, 200);
  assert.deepEqual(server.env.store.db.prepare("SELECT actor FROM events WHERE type = 'labels'").all(), [
    { actor: 'minh' },
  ]);
});

test('refused: no session (401), no or a wrong CSRF proof (403), another origin (403), after logout (401)', async () => {
  const server = await teamServer([
    ['lan', 'annotator'],
    ['hoa', 'annotator'],
  ]);
  const lan = await login(server, 'lan');
  const hoa = await login(server, 'hoa');
  assert.equal((await call(server, null, 'projects.list', {})).status, 401);
  assert.equal((await send(server, '/api/events', { method: 'GET' })).status, 401);
  const noProof = await send(server, '/api/call/projects.list', { body: {}, headers: { Cookie: lan.cookie } });
  assert.equal(noProof.status, 403);
  assert.match(noProof.json.error!.message, /x-workbench-csrf/);
  assert.equal(
    (await call(server, { ...lan, csrf: hoa.csrf }, 'projects.list', {})).status,
    403,
    "another session's proof",
  );
  assert.equal((await call(server, lan, 'projects.list', {}, { Origin: 'https://evil.example' })).status, 403);
  assert.equal((await call(server, lan, 'projects.list', {}, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.equal((await call(server, lan, 'projects.list', {})).status, 200);

  assert.equal(
    (await send(server, '/api/logout', { body: {}, headers: { Cookie: lan.cookie } })).status,
    403,
    'logout needs the proof too',
  );
  const out = await send(server, '/api/logout', {
    body: {},
    headers: { Cookie: lan.cookie, 'X-Workbench-CSRF': lan.csrf },
  });
  assert.equal(out.status, 200);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await call(server, lan, 'projects.list', {})).status, 401);
  assert.equal((await call(server, hoa, 'projects.list', {})).status, 200, "one user's logout ends only that session");

  server.env.store.users.setDisabled(server.env.store.users.byName('hoa')!.id, true);
  assert.equal((await call(server, hoa, 'projects.list', {})).status, 401, 'a disabled user is out at once');
  assert.equal((await send(server, '/api/login', { body: { name: 'hoa', password: PASSWORD } })).status, 401);
});

test('roles: an annotator cannot call curator or admin methods; a curator not admin ones', async () => {
  const server = await teamServer([
    ['lan', 'annotator'],
    ['tu', 'curator'],
    ['minh', 'admin'],
  ]);
  const [lan, tu, minh] = [await login(server, 'lan'), await login(server, 'tu'), await login(server, 'minh')];
  const projectId = (await call(server, lan, 'projects.list', {})).json.result[0].id;
  for (const [method, params] of [
    ['export.run', { projectId, format: 'jsonl', destination: '/tmp/x.jsonl', scope: 'all' }],
    ['labels.delete', { projectId, name: 'AGE' }],
    ['labels.add', { projectId, name: 'DRUG' }],
    ['documents.import', { projectId, name: 'a.txt', contentBase64: '' }],
    ['preannotate.start', { projectId, scope: 'unfinished', model: { kind: 'embedded' } }],
    ['models.activate', { modelId: 1 }],
  ] as const) {
    const reply = await call(server, lan, method, params);
    assert.equal(reply.status, 403, method);
    assert.match(
      reply.json.error!.message,
      new RegExp(`${method.replace('.', '\\.')} needs the (curator|admin) role; lan is an annotator`),
    );
  }
  assert.equal((await call(server, tu, 'labels.add', { projectId, name: 'DRUG' })).status, 200);
  assert.equal((await call(server, tu, 'labels.delete', { projectId, name: 'DRUG' })).status, 403);
  assert.equal((await call(server, minh, 'labels.delete', { projectId, name: 'DRUG' })).status, 200);
  const labels = (await call(server, lan, 'labels.list', { projectId })).json.result.labels.map(
    (l: { name: string }) => l.name,
  );
  assert.ok(labels.includes('AGE') && !labels.includes('DRUG'));
});

test('blind lines and assignment over HTTP: each annotator reads only their own work on their own documents', async () => {
  const server = await teamServer([
    ['lan', 'annotator'],
    ['hoa', 'annotator'],
    ['tu', 'curator'],
    ['minh', 'admin'],
  ]);
  const [lan, hoa, tu, minh] = await Promise.all(['lan', 'hoa', 'tu', 'minh'].map((n) => login(server, n)));
  const projectId = (await call(server, minh, 'projects.list', {})).json.result[0].id;
  const lines = 'Bệnh nhân 91 ở Hà Nội\nBà Hoa ở Huế\nÔng Nam ở Vinh\n';
  await call(server, minh, 'documents.import', {
    projectId,
    name: 'a.txt',
    contentBase64: Buffer.from(lines).toString('base64'),
    format: 'text',
    variant: 'lines',
  });
  const ids = (await call(server, minh, 'documents.list', { projectId })).json.result.items.map(
    (d: { id: number }) => d.id,
  );
  const assign = { mode: 'list', projectId, annotators: ['lan', 'hoa'], documentIds: ids.slice(0, 2) };
  for (const who of [lan, tu]) assert.equal((await call(server, who, 'assignments.assign', assign)).status, 403);
  assert.equal((await call(server, minh, 'assignments.assign', assign)).status, 200);
  assert.equal((await call(server, lan, 'assignments.progress', { projectId })).status, 403);

  const saved = await call(server, lan, 'annotations.save', {
    documentId: ids[0],
    parentRevisionId: null,
    entities: [{ label: 'LOCATION', start: 15, end: 21 }],
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.json));
  const get = async (who: typeof lan, id: number) => call(server, who, 'documents.get', { documentId: id });
  assert.equal((await get(lan, ids[0])).json.result.entities.length, 1);
  assert.deepEqual((await get(hoa, ids[0])).json.result.entities, [], "hoa does not see lan's work");
  assert.deepEqual((await get(tu, ids[0])).json.result.entities, [], 'nor does the shared line before curation');
  const other = await call(server, hoa, 'annotations.revision', {
    documentId: ids[0],
    revisionId: saved.json.result.revisionId,
  });
  assert.equal(other.status, 404);
  assert.equal((await get(hoa, ids[2])).status, 403, 'not assigned to hoa');
  const listed = (await call(server, hoa, 'documents.list', { projectId })).json.result.items.map(
    (d: { id: number }) => d.id,
  );
  assert.deepEqual(listed, ids.slice(0, 2));
  const progress = (await call(server, tu, 'assignments.progress', { projectId })).json.result;
  assert.deepEqual(
    progress.annotators.map((a: { annotator: string; assigned: number; inProgress: number }) => [
      a.annotator,
      a.assigned,
      a.inProgress,
    ]),
    [
      ['hoa', 2, 0],
      ['lan', 2, 1],
    ],
  );
});

/** A user's event stream (GET /api/events with their session): the events as they arrive, until closed. */
function eventStream(server: Server, who: Login): Promise<{ events: Record<string, unknown>[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: Record<string, unknown>[] = [];
    const req = request(
      {
        host: '127.0.0.1',
        port: server.host.port,
        path: '/api/events',
        method: 'GET',
        ca: tls.cert,
        servername: 'localhost',
        headers: { Cookie: who.cookie },
      },
      (res) => {
        assert.equal(res.statusCode, 200);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)));
          }
        });
        res.on('error', () => {});
        resolve({ events, close: () => req.destroy() });
      },
    );
    req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    req.end();
  });
}

test("event streams per user: an annotator hears of their own line's changes, never another annotator's; curators hear of all", async () => {
  const server = await teamServer([
    ['lan', 'annotator'],
    ['hoa', 'annotator'],
    ['mai', 'curator'],
    ['minh', 'admin'],
  ]);
  const [lan, hoa, mai, minh] = await Promise.all(['lan', 'hoa', 'mai', 'minh'].map((n) => login(server, n)));
  const project = (await call(server, minh, 'projects.list', {})).json.result[0];
  const streams = await Promise.all([lan, hoa, mai].map((who) => eventStream(server, who)));
  const [lanEvents, hoaEvents, maiEvents] = streams.map((s) => s.events);
  try {
    await call(server, minh, 'documents.import', {
      projectId: project.id,
      name: 'a.txt',
      contentBase64: Buffer.from('Bệnh nhân 91 ở Hà Nội\n').toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const doc = (await call(server, lan, 'documents.list', { projectId: project.id })).json.result.items[0];
    const edit = { documentId: doc.id, parentRevisionId: null, entities: [{ label: 'LOCATION', start: 13, end: 19 }] };
    const lanRevision = (await call(server, lan, 'annotations.save', edit)).json.result.revisionId;
    await call(server, lan, 'documents.setStatus', { documentId: doc.id, status: 'done' });
    const hoaRevision = (await call(server, hoa, 'annotations.save', edit)).json.result.revisionId;
    const gold = await call(server, mai, 'curation.saveGold', { ...edit, parentRevisionId: null });
    assert.equal(gold.status, 200, JSON.stringify(gold.json));
    // Each stream is written in emit order: once a stream holds its last expected event, it holds all it will get.
    const until = async (events: Record<string, unknown>[], revisionId: number) => {
      while (!events.some((e) => e.revisionId === revisionId)) await new Promise((r) => setTimeout(r, 20));
    };
    await until(lanEvents, lanRevision);
    await until(hoaEvents, hoaRevision);
    await until(maiEvents, gold.json.result.revisionId);
    const changes = (events: Record<string, unknown>[]) =>
      events.filter((e) => e.type === 'document.changed').map((e) => `${e.reason}:${e.revisionId}`);
    assert.deepEqual(changes(lanEvents), [`edit:${lanRevision}`, 'status:null']);
    assert.deepEqual(changes(hoaEvents), [`edit:${hoaRevision}`], "lan's save and status are not hoa's to hear of");
    assert.deepEqual(changes(maiEvents), [
      `edit:${lanRevision}`,
      'status:null',
      `edit:${hoaRevision}`,
      `edit:${gold.json.result.revisionId}`,
    ]);
    for (const events of [lanEvents, hoaEvents, maiEvents])
      assert.ok(
        events.some((e) => e.type === 'documents.imported'),
        "an import is everyone's news",
      );
  } finally {
    for (const s of streams) s.close();
  }
});

test('wrong passwords are throttled per name (429 with Retry-After, even for the right password then)', async () => {
  const server = await teamServer([['lan', 'annotator']]);
  for (let i = 0; i < 5; i++)
    assert.equal(
      (await send(server, '/api/login', { body: { name: 'lan', password: `wrong ${i} password` } })).status,
      401,
    );
  const throttled = await send(server, '/api/login', { body: { name: 'LAN', password: PASSWORD } });
  assert.equal(throttled.status, 429);
  assert.ok(Number(throttled.headers['retry-after']) >= 1);
  assert.match(throttled.json.error!.message, /too many failed logins/);
  assert.equal(throttled.headers['set-cookie'], undefined);
});

test('wrong passwords are throttled per address too: 20 failures over many names, then every name waits', async () => {
  const server = await teamServer([['lan', 'annotator']]);
  // Four tries per name stay under the per-name limit; the address's count is what runs out.
  for (let i = 0; i < 20; i++)
    assert.equal(
      (await send(server, '/api/login', { body: { name: `guess${i % 5}`, password: `wrong password ${i}` } })).status,
      401,
    );
  const throttled = await send(server, '/api/login', { body: { name: 'lan', password: PASSWORD } });
  assert.equal(throttled.status, 429);
  assert.ok(Number(throttled.headers['retry-after']) >= 1);
});

test('a session cookie from one server is refused by another, even for the same name and password', async () => {
  const a = await teamServer([['lan', 'admin']]);
  const b = await teamServer([['lan', 'admin']]);
  const fromA = await login(a, 'lan');
  const onB = await call(b, fromA, 'projects.list', {});
  assert.equal(onB.status, 401);
  assert.equal(
    (await send(b, '/api/session', { method: 'GET', headers: { Cookie: fromA.cookie } })).json.result.user,
    null,
  );
  assert.equal((await call(a, fromA, 'projects.list', {})).status, 200);
});

test('the command line: --listen beyond loopback without TLS, or without --team, is refused; users get their password from stdin', () => {
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [join(repoRoot, 'bin', 'workbench.js'), ...args], {
      encoding: 'utf8',
      input,
      timeout: 120_000,
    });
  const data = mkdtempSync(join(tmpdir(), 'wb-team-cli-'));
  const noTls = run(['serve', '--team', '--listen', '0.0.0.0:0', '--data', data]);
  assert.equal(noTls.status, 2);
  assert.match(noTls.stderr, /refusing to listen on 0\.0\.0\.0 without TLS: give --tls-cert and --tls-key/);
  const noTeam = run([
    'serve',
    '--listen',
    '0.0.0.0:0',
    '--tls-cert',
    join(certDir, 'cert.pem'),
    '--tls-key',
    join(certDir, 'key.pem'),
    '--data',
    data,
  ]);
  assert.equal(noTeam.status, 2);
  assert.match(noTeam.stderr, /--tls-cert\/--tls-key are for a team server/);
  assert.equal(
    run(['serve', '--team', '--data', data, '--no-samples']).status,
    1,
    'a team server with nobody to log in',
  );

  const added = run(['users', 'add', 'lan', '--role', 'curator', '--data', data], `${PASSWORD}\n`);
  assert.equal(added.status, 0, added.stderr);
  assert.equal(run(['users', 'add', 'hoa', '--role', 'annotator', '--data', data], 'short\n').status, 2);
  assert.equal(run(['users', 'add', 'x', '--role', 'owner', '--data', data], `${PASSWORD}\n`).status, 2);
  const hashOf = () => {
    const db = new Database(join(data, 'workbench.sqlite'), { readonly: true });
    try {
      return (db.prepare("SELECT password_hash AS h FROM users WHERE name = 'lan'").get() as { h: string }).h;
    } finally {
      db.close();
    }
  };
  const first = hashOf();
  assert.equal(run(['users', 'passwd', 'lan', '--data', data], 'another long password\n').status, 0);
  assert.notEqual(hashOf(), first);
  assert.ok(!hashOf().includes('another'));
  assert.equal(run(['users', 'passwd', 'nobody', '--data', data], 'another long password\n').status, 2);
  assert.equal(run(['users', 'disable', 'lan', '--data', data]).status, 0);
  assert.match(run(['users', 'list', '--data', data]).stdout, /^lan\tcurator\tdisabled\t/m);
  rmSync(data, { recursive: true, force: true });
});
