// The desktop window's team-server calls in main (main/hosts/electron/team-connection.ts): only our window's main
// frame is heard, requests are checked, and a CA file is read only when it was picked through main's own dialog or
// belongs to a server remembered from an earlier connect; the remembered servers are listed and forgotten.
// Stand-ins for ipcMain and dialog, so it runs without the Electron binary; no server is needed (what is tested is
// refused before any connection, or fails to connect to a closed loopback port).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  TEAM_CHANNELS,
  type ConnectionOutcome,
  type KnownServersOutcome,
} from '../../../core/contract/team-connection.js';
import type { IpcCaller } from '../../../main/hosts/electron/ipc.js';
import { KnownServers } from '../../../main/hosts/electron/known-servers.js';
import { registerTeamConnection } from '../../../main/hosts/electron/team-connection.js';
import type { ServiceApi } from '../../../main/hosts/dispatch.js';
import { DataSource } from '../../../main/team-client/data-source.js';

const WINDOW = 3;
const dir = mkdtempSync(join(tmpdir(), 'wb-team-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const handlers = new Map<string, (event: IpcCaller, ...args: unknown[]) => Promise<unknown>>();
let picked: string[] = [];
// The local services are not called by these tests.
const source = new DataSource({} as ServiceApi, () => {});
const known = new KnownServers(join(dir, 'user-data', 'team-servers.json'));
registerTeamConnection(
  { handle: (channel, listener) => void handlers.set(channel, listener) },
  { showOpenDialog: async () => ({ canceled: picked.length === 0, filePaths: picked }) },
  source,
  (id) => (id === WINDOW ? { id } : null),
  new Set([WINDOW]),
  known,
);
const ours: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/index.html', parent: null } };
const call = (channel: string, event: IpcCaller, ...args: unknown[]) =>
  handlers.get(channel)!(event, ...args) as Promise<ConnectionOutcome>;
/** A loopback port nobody listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

test('every team channel is registered; a frame that is not our window is refused', async () => {
  assert.deepEqual(
    [...handlers.keys()].sort(),
    Object.values(TEAM_CHANNELS)
      .filter((c) => c !== TEAM_CHANNELS.changed)
      .sort(),
  );
  assert.deepEqual(await call(TEAM_CHANNELS.status, ours), { ok: true, result: { kind: 'local' } });
  const iframe: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/x', parent: {} } };
  const outcome = await call(TEAM_CHANNELS.connect, iframe, { url: 'https://x', name: 'a', password: 'b' });
  assert.equal(!outcome.ok && outcome.error.code, 'forbidden');
});

test('requests are checked: extra fields, a missing password, plain http beyond loopback', async () => {
  const extra = await call(TEAM_CHANNELS.connect, ours, { url: 'https://x', name: 'a', password: 'b', token: 't' });
  assert.equal(!extra.ok && extra.error.code, 'invalid');
  const missing = await call(TEAM_CHANNELS.connect, ours, { url: 'https://x', name: 'a' });
  assert.equal(!missing.ok && missing.error.field, 'password');
  const plain = await call(TEAM_CHANNELS.connect, ours, { url: 'http://team.example', name: 'a', password: 'b' });
  assert.ok(!plain.ok && plain.error.field === 'url', JSON.stringify(plain));
  assert.deepEqual(source.status(), { kind: 'local' });
});

test('a CA file is read only when picked through the dialog; a file that is not PEM is named', async () => {
  const notPem = join(dir, 'notes.txt');
  writeFileSync(notPem, 'hello');
  const unpicked = await call(TEAM_CHANNELS.connect, ours, {
    url: 'https://127.0.0.1:1',
    name: 'a',
    password: 'b',
    caFile: '/etc/shadow',
  });
  assert.ok(!unpicked.ok && unpicked.error.field === 'caFile', JSON.stringify(unpicked));
  assert.match(!unpicked.ok ? unpicked.error.message : '', /Choose button/);

  picked = [notPem];
  const wrong = await call(TEAM_CHANNELS.chooseCa, ours);
  assert.ok(!wrong.ok && /notes\.txt is not a PEM certificate/.test(wrong.error.message), JSON.stringify(wrong));

  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'ca.pem'),
    ]),
    { stdio: 'ignore' },
  );
  picked = [join(dir, 'ca.pem')];
  assert.deepEqual(await call(TEAM_CHANNELS.chooseCa, ours), { ok: true, result: { path: join(dir, 'ca.pem') } });
  // A port nobody listens on: the CA was accepted, and the answer is the network's reason, not the file's.
  const port = await closedPort();
  const unreachable = await call(TEAM_CHANNELS.connect, ours, {
    url: `https://127.0.0.1:${port}`,
    name: 'a',
    password: 'b',
    caFile: join(dir, 'ca.pem'),
  });
  assert.ok(
    !unreachable.ok && /nothing answers at that address/.test(unreachable.error.message),
    JSON.stringify(unreachable),
  );
  assert.deepEqual(source.status(), { kind: 'local' }, 'a failed connect changes nothing');
});

test('remembered servers: listed, forgotten through checked requests; a remembered CA file needs no dialog', async () => {
  const servers = (channel: string, ...args: unknown[]) =>
    handlers.get(channel)!(ours, ...args) as Promise<KnownServersOutcome>;
  assert.deepEqual(await servers(TEAM_CHANNELS.servers), { ok: true, result: { servers: [] } });
  // As an earlier launch's connect left it: a CA file picked then, not in this session.
  const remembered = join(dir, 'remembered-ca.pem');
  copyFileSync(join(dir, 'ca.pem'), remembered);
  const port = await closedPort();
  const url = `https://127.0.0.1:${port}`;
  known.remember({ url, name: 'lan', caFile: remembered });
  assert.deepEqual(await servers(TEAM_CHANNELS.servers), {
    ok: true,
    result: { servers: [{ url, name: 'lan', caFile: remembered }] },
  });
  const reconnect = await call(TEAM_CHANNELS.connect, ours, { url, name: 'lan', password: 'b', caFile: remembered });
  assert.ok(
    !reconnect.ok && /nothing answers at that address/.test(reconnect.error.message),
    JSON.stringify(reconnect),
  );
  assert.equal(known.list().length, 1, 'a failed connect remembers nothing new');

  const extra = await servers(TEAM_CHANNELS.forget, { url, name: 'lan', password: 'b' });
  assert.ok(!extra.ok && extra.error.code === 'invalid', JSON.stringify(extra));
  const iframe: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/x', parent: {} } };
  const foreign = (await handlers.get(TEAM_CHANNELS.servers)!(iframe)) as KnownServersOutcome;
  assert.equal(!foreign.ok && foreign.error.code, 'forbidden');
  assert.deepEqual(await servers(TEAM_CHANNELS.forget, { url, name: 'lan' }), { ok: true, result: { servers: [] } });
  // Forgotten: its CA file is again one main will not read unless picked.
  const forgotten = await call(TEAM_CHANNELS.connect, ours, { url, name: 'lan', password: 'b', caFile: remembered });
  assert.ok(!forgotten.ok && forgotten.error.field === 'caFile', JSON.stringify(forgotten));
});
