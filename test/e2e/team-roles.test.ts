// The UI knows the caller's role on a team server (issue 15): in Chromium, an annotator and an admin logged in side
// by side (two browser contexts) on a real `workbench serve --team`. What the annotator's role may not call (per
// core/contract/roles.ts) is disabled and says why on hover and to screen readers, in the UI's language; the admin
// gets the same controls enabled, without the explanation.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { LabelsPage } from './pages/labels-page.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { logIn, startTeamServer } from './support/team-server.js';

/** The control's state as the user meets it: enabled or not, and the explanation on hover and for screen readers. */
async function offered(
  control: Locator,
): Promise<{ disabled: boolean; title: string | null; description: string | null }> {
  return {
    disabled: await control.isDisabled(),
    title: await control.getAttribute('title'),
    description: await control.getAttribute('aria-description'),
  };
}

const allowed = { disabled: false, title: null, description: null };
const refused = (text: string) => ({ disabled: true, title: text, description: text });

test(
  "team server: an annotator's refused controls are disabled with the reason; an admin's are enabled",
  { skip: noChromium, timeout: 240_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-roles-'));
    // Team mode on loopback without TLS (allowed there, with a warning): the roles are what this test is about.
    const server = await startTeamServer(join(dir, 'data'), { lan: 'annotator', minh: 'admin' });
    const url = server.openUrl;
    const annotatorBrowser = await launchBrowser({ locale: 'en-US' });
    const adminBrowser = await launchBrowser({ locale: 'en-US' });
    try {
      const lan = await logIn(annotatorBrowser.context, url, 'lan');
      const minh = await logIn(adminBrowser.context, url, 'minh');
      const needsAdmin = refused('Needs the admin role (you are annotator).');
      const needsCurator = refused('Needs the curator role (you are annotator).');

      const controls = async (page: Page) => {
        const labels = new LabelsPage(page);
        await labels.show();
        const row = labels.row('LOCATION');
        return {
          export: await offered(page.locator('header .export-open')),
          import: await offered(page.locator('.import input[type=file]')),
          preannotate: await offered(page.locator('section.preannotate button.primary')),
          deleteLabel: await offered(row.getByRole('button', { name: 'Delete LOCATION', exact: true })),
          renameLabel: await offered(row.getByRole('button', { name: 'Rename LOCATION', exact: true })),
          recolour: await offered(row.locator('input[type=color]')),
          addLabelName: await offered(labels.panel.getByRole('textbox', { name: 'New label name' })),
        };
      };
      assert.deepEqual(await controls(lan), {
        export: needsAdmin,
        import: needsCurator,
        preannotate: needsCurator,
        deleteLabel: needsAdmin,
        renameLabel: needsAdmin,
        recolour: needsCurator,
        addLabelName: needsCurator,
      });
      const admin = await controls(minh);
      assert.deepEqual(admin, {
        export: allowed,
        import: allowed,
        preannotate: allowed,
        deleteLabel: allowed,
        renameLabel: allowed,
        recolour: allowed,
        addLabelName: allowed,
      });
      // The import's visible button (a label around the file input) carries the reason too, for the mouse.
      assert.equal(await lan.locator('.import label.button').getAttribute('title'), needsCurator.title);

      // Models: training and restoring a version are the admin's.
      await lan.getByRole('tab', { name: 'Models' }).click();
      await minh.getByRole('tab', { name: 'Models' }).click();
      const train = (page: Page) => page.getByRole('button', { name: 'Train a model for this project' });
      await train(lan).waitFor();
      await train(minh).waitFor();
      assert.deepEqual(await offered(train(lan)), needsAdmin);
      assert.equal(await train(minh).getAttribute('aria-description'), null);

      // In Vietnamese the reason is Vietnamese.
      await lan.getByLabel('Language').selectOption('vi');
      assert.equal(
        await lan.getByRole('button', { name: /Train a model for this project/ }).getAttribute('title'),
        'Cần vai trò quản trị viên (bạn đang là người gán nhãn).',
      );
    } finally {
      await annotatorBrowser.close();
      await adminBrowser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
