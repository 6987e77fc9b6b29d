// The team view in Chromium (issue 15): on a real `workbench serve --team`, two annotators finish their own lines of
// the same documents through the HTTP API; the admin's Team tab shows progress per annotator, the pair's agreement
// with the figures agreement.report gives, per label on demand, and the documents ranked by disagreement, each
// opening in the editor. An annotator has no Team tab. axe finds no serious violation in the view.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { logIn, member, startTeamServer } from './support/team-server.js';

const TEXTS = ['Bệnh nhân 91 ở Hà Nội.', 'Bà Hoa ở Huế bị sốt.', 'Ông Nam ở Vinh.'];

test(
  "team view: progress, agreement equal to agreement.report, disagreements open in the editor; not an annotator's",
  { skip: noChromium, timeout: 300_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-agree-'));
    const server = await startTeamServer(join(dir, 'data'), { hoa: 'annotator', lan: 'annotator', minh: 'admin' });
    const url = server.openUrl;
    // One browser per person: a context shares its cookies, so two logins there would be one session.
    const browser = await launchBrowser({ locale: 'en-US' });
    const adminBrowser = await launchBrowser({ locale: 'en-US' });
    try {
      const minh = await member(url, 'minh');
      const projectId = (await minh('projects.list', {}))[0].id;
      await minh('documents.import', {
        projectId,
        name: 'notes.txt',
        contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
        format: 'text',
        variant: 'lines',
      });
      const ids: number[] = (await minh('documents.list', { projectId })).items.map((d: { id: number }) => d.id);
      await minh('assignments.assign', {
        mode: 'list',
        projectId,
        annotators: ['hoa', 'lan'],
        documentIds: ids.slice(0, 2),
      });
      const work = {
        hoa: [[{ label: 'LOCATION', start: 15, end: 21 }], [{ label: 'LOCATION', start: 9, end: 12 }]],
        lan: [[{ label: 'LOCATION', start: 15, end: 21 }], [{ label: 'LOCATION', start: 6, end: 12 }]],
      };
      for (const [name, docs] of Object.entries(work)) {
        const who = await member(url, name);
        for (const [i, entities] of docs.entries()) {
          const doc = await who('documents.get', { documentId: ids[i] });
          await who('annotations.save', { documentId: ids[i], parentRevisionId: doc.revisionId, entities });
          await who('documents.setStatus', { documentId: ids[i], status: 'done' });
        }
      }
      const report = await minh('agreement.report', { projectId });
      const pair = report.pairs[0];

      const annotator = await logIn(browser.context, url, 'hoa');
      assert.equal(await annotator.getByRole('tab', { name: 'Team' }).count(), 0, 'no Team tab for an annotator');
      const admin = await logIn(adminBrowser.context, url, 'minh');
      await admin.getByRole('tab', { name: 'Team' }).click();
      const pairs = admin.getByTestId('agreement-pairs');
      await pairs.waitFor();
      const row = pairs.getByRole('row', { name: /hoa × lan/ });
      assert.deepEqual(await row.getByRole('cell').allTextContents(), [
        '2',
        pair.strictF1.toFixed(3),
        pair.overlapF1.toFixed(3),
        pair.kappa.toFixed(3),
      ]);
      assert.equal(pair.strictF1, 0.5, 'one of two locations matches exactly');
      assert.equal(pair.overlapF1, 1, 'the other overlaps');
      const progress = admin.getByTestId('team-progress');
      assert.deepEqual(await progress.getByRole('row', { name: /^hoa/ }).getByRole('cell').allTextContents(), [
        '2',
        '0',
        '2',
        '0',
      ]);
      await admin.locator('summary', { hasText: 'Per label: hoa × lan' }).click();
      assert.equal(
        await admin
          .getByRole('table', { name: 'Per label: hoa × lan' })
          .getByRole('row', { name: /LOCATION/ })
          .count(),
        1,
      );
      assert.deepEqual(await seriousViolations(admin), []);
      const worst = admin.getByTestId('disagreements').getByRole('button').first();
      assert.match((await worst.getAttribute('aria-label'))!, /^Open /);
      await worst.click();
      await admin.locator('main[data-view=editor]').waitFor();
    } finally {
      await browser.close();
      await adminBrowser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
