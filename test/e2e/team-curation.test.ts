// Curation to gold in Chromium (issue 15's end-to-end check): on a real `workbench serve --team`, three browser
// contexts — two annotators and a curator. The annotators annotate the same assigned documents blind (partly through
// the HTTP API, one real edit each in the editor) and neither sees the other's spans; the curator sees their
// agreement in the Team tab, opens the Curation tab, sees both versions with the differences marked, builds the gold
// with the differences table's buttons (one click per disagreement; accepting a span replaces the other version of
// it), saves it, and the gold export (export.run lines 'gold') holds exactly the curated spans. axe finds no serious
// violation in the curation view.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser as PwBrowser, type Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';
import { seriousViolations } from './support/axe.js';
import { chromiumPath, noChromium } from './support/browser.js';
import { logIn, member, startTeamServer } from './support/team-server.js';

const TEXTS = [
  'Bệnh nhân 91 điều trị tại Bệnh viện Bạch Mai, Hà Nội, bị sốt cao.',
  'Bà Hoa ở thành phố Huế bị ho và sốt.',
];

/** A span of `text` by its phrase (first occurrence), in code points as the contract counts. */
function at(text: string, label: string, phrase: string, occurrence = 0) {
  let from = -1;
  for (let i = 0; i <= occurrence; i++) from = text.indexOf(phrase, from + 1);
  assert.ok(from >= 0, phrase);
  const start = Array.from(text.slice(0, from)).length;
  return { label, start, end: start + Array.from(phrase).length };
}

/** Logs `name` in, in a browser context of its own (its own cookies: its own session). */
async function logInAlone(browser: PwBrowser, url: string, name: string): Promise<Page> {
  return logIn(await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } }), url, name);
}

/** The spans a version (or the gold draft) draws, as "LABEL: text", sorted; `differs` marks a span not all have. */
async function drawn(section: ReturnType<Page['locator']>): Promise<string[]> {
  const names = await section
    .locator('mark[data-key] > .chip')
    .evaluateAll((chips) =>
      chips.map(
        (c) =>
          `${(c.getAttribute('aria-label') ?? '').split(' — ')[0]}${c.parentElement!.classList.contains('differs') ? ' ≠' : ''}`,
      ),
    );
  return names.sort();
}

test(
  'team curation: blind annotation by two annotators, agreement, curation to gold in one click per disagreement, gold export',
  { skip: noChromium, timeout: 420_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-curation-'));
    const data = join(dir, 'data');
    const server = await startTeamServer(data, { hoa: 'annotator', lan: 'annotator', mai: 'curator', minh: 'admin' });
    // One Chromium, three contexts: each context keeps its own cookies, so each person has their own session.
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const url = server.openUrl;
      const minh = await member(url, 'minh');
      const projectId = (await minh('projects.list', {}))[0].id;
      await minh('documents.import', {
        projectId,
        name: 'ca-benh.txt',
        contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
        format: 'text',
        variant: 'lines',
      });
      const docs: { id: number; name: string }[] = (await minh('documents.list', { projectId })).items;
      assert.equal(docs.length, 2);
      const [one, two] = docs.map((d) => d.id);
      const nameOf = (id: number) => docs.find((d) => d.id === id)!.name;
      await minh('assignments.assign', {
        mode: 'list',
        projectId,
        annotators: ['hoa', 'lan'],
        documentIds: [one, two],
      });

      // Most of the work through the API; each annotator's LOCATION "Hà Nội" is made in the editor below.
      const [t1, t2] = TEXTS;
      const work = {
        hoa: {
          [one]: [at(t1, 'ORGANIZATION', 'Bệnh viện Bạch Mai'), at(t1, 'SYMPTOM_AND_DISEASE', 'sốt cao')],
          [two]: [at(t2, 'LOCATION', 'thành phố Huế'), at(t2, 'SYMPTOM_AND_DISEASE', 'ho')],
        },
        lan: {
          [one]: [
            at(t1, 'PATIENT_ID', '91'),
            at(t1, 'LOCATION', 'Bệnh viện Bạch Mai'),
            at(t1, 'SYMPTOM_AND_DISEASE', 'sốt'),
          ],
          [two]: [at(t2, 'LOCATION', 'Huế'), at(t2, 'SYMPTOM_AND_DISEASE', 'ho'), at(t2, 'SYMPTOM_AND_DISEASE', 'sốt')],
        },
      };
      for (const [name, byDoc] of Object.entries(work)) {
        const who = await member(url, name);
        for (const id of [one, two]) {
          const doc = await who('documents.get', { documentId: id });
          await who('annotations.save', { documentId: id, parentRevisionId: doc.revisionId, entities: byDoc[id] });
        }
        await who('documents.setStatus', { documentId: two, status: 'done' });
      }

      // Blind annotation in the editor: each sees their own spans only, adds "Hà Nội" and finishes the document.
      const annotate = async (name: string, own: string[], others: string[]) => {
        const page = await logInAlone(browser, url, name);
        const ed = new EditorPage(page);
        await new DocumentsPage(page).open(nameOf(one));
        for (const span of own) await ed.span(span).waitFor();
        for (const span of others) assert.equal(await ed.span(span).count(), 0, `${name} must not see ${span}`);
        assert.equal(await ed.span('LOCATION: Hà Nội').count(), 0, `${name} must not see the other's Hà Nội`);
        await ed.dragSelect('Hà Nội');
        await ed.press('6');
        await ed.span('LOCATION: Hà Nội').waitFor();
        await ed.saved();
        await ed.button('Mark done').click();
        await page.locator('.editor[data-status="done"]').waitFor();
        assert.equal(await page.getByRole('tab', { name: 'Curation' }).count(), 0, 'no Curation tab for an annotator');
        return page;
      };
      await annotate(
        'hoa',
        ['ORGANIZATION: Bệnh viện Bạch Mai', 'SYMPTOM_AND_DISEASE: sốt cao'],
        ['PATIENT_ID: 91', 'LOCATION: Bệnh viện Bạch Mai', 'SYMPTOM_AND_DISEASE: sốt'],
      );
      await annotate(
        'lan',
        ['PATIENT_ID: 91', 'LOCATION: Bệnh viện Bạch Mai', 'SYMPTOM_AND_DISEASE: sốt'],
        ['ORGANIZATION: Bệnh viện Bạch Mai', 'SYMPTOM_AND_DISEASE: sốt cao'],
      );

      // The curator: agreement in the Team tab, as agreement.report gives it.
      const pair = (await minh('agreement.report', { projectId })).pairs[0];
      const curator = await logInAlone(browser, url, 'mai');
      await curator.getByRole('tab', { name: 'Team' }).click();
      const row = curator.getByTestId('agreement-pairs').getByRole('row', { name: /hoa × lan/ });
      await row.waitFor();
      assert.deepEqual(await row.getByRole('cell').allTextContents(), [
        '2',
        pair.strictF1.toFixed(3),
        pair.overlapF1.toFixed(3),
        pair.kappa.toFixed(3),
      ]);
      assert.ok(pair.strictF1 < 1);

      // Curation: the first document (most disagreement first), both versions with the differences marked.
      await curator.getByRole('tab', { name: 'Curation' }).click();
      const view = curator.getByTestId('curation-view');
      const list = view.getByRole('navigation', { name: /Documents to curate/ });
      await list.getByRole('button').first().waitFor();
      assert.equal(await list.getByRole('button').count(), 2);
      assert.equal(
        await list.getByRole('button').first().getAttribute('aria-label'),
        `Curate ${nameOf(one)}`,
        'the document with more disagreement first',
      );
      await list.getByRole('button', { name: `Curate ${nameOf(one)}` }).click();
      const version = (name: string) => view.locator(`[data-testid=version][data-annotator=${name}]`);
      await version('lan').waitFor();
      assert.deepEqual(await drawn(version('hoa')), [
        'LOCATION: Hà Nội',
        'ORGANIZATION: Bệnh viện Bạch Mai ≠',
        'SYMPTOM_AND_DISEASE: sốt cao ≠',
      ]);
      assert.deepEqual(await drawn(version('lan')), [
        'LOCATION: Bệnh viện Bạch Mai ≠',
        'LOCATION: Hà Nội',
        'PATIENT_ID: 91 ≠',
        'SYMPTOM_AND_DISEASE: sốt ≠',
      ]);
      // A differing span's chip says who has it.
      assert.equal(
        await version('hoa')
          .getByRole('button', { name: /^ORGANIZATION: Bệnh viện Bạch Mai — / })
          .getAttribute('aria-label'),
        "ORGANIZATION: Bệnh viện Bạch Mai — only in hoa's version",
      );
      // Clicking a differing span's chip in a version puts the keyboard on its row's button.
      await version('hoa')
        .getByRole('button', { name: /^ORGANIZATION: Bệnh viện Bạch Mai — / })
        .click();
      assert.equal(
        await curator.evaluate('document.activeElement?.getAttribute("aria-label")'),
        'Accept ORGANIZATION: Bệnh viện Bạch Mai into the gold',
      );
      const gold = view.getByTestId('gold-draft');
      const draft = async () => (await drawn(gold)).map((s) => s.replace(/ ≠$/, ''));
      // The draft starts from what both agree on.
      assert.deepEqual(await draft(), ['LOCATION: Hà Nội']);
      const table = view.getByRole('table', { name: 'Differences' });
      assert.equal(await table.locator('tbody tr').count(), 5);
      const relabel = table.getByRole('row', { name: /^ORGANIZATION: Bệnh viện Bạch Mai/ });
      assert.match(await relabel.innerText(), /lan labelled it LOCATION/);
      const accept = (span: string) => table.getByRole('button', { name: `Accept ${span} into the gold`, exact: true });
      const inGold = (span: string) =>
        table
          .getByRole('row', { name: new RegExp(`^${span.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) })
          .getByRole('cell')
          .nth(2);

      // One click per disagreement: lan's "sốt" in, then hoa's "sốt cao" replaces it (the boundary), ...
      await accept('SYMPTOM_AND_DISEASE: sốt').click();
      await view.getByRole('status').filter({ hasText: 'Unsaved changes.' }).waitFor();
      assert.deepEqual(await draft(), ['LOCATION: Hà Nội', 'SYMPTOM_AND_DISEASE: sốt']);
      await accept('SYMPTOM_AND_DISEASE: sốt cao').click();
      assert.deepEqual(await draft(), ['LOCATION: Hà Nội', 'SYMPTOM_AND_DISEASE: sốt cao']);
      assert.equal(await inGold('SYMPTOM_AND_DISEASE: sốt cao').innerText(), 'Yes');
      // ... hoa's ORGANIZATION over lan's LOCATION of the same words (the label), lan's patient id (only in one).
      await accept('ORGANIZATION: Bệnh viện Bạch Mai').click();
      await accept('PATIENT_ID: 91').click();
      const gold1 = [
        'LOCATION: Hà Nội',
        'ORGANIZATION: Bệnh viện Bạch Mai',
        'PATIENT_ID: 91',
        'SYMPTOM_AND_DISEASE: sốt cao',
      ];
      assert.deepEqual(await draft(), gold1);
      assert.equal(await inGold('LOCATION: Bệnh viện Bạch Mai').innerText(), 'No');
      // Remove takes a span back out, Accept puts it back: still one click each.
      await table.getByRole('button', { name: 'Remove PATIENT_ID: 91 from the gold' }).click();
      assert.deepEqual(
        await draft(),
        gold1.filter((s) => !s.startsWith('PATIENT_ID')),
      );
      await accept('PATIENT_ID: 91').click();
      assert.deepEqual(await draft(), gold1);

      assert.deepEqual(await seriousViolations(curator), []);

      await gold.getByRole('button', { name: 'Save as gold' }).click();
      await gold.getByText('Saved gold: revision').waitFor();
      assert.match(await gold.locator('.meta').innerText(), /by mai\.$/);
      assert.equal(await view.getByRole('status').filter({ hasText: 'Unsaved changes.' }).count(), 0);
      assert.deepEqual(await draft(), gold1);

      // The second document: hoa's "thành phố Huế" and lan's "Huế" are a boundary difference to the matching; the
      // gold keeps both, nested, in one click.
      await list.getByRole('button', { name: `Curate ${nameOf(two)}` }).click();
      await view.getByRole('heading', { name: nameOf(two), exact: true }).waitFor();
      assert.deepEqual(await draft(), ['SYMPTOM_AND_DISEASE: ho']);
      // A whole version taken, then one of the other's spans accepted over its counterpart; reset goes back.
      await view.getByRole('button', { name: "Take lan's whole version as gold" }).click();
      assert.deepEqual(await draft(), ['LOCATION: Huế', 'SYMPTOM_AND_DISEASE: ho', 'SYMPTOM_AND_DISEASE: sốt']);
      await accept('LOCATION: thành phố Huế').click();
      assert.deepEqual(await draft(), [
        'LOCATION: thành phố Huế',
        'SYMPTOM_AND_DISEASE: ho',
        'SYMPTOM_AND_DISEASE: sốt',
      ]);
      await gold.getByRole('button', { name: 'Reset the draft' }).click();
      assert.deepEqual(await draft(), ['SYMPTOM_AND_DISEASE: ho']);
      await table
        .getByRole('button', {
          name: 'Accept both: LOCATION: thành phố Huế and LOCATION: Huế, nested, into the gold',
          exact: true,
        })
        .click();
      const gold2 = ['LOCATION: Huế', 'LOCATION: thành phố Huế', 'SYMPTOM_AND_DISEASE: ho'];
      assert.deepEqual(await draft(), gold2);
      // An unsaved draft survives going to another document and another tab and back.
      await list.getByRole('button', { name: `Curate ${nameOf(one)}` }).click();
      await view.getByRole('heading', { name: nameOf(one), exact: true }).waitFor();
      assert.deepEqual(await draft(), gold1);
      await curator.getByRole('tab', { name: 'Team' }).click();
      await curator.getByRole('tab', { name: 'Curation' }).click();
      await list.getByRole('button', { name: `Curate ${nameOf(two)}` }).click();
      await view.getByRole('heading', { name: nameOf(two), exact: true }).waitFor();
      assert.deepEqual(await draft(), gold2);
      await curator.getByRole('tab', { name: 'Team' }).click();
      await curator.getByRole('tab', { name: 'Curation' }).click();
      // The view reopens its document on mount: wait for that reading to end before looking at the draft.
      await curator.locator('[data-testid=curation-view]:not([aria-busy="true"])').waitFor();
      await view.getByRole('status').filter({ hasText: 'Unsaved changes.' }).waitFor();
      assert.deepEqual(await draft(), gold2);
      assert.deepEqual(await seriousViolations(curator), []);
      await gold.getByRole('button', { name: 'Save as gold' }).click();
      await gold.getByText('Saved gold: revision').waitFor();
      // The saved gold opens in the editor.
      await gold.getByRole('button', { name: 'Edit the gold in the editor' }).click();
      await curator.locator('main[data-view=editor]').waitFor();
      const ed = new EditorPage(curator);
      for (const span of gold2) await ed.span(span).waitFor();

      // The gold export holds exactly the curated spans.
      const out = join(dir, 'gold.jsonl');
      const summary = await minh('export.run', {
        projectId,
        format: 'doccano',
        scope: 'all',
        lines: 'gold',
        goldOnly: true,
        destination: out,
      });
      assert.equal(summary.docs, 2);
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; label: [number, number, string][] });
      const exported = (text: string) => {
        const row = rows.find((r) => r.text === text)!;
        const cps = Array.from(text);
        return row.label.map(([a, b, l]) => `${l}: ${cps.slice(a, b).join('')}`).sort();
      };
      assert.deepEqual(exported(t1), gold1);
      assert.deepEqual(exported(t2), gold2);
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
