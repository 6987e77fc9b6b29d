// The desktop app on a team server (issue 15), as far as this machine allows: no Electron binary here, so the page
// runs in Chromium with a stand-in preload that hands each IPC call to the real main-side modules (registerIpc's
// dispatcher, registerTeamConnection, DataSource, TeamClient) in this process; only Electron's transport is
// replaced. Against a real `workbench serve --team` over HTTPS with a self-signed certificate: an untrusted server
// is refused until its CA file is chosen, a wrong password is refused, the login shows the server's documents with
// the annotator's refused controls disabled, logging out and in again works, and Back to local data returns. The
// server is then offered in the connect dialog (address, user name, CA file; the file holds no password): picking it
// fills the form, forgetting it empties the list.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { EVENT_CHANNEL, METHOD_LIST } from '../../core/contract/channels.js';
import type { ProjectInfo } from '../../core/contract/types.js';
import { TEAM_CHANNELS } from '../../core/contract/team-connection.js';
import { registerIpc, type IpcCaller } from '../../main/hosts/electron/ipc.js';
import { KnownServers } from '../../main/hosts/electron/known-servers.js';
import { registerTeamConnection } from '../../main/hosts/electron/team-connection.js';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { startWebHost } from '../../main/hosts/web/web-host.js';
import { readCaFile } from '../../main/team-client/ca-file.js';
import { DataSource } from '../../main/team-client/data-source.js';
import { TeamClient } from '../../main/team-client/team-client.js';
import { tempService } from '../unit/hosts/helpers.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { selfSignedCertificate, startTeamServer, TEAM_PASSWORD } from './support/team-server.js';

const WINDOW = 1;
const OURS: IpcCaller = { sender: { id: WINDOW }, senderFrame: { url: 'app://workbench/index.html', parent: null } };

/**
 * What preload.ts exposes, built in the page over one exposed function (`__wbInvoke`) that reaches main's handlers
 * here; main pushes events and status changes with `__wbPush`. Plain JavaScript text: a function handed over from
 * this file would carry tsx's `__name` helper calls, which do not exist in the page.
 */
function standInPreload(methods: readonly string[]): string {
  return `(() => {
    const events = new Set(), statuses = new Set();
    window.__wbPush = (channel, payload) =>
      (channel === ${JSON.stringify(EVENT_CHANNEL)} ? events : statuses).forEach((l) => l(payload));
    const invoke = (channel) => (...args) => window.__wbInvoke(channel, args);
    const team = ${JSON.stringify(TEAM_CHANNELS)};
    window.workbench = {
      methods: Object.fromEntries(${JSON.stringify(methods)}.map((m) => [m, invoke('workbench:' + m)])),
      chooseDestination: async () => ({ path: null }),
      team: {
        status: invoke(team.status), connect: invoke(team.connect), logIn: invoke(team.logIn),
        logOut: invoke(team.logOut), disconnect: invoke(team.disconnect), chooseCa: invoke(team.chooseCa),
        servers: invoke(team.servers), forget: invoke(team.forget),
        onChange: (l) => (statuses.add(l), () => statuses.delete(l)),
      },
      onEvent: (l) => (events.add(l), () => events.delete(l)),
    };
  })();`;
}

test(
  'desktop app: connect to a team server (CA file, wrong password, login), its documents and role, log out and in, back to local data',
  { skip: noChromium, timeout: 300_000 },
  async () => {
    const staticDir = await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-desktop-team-'));
    const tls = selfSignedCertificate(dir);
    const cert = tls.cert;
    const server = await startTeamServer(join(dir, 'data'), { lan: 'annotator', minh: 'admin' }, { tls });
    const url = server.openUrl;
    const local = await tempService();
    const page$: { page?: Page } = {};
    const push = (channel: string, payload: unknown) =>
      void page$.page?.evaluate(`window.__wbPush(${JSON.stringify(channel)}, ${JSON.stringify(payload)})`);
    // Main's side, as main/hosts/electron/main.ts assembles it.
    const source = new DataSource(local.service, (event) => push(EVENT_CHANNEL, event));
    const offLocal = local.service.events.on((event) => source.localEvent(event));
    source.onStatus((status) => push(TEAM_CHANNELS.changed, status));
    const knownFile = join(dir, 'user-data', 'team-servers.json');
    const known = new KnownServers(knownFile);
    const handlers = new Map<string, (event: IpcCaller, ...args: unknown[]) => Promise<unknown>>();
    const ipc = {
      handle: (channel: string, listener: (event: IpcCaller, ...args: unknown[]) => Promise<any>) =>
        void handlers.set(channel, listener),
    }; // eslint-disable-line @typescript-eslint/no-explicit-any -- both registrations' listener types
    registerIpc(ipc, source.api, new Set([WINDOW]), () => {});
    registerTeamConnection(
      ipc,
      { showOpenDialog: async () => ({ canceled: false, filePaths: [cert] }) },
      source,
      (id) => (id === WINDOW ? {} : null),
      new Set([WINDOW]),
      known,
    );
    const pageHost = await startWebHost({ service: local.service, staticDir });
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const address = url.replace(/\/$/, '');
      const minh = new TeamClient({ url, ca: readCaFile(cert) });
      await minh.logIn('minh', TEAM_PASSWORD);
      const [project] = (await minh.call('projects.list', {})) as ProjectInfo[];
      await minh.call('documents.import', {
        projectId: project.id,
        name: 'team.txt',
        contentBase64: Buffer.from('Bệnh nhân 91 ở Hà Nội\nBệnh nhân 92 ở Huế\n').toString('base64'),
        format: 'text',
        variant: 'lines',
      });

      const page = await browser.context.newPage();
      page$.page = page;
      await page.exposeFunction('__wbInvoke', (channel: string, args: unknown[]) =>
        handlers.get(channel)!(OURS, ...args),
      );
      await page.addInitScript({ content: standInPreload(METHOD_LIST) });
      const ready = () => page.locator('main[data-ready="true"]').waitFor();
      await page.goto(`${pageHost.url}?lang=en`);
      await ready();
      assert.equal(await page.getByTestId('shown').textContent(), '0–0 / 0 documents', 'local data: empty');
      assert.equal(await page.locator('.import input[type=file]').isDisabled(), false, 'the local user may import');

      await page.getByRole('button', { name: 'Connect to a team server' }).click();
      const dialog = page.getByTestId('team-connect');
      await dialog.getByLabel('Server address').fill(url);
      await dialog.getByLabel('User name').fill('lan');
      await dialog.getByLabel('Password').fill('not the password');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      const error = dialog.getByTestId('connect-error');
      await error.waitFor();
      assert.match(
        (await error.textContent())!,
        /The server is not trusted: choose its CA certificate file\..*DEPTH_ZERO_SELF_SIGNED_CERT/s,
      );

      await dialog.getByRole('button', { name: 'Choose CA file…' }).click();
      await dialog.getByTestId('ca-file').filter({ hasText: cert }).waitFor();
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await error.filter({ hasText: 'Wrong user name or password.' }).waitFor();
      assert.deepEqual(source.status(), { kind: 'local' });

      await dialog.getByLabel('Password').fill(TEAM_PASSWORD);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('team-server').waitFor(); // the page started over on the server's data
      await ready();
      assert.equal(await page.getByTestId('team-server').textContent(), `Team server: ${address}`);
      assert.equal(await page.getByTestId('user').textContent(), 'lan (annotator)');
      await page.getByTestId('shown').filter({ hasText: '1–2 / 2 documents' }).waitFor();
      const importInput = page.locator('.import input[type=file]');
      assert.equal(await importInput.isDisabled(), true, "the server's role: an annotator does not import");
      assert.equal(await importInput.getAttribute('aria-description'), 'Needs the curator role (you are annotator).');

      await page.getByRole('button', { name: 'Log out' }).click();
      const login = page.getByTestId('login-form');
      await login.waitFor();
      await login.getByLabel('User name').fill('lan');
      await login.getByLabel('Password').fill(TEAM_PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('shown').filter({ hasText: '1–2 / 2 documents' }).waitFor();

      await page.getByRole('button', { name: 'Back to local data' }).click();
      await page.getByRole('button', { name: 'Connect to a team server' }).waitFor();
      await ready();
      await page.getByTestId('shown').filter({ hasText: '0–0 / 0 documents' }).waitFor();
      assert.deepEqual(source.status(), { kind: 'local' });

      // The next time, the server is offered: picking it fills the form (the password is asked again).
      const kept = readFileSync(knownFile, 'utf8');
      assert.deepEqual(JSON.parse(kept), { version: 1, servers: [{ url: address, name: 'lan', caFile: cert }] });
      assert.ok(!kept.includes(TEAM_PASSWORD) && !/cookie|csrf|session/i.test(kept), kept);
      await page.getByRole('button', { name: 'Connect to a team server' }).click();
      const recent = dialog.getByTestId('recent-servers');
      await recent.waitFor();
      assert.deepEqual(await seriousViolations(page), []);
      await recent.getByRole('button', { name: `lan · ${address}` }).click();
      assert.equal(await dialog.getByLabel('Server address').inputValue(), address);
      assert.equal(await dialog.getByLabel('User name').inputValue(), 'lan');
      assert.equal(await dialog.getByLabel('Password').inputValue(), '');
      assert.equal(await dialog.getByTestId('ca-file').textContent(), cert);
      assert.equal(await dialog.getByLabel('Password').evaluate((el) => el === el.ownerDocument.activeElement), true);
      await recent.getByRole('button', { name: `Forget lan on ${address}` }).click();
      await recent.waitFor({ state: 'detached' });
      assert.deepEqual(JSON.parse(readFileSync(knownFile, 'utf8')).servers, []);
    } finally {
      await browser.close();
      await source.disconnect();
      offLocal();
      await pageHost.close();
      await local.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
