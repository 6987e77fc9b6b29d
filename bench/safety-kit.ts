// Shared pieces of the data-safety benchmarks (issue #11: fault-injection.ts, concurrency.ts, big-input.ts): the
// browser host started as a child process and driven over its HTTP API exactly as the UI drives it (token in the
// Authorization header, loopback Host), seeded randomness, PhoNER-format input generation, read-only looks at the
// database, and small report helpers. Nothing here touches the product's code: the scripts only see what a user sees.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createWriteStream, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The real PhoNER_COVID19 files: $PHONER_DIR, else ../shared/data/phoner_covid19 beside the repository. */
export const phonerDir =
  [process.env.PHONER_DIR, resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19')].find(
    (d): d is string => Boolean(d) && existsSync(d!),
  ) ?? resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');
export const LABELS = [
  'PATIENT_ID',
  'NAME',
  'AGE',
  'GENDER',
  'JOB',
  'LOCATION',
  'ORGANIZATION',
  'DATE',
  'SYMPTOM_AND_DISEASE',
  'TRANSPORTATION',
];

/** A seeded generator of floats in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const between = (random: () => number, lo: number, hi: number): number => lo + random() * (hi - lo);
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Command-line `--name value` options with defaults. */
export function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

// ---------------------------------------------------------------------------------------------------------------
// PhoNER-format input

// Pieces of sentences: [words, the piece's entity label or null]. Made-up text; no real data.
export const PIECES: [string[], string | null][] = [
  [['Bệnh', 'nhân'], null],
  [['BN', '1092'], 'PATIENT_ID'],
  [['nữ'], 'GENDER'],
  [['45', 'tuổi'], null],
  [['45'], 'AGE'],
  [['ở'], null],
  [['Hà', 'Nội'], 'LOCATION'],
  [['Thành', 'phố', 'Hồ', 'Chí', 'Minh'], 'LOCATION'],
  [['Bệnh', 'viện', 'Bạch', 'Mai'], 'ORGANIZATION'],
  [['ngày', '25/7'], null],
  [['25/7'], 'DATE'],
  [['sốt', 'cao'], 'SYMPTOM_AND_DISEASE'],
  [['ho', 'khan'], 'SYMPTOM_AND_DISEASE'],
  [['nhân', 'viên', 'y', 'tế'], 'JOB'],
  [['chuyến', 'bay', 'VN0054'], 'TRANSPORTATION'],
  [['đã', 'được', 'cách', 'ly'], null],
  [[',', 'và'], null],
];

/** One made-up PhoNER record whose first word is a unique marker (`marker-n`), so any copy of it can be traced. */
export function sentence(random: () => number, marker: string): { words: string[]; tags: string[] } {
  const words = [marker];
  const tags = ['O'];
  const length = 4 + Math.floor(random() * 10);
  for (let i = 0; i < length; i++) {
    const [piece, label] = pick(random, PIECES);
    piece.forEach((w, j) => {
      words.push(w);
      tags.push(label ? `${j === 0 ? 'B' : 'I'}-${label}` : 'O');
    });
  }
  words.push('.');
  tags.push('O');
  return { words, tags };
}

export interface Generated {
  path: string;
  lines: number;
  bytes: number;
}

/**
 * Writes a PhoNER JSONL file of at least `bytes` bytes, one record per line, each marked `<prefix>-<line>`. With
 * `brokenLastLine` the last line is cut in the middle of its JSON (the import must then add nothing).
 */
export async function writePhoner(
  path: string,
  options: { bytes: number; seed: number; prefix: string; brokenLastLine?: boolean },
): Promise<Generated> {
  const random = rng(options.seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  while (bytes < options.bytes) {
    let chunk = '';
    for (let i = 0; i < 1000 && bytes + chunk.length < options.bytes; i++)
      chunk += `${JSON.stringify(sentence(random, `${options.prefix}-${++lines}`))}\n`;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  if (options.brokenLastLine) {
    const last = JSON.stringify(sentence(random, `${options.prefix}-${++lines}`));
    const cut = `${last.slice(0, Math.floor(last.length / 2))}\n`;
    bytes += Buffer.byteLength(cut);
    out.write(cut);
  }
  out.end();
  await once(out, 'finish');
  return { path, lines, bytes };
}

/**
 * Writes one PhoNER record of about `bytes` bytes on a single line (a giant record the import must refuse in bounded
 * memory, or read in bounded memory): `{"words": [...], "tags": [...]}` streamed in pieces.
 */
export async function writeSingleLinePhoner(path: string, bytes: number): Promise<Generated> {
  const out = createWriteStream(path);
  const words = Array.from({ length: 4096 }, (_, i) => (i % 7 === 0 ? '"Hà"' : '"bệnh"')).join(',');
  const tags = Array.from({ length: 4096 }, () => '"O"').join(',');
  const perWord = Buffer.byteLength(words) + Buffer.byteLength(tags) + 2;
  const rounds = Math.max(1, Math.floor(bytes / perWord));
  let written = 0;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"words": [');
  for (let i = 0; i < rounds; i++) await write(i === 0 ? words : `,${words}`);
  await write('], "tags": [');
  for (let i = 0; i < rounds; i++) await write(i === 0 ? tags : `,${tags}`);
  await write(']}\n');
  out.end();
  await once(out, 'finish');
  return { path, lines: 1, bytes: written };
}

/** The real PhoNER file `name` (e.g. dev_syllable.jsonl) when ../shared/data has it. */
export function realPhoner(name: string): string | undefined {
  const path = join(phonerDir, name);
  return existsSync(path) ? path : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The browser host as a child process

export type CallResult =
  | { ok: true; status: 200; result: any; ms: number } // eslint-disable-line @typescript-eslint/no-explicit-any -- results are checked field by field
  | { ok: false; status: number; code?: string; message: string; ms: number };

export interface HostOptions {
  dataDir: string;
  /** Where the server's stdout and stderr go (appended). */
  logFile: string;
  /** How long to wait for the URL line (the renderer may be rebuilt first). */
  startTimeoutMs?: number;
  env?: Record<string, string>;
  /** More arguments for `workbench serve` (`--team`: then the URL carries no token; callers log in). */
  args?: string[];
}

/** `workbench serve` on a data folder, as the user starts it, and a client for its HTTP API. */
export class Host {
  private exited = false;
  /** This launch's connections (a restarted server listens on another port, so each launch has its own). */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    this.exit = exit;
    void exit.then(() => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return !this.exited;
  }

  static async start(options: HostOptions): Promise<{ host: Host; startMs: number }> {
    const started = performance.now();
    const log = openSync(options.logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin', 'workbench.js'),
        'serve',
        '--data',
        options.dataDir,
        '--no-samples',
        ...(options.args ?? []),
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', log],
        env: { ...process.env, ...options.env },
      },
    );
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    let stdout = '';
    const ready = new Promise<{ url: string; token: string }>((done, fail) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = /Workbench: (http:\/\/[^\s#]+)(?:#token=([A-Za-z0-9_-]+))?\n/.exec(stdout);
        if (match) done({ url: match[1], token: match[2] ?? '' });
      });
      void exit.then(({ code, signal }) =>
        fail(new Error(`workbench serve exited (${code ?? signal}) before it listened; see ${options.logFile}`)),
      );
    });
    // Keep draining stdout so the child never blocks on a full pipe.
    const timeout = options.startTimeoutMs ?? 240_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const { url, token } = await Promise.race([
        ready,
        new Promise<never>(
          (_, fail) =>
            (timer = setTimeout(
              () => fail(new Error(`workbench serve did not print its URL within ${timeout} ms`)),
              timeout,
            )),
        ),
      ]);
      return { host: new Host(child, url, token, exit), startMs: performance.now() - started };
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One contract method over HTTP, as the UI calls it. A dropped connection is status 0 (not acknowledged). */
  call(method: string, params: unknown = {}, timeoutMs = 3_600_000): Promise<CallResult> {
    return this.callRaw(method, JSON.stringify(params), timeoutMs);
  }

  /**
   * A call whose JSON body is already built (a big import's, so building it is not timed). Plain node:http with no
   * timeout of its own but `timeoutMs` (fetch gives up on a response after 300 s, and a big import may take longer).
   */
  callRaw(method: string, body: string, timeoutMs = 3_600_000, auth?: Record<string, string>): Promise<CallResult> {
    return this.post(`api/call/${method}`, body, timeoutMs, auth ?? { Authorization: `Bearer ${this.token}` });
  }

  /**
   * A POST to the server (`path` below its URL) with the given credentials headers: the token's, or a team
   * session's cookie and CSRF proof. Resolves with the parsed answer and the response's Set-Cookie.
   */
  post(
    path: string,
    body: string,
    timeoutMs: number,
    auth: Record<string, string>,
    onCookies?: (cookies: string[]) => void,
  ): Promise<CallResult> {
    const started = performance.now();
    return new Promise<CallResult>((resolveCall) => {
      let settled = false;
      const done = (r: CallResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolveCall(r);
      };
      const fail = (error: Error) =>
        done({
          ok: false,
          status: 0,
          message: `${error.message}${(error as NodeJS.ErrnoException).code ? ` (${(error as NodeJS.ErrnoException).code})` : ''}`,
          ms: performance.now() - started,
        });
      const target = new URL(`${this.url}${path}`);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            ...auth,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          onCookies?.(res.headers['set-cookie'] ?? []);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const ms = performance.now() - started;
            const status = res.statusCode ?? 0;
            let parsed: { ok?: boolean; result?: unknown; error?: { code?: string; message?: string } };
            try {
              parsed = JSON.parse(text);
            } catch {
              return done({ ok: false, status, message: `not JSON: ${text.slice(0, 200)}`, ms });
            }
            if (status === 200 && parsed.ok === true) return done({ ok: true, status: 200, result: parsed.result, ms });
            done({
              ok: false,
              status,
              code: parsed.error?.code,
              message: parsed.error?.message ?? text.slice(0, 300),
              ms,
            });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }

  /**
   * documents.import as the UI sends it: the file's bytes as `contentBase64` (the contract since issue #11), or as
   * `content` text where the server still takes that (found out on the first call and remembered).
   */
  async importFile(
    params: { projectId: number; name: string; format?: string },
    bytes: Buffer,
    timeoutMs?: number,
  ): Promise<CallResult> {
    const payload = () =>
      Host.importField === 'contentBase64'
        ? { ...params, contentBase64: bytes.toString('base64') }
        : { ...params, content: bytes.toString('utf8') };
    const r = await this.call('documents.import', payload(), timeoutMs);
    if (!r.ok && r.status === 400 && Host.importField === 'contentBase64' && /invalid content\b/.test(r.message)) {
      Host.importField = 'content';
      return this.call('documents.import', payload(), timeoutMs);
    }
    return r;
  }

  static importField: 'contentBase64' | 'content' = 'contentBase64';

  /** Like call, but throws unless acknowledged. */
  async must(method: string, params: unknown = {}, timeoutMs?: number): Promise<any> {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await this.call(method, params, timeoutMs);
    if (!r.ok) throw new Error(`${method} failed: ${r.status} ${r.code ?? ''} ${r.message}`);
    return r.result;
  }

  /** SIGKILL, as a crash or `kill -9` would; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exit;
    this.agent.destroy();
  }

  /** SIGTERM (the server closes the database cleanly) and wait. */
  async stop(): Promise<void> {
    if (!this.exited) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exit;
    clearTimeout(timer);
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The database, read-only

/** The data folder's database opened read-only (the server may be down, or up: WAL lets a reader in beside it). */
export function openReadOnly(dataDir: string, file = 'workbench.sqlite'): Database.Database {
  const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** `PRAGMA integrity_check` of the data folder's database: 'ok' or what SQLite found. */
export function integrity(dataDir: string): string {
  const db = openReadOnly(dataDir);
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Processes whose command line names `needle` (a data folder): what a killed server may have left running. */
export function processesNaming(needle: string): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (args.includes(needle) && Number(entry) !== process.pid) found.push({ pid: Number(entry), args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A Markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Where this ran: cores, memory, Node, date — for RESULTS.md. */
export function machine(): string {
  const cores = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('processor')).length;
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return `${cores} cores, ${(memKb / 2 ** 20).toFixed(0)} GiB, Node ${process.versions.node}, ${new Date().toISOString()}`;
}
