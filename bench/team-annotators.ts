// Issue 15's load figure: N simulated annotators (HTTP clients on loopback, one login each) saving, accepting
// suggestions and navigating concurrently on one `workbench serve --team` for M minutes. Reports save latency
// (p50 / p99 / max), every other call's p99, errors other than the designed conflict answer (409), and checks at the
// end, through the contract, that every acknowledged save is still there as sent (lost) and that no two
// acknowledged saves of one document built on the same parent revision (overwritten).
//
//   node --import tsx bench/team-annotators.ts [--annotators 20] [--minutes 10] [--docs 400] [--seed 1] [--keep]
//
// The documents are made up (safety-kit's sentence pieces), imported by an admin as Label Studio tasks whose
// predictions become suggestions, so "accept" is the UI's accept: a save carrying the span and its outcome.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  between,
  flag,
  Host,
  LABELS,
  machine,
  option,
  percentile,
  pick,
  repoRoot,
  rng,
  sentence,
  sleep,
  table,
  type CallResult,
} from './safety-kit.js';

const annotators = Number(option('annotators', '20'));
const minutes = Number(option('minutes', '10'));
const docCount = Number(option('docs', '400'));
const seed = Number(option('seed', '1'));
const PASSWORD = 'bench password of the team';

interface Span {
  label: string;
  start: number;
  end: number;
}
interface Ack {
  user: string;
  documentId: number;
  parent: number | null;
  revisionId: number;
  entities: Span[];
}

/** One logged-in user: the session cookie and CSRF proof the server gave at login, sent with every call. */
class Session {
  private auth: Record<string, string> = {};
  constructor(
    private readonly host: Host,
    readonly name: string,
  ) {}

  async login(): Promise<void> {
    let cookie = '';
    const r = await this.host.post(
      'api/login',
      JSON.stringify({ name: this.name, password: PASSWORD }),
      60_000,
      {},
      (cookies) => (cookie = cookies.map((c) => c.split(';')[0]).join('; ')),
    );
    if (!r.ok) throw new Error(`${this.name} could not log in: ${r.status} ${r.message}`);
    this.auth = { Cookie: cookie, 'X-Workbench-CSRF': r.result.csrf };
  }

  call(method: string, params: unknown): Promise<CallResult> {
    return this.host.callRaw(method, JSON.stringify(params), 120_000, this.auth);
  }
}

/** Label Studio tasks: each sentence's entities as one model's predictions (so they arrive as suggestions). */
function tasks(count: number): Buffer {
  const random = rng(seed);
  const out: object[] = [];
  for (let i = 0; i < count; i++) {
    const { words, tags } = sentence(random, `d${i}`);
    const text = words.join(' ');
    const result: object[] = [];
    let at = 0;
    let open: { start: number; end: number; label: string } | undefined;
    const close = () => {
      if (open)
        result.push({
          from_name: 'label',
          to_name: 'text',
          type: 'labels',
          score: 0.5 + random() / 2,
          value: { start: open.start, end: open.end, text: text.slice(open.start, open.end), labels: [open.label] },
        });
      open = undefined;
    };
    words.forEach((word, k) => {
      const tag = tags[k];
      if (tag.startsWith('I-') && open) open.end = at + word.length;
      else {
        close();
        if (tag !== 'O') open = { start: at, end: at + word.length, label: tag.slice(2) };
      }
      at += word.length + 1;
    });
    close();
    out.push({ data: { text }, predictions: [{ model_version: 'bench-model 1', result }] });
  }
  return Buffer.from(JSON.stringify(out));
}

function users(dataDir: string, names: [string, string][]): void {
  for (const [name, role] of names) {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'workbench.js'), 'users', 'add', name, '--role', role, '--data', dataDir],
      { input: `${PASSWORD}\n`, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`users add ${name}: ${r.stderr}`);
  }
}

const sameSpans = (a: Span[], b: Span[]) => {
  const key = (s: Span[]) =>
    s
      .map((x) => `${x.start}:${x.end}:${x.label}`)
      .sort()
      .join(' ');
  return key(a) === key(b);
};

async function annotate(
  session: Session,
  projectId: number,
  ids: number[],
  deadline: number,
  random: () => number,
  stats: { saves: number[]; other: number[]; conflicts: number; errors: string[]; acks: Ack[] },
): Promise<void> {
  const note = (r: CallResult, list: number[]) => {
    list.push(r.ms);
    if (!r.ok && r.status !== 409) stats.errors.push(`${session.name}: ${r.status} ${r.message}`);
    return r;
  };
  while (performance.now() < deadline) {
    const roll = random();
    if (roll < 0.15) {
      note(await session.call('documents.list', { projectId, offset: Math.floor(random() * ids.length) }), stats.other);
      continue;
    }
    if (roll < 0.2) {
      note(await session.call('queue.next', { projectId, strategy: 'entropy-mean' }), stats.other);
      continue;
    }
    const documentId = pick(random, ids);
    const got = note(await session.call('documents.get', { documentId }), stats.other);
    if (!got.ok) continue;
    const doc = got.result as {
      text: string;
      revisionId: number | null;
      entities: Span[];
      suggestions: (Span & { id: number })[];
    };
    await sleep(between(random, 200, 1200)); // reading and deciding
    let entities = doc.entities.map(({ label, start, end }) => ({ label, start, end }));
    const outcomes: { suggestedSpanId: number; outcome: 'accepted' }[] = [];
    const suggestion = doc.suggestions[0];
    if (suggestion && random() < 0.5) {
      entities.push({ label: suggestion.label, start: suggestion.start, end: suggestion.end });
      outcomes.push({ suggestedSpanId: suggestion.id, outcome: 'accepted' });
    } else if (entities.length > 0 && random() < 0.3) {
      entities = entities.filter((_, i) => i !== Math.floor(random() * entities.length));
    } else {
      const space = doc.text.indexOf(' ', Math.floor(random() * doc.text.length));
      const start = space < 0 ? 0 : space + 1;
      const end = doc.text.indexOf(' ', start) < 0 ? doc.text.length : doc.text.indexOf(' ', start);
      if (end > start && !entities.some((e) => e.start === start && e.end === end))
        entities.push({ label: pick(random, LABELS), start, end });
    }
    const save = note(
      await session.call('annotations.save', {
        documentId,
        parentRevisionId: doc.revisionId,
        entities,
        ...(outcomes.length ? { outcomes } : {}),
      }),
      stats.saves,
    );
    if (save.ok)
      stats.acks.push({
        user: session.name,
        documentId,
        parent: doc.revisionId,
        revisionId: save.result.revisionId,
        entities,
      });
    else if (save.status === 409) stats.conflicts++;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-team-bench-'));
  const names = Array.from({ length: annotators }, (_, i) => `annotator${i + 1}`);
  users(dataDir, [['admin', 'admin'], ...names.map((n): [string, string] => [n, 'annotator'])]);
  const { host } = await Host.start({ dataDir, logFile: join(dataDir, 'server.log'), args: ['--team'] });
  try {
    const admin = new Session(host, 'admin');
    await admin.login();
    const projects = await admin.call('projects.list', {});
    if (!projects.ok) throw new Error(projects.message);
    const projectId = projects.result[0].id as number;
    const imported = await admin.call('documents.import', {
      projectId,
      name: 'team-bench.json',
      format: 'label-studio',
      contentBase64: tasks(docCount).toString('base64'),
    });
    if (!imported.ok) throw new Error(`import: ${imported.message}`);
    const ids: number[] = [];
    for (let offset = 0; ids.length < docCount; offset = ids.length) {
      const page = await admin.call('documents.list', { projectId, offset, limit: 200 });
      if (!page.ok || page.result.items.length === 0) break;
      ids.push(...page.result.items.map((d: { id: number }) => d.id));
    }
    const sessions = names.map((n) => new Session(host, n));
    for (const s of sessions) await s.login();
    const stats = {
      saves: [] as number[],
      other: [] as number[],
      conflicts: 0,
      errors: [] as string[],
      acks: [] as Ack[],
    };
    const started = performance.now();
    const deadline = started + minutes * 60_000;
    await Promise.all(sessions.map((s, i) => annotate(s, projectId, ids, deadline, rng(seed * 1000 + i), stats)));
    const seconds = (performance.now() - started) / 1000;

    // Lost: every acknowledged revision reads back, by its author, as it was sent.
    let lost = 0;
    const byName = new Map(sessions.map((s) => [s.name, s]));
    for (const ack of stats.acks) {
      const r = await byName
        .get(ack.user)!
        .call('annotations.revision', { documentId: ack.documentId, revisionId: ack.revisionId });
      if (!r.ok || !sameSpans(r.result.entities, ack.entities) || r.result.author !== ack.user) lost++;
    }
    // Overwritten: two acknowledged saves that built on the same revision of one document.
    const parents = new Map<string, number>();
    for (const ack of stats.acks)
      if (ack.parent !== null)
        parents.set(`${ack.documentId}:${ack.parent}`, (parents.get(`${ack.documentId}:${ack.parent}`) ?? 0) + 1);
    const overwritten = [...parents.values()].filter((n) => n > 1).length;

    const ms = (v: number) => v.toFixed(0);
    console.log(`# ${annotators} annotators, ${minutes} min, ${ids.length} documents, seed ${seed}; ${machine()}`);
    console.log(
      table(
        [
          'saves',
          'saves/s',
          'save p50 ms',
          'save p99 ms',
          'save max ms',
          'other calls',
          'other p99 ms',
          'conflicts (409)',
          'errors',
          'lost',
          'overwritten',
        ],
        [
          [
            stats.acks.length,
            (stats.acks.length / seconds).toFixed(1),
            ms(percentile(stats.saves, 50)),
            ms(percentile(stats.saves, 99)),
            ms(Math.max(...stats.saves)),
            stats.other.length,
            ms(percentile(stats.other, 99)),
            stats.conflicts,
            stats.errors.length,
            lost,
            overwritten,
          ],
        ],
      ),
    );
    for (const e of stats.errors.slice(0, 10)) console.log(`error: ${e}`);
    process.exitCode = stats.errors.length === 0 && lost === 0 && overwritten === 0 ? 0 : 1;
  } finally {
    await host.stop();
    if (!flag('keep')) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`kept ${dataDir}`);
  }
}

await main();
