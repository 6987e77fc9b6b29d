// A real team server for tests (issue 15): users added with `workbench users add` as an admin would, `workbench serve
// --team` over their data folder (on HTTPS with a self-signed certificate when asked), and the two ways a test meets
// it: as a client of the HTTP API, or as a person logging in through the page.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../../core/contract/roles.js';
import { repoRoot, serve, type Served } from './server.js';

/** Every test user's password: long enough for the server's rule, and not ASCII, so its encoding is exercised. */
export const TEAM_PASSWORD = 'mật khẩu đủ dài 2026';

/** Certificate and key files (PEM) for `--tls-cert` / `--tls-key`. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, valid a day, made by openssl in `dir`. */
export function selfSignedCertificate(dir: string): TlsFiles {
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'])
      .concat(['-keyout', files.key, '-out', files.cert]),
    { stdio: 'ignore' },
  );
  return files;
}

/** Runs `workbench ...args` with `input` on its stdin (a password prompt's answer); fails the test unless it exits 0. */
export function runWorkbench(args: string[], input?: string): void {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin/workbench.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
}

/** Adds users with TEAM_PASSWORD to a data folder through the CLI (the database is made when missing). */
export function addUsers(dataDir: string, users: Record<string, Role>): void {
  for (const [name, role] of Object.entries(users))
    runWorkbench(['users', 'add', name, '--role', role, '--data', dataDir], `${TEAM_PASSWORD}\n`);
}

/**
 * Adds `users` to `dataDir` and starts `workbench serve --team` over it: on HTTPS at 127.0.0.1 with `tls`, else on
 * loopback without TLS (allowed there, with a warning). `openUrl` is the address it printed (no token in team mode).
 */
export async function startTeamServer(
  dataDir: string,
  users: Record<string, Role>,
  options: { tls?: TlsFiles } = {},
): Promise<Served> {
  addUsers(dataDir, users);
  const listen = options.tls
    ? ['--listen', '127.0.0.1:0', '--tls-cert', options.tls.cert, '--tls-key', options.tls.key]
    : ['--port', '0'];
  return serve(['serve', '--team', ...listen, '--data', dataDir, '--no-samples']);
}

/**
 * A team member over the HTTP API, as any client would: logs in, then each call carries the cookie and the CSRF proof
 * and fails the test unless the server answers ok. Results are the server's JSON, untyped.
 */
export async function member(url: string, name: string) {
  const login = await fetch(new URL('/api/login', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: TEAM_PASSWORD }),
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

/** Logs `name` in through the page in English, in its own tab of `context`, and waits for the document list. */
export async function logIn(context: BrowserContext, url: string, name: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}?lang=en`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(TEAM_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('user').waitFor();
  await page.locator('.documents').waitFor();
  return page;
}
