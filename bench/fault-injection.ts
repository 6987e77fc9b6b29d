// Fault injection (issue #11, "Numbers"): the browser host (`workbench serve`) on a fresh data folder, driven over
// its HTTP API as the UI drives it, SIGKILLed at seeded random moments during imports, pre-annotation jobs, bursts of
// edits and fine-tunes, and restarted. The client records every write the server acknowledged (HTTP 200 with a
// result); after each kill it checks, with the server down, `PRAGMA integrity_check`, and after the restart (and
// the restart's recovery) that nothing acknowledged is lost:
//   - every acknowledged revision exists with its entities, and each document's latest revision is the latest one
//     acknowledged (or the one whose request was in flight at the kill, with exactly the entities it carried);
//   - each document's status is the latest acknowledged (or the in-flight one);
//   - every acknowledged reject is still the span's latest outcome;
//   - suggested spans a pre-annotation job reported (jobs.list, polled) are all in the database;
//   - every acknowledged import has all its documents; a killed import has all or none of them, none if it was still
//     staging when killed, all if it was publishing (rolled forward); no import or staged record of a dead process
//     is left; the document list's total equals the committed documents;
//   - no fine_tunes row is left 'running', no job is reported running, every registered model's folder holds a
//     manifest.json.
// Prints a summary and exits 1 on any violation. Not a test: it takes minutes and its timing is random by design.
//   node --import tsx bench/fault-injection.ts [--kills 100] [--seed 1] [--ft-kills 6] [--no-finetune] [--keep]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  between,
  type CallResult,
  flag,
  Host,
  integrity,
  LABELS,
  machine,
  openReadOnly,
  option,
  percentile,
  pick,
  processesNaming,
  realPhoner,
  rng,
  sleep,
  table,
  writePhoner,
} from './safety-kit.js';

const totalKills = Number(option('kills', '100'));
const seed = Number(option('seed', '1'));
const ftKillsWanted = flag('no-finetune') ? 0 : Number(option('ft-kills', '6'));
const keep = flag('keep');
const random = rng(seed);

type Phase = 'fine-tune' | 'import' | 'preannotate' | 'edits' | 'mixed';

interface Violation {
  cycle: number;
  phase: Phase | 'setup';
  kind: string;
  detail: string;
}

const violations: Violation[] = [];
let cycle = 0;
let phase: Phase | 'setup' = 'setup';
function violation(kind: string, detail: string): void {
  violations.push({ cycle, phase, kind, detail });
  console.log(`  VIOLATION [${kind}] ${detail}`);
}

// ---------------------------------------------------------------------------------------------------------------
// What the client knows

interface Span {
  label: string;
  start: number;
  end: number;
}
const canon = (spans: Span[]) =>
  JSON.stringify(
    spans
      .map((s) => [s.label, s.start, s.end])
      .sort(
        (a, b) =>
          (a[1] as number) - (b[1] as number) ||
          (a[2] as number) - (b[2] as number) ||
          String(a[0]).localeCompare(String(b[0])),
      ),
  );

interface DocState {
  id: number;
  length?: number;
  /** The latest revision the client knows is committed (acknowledged, read, or seen after a kill); undefined: unknown. */
  revisionId?: number | null;
  entities?: string;
  /** The latest status the client wrote or read; undefined: unknown. */
  status?: string;
  busy: boolean;
}

type Pending =
  | { kind: 'save'; docId: number; parent: number | null; entities: string }
  | { kind: 'status'; docId: number; status: string }
  | { kind: 'reject'; docId: number; spanIds: number[] };

const docs = new Map<number, DocState>();
let pool: number[] = [];
const ackedRevisions = new Map<number, { docId: number; entities: string }>();
const ackedRejects = new Map<number, number>(); // span id -> document id
const ackedImports: { name: string; imported: number }[] = [];
const pendingImports: { name: string; lines: number; cycle: number }[] = [];
/** Imports of a file with a broken last line: never may a document of theirs exist. */
const failingImports: string[] = [];
const jobReports = new Map<string, { done: number; spans: number; kind: string; state: string }>();
const pending = new Set<Pending>();
const preannotated = new Set<number>();

interface PhaseStats {
  kills: number;
  acked: number;
  inflightCommitted: number;
  inflightLost: number;
  refused: number;
  http500: number;
  violations: number;
  importsStaging: number;
  importsPublishing: number;
  importsNotStarted: number;
  importsFinished: number;
  restartMs: number[];
}
const stats = new Map<Phase, PhaseStats>();
const statsOf = (p: Phase): PhaseStats => {
  let s = stats.get(p);
  if (!s)
    stats.set(
      p,
      (s = {
        kills: 0,
        acked: 0,
        inflightCommitted: 0,
        inflightLost: 0,
        refused: 0,
        http500: 0,
        violations: 0,
        importsStaging: 0,
        importsPublishing: 0,
        importsNotStarted: 0,
        importsFinished: 0,
        restartMs: [],
      }),
    );
  return s;
};
const integrityResults: string[] = [];
/** Folders under data/models that no models row names (what killed fine-tunes left on disk; never registered). */
let unregisteredFolders = 0;
const orphanReports: string[] = [];

// ---------------------------------------------------------------------------------------------------------------
// Setup

const work = mkdtempSync('/tmp/wb-fault-');
const dataDir = join(work, 'data');
const logFile = join(work, 'server.log');
mkdirSync(dataDir, { recursive: true });
console.log(`fault injection: ${totalKills} kills, seed ${seed}, data ${dataDir}`);
console.log(`machine: ${machine()}`);

const sources: { name: string; path: string; lines: number }[] = [];
for (const name of ['dev_syllable.jsonl', 'test_syllable.jsonl']) {
  const path = realPhoner(name);
  if (path)
    sources.push({
      name,
      path,
      lines: readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length,
    });
}
if (sources.length === 0) {
  const generated = await writePhoner(join(work, 'generated_syllable.jsonl'), { bytes: 1_200_000, seed, prefix: 'g' });
  sources.push({ name: 'generated_syllable.jsonl', path: generated.path, lines: generated.lines });
  console.log('../shared/data/phoner_covid19 not found: using a generated PhoNER file');
}
const contents = new Map(sources.map((s) => [s.name, readFileSync(s.path)]));

let host = (await Host.start({ dataDir, logFile })).host;
const projectId: number = (await host.must('projects.list'))[0].id;

const WRITES = new Set([
  'documents.import',
  'annotations.save',
  'documents.setStatus',
  'suggestions.reject',
  'preannotate.start',
  'fineTune.start',
]);

/** Calls a method and counts its outcome in the phase's counters (acknowledged writes, refusals, 500s). */
async function tracked(
  method: string,
  params: unknown,
  run: () => Promise<CallResult> = () => host.call(method, params),
) {
  const r = await run();
  if (phase !== 'setup') {
    const s = statsOf(phase);
    if (r.ok) {
      if (WRITES.has(method)) s.acked++;
    } else if (r.status >= 500) {
      s.http500++;
      violation('http-500', `${method}: ${r.status} ${r.code} ${r.message.slice(0, 200)}`);
    } else if (r.status >= 400) s.refused++;
  }
  return r;
}

/** Documents one import of each source makes (measured by the setup's imports). */
const expectedDocs = new Map<string, number>();
// A copy of the first source whose last line is cut in half: each import of it must add nothing, killed or not.
const BROKEN = 'broken_syllable.jsonl';
{
  const bytes = contents.get(sources[0].name)!;
  const lastLine = bytes.toString('utf8').trimEnd().split('\n').pop()!;
  contents.set(BROKEN, Buffer.concat([bytes, Buffer.from(`${lastLine.slice(0, Math.floor(lastLine.length / 2))}\n`)]));
  expectedDocs.set(BROKEN, 0);
}

async function importFile(name: string, source: { name: string; lines: number }): Promise<'acked' | 'refused' | 'cut'> {
  const entry = { name, lines: expectedDocs.get(source.name) ?? source.lines, cycle };
  pendingImports.push(entry);
  const params = { projectId, name, format: 'phoner' };
  const r = await tracked('documents.import', params, () => host.importFile(params, contents.get(source.name)!));
  if (r.status === 0) return 'cut';
  pendingImports.splice(pendingImports.indexOf(entry), 1);
  if (!r.ok) {
    if (source.name === BROKEN) {
      if (r.status !== 400)
        violation(
          'failing-import-answer',
          `${name}: ${r.status} ${r.code} ${r.message.slice(0, 200)} (expected a 400 naming the line)`,
        );
      failingImports.push(name);
    } else if (phase === 'setup')
      console.log(`import ${name} refused: ${r.status} ${r.code} ${r.message.slice(0, 500)}`);
    return 'refused';
  }
  if (source.name === BROKEN)
    violation('failing-import-accepted', `${name} has a broken last line, yet was acknowledged`);
  ackedImports.push({ name, imported: r.result.imported });
  return 'acked';
}

// The seed imports: the documents every later phase edits; they also time an import (the kill window) and count the
// documents one import of each source makes.
let importMs = 0;
async function seedImports(): Promise<void> {
  for (const source of sources) {
    const started = performance.now();
    if ((await importFile(`seed-${source.name}`, source)) !== 'acked') {
      await host.stop();
      throw new Error(`the seed import of ${source.name} failed`);
    }
    const imported = ackedImports[ackedImports.length - 1].imported;
    expectedDocs.set(source.name, imported);
    if (source === sources[0]) importMs = performance.now() - started;
    console.log(
      `seed import ${source.name}: ${imported} documents (${source.lines} lines) in ${(performance.now() - started).toFixed(0)} ms`,
    );
  }
  const page = await host.must('documents.list', { projectId, limit: 5000 });
  pool = page.items.map((d: { id: number }) => d.id);
  for (const id of pool) docs.set(id, { id, busy: false });
  // One pre-annotation job to the end: how long one takes on this machine now (the kill window), and pending
  // suggestions for the editors to reject.
  const ids = pool.slice(0, 200);
  const started = performance.now();
  const job = await host.must('preannotate.start', {
    projectId,
    scope: 'selected',
    documentIds: ids,
    model: { kind: 'embedded' },
  });
  for (const id of ids) preannotated.add(id);
  let firstChunk = 0;
  await pollJobs({ stop: false }, (jobs) => {
    const j = jobs.find((x) => x.id === job.id) as { state: string; done: number } | undefined;
    if (j && j.done > 0 && firstChunk === 0) firstChunk = performance.now() - started;
    return j !== undefined && j.state !== 'running';
  });
  jobMs = performance.now() - started;
  console.log(
    `pre-annotation of ${ids.length} documents: ${jobReports.get(job.id)?.state}, ${jobReports.get(job.id)?.spans} spans in ${(jobMs / 1000).toFixed(1)} s (first chunk stored after ${(firstChunk / 1000).toFixed(1)} s)`,
  );
}
/** How long a 200-document pre-annotation job took at setup. */
let jobMs = 6000;

// ---------------------------------------------------------------------------------------------------------------
// Activities (each runs until `stop` is set or the server is gone)

interface Activity {
  stop: boolean;
}

function randomEntities(length: number): Span[] {
  const n = Math.floor(random() * 5);
  const spans: Span[] = [];
  for (let i = 0; i < n && length > 1; i++) {
    const start = Math.floor(random() * (length - 1));
    const end = Math.min(length, start + 1 + Math.floor(random() * 12));
    spans.push({ label: pick(random, LABELS), start, end });
  }
  return spans;
}

/** One editor: opens documents and saves, sets statuses, rejects suggestions, as fast as the server answers. */
async function editor(activity: Activity): Promise<void> {
  while (!activity.stop && host.alive) {
    const free = pool.filter((id) => !docs.get(id)!.busy);
    if (free.length === 0) {
      await sleep(5);
      continue;
    }
    const roll = random();
    // Rejects need pending suggestions: those go to documents a job has pre-annotated.
    const candidates = roll < 0.2 ? free.filter((id) => preannotated.has(id)) : [];
    const doc = docs.get(pick(random, candidates.length > 0 ? candidates : free))!;
    doc.busy = true;
    try {
      if (doc.revisionId === undefined || doc.length === undefined || roll < 0.2) {
        // Opening the document (the UI's documents.get) tells the client its revision, status and suggestions.
        const got = await tracked('documents.get', { documentId: doc.id });
        if (!got.ok) continue;
        doc.length = [...(got.result.text as string)].length;
        doc.revisionId = got.result.revisionId;
        doc.entities = canon(got.result.entities);
        doc.status = got.result.status;
        const suggestions = got.result.suggestions as { id: number }[];
        if (roll < 0.2 && suggestions.length > 0) {
          const ids = suggestions.slice(0, 1 + Math.floor(random() * 3)).map((x) => x.id);
          const p: Pending = { kind: 'reject', docId: doc.id, spanIds: ids };
          pending.add(p);
          const r = await tracked('suggestions.reject', { documentId: doc.id, suggestedSpanIds: ids });
          if (r.status !== 0) pending.delete(p);
          if (r.ok) for (const id of ids) ackedRejects.set(id, doc.id);
        }
        continue;
      }
      if (roll < 0.65) {
        const spans = randomEntities(doc.length);
        const p: Pending = { kind: 'save', docId: doc.id, parent: doc.revisionId, entities: canon(spans) };
        pending.add(p);
        const r = await tracked('annotations.save', {
          documentId: doc.id,
          parentRevisionId: doc.revisionId,
          entities: spans,
          note: 'fault-injection',
        });
        if (r.status !== 0) pending.delete(p);
        if (r.ok) {
          doc.revisionId = r.result.revisionId;
          doc.entities = p.entities;
          doc.status = r.result.status;
          ackedRevisions.set(r.result.revisionId, { docId: doc.id, entities: p.entities });
        } else if (r.status === 409) doc.revisionId = undefined; // stale parent: open it again first
      } else {
        const status = pick(random, ['in_progress', 'done', 'reviewed', 'skipped']);
        const p: Pending = { kind: 'status', docId: doc.id, status };
        pending.add(p);
        const r = await tracked('documents.setStatus', { documentId: doc.id, status });
        if (r.status !== 0) pending.delete(p);
        if (r.ok) doc.status = status;
      }
    } finally {
      doc.busy = false;
    }
  }
}

/** Polls jobs.list (as the UI's progress bar does) and remembers what each job reported. */
async function pollJobs(activity: Activity, until?: (jobs: { id: string; state: string }[]) => boolean): Promise<void> {
  while (!activity.stop && host.alive) {
    const r = await host.call('jobs.list', {});
    if (!r.ok) break;
    for (const job of r.result as { id: string; kind: string; state: string; done: number; spans: number }[]) {
      jobReports.set(job.id, { done: job.done, spans: job.spans, kind: job.kind, state: job.state });
    }
    if (until?.(r.result)) return;
    await sleep(150);
  }
}

/** Pre-annotation jobs on a few hundred random documents, one after another. */
async function preannotator(activity: Activity): Promise<void> {
  while (!activity.stop && host.alive) {
    const ids = [...new Set(Array.from({ length: 100 + Math.floor(random() * 400) }, () => pick(random, pool)))];
    const r = await tracked('preannotate.start', {
      projectId,
      scope: 'selected',
      documentIds: ids,
      model: { kind: 'embedded' },
    });
    if (!r.ok) {
      if (r.status === 409) await sleep(200);
      else return;
      continue;
    }
    const id = r.result.id as string;
    for (const d of ids) preannotated.add(d);
    await pollJobs(activity, (jobs) => jobs.some((j) => j.id === id && j.state !== 'running'));
  }
}

let importSerial = 0;
async function importer(activity: Activity): Promise<void> {
  while (!activity.stop && host.alive) {
    const roll = random();
    const source = roll < 0.15 ? { name: BROKEN, lines: 0 } : roll < 0.75 ? sources[0] : sources[sources.length - 1];
    if ((await importFile(`k${++importSerial}-${source.name}`, source)) === 'cut') return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

interface DownSnapshot {
  imports: { id: number; source: string; state: string; owner: string | null }[];
  docsBySource: Map<string, number>;
}

/** With the server down: integrity, and what was in flight in the import tables. */
function checkWhileDown(): DownSnapshot {
  const result = integrity(dataDir);
  integrityResults.push(result);
  if (result !== 'ok') violation('integrity', result);
  const db = openReadOnly(dataDir);
  try {
    const imports = db
      .prepare('SELECT id, source, state, owner FROM imports ORDER BY id')
      .all() as DownSnapshot['imports'];
    const docsBySource = new Map(
      (
        db.prepare('SELECT source, count(*) AS n FROM documents GROUP BY source').all() as {
          source: string;
          n: number;
        }[]
      ).map((r) => [r.source, r.n]),
    );
    return { imports, docsBySource };
  } finally {
    db.close();
  }
}

/** After the restart (its recovery has run before it listens): every acknowledged write is there. */
async function checkAfterRestart(down: DownSnapshot, phaseStats: PhaseStats): Promise<void> {
  const jobs = await host.call('jobs.list', {});
  if (!jobs.ok) violation('api', `jobs.list after restart: ${jobs.status} ${jobs.message}`);
  else if ((jobs.result as { state: string }[]).some((j) => j.state === 'running'))
    violation('job-running', 'jobs.list reports a running job right after the restart');

  const db = openReadOnly(dataDir);
  try {
    const me = `${hostname()}:${host.pid}`;
    // Imports: nothing left by a dead process.
    const leftImports = (
      db.prepare('SELECT id, source, state, owner FROM imports').all() as DownSnapshot['imports']
    ).filter((i) => i.owner !== me);
    for (const i of leftImports)
      violation('import-left', `import ${i.id} (${i.source}) left in state ${i.state} by ${i.owner}`);
    const staged = db
      .prepare(
        'SELECT count(*) AS n FROM staged_records WHERE import_id NOT IN (SELECT id FROM imports WHERE owner = ?)',
      )
      .get(me) as { n: number };
    if (staged.n > 0) violation('staged-left', `${staged.n} staged records of dead imports`);

    const docsBySource = new Map(
      (
        db.prepare('SELECT source, count(*) AS n FROM documents GROUP BY source').all() as {
          source: string;
          n: number;
        }[]
      ).map((r) => [r.source, r.n]),
    );
    for (const a of ackedImports) {
      const n = docsBySource.get(a.name) ?? 0;
      if (n !== a.imported)
        violation('import-lost', `acknowledged import ${a.name} (${a.imported} documents) has ${n}`);
    }
    for (const name of failingImports) {
      const n = docsBySource.get(name) ?? 0;
      if (n > 0) violation('failing-import-published', `${name} (broken last line) has ${n} documents`);
    }
    for (const p of pendingImports.splice(0)) {
      const n = docsBySource.get(p.name) ?? 0;
      const state = down.imports.find((i) => i.source === p.name)?.state;
      if (p.lines === 0 && (n > 0 || state === 'publishing'))
        violation(
          'failing-import-published',
          `${p.name} (broken last line) killed while ${state ?? 'not in the import table'}: ${n} documents after recovery`,
        );
      else if (state === 'staging' && n > 0)
        violation('staging-import-published', `${p.name} was staging when killed, yet ${n} of its documents exist`);
      else if (state === 'publishing' && n !== p.lines)
        violation(
          'publish-not-rolled-forward',
          `${p.name} was publishing when killed; after recovery ${n} of ${p.lines} documents`,
        );
      else if (n !== 0 && n !== p.lines)
        violation('import-partial', `${p.name}: ${n} of ${p.lines} documents (neither all nor none)`);
      if (state === 'publishing') phaseStats.importsPublishing++;
      else if (state === 'staging') phaseStats.importsStaging++;
      else if (n > 0 && n === p.lines) phaseStats.importsFinished++;
      else phaseStats.importsNotStarted++;
      if (p.lines === 0) failingImports.push(p.name);
      else if (n === p.lines) ackedImports.push({ name: p.name, imported: n }); // committed: later kills must not lose it
    }
    const committed = (
      db.prepare('SELECT count(*) AS n FROM documents WHERE project_id = ?').get(projectId) as { n: number }
    ).n;

    // Revisions: every acknowledged one exists with its entities; the latest per document is the latest known.
    const revisions = new Map(
      (
        db
          .prepare("SELECT id, document_id AS docId, spans FROM annotation_revisions WHERE author = 'annotator'")
          .all() as { id: number; docId: number; spans: string }[]
      ).map((r) => [r.id, r]),
    );
    for (const [id, a] of ackedRevisions) {
      const row = revisions.get(id);
      if (!row) violation('save-lost', `revision ${id} of document ${a.docId} (acknowledged) is gone`);
      else if (row.docId !== a.docId || canon(JSON.parse(row.spans)) !== a.entities)
        violation(
          'save-changed',
          `revision ${id}: stored ${row.spans.slice(0, 200)} differs from what was acknowledged`,
        );
    }
    const latestStmt = db.prepare(
      'SELECT id, spans FROM annotation_revisions WHERE document_id = ? ORDER BY revision DESC LIMIT 1',
    );
    const statusStmt = db.prepare('SELECT status FROM documents WHERE id = ?');
    const pendingByDoc = new Map<number, Pending[]>();
    for (const p of pending) pendingByDoc.set(p.docId, [...(pendingByDoc.get(p.docId) ?? []), p]);
    for (const doc of docs.values()) {
      const inflight = pendingByDoc.get(doc.id) ?? [];
      const latest = latestStmt.get(doc.id) as { id: number; spans: string } | undefined;
      const latestId = latest?.id ?? null;
      const save = inflight.find((p): p is Extract<Pending, { kind: 'save' }> => p.kind === 'save');
      if (doc.revisionId !== undefined && latestId !== doc.revisionId) {
        if (save && latest && save.parent === doc.revisionId && canon(JSON.parse(latest.spans)) === save.entities) {
          phaseStats.inflightCommitted++; // the save in flight at the kill was committed whole: that is the state now
          ackedRevisions.set(latest.id, { docId: doc.id, entities: save.entities }); // committed: later kills must keep it
        } else if (doc.revisionId !== null && (latestId === null || latestId < doc.revisionId)) {
          violation(
            'save-lost',
            `document ${doc.id}: latest revision ${latestId}, but ${doc.revisionId} was acknowledged`,
          );
        } else {
          violation(
            'unexpected-revision',
            `document ${doc.id}: latest revision ${latestId} (${latest?.spans.slice(0, 120)}), expected ${doc.revisionId}${save ? ' or the in-flight save' : ''}`,
          );
        }
      } else if (save) phaseStats.inflightLost++; // in flight at the kill and not committed: allowed (never acknowledged)
      if (doc.revisionId !== undefined) {
        doc.revisionId = latestId;
        doc.entities = latest ? canon(JSON.parse(latest.spans)) : undefined;
      }
      const status = (statusStmt.get(doc.id) as { status: string } | undefined)?.status;
      if (doc.status !== undefined && status !== doc.status) {
        const inflightStatus = inflight.find((p): p is Extract<Pending, { kind: 'status' }> => p.kind === 'status');
        if (inflightStatus && inflightStatus.status === status) phaseStats.inflightCommitted++;
        else violation('status-lost', `document ${doc.id}: status ${status}, acknowledged ${doc.status}`);
      } else if (inflight.some((p) => p.kind === 'status' && p.status !== status)) phaseStats.inflightLost++;
      if (doc.status !== undefined) doc.status = status;
    }
    // Rejects: each acknowledged one is still the span's latest outcome.
    const outcomes = new Map(
      (
        db.prepare('SELECT suggested_span_id AS span, outcome FROM suggestion_outcomes ORDER BY id').all() as {
          span: number;
          outcome: string;
        }[]
      ).map((r) => [r.span, r.outcome]),
    );
    for (const [span, docId] of ackedRejects) {
      if (outcomes.get(span) !== 'rejected')
        violation(
          'reject-lost',
          `suggested span ${span} of document ${docId}: latest outcome ${outcomes.get(span) ?? 'none'}, acknowledged rejected`,
        );
    }
    for (const p of pending) {
      if (p.kind === 'reject' && p.spanIds.every((s) => outcomes.get(s) === 'rejected')) {
        phaseStats.inflightCommitted++;
        for (const s of p.spanIds) ackedRejects.set(s, p.docId);
      }
    }
    pending.clear();

    // Pre-annotation: every span a job reported is committed.
    const reported = [...jobReports.values()].filter((j) => j.kind === 'preannotate').reduce((n, j) => n + j.spans, 0);
    const reportedDocs = [...jobReports.values()]
      .filter((j) => j.kind === 'preannotate')
      .reduce((n, j) => n + j.done, 0);
    const stored = db
      .prepare(
        'SELECT count(*) AS runs, (SELECT count(*) FROM suggested_spans ss JOIN suggestions s2 ON s2.id = ss.suggestion_id WHERE s2.model_id IS NOT NULL) AS spans FROM suggestions WHERE model_id IS NOT NULL',
      )
      .get() as { runs: number; spans: number };
    if (stored.spans < reported)
      violation(
        'job-spans-lost',
        `jobs reported ${reported} suggested spans in all; the database holds ${stored.spans}`,
      );
    if (stored.runs < reportedDocs)
      violation(
        'job-docs-lost',
        `jobs reported ${reportedDocs} documents done in all; the database holds ${stored.runs} suggestion runs`,
      );

    // Fine-tunes and models.
    const running = db.prepare("SELECT id FROM fine_tunes WHERE state = 'running'").all() as { id: number }[];
    if (running.length > 0)
      violation(
        'fine-tune-running',
        `fine_tunes ${running.map((r) => r.id).join(', ')} still 'running' after recovery`,
      );
    for (const m of db.prepare('SELECT id, name, version, path FROM models').all() as {
      id: number;
      name: string;
      version: string;
      path: string;
    }[]) {
      if (!existsSync(join(m.path, 'manifest.json')))
        violation('half-written-model', `model ${m.id} (${m.name} ${m.version}) at ${m.path} has no manifest.json`);
    }
    const registered = new Set((db.prepare('SELECT path FROM models').all() as { path: string }[]).map((m) => m.path));
    const modelsDir = join(dataDir, 'models');
    unregisteredFolders = existsSync(modelsDir)
      ? readdirSync(modelsDir).filter((f) => !registered.has(join(modelsDir, f))).length
      : 0;
    const done = db.prepare("SELECT id, model_id AS modelId FROM fine_tunes WHERE state = 'done'").all() as {
      id: number;
      modelId: number | null;
    }[];
    for (const d of done)
      if (d.modelId === null)
        violation('fine-tune-done-without-model', `fine_tunes ${d.id} is done but registered no model`);

    // The list (what the UI shows) counts only committed documents.
    const list = await host.call('documents.list', { projectId, limit: 1 });
    if (!list.ok) violation('api', `documents.list after restart: ${list.status} ${list.message}`);
    else if (list.result.total !== committed)
      violation('phantom-documents', `documents.list total ${list.result.total}, committed ${committed}`);

    // The editor's view of a few edited documents matches the database.
    const edited = [...docs.values()].filter((d) => typeof d.revisionId === 'number');
    for (let i = 0; i < Math.min(5, edited.length); i++) {
      const d = pick(random, edited);
      const got = await host.call('documents.get', { documentId: d.id });
      if (!got.ok) violation('api', `documents.get ${d.id}: ${got.status} ${got.message}`);
      else if (got.result.revisionId !== d.revisionId || canon(got.result.entities) !== d.entities) {
        violation('view-differs', `documents.get ${d.id}: revision ${got.result.revisionId}, expected ${d.revisionId}`);
      }
    }
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The kill cycles

// Fine-tunes first, on a small project (60 finished documents), so a run takes about a minute rather than the many
// minutes thousands of documents would; then the seed imports, then the other phases in a seeded random order.
const ftSource = sources[0];
const ftLines = readFileSync(ftSource.path, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .slice(0, 60);
contents.set('ft-seed', Buffer.from(`${ftLines.join('\n')}\n`));
if ((await importFile('ft-seed_syllable.jsonl', { name: 'ft-seed', lines: ftLines.length })) !== 'acked') {
  await host.stop();
  throw new Error('the fine-tune seed import failed');
}
const models = await host.must('models.versions', { projectId });
const trainer = models.trainer as { available: boolean; reason?: string };
const ftKills = trainer.available ? ftKillsWanted : 0;
if (!trainer.available && ftKillsWanted > 0) console.log(`fine-tune phase skipped: ${trainer.reason}`);

let fineTuneMs = 0;
const FINE_TUNE = { projectId, epochs: 1, maxMinutes: 0.5 };
if (ftKills > 0) {
  // One fine-tune run to the end first: how long one takes (the kill window), and that its model registers whole.
  console.log('fine-tune: one run to completion (times the kill window)...');
  const started = performance.now();
  const job = await host.must('fineTune.start', FINE_TUNE);
  await pollJobs({ stop: false }, (jobs) => jobs.some((j) => j.id === job.id && j.state !== 'running'));
  fineTuneMs = performance.now() - started;
  console.log(`fine-tune: ${jobReports.get(job.id)?.state} in ${(fineTuneMs / 1000).toFixed(0)} s`);
}

const others: Phase[] = [];
const rest = totalKills - ftKills;
const weights: [Phase, number][] = [
  ['import', 0.3],
  ['preannotate', 0.25],
  ['edits', 0.3],
  ['mixed', 0.15],
];
for (const [p, w] of weights) for (let i = 0; i < Math.round(rest * w); i++) others.push(p);
while (others.length < rest) others.push('edits');
others.length = Math.max(0, rest);
for (let i = others.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [others[i], others[j]] = [others[j], others[i]];
}

/** How long processes the killed server started outlive it (a trainer), in ms; they are ended after 30 s. */
async function orphansAfterKill(serverPid: number): Promise<void> {
  const t0 = performance.now();
  let seen = processesNaming(dataDir);
  if (seen.length === 0) return;
  while (seen.length > 0 && performance.now() - t0 < 30_000) {
    await sleep(500);
    seen = processesNaming(dataDir);
  }
  const lived = performance.now() - t0;
  orphanReports.push(
    `cycle ${cycle}: ${seen.length > 0 ? `still running ${(lived / 1000).toFixed(0)} s after` : `ended ${(lived / 1000).toFixed(1)} s after`} server ${serverPid} was killed${seen.length > 0 ? `: ${seen[0].args.slice(0, 140)}` : ''}`,
  );
  for (const orphan of seen) {
    try {
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
}

async function killCycle(p: Phase): Promise<boolean> {
  cycle++;
  phase = p;
  const s = statsOf(p);
  const activity: Activity = { stop: false };
  const tasks: Promise<unknown>[] = [];
  let window: [number, number];
  switch (p) {
    case 'fine-tune': {
      const r = await tracked('fineTune.start', FINE_TUNE);
      if (r.ok) tasks.push(pollJobs(activity));
      window = [0.05 * fineTuneMs, 1.05 * fineTuneMs];
      break;
    }
    case 'import':
      tasks.push(importer(activity), editor(activity));
      window = [0, 1.5 * importMs + 200];
      break;
    case 'preannotate':
      tasks.push(preannotator(activity), editor(activity));
      window = [200, Math.max(6000, 1.5 * jobMs)];
      break;
    case 'edits':
      tasks.push(editor(activity), editor(activity), editor(activity), editor(activity));
      window = [100, 2500];
      break;
    case 'mixed':
      tasks.push(importer(activity), preannotator(activity), editor(activity), editor(activity));
      window = [100, Math.max(4000, 1.5 * jobMs)];
      break;
  }
  const delay = between(random, window[0], window[1]);
  await sleep(delay);
  const serverPid = host.pid;
  await host.kill();
  s.kills++;
  activity.stop = true;
  await Promise.race([Promise.allSettled(tasks), sleep(30_000)]);

  const down = checkWhileDown();
  await orphansAfterKill(serverPid);
  let restart;
  try {
    restart = await Host.start({ dataDir, logFile });
  } catch (error) {
    violation('restart-failed', (error as Error).message);
    return false;
  }
  host = restart.host;
  s.restartMs.push(restart.startMs);
  const before = violations.length;
  await checkAfterRestart(down, s);
  s.violations += violations.length - before;
  const states = down.imports.map((i) => i.state).join(',') || '-';
  console.log(
    `#${cycle} ${p} killed at ${delay.toFixed(0)} ms; imports at kill: ${states}; restart ${restart.startMs.toFixed(0)} ms; violations so far ${violations.length}`,
  );
  return true;
}

const runStarted = performance.now();
let alive = true;
for (let i = 0; i < ftKills && alive; i++) alive = await killCycle('fine-tune');
phase = 'setup';
if (alive) await seedImports();
for (const p of others) if (alive) alive = await killCycle(p);
const runSeconds = (performance.now() - runStarted) / 1000;
await host.stop();

// ---------------------------------------------------------------------------------------------------------------
// Summary

const rows = [...stats.entries()].map(([p, s]) => [
  p,
  s.kills,
  s.acked,
  s.inflightCommitted,
  s.inflightLost,
  s.refused,
  s.http500,
  `${s.importsNotStarted}/${s.importsStaging}/${s.importsPublishing}/${s.importsFinished}`,
  percentile(s.restartMs, 50).toFixed(0),
  Math.max(...s.restartMs).toFixed(0),
  s.violations,
]);
const sum = (k: keyof PhaseStats) => [...stats.values()].reduce((n, s) => n + (s[k] as number), 0);
rows.push([
  'all',
  sum('kills'),
  sum('acked'),
  sum('inflightCommitted'),
  sum('inflightLost'),
  sum('refused'),
  sum('http500'),
  `${sum('importsNotStarted')}/${sum('importsStaging')}/${sum('importsPublishing')}/${sum('importsFinished')}`,
  percentile(
    [...stats.values()].flatMap((s) => s.restartMs),
    50,
  ).toFixed(0),
  Math.max(...[...stats.values()].flatMap((s) => s.restartMs)).toFixed(0),
  violations.length,
]);
console.log(
  `\n${totalKills} kills planned, ${sum('kills')} done in ${runSeconds.toFixed(0)} s (seed ${seed}); integrity_check ok ${integrityResults.filter((r) => r === 'ok').length}/${integrityResults.length}`,
);
console.log(
  `acknowledged revisions ${ackedRevisions.size}, rejects ${ackedRejects.size}, imports ${ackedImports.length} (and ${failingImports.length} of a broken file, each adding nothing); jobs reported ${[...jobReports.values()].filter((j) => j.kind === 'preannotate').reduce((n, j) => n + j.spans, 0)} spans`,
);
console.log(
  table(
    [
      'phase',
      'kills',
      'acked writes',
      'in-flight committed',
      'in-flight not committed',
      '4xx',
      '500',
      'killed imports: not started/staging/publishing/finished',
      'restart p50 ms',
      'restart max ms',
      'violations',
    ],
    rows,
  ),
);
console.log(`unregistered folders left under data/models (never registered, so never offered): ${unregisteredFolders}`);
if (orphanReports.length > 0) console.log(`\nprocesses left running by a killed server:\n${orphanReports.join('\n')}`);
if (violations.length > 0) {
  console.log('\nviolations:');
  for (const v of violations.slice(0, 100)) console.log(`  #${v.cycle} ${v.phase} ${v.kind}: ${v.detail}`);
}
console.log(`server log: ${logFile}`);
if (!keep && violations.length === 0) rmSync(work, { recursive: true, force: true });
process.exit(violations.length > 0 ? 1 : 0);
