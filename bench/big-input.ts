// Bounded memory on any input (issue #11, "Memory": any single input file up to 1 GB imports or is refused with peak
// RSS ≤ 500 MB). Generates, under /tmp, a 1 GB PhoNER JSONL file (made-up sentences, one per line) and a 1 GB PhoNER
// file that is one single line (one giant record), imports each with `workbench import` as a user would, under
// `/usr/bin/time -v`, and reports peak RSS, wall time and what happened (imported / refused, with the message). The
// multi-line file must import whole; the single-line one must be refused naming file:line, adding nothing. Files and
// databases are deleted afterwards. If /tmp has less than 6 GB free, the largest size that fits is used (and said).
//   node --import tsx bench/big-input.ts [--mb 1024] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  flag,
  machine,
  openReadOnly,
  option,
  repoRoot,
  table,
  writePhoner,
  writeSingleLinePhoner,
} from './safety-kit.js';

const LIMIT_MB = 500;
const wanted = Number(option('mb', '1024'));
const keep = flag('keep');

const fs = statfsSync('/tmp');
const freeGb = (fs.bavail * fs.bsize) / 1e9;
// One input file at a time, and its database (documents plus staged records, then WAL): about 4× the input at most.
const fits = Math.floor(((freeGb - 1) * 1000) / 5);
const megabytes = Math.min(wanted, fits);
console.log(
  `big input: ${megabytes} MB files${megabytes < wanted ? ` (only ${freeGb.toFixed(1)} GB free in /tmp: the largest size that fits)` : ''}; /tmp has ${freeGb.toFixed(1)} GB free`,
);
console.log(`machine: ${machine()}`);

interface Run {
  file: string;
  bytes: number;
  lines: number;
  exit: number | null;
  rssMb: number;
  seconds: number;
  documents: number;
  message: string;
  verdict: string;
}

function timed(args: string[]): { exit: number | null; rssMb: number; seconds: number; output: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, join(repoRoot, 'bin', 'workbench.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const output = `${r.stdout}\n${r.stderr.replace(/\n\s*Command being timed:[\s\S]*$/, '')}`.trim();
  return { exit: r.status, rssMb: rssKb / 1024, seconds, output };
}

async function importOnce(
  name: string,
  generate: (path: string) => Promise<{ lines: number; bytes: number }>,
  expectImport: boolean,
): Promise<Run> {
  const dir = mkdtempSync('/tmp/wb-big-input-');
  const file = join(dir, `${name}_syllable.jsonl`);
  const db = join(dir, 'big.sqlite');
  try {
    let t = performance.now();
    const { lines, bytes } = await generate(file);
    console.log(
      `${name}: wrote ${(bytes / 1e6).toFixed(0)} MB, ${lines.toLocaleString('en')} line(s) in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    const init = spawnSync(process.execPath, [join(repoRoot, 'bin', 'workbench.js'), 'init', db, '--name', 'big'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`workbench init failed: ${init.stderr}`);
    t = performance.now();
    const run = timed(['import', db, file, '--format', 'phoner']);
    const store = openReadOnly(dir, 'big.sqlite');
    let documents: number;
    try {
      documents = (store.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      store.close();
    }
    const dbMb = statSync(db).size / 1e6;
    const message = run.output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 3)
      .join(' / ')
      .slice(0, 300);
    const ok = expectImport
      ? run.exit === 0 && documents === lines
      : run.exit !== 0 && documents === 0 && /:\d+/.test(run.output);
    const verdict = `${ok ? 'ok' : 'FAIL'}${run.rssMb > LIMIT_MB ? ` (RSS over ${LIMIT_MB} MB)` : ''}`;
    console.log(
      `${name}: exit ${run.exit}, peak RSS ${run.rssMb.toFixed(0)} MB, ${run.seconds.toFixed(1)} s, ${documents} documents, database ${dbMb.toFixed(0)} MB: ${message}`,
    );
    return {
      file: name,
      bytes,
      lines,
      exit: run.exit,
      rssMb: run.rssMb,
      seconds: run.seconds,
      documents,
      message,
      verdict,
    };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Run[] = [];
runs.push(
  await importOnce(
    'multi-line',
    (path) => writePhoner(path, { bytes: megabytes * 2 ** 20, seed: 1, prefix: 'M' }),
    true,
  ),
);
runs.push(await importOnce('single-line', (path) => writeSingleLinePhoner(path, megabytes * 2 ** 20), false));

console.log(`\n\`workbench import DB FILE --format phoner\` under /usr/bin/time -v; ${machine()}`);
console.log(
  table(
    ['input', 'size', 'records', 'exit', 'peak RSS', 'wall', 'documents after', 'verdict', 'what it said'],
    runs.map((r) => [
      r.file,
      `${(r.bytes / 2 ** 20).toFixed(0)} MiB`,
      r.lines.toLocaleString('en'),
      r.exit ?? '-',
      `${r.rssMb.toFixed(0)} MB`,
      `${r.seconds.toFixed(1)} s`,
      r.documents.toLocaleString('en'),
      r.verdict,
      r.message.replace(/\|/g, '/'),
    ]),
  ),
);
const failed = runs.filter((r) => r.verdict !== 'ok');
process.exit(failed.length > 0 ? 1 : 0);
