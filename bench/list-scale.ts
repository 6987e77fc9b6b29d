// The document list at a million documents (issue #11, "Scale"): builds a project of N synthetic documents (a third
// done with one entity, a third pre-annotated with a scored suggestion) straight in SQL, as a database from before
// migration 0006 would be (every summary stale), then opens it as the browser host does and measures: the first
// list page, pages deep in the list (by seek, as the UI pages, and by offset), filters, progress, and
// the latency of a cheap call (app.info, every 5 ms) while the summaries are built in the background. No real data.
//   node --import tsx bench/list-scale.ts [documents=1000000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openWorkspace } from '../main/hosts/workspace.js';
import { unavailableEngine } from '../main/services/engine-port.js';
import { WorkbenchService } from '../main/services/workbench-service.js';

const count = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'wb-scale-'));

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const seedSpace = await openWorkspace(dir, { samples: false });
  const db = seedSpace.store.db;
  const t0 = performance.now();
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO documents (project_id, name, text, content_hash, source, source_ref, status, summary_stale)
    SELECT 1, 'd' || i, 'Bệnh nhân ' || i || ' ở Hà Nội, sốt cao và ho khan từ ngày ' || (i % 28 + 1) || '/7.', printf('%064d', i), 'gen.jsonl', 'd' || i,
           CASE i % 3 WHEN 0 THEN 'done' WHEN 1 THEN 'new' ELSE 'pre-annotated' END, 1
    FROM n;
    INSERT INTO annotation_revisions (document_id, revision, author, spans, entity_count)
      SELECT id, 1, 'gen', '[{"label":"LOCATION","start":' || (length(name) + 11) || ',"end":' || (length(name) + 17) || '}]', 1 FROM documents WHERE status = 'done';
    INSERT INTO suggestions (id, document_id, model_name, model_version) SELECT id, id, 'gen', '1' FROM documents WHERE status = 'pre-annotated';
    INSERT INTO suggested_spans (suggestion_id, label, start, end, score) SELECT s.id, 'SYMPTOM_AND_DISEASE', 0, 9, (s.id % 100) / 100.0 FROM suggestions s;
  `);
  console.log(`built ${count} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  seedSpace.store.close();

  // Open as the host does, then measure.
  const opened = performance.now();
  const workspace = await openWorkspace(dir, { samples: false });
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: dir,
    host: 'browser',
    engine: unavailableEngine,
    version: 'bench',
  });
  console.log(`open ${ms(performance.now() - opened)}`);
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await fn();
    console.log(`${what.padEnd(44)} ${ms(performance.now() - start)}`);
    return out;
  };

  // A cheap call every 5 ms while the background work runs: its latency, measured from when it was due.
  const lags: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const due = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const start = performance.now();
      await service['app.info']();
      lags.push(performance.now() - start + Math.max(0, start - due - 5));
    }
  })();

  const first = await timed('first list page (100)', () => service['documents.list']({ projectId: 1, limit: 100 }));
  console.log(`  total ${first.total}, first id ${first.items[0]?.id}`);
  await timed('next page after the middle document', () =>
    service['documents.list']({ projectId: 1, after: Math.floor(count / 2), limit: 100 }),
  );
  await timed('last page (after the 100th from the end)', () =>
    service['documents.list']({ projectId: 1, after: count - 99, limit: 100 }),
  );
  await timed('previous page before the last document', () =>
    service['documents.list']({ projectId: 1, before: count, limit: 100 }),
  );
  await timed('status done, page after the middle', () =>
    service['documents.list']({ projectId: 1, status: 'done', after: Math.floor(count / 2), limit: 100 }),
  );
  await timed('page at offset (half the project)', () =>
    service['documents.list']({ projectId: 1, offset: Math.floor(count / 2), limit: 100 }),
  );
  await timed('uncertainty order, first page', () =>
    service['documents.list']({ projectId: 1, sort: 'uncertainty', limit: 100 }),
  );
  await timed('uncertainty order, page at 30 %', () =>
    service['documents.list']({ projectId: 1, sort: 'uncertainty', offset: Math.floor((count * 3) / 10), limit: 100 }),
  );
  await timed('label filter, first page', () =>
    service['documents.list']({ projectId: 1, label: 'LOCATION', limit: 100 }),
  );
  await timed('text search, first page', () =>
    service['documents.list']({ projectId: 1, text: 'bệnh nhân 99999 ', limit: 100 }),
  );
  await timed('progress', () => service['documents.progress']({ projectId: 1 }));
  await timed('adjacent (next after the middle)', () =>
    service['documents.adjacent']({ projectId: 1, documentId: Math.floor(count / 2), direction: 'next' }),
  );

  const background = performance.now();
  await service.index.summariseStale();
  console.log(`background summaries done after ${((performance.now() - background) / 1000).toFixed(1)} s more`);
  probing = false;
  await probe;
  console.log(
    `cheap call (app.info) during the background work: n=${lags.length} p50 ${ms(percentile(lags, 50))} p99 ${ms(percentile(lags, 99))} max ${ms(Math.max(...lags))}`,
  );
  await timed('first list page, summaries built', () => service['documents.list']({ projectId: 1, limit: 100 }));
  await timed('last page, summaries built', () =>
    service['documents.list']({ projectId: 1, after: count - 99, limit: 100 }),
  );
  await timed('uncertainty order, page at 90 % by offset', () =>
    service['documents.list']({ projectId: 1, sort: 'uncertainty', offset: Math.floor(count * 0.9), limit: 100 }),
  );
  const deep = (await service['documents.list']({ projectId: 1, sort: 'uncertainty', offset: count - 201, limit: 1 }))
    .items[0].id;
  await timed('uncertainty order, last page by seek', () =>
    service['documents.list']({ projectId: 1, sort: 'uncertainty', after: deep, limit: 100 }),
  );
  await timed('uncertainty order, page before it by seek', () =>
    service['documents.list']({ projectId: 1, sort: 'uncertainty', before: deep, limit: 100 }),
  );
  const progress = await timed('progress, totals built', () => service['documents.progress']({ projectId: 1 }));
  console.log(`  ${JSON.stringify(progress)}`);
  await service.close();
  workspace.store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
