// Decodes an instruction JSONL with the project's TypeScript engine (main/engine) and a model package, and scores
// it: nested micro-F1 (every span) and flat micro-F1 (outermost spans; against --flat gold when given).
// Usage: node --import tsx training/scripts/engine_eval.ts PACKAGE DATA.jsonl [--flat FLAT.jsonl] [--limit N]
//          [--threads 2] [--threshold 0.9] [--steps 8] [--out report.json]
// Use dev for choices; test only to report.
import { readFileSync, writeFileSync } from 'node:fs';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { parseInlineTags, unescapeText } from '../../core/model-output/inline-tags.js';
import { nestingLevels } from '../../core/bio.js';

interface Span {
  start: number;
  end: number;
  label: string;
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function readGold(path: string, limit: number): { text: string; spans: Span[] }[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, limit);
  return lines.map((line) => {
    const row = JSON.parse(line) as { instruction: string; output: string };
    const body = row.instruction.slice('<ner>\n'.length, row.instruction.length - '\n</ner>'.length);
    const text = unescapeText(body);
    const { entities } = parseInlineTags(row.output, text);
    return { text, spans: entities.map((e) => ({ start: e.start, end: e.end, label: e.label })) };
  });
}

// Outermost level, as dnw.tagger.data.outermost (token spans of nestingLevels are just ranges here).
function outermost(spans: Span[]): Span[] {
  const levels = nestingLevels(spans);
  return levels.length ? levels[0] : [];
}

const key = (s: Span) => `${s.start}:${s.end}:${s.label}`;

function score(pairs: [Span[], Span[]][]): {
  f1: number;
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
} {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const [gold, pred] of pairs) {
    const g = new Set(gold.map(key));
    const p = new Set(pred.map(key));
    for (const k of g) p.has(k) ? tp++ : fn++;
    for (const k of p) if (!g.has(k)) fp++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    precision,
    recall,
    tp,
    fp,
    fn,
  };
}

// Positional arguments: everything that is neither an option nor the value of one.
const VALUED = new Set(['--flat', '--limit', '--threads', '--threshold', '--steps', '--out']);
const argv = process.argv.slice(2);
const [pkg, data] = argv.filter((a, i) => !a.startsWith('--') && !VALUED.has(argv[i - 1]));
if (!pkg || !data) {
  console.error(
    'usage: engine_eval.ts PACKAGE DATA.jsonl [--flat FLAT.jsonl] [--limit N] [--threads 2] [--threshold T] [--steps S]',
  );
  process.exit(2);
}
const limit = Number(arg('limit', '1000000'));
const gold = readGold(data, limit);
const flatPath = arg('flat');
const flatGold = flatPath ? readGold(flatPath, limit) : undefined;
const threads = Number(arg('threads', '2'));
const settings: Record<string, number> = {};
if (arg('threshold')) settings.threshold = Number(arg('threshold'));
if (arg('steps')) settings.steps = Number(arg('steps'));

const engine = await DiffusionEngine.open(pkg, { device: 'cpu', intraOpThreads: threads, interOpThreads: 1 });
const t0 = performance.now();
const results = await engine.annotate(
  gold.map((g, i) => ({ id: String(i), text: g.text })),
  { settings },
);
const seconds = (performance.now() - t0) / 1000;
await engine.release();

const preds = results.map((r) => r.entities.map((e) => ({ start: e.start, end: e.end, label: e.label })));
const nested = score(gold.map((g, i) => [g.spans, preds[i]]));
const flat = score(gold.map((g, i) => [outermost(flatGold ? flatGold[i].spans : g.spans), outermost(preds[i])]));
const forwards = results.reduce((n, r) => n + r.segments.reduce((m, s) => m + s.forwards, 0), 0);
const problems = results.reduce((n, r) => n + r.problems.length, 0);
const report = {
  package: pkg,
  data,
  sentences: gold.length,
  seconds: Number(seconds.toFixed(2)),
  threads,
  settings,
  nested_f1: nested.f1,
  flat_f1: flat.f1,
  nested,
  flat,
  forwards,
  problems,
  firstProblems: results.flatMap((r) => r.problems).slice(0, 5),
};
const out = arg('out');
if (out) writeFileSync(out, JSON.stringify(report, null, 1));
console.log(
  JSON.stringify({
    sentences: report.sentences,
    seconds: report.seconds,
    nested_f1: nested.f1,
    flat_f1: flat.f1,
    forwards,
    problems,
    firstProblems: report.firstProblems,
  }),
);
