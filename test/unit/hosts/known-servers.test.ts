// The desktop app's list of team servers connected to before (main/hosts/electron/known-servers.ts): written whole
// through a temporary file renamed over the old one, most recent first, five at most, one entry per address and
// user, nothing but address, user name and CA file; a corrupt or foreign file is ignored with a logged reason.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KnownServers, MAX_KNOWN_SERVERS } from '../../../main/hosts/electron/known-servers.js';

const root = mkdtempSync(join(tmpdir(), 'wb-known-servers-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh folder (not made yet: the store makes it) and its list file. */
const place = () => {
  const dir = join(root, `case-${++n}`, 'user-data');
  return { dir, file: join(dir, 'team-servers.json') };
};

test('remembers servers most recent first, one per address and user, five at most; a fresh store reads them back', () => {
  const { dir, file } = place();
  const store = new KnownServers(file);
  assert.deepEqual(store.list(), [], 'no file yet: an empty list');
  store.remember({ url: 'https://a.example', name: 'lan', caFile: null });
  store.remember({ url: 'https://b.example:8443', name: 'lan', caFile: '/home/lan/b-ca.pem' });
  store.remember({ url: 'https://a.example', name: 'hoa', caFile: null });
  // The same address and user again: moved to the front with its new CA file, not added twice.
  const now = store.remember({ url: 'https://a.example', name: 'lan', caFile: '/home/lan/a-ca.pem' });
  assert.deepEqual(now, [
    { url: 'https://a.example', name: 'lan', caFile: '/home/lan/a-ca.pem' },
    { url: 'https://a.example', name: 'hoa', caFile: null },
    { url: 'https://b.example:8443', name: 'lan', caFile: '/home/lan/b-ca.pem' },
  ]);
  for (let i = 0; i < 4; i++) store.remember({ url: `https://s${i}.example`, name: 'lan', caFile: null });
  const capped = store.list();
  assert.equal(capped.length, MAX_KNOWN_SERVERS);
  assert.deepEqual(
    capped.map((s) => s.url),
    ['https://s3.example', 'https://s2.example', 'https://s1.example', 'https://s0.example', 'https://a.example'],
  );
  assert.deepEqual(new KnownServers(file).list(), capped, 'read back by the next launch');
  assert.deepEqual(readdirSync(dir), ['team-servers.json'], 'no temporary file left beside it');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  // Address, user name and CA file only: the file has no room for a password or a cookie.
  const json = JSON.parse(readFileSync(file, 'utf8')) as { version: number; servers: object[] };
  assert.equal(json.version, 1);
  for (const s of json.servers) assert.deepEqual(Object.keys(s).sort(), ['caFile', 'name', 'url']);
  assert.equal(store.hasCaFile('/home/lan/a-ca.pem'), true);
  assert.equal(store.hasCaFile('/etc/shadow'), false);

  const left = store.forget({ url: 'https://s3.example', name: 'lan' });
  assert.equal(left[0].url, 'https://s2.example');
  assert.deepEqual(new KnownServers(file).list(), left);
  assert.deepEqual(store.forget({ url: 'https://nowhere.example', name: 'lan' }), left, 'forgetting nothing is fine');
});

test('a write goes to a new file renamed over the old one, never into the file being read', () => {
  const { file } = place();
  const store = new KnownServers(file);
  store.remember({ url: 'https://a.example', name: 'lan', caFile: null });
  const before = statSync(file).ino;
  store.remember({ url: 'https://b.example', name: 'lan', caFile: null });
  assert.notEqual(statSync(file).ino, before, 'replaced by a rename, not rewritten in place');
});

test('a corrupt or foreign file is ignored with the reason logged, and the next remember replaces it', () => {
  const cases: [string, RegExp][] = [
    ['{"version": 1, "servers": [', /not JSON/],
    [JSON.stringify({ version: 2, servers: [] }), /version/],
    [
      JSON.stringify({ version: 1, servers: [{ url: 'https://a.example', name: 'lan', caFile: null, password: 'x' }] }),
      /servers\.0/,
    ],
    [
      JSON.stringify({ version: 1, servers: [{ url: 'file:///etc/passwd', name: 'lan', caFile: null }] }),
      /servers\.0\.url: not an http\(s\) address/,
    ],
    [
      JSON.stringify({
        version: 1,
        servers: Array.from({ length: 6 }, (_, i) => ({ url: `https://s${i}.example`, name: 'a', caFile: null })),
      }),
      /servers/,
    ],
    ['null', /file/],
  ];
  for (const [text, reason] of cases) {
    const { dir, file } = place();
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
    const logged: string[] = [];
    const store = new KnownServers(file, (m) => logged.push(m));
    assert.deepEqual(store.list(), [], text);
    assert.equal(logged.length, 1, text);
    assert.match(logged[0], reason);
    assert.match(logged[0], /ignored/);
    assert.equal(store.hasCaFile('/etc/shadow'), false);
    store.remember({ url: 'https://a.example', name: 'lan', caFile: null });
    assert.deepEqual(new KnownServers(file).list(), [{ url: 'https://a.example', name: 'lan', caFile: null }]);
  }
});

test('what is remembered is checked too', () => {
  const { file } = place();
  const store = new KnownServers(file);
  assert.throws(() => store.remember({ url: 'not a url', name: 'lan', caFile: null }), /http\(s\)/);
  assert.throws(() => store.remember({ url: 'https://a.example', name: '', caFile: null }));
  assert.deepEqual(store.list(), []);
});
