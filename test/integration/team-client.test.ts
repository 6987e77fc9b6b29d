// The desktop app's team-server client (main/team-client) against a real `workbench serve --team` over HTTPS with a
// self-signed certificate made by openssl: TLS verified (refused without the CA file, trusted with it), login,
// documents listed, an annotation saved and its event streamed back, a role too low answered 403, a wrong password,
// a session the server ended, and the data source switching the window between local data and the server.
// Session expiry by time and a single-user host run in-process (the clock of a real server cannot be moved).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ContractError } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import type { DocumentPage, ProjectInfo } from '../../core/contract/types.js';
import { hashPassword } from '../../main/hosts/web/team/passwords.js';
import { teamGate } from '../../main/hosts/web/team/team-gate.js';
import { startWebHost } from '../../main/hosts/web/web-host.js';
import { readCaFile } from '../../main/team-client/ca-file.js';
import { DataSource } from '../../main/team-client/data-source.js';
import { TeamClient } from '../../main/team-client/team-client.js';
import { tempService } from '../unit/hosts/helpers.js';
import type { Served } from '../e2e/support/server.js';
import { runWorkbench, selfSignedCertificate, startTeamServer, TEAM_PASSWORD } from '../e2e/support/team-server.js';

let dir: string;
let data: string;
let ca: string;
let url: string;
let server: Served | undefined;

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ContractError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

async function loggedIn(name: string): Promise<TeamClient> {
  const client = new TeamClient({ url, ca });
  await client.logIn(name, TEAM_PASSWORD);
  return client;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-team-client-'));
  data = join(dir, 'data');
  const tls = selfSignedCertificate(dir);
  ca = readCaFile(tls.cert);
  server = await startTeamServer(data, { lan: 'annotator', hoa: 'annotator', minh: 'admin' }, { tls });
  url = server.openUrl;
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a self-signed team server is refused without its CA certificate and trusted with it', async () => {
  const untrusted = await rejection(new TeamClient({ url }).probe());
  assert.equal(untrusted.detail?.reason, 'tls');
  assert.match(untrusted.message, /is not trusted: .*CA certificate/);
  // The CA replaces the system's roots for this server: another CA's certificate would not do either.
  await new TeamClient({ url, ca }).probe();
  const other = new TeamClient({ url: url.replace('127.0.0.1', 'localhost'), ca });
  await other.probe(); // the certificate names localhost too
  const wrongFile = join(dir, 'not-a-cert.pem');
  writeFileSync(wrongFile, 'hello\n');
  assert.throws(() => readCaFile(wrongFile), /not-a-cert\.pem is not a PEM certificate/);
});

test('log in, list documents, save an annotation; the save comes back on the event stream', async () => {
  const minh = await loggedIn('minh');
  assert.deepEqual(minh.user, { name: 'minh', role: 'admin' });
  const [project] = (await minh.call('projects.list', {})) as ProjectInfo[];
  await minh.call('documents.import', {
    projectId: project.id,
    name: 'a.txt',
    contentBase64: Buffer.from('Bệnh nhân 91 ở Hà Nội\n').toString('base64'),
    format: 'text',
    variant: 'lines',
  });

  const lan = await loggedIn('lan');
  const events: WorkbenchEvent[] = [];
  let changed: (event: WorkbenchEvent) => void = () => {};
  const documentChanged = new Promise<WorkbenchEvent>((resolve) => (changed = resolve));
  const opened = new Promise<void>((resolve) => {
    const stream = lan.events((event) => {
      events.push(event);
      if (event.type === 'document.changed') {
        stream.close();
        changed(event);
      }
    }, resolve);
  });
  await opened;

  const page = (await lan.call('documents.list', { projectId: project.id })) as DocumentPage;
  assert.equal(page.items.length, 1);
  const doc = page.items[0];
  const saved = (await lan.call('annotations.save', {
    documentId: doc.id,
    parentRevisionId: null,
    entities: [{ label: 'LOCATION', start: 13, end: 19 }],
  })) as { revisionId: number };
  const event = await documentChanged;
  assert.deepEqual(event, {
    type: 'document.changed',
    documentId: doc.id,
    revisionId: saved.revisionId,
    reason: 'edit',
  });
  const history = (await lan.call('annotations.history', { documentId: doc.id })) as { author: string }[];
  assert.deepEqual(
    history.map((r) => r.author),
    ['lan'],
  );
  // A parameter the contract refuses never leaves this machine: the same schema error the server would give.
  const invalid = await rejection(lan.call('documents.get', { documentId: 'one' }));
  assert.equal(invalid.code, 'invalid');
  assert.equal(invalid.field, 'documentId');
});

test("a role too low is answered by the server's 403; the session stays", async () => {
  const lan = await loggedIn('lan');
  const [project] = (await lan.call('projects.list', {})) as ProjectInfo[];
  const refused = await rejection(lan.call('labels.delete', { projectId: project.id, name: 'LOCATION' }));
  assert.equal(refused.code, 'forbidden');
  assert.match(refused.message, /labels\.delete needs the admin role; lan is an annotator/);
  assert.equal(lan.user?.name, 'lan');
  assert.equal(((await lan.call('app.info', {})) as { user: unknown }).user !== undefined, true);
});

test('a wrong password is refused and leaves no session', async () => {
  const client = new TeamClient({ url, ca });
  const wrong = await rejection(client.logIn('lan', 'not the password at all'));
  assert.equal(wrong.code, 'unauthorized');
  assert.equal(wrong.message, 'wrong user name or password');
  assert.equal(client.user, null);
  const call = await rejection(client.call('projects.list', {}));
  assert.equal(call.code, 'unauthorized');
});

test('a session the server ended (new password) is noticed on the next call', async () => {
  const hoa = await loggedIn('hoa');
  let ended = 0;
  hoa.onSessionEnded(() => ended++);
  await hoa.call('projects.list', {});
  runWorkbench(['users', 'passwd', 'hoa', '--data', data], 'an entirely new password\n');
  const gone = await rejection(hoa.call('projects.list', {}));
  assert.equal(gone.code, 'unauthorized');
  assert.equal(ended, 1);
  assert.equal(hoa.user, null);
});

test('the data source shows local data, switches to the team server after a login, and back', async () => {
  const local = await tempService();
  const heard: WorkbenchEvent[] = [];
  const source = new DataSource(local.service, (event) => heard.push(event));
  try {
    assert.deepEqual(source.status(), { kind: 'local' });
    const localProjects = await source.api['projects.list']({});
    const wrong = await rejection(
      source.connect({ url, name: 'lan', password: 'wrong password here', ca: { pem: ca, file: 'ca.pem' } }),
    );
    assert.equal(wrong.code, 'unauthorized');
    assert.deepEqual(source.status(), { kind: 'local' }, 'a failed connect leaves the window where it was');

    const status = await source.connect({ url, name: 'lan', password: TEAM_PASSWORD, ca: { pem: ca, file: 'ca.pem' } });
    assert.deepEqual(status, {
      kind: 'team',
      address: url.replace(/\/$/, ''),
      user: { name: 'lan', role: 'annotator' },
      caFile: 'ca.pem',
    });
    const info = await source.api['app.info']({});
    assert.deepEqual(info.user, { name: 'lan', role: 'annotator' }, 'calls now go to the team server');
    source.localEvent({ type: 'labels.changed', projectId: localProjects[0].id });
    assert.deepEqual(heard, [], "local events are not the team server's");
    const refused = await rejection(source.api['labels.delete']({ projectId: localProjects[0].id, name: 'LOCATION' }));
    assert.equal(refused.code, 'forbidden');

    await source.logOut();
    assert.equal((source.status() as { user: unknown }).user, null);
    await source.logIn('lan', TEAM_PASSWORD);
    assert.equal((await source.api['app.info']({})).user?.name, 'lan');

    assert.deepEqual(await source.disconnect(), { kind: 'local' });
    assert.equal((await source.api['app.info']({})).user, undefined, 'back on the local services');
    source.localEvent({ type: 'labels.changed', projectId: localProjects[0].id });
    assert.equal(heard.length, 1);
  } finally {
    await local.close();
  }
});

test('a session expired by time: the next call is unauthorized and the client says so (plain http on loopback)', async () => {
  const env = await tempService();
  let now = Date.now();
  const salt = env.store.users.secret('password');
  env.store.users.add('lan', 'annotator', await hashPassword(TEAM_PASSWORD, salt, { N: 1024, r: 8, p: 1 }));
  const staticDir = mkdtempSync(join(tmpdir(), 'wb-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const host = await startWebHost({
    service: env.service,
    staticDir,
    gate: () => teamGate({ users: env.store.users, tls: false, now: () => now, sessionTtlMs: 60_000 }),
  });
  const single = await startWebHost({ service: env.service, staticDir });
  try {
    // Through the data source, as the desktop app uses it: the window hears that the session ended.
    const source = new DataSource(env.service, () => {});
    const statuses: unknown[] = [];
    source.onStatus((status) => statuses.push(status));
    await source.connect({ url: host.url, name: 'lan', password: TEAM_PASSWORD });
    await source.api['projects.list']({});
    now += 61_000;
    const expired = await rejection(source.api['projects.list']({}));
    assert.equal(expired.code, 'unauthorized');
    assert.deepEqual(statuses, [{ kind: 'team', address: host.url.replace(/\/$/, ''), user: null, caFile: null }]);
    const again = await rejection(source.api['projects.list']({}));
    assert.match(again.message, /^log in to http:\/\/127\.0\.0\.1:\d+ first$/);
    await source.logIn('lan', TEAM_PASSWORD);
    assert.equal((await source.api['projects.list']({})).length, 1);
    await source.disconnect();

    const notTeam = await rejection(new TeamClient({ url: single.url }).probe());
    assert.match(notTeam.message, /is a single-user workbench .* not a team server/);
  } finally {
    await host.close();
    await single.close();
    await env.close();
    rmSync(staticDir, { recursive: true, force: true });
  }
});
