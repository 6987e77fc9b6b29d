// UI benchmark in Chromium against the browser host (playwright-core + Debian's chromium), numbers from the
// app's own performance marks:
//   editor:open    click -> data fetched -> rendered and painted, for a document of 1,000 sentences / 3,000 entities
//   editor:key     keydown -> state changed -> next paint, for caret moves and labelling keys
//   the same keystrokes while a pre-annotation job runs (the test engine, 20 ms per document)
// Run: npm run bench:ui   (writes the "UI" section of bench/RESULTS.md)
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/hosts/renderer-build.js';
import { openWorkspace } from '../main/hosts/workspace.js';
import { chromiumPath, launchBrowser } from '../test/e2e/support/browser.js';
import { lexiconEngine } from '../test/e2e/support/fixture.js';
import { repoRoot, startServer } from '../test/e2e/support/server.js';
import { DocumentsPage } from '../test/e2e/pages/documents-page.js';

const SENTENCES = 1000;
const PLACES = ['Đà Nẵng', 'Quảng Nam', 'Hà Nội', 'Huế', 'Cần Thơ', 'Hải Phòng'];

/** One long document: each sentence has an organisation with a location nested in it, and a date. */
function bigDocument(): { text: string; entities: { label: string; start: number; end: number }[] } {
  const lines: string[] = [];
  const entities: { label: string; start: number; end: number }[] = [];
  let offset = 0;
  for (let i = 0; i < SENTENCES; i++) {
    const place = PLACES[i % PLACES.length];
    const head = `Bệnh nhân số ${i + 1} được chuyển đến `;
    const org = `Bệnh viện Đa khoa ${place}`;
    const mid = ' ngày ';
    const date = `${(i % 28) + 1}/${(i % 12) + 1}`;
    const tail = ' vì sốt cao và ho kéo dài.';
    const at = offset + Array.from(head).length;
    entities.push({ label: 'ORGANIZATION', start: at, end: at + Array.from(org).length });
    const locAt = at + Array.from('Bệnh viện Đa khoa ').length;
    entities.push({ label: 'LOCATION', start: locAt, end: locAt + Array.from(place).length });
    const dateAt = at + Array.from(org + mid).length;
    entities.push({ label: 'DATE', start: dateAt, end: dateAt + Array.from(date).length });
    const line = head + org + mid + date + tail;
    lines.push(line);
    offset += Array.from(line).length + 1;
  }
  return { text: lines.join('\n'), entities };
}

async function seed(dataDir: string): Promise<void> {
  const ws = await openWorkspace(dataDir, { samples: false });
  const doc = bigDocument();
  ws.store.transaction(() => {
    const hash = (t: string) => createHash('sha256').update(t).digest('hex');
    const id = ws.store.documents.insert({ projectId: 1, name: 'lon-1000', text: doc.text, contentHash: hash(doc.text), source: 'bench', sourceRef: 'big', split: null, status: 'in_progress' });
    ws.store.revisions.append({ documentId: id, parentId: null, author: 'bench', entities: doc.entities });
    for (let i = 0; i < 200; i++) {
      const text = `Ca ${i}: bệnh nhân từ Hà Nội nhập viện ngày 12/3 vì sốt cao.`;
      ws.store.documents.insert({ projectId: 1, name: `ngan-${i}`, text, contentHash: hash(text), source: 'bench', sourceRef: `s${i}`, split: null, status: 'new' });
    }
  });
  ws.store.close();
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x: { n: number; median: number; p95: number; max: number }) => `median ${x.median.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms (n=${x.n})`;

async function measures(page: Page, name: string): Promise<number[]> {
  return page.evaluate(`performance.getEntriesByName(${JSON.stringify(name)}).map((e) => e.duration)`) as Promise<number[]>;
}

async function waitForMeasure(page: Page, name: string, count: number): Promise<void> {
  // A function, not a string: the page's CSP forbids eval.
  await page.waitForFunction(([n, c]) => performance.getEntriesByName(n as string).length >= (c as number), [name, count] as const);
}

async function typeKeys(page: Page, keys: string[]): Promise<void> {
  for (const key of keys) {
    const before = (await measures(page, 'editor:key')).length;
    await page.keyboard.press(key);
    await waitForMeasure(page, 'editor:key', before + 1);
  }
}

async function main(): Promise<void> {
  if (!chromiumPath()) throw new Error('Chromium not found (apt-get install -y chromium)');
  await ensureRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-bench-'));
  await seed(dataDir);
  process.env.WORKBENCH_TEST_ENGINE_DELAY_MS = '20';
  const server = await startServer(dataDir, { engineModule: lexiconEngine });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    // The browser's own input-to-next-paint timing (Event Timing API) for every keydown slower than 16 ms.
    await page.addInitScript(`window.__slowKeys = []; new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === 'keydown') window.__slowKeys.push(e.duration); }).observe({ type: 'event', durationThreshold: 16, buffered: true });`);
    await page.goto(server.openUrl);
    await page.locator('main[data-ready="true"]').waitFor();
    const docs = new DocumentsPage(page);

    const opens: number[] = [];
    const renders: number[] = [];
    for (let i = 0; i < 6; i++) {
      await docs.show();
      await docs.open('lon-1000');
      await waitForMeasure(page, 'editor:open', i + 1);
      opens.push((await measures(page, 'editor:open'))[i]);
      renders.push((await measures(page, 'editor:render'))[i]);
    }
    const marks = await page.getByRole('button', { name: /^(ORGANIZATION|LOCATION|DATE): / }).count();

    // Keystrokes: caret moves, extends and a labelling key (an edit: relayout + save) on the big document.
    await page.getByRole('application').focus();
    const keys = [...Array(30).fill('ArrowRight'), 'Shift+ArrowRight', '4', ...Array(20).fill('ArrowRight'), 'Shift+ArrowRight', '5', 'Control+z', 'Control+Shift+z'];
    await typeKeys(page, keys);
    const idle = await measures(page, 'editor:key');
    const work = await measures(page, 'editor:key:work');
    // Baseline: keys the editor ignores still wait for the next frame; this is the cost of the frame itself.
    const ignoredBefore = (await page.evaluate('window.__slowKeys.length')) as number;
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('x');
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    }
    const slowIgnored = ((await page.evaluate('window.__slowKeys.length')) as number) - ignoredBefore;
    const slowIdle = (await page.evaluate('window.__slowKeys.length')) as number;

    // The same while pre-annotation runs over 200 documents.
    await docs.show();
    await docs.preannotateAll();
    await docs.jobState('running');
    await docs.open('lon-1000');
    await page.getByRole('application').focus();
    const before = idle.length;
    await typeKeys(page, keys);
    const busyAll = await measures(page, 'editor:key');
    const busy = busyAll.slice(before);
    const slowBusy = ((await page.evaluate('window.__slowKeys.length')) as number) - slowIdle - slowIgnored;
    await docs.show();
    const during = await docs.jobState('running').catch(() => undefined);
    await docs.jobState('done');
    if (!during) console.warn('the job finished before the keystrokes ended; raise WORKBENCH_TEST_ENGINE_DELAY_MS');

    const lines = [
      '<!-- ui-bench:start -->',
      '## UI (browser host, Chromium)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:ui\` on this machine (2 shared cores, headless Chromium ${await browser.context.browser()?.version() ?? ''}, software rendering).`,
      '',
      `| what | result | target |`,
      `| --- | --- | --- |`,
      `| open a document of ${SENTENCES} sentences / ${bigDocument().entities.length} entities (${marks} span elements): click → data → painted | ${fmt(stats(opens))} | ≤ 300 ms |`,
      `| … of which rendering (data → painted) | ${fmt(stats(renders))} | |`,
      `| keystroke → repaint (caret moves, labelling, undo/redo) on that document | ${fmt(stats(idle))}; Event Timing: ${slowIdle} of ${idle.length} keydowns took ≥ 16 ms to the next paint | ≤ 16 ms |`,
      `| … of which the editor's work (keydown → DOM updated) | ${fmt(stats(work))} | |`,
      `| baseline: a key the editor ignores (Event Timing ≥ 16 ms) | ${slowIgnored} of 20 | |`,
      `| keystroke → repaint while pre-annotating 200 documents | ${fmt(stats(busy))}; Event Timing: ${slowBusy} of ${busy.length} ≥ 16 ms | responsive |`,
      '',
      'Open is the mean user-visible time from the click; the first open includes a cold page. Keystroke time is from',
      'keydown to the next animation frame after Svelte applied the change (performance marks `editor:key:*`).',
      '<!-- ui-bench:end -->',
    ];
    const section = lines.join('\n');
    console.log(section);
    const results = join(repoRoot, 'bench', 'RESULTS.md');
    const existing = existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmark results\n';
    const updated = /<!-- ui-bench:start -->[\s\S]*<!-- ui-bench:end -->/.test(existing)
      ? existing.replace(/<!-- ui-bench:start -->[\s\S]*<!-- ui-bench:end -->/, section)
      : `${existing.trimEnd()}\n\n${section}\n`;
    writeFileSync(results, updated);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
