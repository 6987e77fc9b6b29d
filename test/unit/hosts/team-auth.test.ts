// Team mode's building blocks (issue 15): scrypt hashes with a per-user and a per-install salt, the login throttle,
// sessions kept hashed with their CSRF proof, and the session cookie's attributes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';
import { UserRepository } from '../../../db/repositories/users.js';
import { cookieName, readCookie, sessionCookie } from '../../../main/hosts/web/team/cookies.js';
import { listenProblem, parseListen } from '../../../main/hosts/web/team/listen-policy.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../../main/hosts/web/team/passwords.js';
import { Sessions } from '../../../main/hosts/web/team/sessions.js';
import { Throttle } from '../../../main/hosts/web/team/throttle.js';

// Cheap parameters keep the test fast; the stored form carries them, so verification uses the same.
const CHEAP = { N: 1024, r: 8, p: 1 };
const salt = Buffer.alloc(32, 7);

function users(): UserRepository {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return new UserRepository(db);
}

test('a password verifies against its own hash only, under its own install salt', async () => {
  const stored = await hashPassword('correct horse battery', salt, CHEAP);
  assert.match(stored, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.ok(!stored.includes('correct'));
  assert.equal(await verifyPassword('correct horse battery', stored, salt), true);
  assert.equal(await verifyPassword('correct horse batterY', stored, salt), false);
  assert.equal(await verifyPassword('correct horse battery', stored, Buffer.alloc(32, 8)), false, 'another install');
  assert.notEqual(await hashPassword('correct horse battery', salt, CHEAP), stored, 'a fresh user salt each time');
  // NFC and NFD spellings of one password are one password.
  const nfc = await hashPassword('mật khẩu dài lắm', salt, CHEAP);
  assert.equal(await verifyPassword('mật khẩu dài lắm'.normalize('NFD'), nfc, salt), true);
  for (const bad of ['', 'scrypt$1$2$3', 'bcrypt$1024$8$1$AAAA$BBBB', `scrypt$${2 ** 30}$8$1$AAAA$${'A'.repeat(43)}`]) {
    assert.equal(await verifyPassword('x', bad, salt), false, bad);
  }
  assert.match(passwordProblem('short') ?? '', /at least 10/);
  assert.equal(passwordProblem('long enough pass'), null);
});

test('the throttle lets a few failures through, then makes each further try wait twice as long', () => {
  let now = 1_000_000;
  const t = new Throttle({ free: 3, baseMs: 1000, maxMs: 8000, forgetMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(t.waitMs('lan'), 0);
    t.fail('lan');
  }
  assert.equal(t.waitMs('lan'), 1000);
  assert.equal(t.waitMs('minh'), 0, 'per key');
  now += 1000;
  assert.equal(t.waitMs('lan'), 0);
  t.fail('lan');
  assert.equal(t.waitMs('lan'), 2000);
  for (let i = 0; i < 10; i++) t.fail('lan');
  assert.equal(t.waitMs('lan'), 8000, 'capped');
  t.succeed('lan');
  assert.equal(t.waitMs('lan'), 0);
  for (let i = 0; i < 5; i++) t.fail('an');
  now += 60_001;
  assert.equal(t.waitMs('an'), 0, 'forgotten after a quiet hour');
});

test('sessions: the id is stored only hashed; the CSRF proof belongs to its session; expiry and disabling end it', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const repo = users();
  const lan = repo.add('lan', 'annotator', 'h');
  const sessions = new Sessions(repo, 60_000, () => now);
  const a = sessions.create(lan.id, '127.0.0.1');
  assert.match(a.id, /^[\w-]{43}$/, '256 random bits');
  assert.equal(sessions.find(a.id)?.user.name, 'lan');
  assert.equal(sessions.find(a.id)?.csrf, a.csrf);
  const stored = (repo as unknown as { db: Database.Database }).db.prepare('SELECT id_hash FROM sessions').all() as {
    id_hash: string;
  }[];
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0].id_hash, a.id);
  assert.ok(!stored[0].id_hash.includes(a.id));

  const b = sessions.create(lan.id, null);
  assert.equal(sessions.checkCsrf(a.id, a.csrf), true);
  assert.equal(sessions.checkCsrf(a.id, b.csrf), false, "another session's proof");
  assert.equal(sessions.checkCsrf(a.id, ''), false);

  const elsewhere = new Sessions(users(), 60_000, () => now);
  assert.equal(elsewhere.find(a.id), undefined, "another install's cookie");
  assert.equal(sessions.find('x'.repeat(43)), undefined);
  assert.equal(sessions.find('not an id'), undefined);

  sessions.end(b.id);
  assert.equal(sessions.find(b.id), undefined);
  now += 60_000;
  assert.equal(sessions.find(a.id), undefined, 'expired');
  const c = sessions.create(lan.id, null);
  repo.setDisabled(lan.id, true);
  assert.equal(sessions.find(c.id), undefined, 'a disabled user has no session');
});

test('the session cookie: HttpOnly, SameSite=Strict, and over TLS Secure with the __Host- prefix', () => {
  assert.equal(
    sessionCookie(true, 'abc', 60),
    '__Host-workbench-session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
  );
  assert.equal(sessionCookie(false, 'abc', 60), 'workbench-session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
  assert.equal(readCookie('a=1; __Host-workbench-session=xyz; b=2', cookieName(true)), 'xyz');
  assert.equal(readCookie('workbench-session-x=1', cookieName(false)), undefined);
  assert.equal(readCookie(undefined, cookieName(false)), undefined);
});

test('where the host may listen: loopback always; beyond it only a team server with TLS', () => {
  const at = (host: string, team: boolean, tls: boolean) => listenProblem({ host, port: 8443, team, tls });
  assert.equal(at('127.0.0.1', false, false), null);
  assert.equal(at('::1', true, false), null, 'team mode on loopback may skip TLS (tests, a trial)');
  assert.equal(at('127.0.0.1', true, true), null);
  assert.match(at('0.0.0.0', false, false) ?? '', /single-user browser host listens on loopback only/);
  assert.match(at('0.0.0.0', false, true) ?? '', /--tls-cert\/--tls-key are for a team server/);
  assert.match(at('192.168.1.5', true, false) ?? '', /without TLS: give --tls-cert and --tls-key/);
  assert.equal(at('0.0.0.0', true, true), null);
  assert.deepEqual(parseListen('0.0.0.0:8443'), { host: '0.0.0.0', port: 8443 });
  assert.deepEqual(parseListen('[::]:443'), { host: '::', port: 443 });
  assert.deepEqual(parseListen('wb.example.org:0'), { host: 'wb.example.org', port: 0 });
  for (const bad of ['8443', '0.0.0.0', ':::443', '0.0.0.0:70000', 'a b:1']) assert.equal(parseListen(bad), null, bad);
});
