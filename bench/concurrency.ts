// Concurrency during a big import (issue #11, point 1): while the browser host imports a ~50 MB PhoNER file sent
// through `documents.import` (as the UI sends it), other callers edit, change statuses, pre-annotate, export and
// import. Each scenario runs once during a FAILING import (its last line is broken, so nothing may be added) and once
// during a SUCCEEDING one, each on a fresh data folder. Counted:
//   - acknowledged writes lost (every acknowledged revision and status is checked in the database afterwards);
//   - phantom documents: a `documents.list` total larger than the documents committed right after it answered;
//   - a job's reported spans or documents that the database does not hold (checked at every poll and at the end;
//     the job's suggestions are those with a registry model id: lexicon and imported ones have none);
//   - exported records that are not committed (the failing file's records, which never may be; any record missing
//     from the database afterwards);
//   - HTTP 500s of any call;
// and the latency of cheap calls (`app.info`, `projects.list`, one every 20 ms from a worker thread, so this
// process's own work never delays them) over the big import: p50 / p99 / max (target p99 ≤ 100 ms).
// Exits 1 on any lost write, phantom, uncommitted export record, job mismatch or 500. Not a test.
//   node --import tsx bench/concurrency.ts [--mb 50] [--seed 1] [--scenarios edit,status,job,export,import2,all] [--kinds failing,succeeding] [--keep]
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  flag,
  Host,
  LABELS,
  machine,
  openReadOnly,
  option,
  percentile,
  pick,
  realPhoner,
  rng,
  sleep,
  table,
  writePhoner,
  type CallResult,
} from './safety-kit.js';

const megabytes = Number(option('mb', '50'));
const seed = Number(option('seed', '1'));
const scenarios = option('scenarios', 'edit,status,job,export,import2,all').split(',') as Scenario[];
const keep = flag('keep');
type Scenario = 'edit' | 'status' | 'job' | 'export' | 'import2' | 'all';
type Kind = 'failing' | 'succeeding';

const work = mkdtempSync('/tmp/wb-concurrency-');
console.log(`concurrency: ${megabytes} MB imports, scenarios ${scenarios.join(', ')}, seed ${seed}, work ${work}`);
console.log(`machine: ${machine()}`);

// ---------------------------------------------------------------------------------------------------------------
// Inputs

const started = performance.now();
const bigFiles: Record<Kind, { path: string; lines: number; bytes: number; prefix: string }> = {
  failing: {
    ...(await writePhoner(join(work, 'big-failing_syllable.jsonl'), {
      bytes: megabytes * 1e6,
      seed,
      prefix: 'F',
      brokenLastLine: true,
    })),
    prefix: 'F',
  },
  succeeding: {
    ...(await writePhoner(join(work, 'big-succeeding_syllable.jsonl'), {
      bytes: megabytes * 1e6,
      seed: seed + 1,
      prefix: 'S',
    })),
    prefix: 'S',
  },
};
const second = await writePhoner(join(work, 'second_syllable.jsonl'), { bytes: 2e6, seed: seed + 2, prefix: 'T' });
const baselinePath =
  realPhoner('dev_syllable.jsonl') ??
  (await writePhoner(join(work, 'baseline_syllable.jsonl'), { bytes: 1.2e6, seed: seed + 3, prefix: 'B' })).path;
console.log(
  `inputs written in ${((performance.now() - started) / 1000).toFixed(0)} s: failing ${bigFiles.failing.lines} lines (${(bigFiles.failing.bytes / 1e6).toFixed(0)} MB, last one broken), succeeding ${bigFiles.succeeding.lines} lines, second import ${second.lines} lines; baseline ${baselinePath}`,
);

// The request bodies, built once before any timing starts (a 67 MB JSON string takes this process a while).
function importBody(projectId: number, name: string, path: string): string {
  const bytes = readFileSync(path);
  return Host.importField === 'contentBase64'
    ? JSON.stringify({ projectId, name, format: 'phoner', contentBase64: bytes.toString('base64') })
    : JSON.stringify({ projectId, name, format: 'phoner', content: bytes.toString('utf8') });
}

// ---------------------------------------------------------------------------------------------------------------
// The latency probe: a worker thread with its own event loop, calling two cheap methods every 20 ms each.

const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, token } = workerData;
let stop = false;
parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
const now = () => performance.timeOrigin + performance.now();
async function loop(method, out) {
  while (!stop) {
    const t0 = now();
    let status = 0;
    try {
      const r = await fetch(url + 'api/call/' + method, { method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: '{}' });
      await r.text();
      status = r.status;
    } catch {}
    out.push([t0, now() - t0, status]);
    const wait = 20 - (now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
const info = [], projects = [];
Promise.all([loop('app.info', info), loop('projects.list', projects)]).then(() => parentPort.postMessage({ info, projects }));
`;

type Sample = [at: number, ms: number, status: number];

function startProbe(host: Host): { stop(): Promise<{ info: Sample[]; projects: Sample[] }> } {
  const worker = new Worker(PROBE, { eval: true, workerData: { url: host.url, token: host.token } });
  const result = new Promise<{ info: Sample[]; projects: Sample[] }>((done) => worker.once('message', done));
  return {
    async stop() {
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}
const wallNow = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------------------
// One scenario

interface Outcome {
  kind: Kind;
  scenario: Scenario;
  importStatus: string;
  importSeconds: number;
  acked: number;
  lost: number;
  phantoms: number;
  maxPhantom: number;
  http500: number;
  exportNote: string;
  exportUncommitted: number;
  jobNote: string;
  jobMismatch: number;
  secondNote: string;
  latency: { info: number[]; projects: number[] };
  /** Both probes before the import started (the machine's own noise). */
  idle: number[];
  /** When the slowest probe call started, counted from the import's start. */
  worstAt: string;
  failures: string[];
}

async function runScenario(kind: Kind, scenario: Scenario): Promise<Outcome> {
  const dir = join(work, `${kind}-${scenario}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const { host } = await Host.start({ dataDir, logFile: join(dir, 'server.log') });
  const failures: string[] = [];
  const out: Outcome = {
    kind,
    scenario,
    importStatus: '',
    importSeconds: 0,
    acked: 0,
    lost: 0,
    phantoms: 0,
    maxPhantom: 0,
    http500: 0,
    exportNote: '-',
    exportUncommitted: 0,
    jobNote: '-',
    jobMismatch: 0,
    secondNote: '-',
    latency: { info: [], projects: [] },
    idle: [],
    worstAt: '-',
    failures,
  };
  const random = rng(seed * 7919 + scenarios.indexOf(scenario) * 31 + (kind === 'failing' ? 1 : 2));
  const count = (method: string, r: CallResult): CallResult => {
    if (r.status >= 500) {
      out.http500++;
      failures.push(`${method}: HTTP ${r.status} ${r.ok ? '' : `${r.code} ${r.message.slice(0, 200)}`}`);
    }
    return r;
  };
  const call = async (method: string, params: unknown) => count(method, await host.call(method, params));
  const db = () => openReadOnly(dataDir);

  try {
    const projectId: number = (await host.must('projects.list'))[0].id;
    // The baseline the editors work on (a real PhoNER file when ../shared/data has it).
    const base = count(
      'documents.import',
      await host.importFile(
        { projectId, name: 'baseline_syllable.jsonl', format: 'phoner' },
        readFileSync(baselinePath),
      ),
    );
    if (!base.ok) throw new Error(`baseline import failed: ${base.status} ${base.message}`);
    const baseline: number[] = (await host.must('documents.list', { projectId, limit: 5000 })).items.map(
      (d: { id: number }) => d.id,
    );
    const big = bigFiles[kind];
    const bigName = `big-${kind}_syllable.jsonl`;
    const body = importBody(projectId, bigName, big.path);

    const acked = {
      revisions: new Map<number, { docId: number; entities: string }>(),
      statuses: new Map<number, string>(),
      latestRevision: new Map<number, number>(),
    };
    const canon = (spans: { label: string; start: number; end: number }[]) =>
      JSON.stringify(spans.map((s) => [s.label, s.start, s.end]).sort());
    const busy = new Set<number>();
    let importDone = false;

    const stateOfBig = (): string | undefined => {
      const d = db();
      try {
        return (d.prepare('SELECT state FROM imports WHERE source = ?').get(bigName) as { state: string } | undefined)
          ?.state;
      } finally {
        d.close();
      }
    };

    // What runs beside the import.
    const editor = async () => {
      while (!importDone) {
        const id = pick(
          random,
          baseline.filter((d) => !busy.has(d)),
        );
        busy.add(id);
        try {
          const got = await call('documents.get', { documentId: id });
          if (!got.ok) continue;
          const length = [...(got.result.text as string)].length;
          const spans = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
            const start = Math.floor(random() * (length - 1));
            return { label: pick(random, LABELS), start, end: Math.min(length, start + 1 + Math.floor(random() * 8)) };
          });
          const r = await call('annotations.save', {
            documentId: id,
            parentRevisionId: got.result.revisionId,
            entities: spans,
            note: 'concurrency',
          });
          if (r.ok) {
            out.acked++;
            acked.revisions.set(r.result.revisionId, { docId: id, entities: canon(spans) });
            acked.latestRevision.set(id, r.result.revisionId);
            acked.statuses.set(id, r.result.status);
          } else failures.push(`annotations.save refused: ${r.status} ${r.message.slice(0, 160)}`);
        } finally {
          busy.delete(id);
        }
        await sleep(50);
      }
    };
    const statusChanger = async () => {
      while (!importDone) {
        const id = pick(
          random,
          baseline.filter((d) => !busy.has(d)),
        );
        busy.add(id);
        try {
          const status = pick(random, ['in_progress', 'done', 'reviewed', 'skipped']);
          const r = await call('documents.setStatus', { documentId: id, status });
          if (r.ok) {
            out.acked++;
            acked.statuses.set(id, status);
          } else failures.push(`documents.setStatus refused: ${r.status} ${r.message.slice(0, 160)}`);
        } finally {
          busy.delete(id);
        }
        await sleep(50);
      }
    };
    const jobRunner = async () => {
      // One job over every baseline document, started once the import is under way; polled as the UI polls.
      const r = await call('preannotate.start', {
        projectId,
        scope: 'selected',
        documentIds: baseline,
        model: { kind: 'embedded' },
      });
      if (!r.ok) {
        failures.push(`preannotate.start refused: ${r.status} ${r.message.slice(0, 160)}`);
        return;
      }
      out.acked++;
      const jobId = r.result.id as string;
      let last = { done: 0, spans: 0, state: 'running' };
      let checks = 0;
      for (;;) {
        const jobs = await call('jobs.list', {});
        if (!jobs.ok) break;
        const job = (jobs.result as { id: string; done: number; spans: number; state: string }[]).find(
          (j) => j.id === jobId,
        );
        if (!job) break;
        last = job;
        const d = db();
        try {
          const stored = d
            .prepare(
              'SELECT count(*) AS runs, (SELECT count(*) FROM suggested_spans ss JOIN suggestions s ON s.id = ss.suggestion_id WHERE s.model_id IS NOT NULL) AS spans FROM suggestions WHERE model_id IS NOT NULL',
            )
            .get() as { runs: number; spans: number };
          checks++;
          if (stored.spans < job.spans || stored.runs < job.done) {
            out.jobMismatch++;
            failures.push(
              `job reported ${job.done} documents / ${job.spans} spans; the database held ${stored.runs} / ${stored.spans} right after`,
            );
          }
        } finally {
          d.close();
        }
        if (job.state !== 'running') break;
        await sleep(200);
      }
      // Wait for the import too, then compare the final report with what is committed.
      while (!importDone) await sleep(100);
      const d = db();
      try {
        const stored = d
          .prepare(
            'SELECT count(*) AS runs, (SELECT count(*) FROM suggested_spans ss JOIN suggestions s ON s.id = ss.suggestion_id WHERE s.model_id IS NOT NULL) AS spans FROM suggestions WHERE model_id IS NOT NULL',
          )
          .get() as { runs: number; spans: number };
        if (stored.spans !== last.spans || stored.runs !== last.done) {
          out.jobMismatch++;
          failures.push(
            `job ended ${last.state} reporting ${last.done} documents / ${last.spans} spans; the database holds ${stored.runs} / ${stored.spans}`,
          );
        }
        out.jobNote = `${last.state} ${last.done}/${baseline.length} docs, ${last.spans} spans reported = ${stored.spans} stored (${checks} polls checked)`;
      } finally {
        d.close();
      }
    };
    const exports: { path: string; docs: number; committedAfter: number }[] = [];
    const exporter = async () => {
      while (!importDone) {
        const r = await call('export.run', { projectId, format: 'phoner', scope: 'all' });
        if (r.ok) {
          const d = db();
          try {
            const committedAfter = (
              d.prepare('SELECT count(*) AS n FROM documents WHERE project_id = ?').get(projectId) as { n: number }
            ).n;
            exports.push({ path: r.result.destination, docs: r.result.docs, committedAfter });
          } finally {
            d.close();
          }
        } else failures.push(`export.run refused: ${r.status} ${r.message.slice(0, 160)}`);
        await sleep(100);
      }
    };
    const seconds: string[] = [];
    const secondImports: { name: string; r: CallResult }[] = [];
    const secondImporter = async () => {
      // One while the big import stages, one while it publishes (a failing import never publishes).
      for (const wanted of ['staging', 'publishing']) {
        while (!importDone && stateOfBig() !== wanted) await sleep(50);
        if (importDone) break;
        const name = `second-${wanted}_syllable.jsonl`;
        const r = count(
          'documents.import',
          await host.importFile({ projectId, name, format: 'phoner' }, readFileSync(second.path)),
        );
        secondImports.push({ name, r });
        seconds.push(`${wanted}: ${r.ok ? `200 (${r.result.imported} imported)` : `${r.status} ${r.code}`}`);
        if (r.ok) out.acked++;
      }
    };

    // Phantom watch: the list's total never exceeds the documents committed right after it answered.
    const listWatch = async () => {
      while (!importDone) {
        const r = await call('documents.list', { projectId, limit: 1 });
        if (r.ok) {
          const d = db();
          try {
            const committed = (
              d.prepare('SELECT count(*) AS n FROM documents WHERE project_id = ?').get(projectId) as { n: number }
            ).n;
            if (r.result.total > committed) {
              out.phantoms++;
              out.maxPhantom = Math.max(out.maxPhantom, r.result.total - committed);
            }
          } finally {
            d.close();
          }
        }
        await sleep(100);
      }
    };

    // The big import, and beside it the scenario.
    const probe = startProbe(host);
    // Five seconds of the probe alone first: what the cheap calls take on this machine without the import (other
    // work on a shared machine shows here, not in the import's figures).
    const idleStart = wallNow();
    await sleep(5000);
    const importStart = wallNow();
    const bigCall = (async () => {
      const r = await host.callRaw('documents.import', body, 1_800_000);
      importDone = true;
      return r;
    })();
    // The scenario starts once the server has the file and is staging it (before that only the upload runs).
    while (!importDone && stateOfBig() === undefined) await sleep(20);
    const tasks: Promise<unknown>[] = [listWatch()];
    const on = (s: Scenario) => scenario === s || scenario === 'all';
    if (on('edit')) tasks.push(editor());
    if (on('status')) tasks.push(statusChanger());
    if (on('job')) tasks.push(jobRunner());
    if (on('export')) tasks.push(exporter());
    if (on('import2')) tasks.push(secondImporter());
    const bigResult = count('documents.import', await bigCall);
    const importEnd = wallNow();
    await Promise.all(tasks);
    const samples = await probe.stop();
    out.importSeconds = (importEnd - importStart) / 1000;
    out.importStatus = bigResult.ok
      ? `200, ${bigResult.result.imported} imported`
      : `${bigResult.status} ${bigResult.code}`;
    if (kind === 'failing' && (bigResult.ok || bigResult.status !== 400))
      failures.push(
        `the failing import answered ${bigResult.status} ${bigResult.ok ? '' : bigResult.message.slice(0, 200)}`,
      );
    if (kind === 'failing' && !bigResult.ok && !/:\d+/.test(bigResult.message))
      failures.push(`the failing import's refusal names no line: ${bigResult.message.slice(0, 200)}`);
    if (kind === 'succeeding' && !bigResult.ok)
      failures.push(`the succeeding import failed: ${bigResult.status} ${bigResult.message.slice(0, 300)}`);
    const during = (list: Sample[]) => list.filter(([at]) => at >= importStart && at <= importEnd).map(([, ms]) => ms);
    out.latency = { info: during(samples.info), projects: during(samples.projects) };
    const worst = [...samples.info, ...samples.projects]
      .filter(([at]) => at >= importStart && at <= importEnd)
      .sort((a, b) => b[1] - a[1])[0];
    if (worst)
      out.worstAt = `${((worst[0] - importStart) / 1000).toFixed(1)} s of ${((importEnd - importStart) / 1000).toFixed(1)} s`;
    out.idle = [...samples.info, ...samples.projects]
      .filter(([at]) => at >= idleStart + 300 && at < importStart)
      .map(([, ms]) => ms);
    for (const [, ms, status] of [...samples.info, ...samples.projects])
      if (status !== 200) failures.push(`probe call answered ${status} after ${ms.toFixed(0)} ms`);

    // What the database holds now.
    const d = db();
    try {
      const bigDocs = (d.prepare('SELECT count(*) AS n FROM documents WHERE source = ?').get(bigName) as { n: number })
        .n;
      if (kind === 'failing' && bigDocs !== 0) failures.push(`${bigDocs} documents of the failing import exist`);
      if (kind === 'succeeding' && bigDocs !== big.lines)
        failures.push(`the succeeding import has ${bigDocs} of ${big.lines} documents`);
      const left = d
        .prepare('SELECT (SELECT count(*) FROM imports) AS imports, (SELECT count(*) FROM staged_records) AS staged')
        .get() as { imports: number; staged: number };
      if (left.imports + left.staged > 0)
        failures.push(`left behind: ${left.imports} imports, ${left.staged} staged records`);
      for (const [id, a] of acked.revisions) {
        const row = d.prepare('SELECT document_id AS docId, spans FROM annotation_revisions WHERE id = ?').get(id) as
          { docId: number; spans: string } | undefined;
        if (!row || row.docId !== a.docId || canon(JSON.parse(row.spans)) !== a.entities) {
          out.lost++;
          failures.push(`acknowledged revision ${id} of document ${a.docId} ${row ? 'differs' : 'is gone'}`);
        }
      }
      for (const [docId, revisionId] of acked.latestRevision) {
        const latest = (
          d.prepare('SELECT max(id) AS id FROM annotation_revisions WHERE document_id = ?').get(docId) as { id: number }
        ).id;
        if (latest !== revisionId) {
          out.lost++;
          failures.push(`document ${docId}: latest revision ${latest}, acknowledged ${revisionId}`);
        }
      }
      for (const [docId, status] of acked.statuses) {
        const now = (d.prepare('SELECT status FROM documents WHERE id = ?').get(docId) as { status: string }).status;
        if (now !== status) {
          out.lost++;
          failures.push(`document ${docId}: status ${now}, acknowledged ${status}`);
        }
      }
      for (const s of secondImports) {
        if (!s.r.ok) {
          if (s.r.status !== 409)
            failures.push(
              `second import ${s.name}: ${s.r.status} ${s.r.message.slice(0, 200)} (neither imported nor told clearly)`,
            );
          continue;
        }
        const n = (d.prepare('SELECT count(*) AS n FROM documents WHERE source = ?').get(s.name) as { n: number }).n;
        if (n !== s.r.result.imported) {
          out.lost++;
          failures.push(`second import ${s.name} acknowledged ${s.r.result.imported} documents; ${n} exist`);
        }
      }
      if (on('import2')) out.secondNote = seconds.join('; ') || 'not started (the big import ended first)';

      // Exports: only committed records, never one of the failing file's.
      if (on('export')) {
        const texts = new Set(
          (d.prepare('SELECT text FROM documents WHERE project_id = ?').all(projectId) as { text: string }[]).map(
            (r) => r.text,
          ),
        );
        let records = 0;
        let uncommitted = 0;
        for (const e of exports) {
          const lines = readFileSync(e.path, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '');
          records += lines.length;
          if (lines.length > e.committedAfter)
            failures.push(`export ${e.path}: ${lines.length} records, only ${e.committedAfter} committed right after`);
          for (const line of lines) {
            const words = (JSON.parse(line) as { words: string[] }).words;
            if ((kind === 'failing' && words[0].startsWith(`${big.prefix}-`)) || !texts.has(words.join(' ')))
              uncommitted++;
          }
        }
        out.exportUncommitted = uncommitted;
        if (uncommitted > 0) failures.push(`${uncommitted} exported records are not committed documents`);
        out.exportNote = `${exports.length} exports, ${records} records, ${uncommitted} uncommitted`;
        for (const e of exports) rmSync(e.path, { force: true });
      }
    } finally {
      d.close();
    }
    if (out.phantoms > 0)
      failures.push(
        `${out.phantoms} list answers counted more documents than were committed (up to ${out.maxPhantom} more)`,
      );
  } catch (error) {
    failures.push(`scenario aborted: ${(error as Error).message}`);
  } finally {
    await host.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

const outcomes: Outcome[] = [];
for (const kind of option('kinds', 'failing,succeeding').split(',') as Kind[]) {
  for (const scenario of scenarios) {
    const o = await runScenario(kind, scenario);
    outcomes.push(o);
    const f = (v: number[]) =>
      `${percentile(v, 50).toFixed(0)}/${percentile(v, 99).toFixed(0)}/${Math.max(...v).toFixed(0)}`;
    console.log(
      `[load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ' ',
        )}] ${kind} ${scenario}: import ${o.importStatus} in ${o.importSeconds.toFixed(1)} s; acked ${o.acked}, lost ${o.lost}, phantoms ${o.phantoms}, 500s ${o.http500}; ` +
        `app.info p50/p99/max ${f(o.latency.info)} ms, projects.list ${f(o.latency.projects)} ms (slowest at ${o.worstAt}); export: ${o.exportNote}; job: ${o.jobNote}; second import: ${o.secondNote}`,
    );
    for (const failure of o.failures.slice(0, 10)) console.log(`  FAIL ${failure}`);
  }
}

const ms = (v: number[], p: number) =>
  v.length === 0 ? '-' : p === 100 ? Math.max(...v).toFixed(0) : percentile(v, p).toFixed(0);
console.log(
  `\n${megabytes} MB PhoNER imports (${bigFiles.failing.lines.toLocaleString('en')} / ${bigFiles.succeeding.lines.toLocaleString('en')} records) through documents.import; ${machine()}`,
);
console.log(
  table(
    [
      'import',
      'scenario',
      'import result',
      'import s',
      'acked writes',
      'lost',
      'phantom lists',
      '500s',
      'export',
      'job',
      'second import',
      'before the import p50/p99/max ms',
      'app.info p50/p99/max ms',
      'projects.list p50/p99/max ms',
      'slowest call at',
    ],
    outcomes.map((o) => [
      o.kind,
      o.scenario,
      o.importStatus,
      o.importSeconds.toFixed(1),
      o.acked,
      o.lost,
      o.phantoms,
      o.http500,
      o.exportNote,
      o.jobNote,
      o.secondNote,
      `${ms(o.idle, 50)} / ${ms(o.idle, 99)} / ${ms(o.idle, 100)}`,
      `${ms(o.latency.info, 50)} / ${ms(o.latency.info, 99)} / ${ms(o.latency.info, 100)}`,
      `${ms(o.latency.projects, 50)} / ${ms(o.latency.projects, 99)} / ${ms(o.latency.projects, 100)}`,
      o.worstAt,
    ]),
  ),
);
const bad = outcomes.filter(
  (o) =>
    o.lost > 0 ||
    o.phantoms > 0 ||
    o.http500 > 0 ||
    o.exportUncommitted > 0 ||
    o.jobMismatch > 0 ||
    o.failures.length > 0,
);
console.log(`\n${bad.length === 0 ? 'no violations' : `${bad.length} scenario(s) with violations`}`);
if (!keep) rmSync(work, { recursive: true, force: true });
process.exit(bad.length > 0 ? 1 : 0);
