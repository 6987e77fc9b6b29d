// Engine benchmark (not a test): forward passes per sentence and sentences/s for Dream's reference settings
// (steps = max_new_tokens = 512, temperature 0.2, top_p 0.95, alg entropy), the same with a forward pass at every
// step as Dream runs them (reference-literal), the fast path (auto canvas + threshold + early stop) and the
// package's own defaults; JS time per step against session.run time; main-thread event-loop lag while it runs.
//
//   node --import tsx bench/engine.ts [--package DIR] [--sentences 16] [--threads 1] [--only NAME[,NAME...]]
//                                     [--data FILE.jsonl] [--max-words 40] [--warmup N] [--bundled] [--spinning]
//                                     [--max-rows N] [--max-tokens N]   (batch limits: rows and rows x length per forward)
//
// Sentences are the first --sentences of a PhoNER_COVID19 JSON-lines file (default: its test split in ../shared/data,
// read, never copied) with at most --max-words syllables (0: any length), else synthetic text. The engine runs in
// its worker thread, as in the app. "Loop JS" is the denoising loops' wall time outside session.run (the sampler,
// tensors in and out: the work done per step); "all JS" is all wall time outside session.run (the loop plus the
// per-text work: tokenising, window splitting, reading outputs, messages), measured on the main thread from the call
// to its result; --warmup N first annotates N other
// sentences (those after the measured ones), uncounted, so the figures are the steady state rather than a cold start
// (JIT, first runs) without the measured texts' words already in the tokenizer's cache. --bundled runs the engine
// client and worker from an esbuild bundle, as the packaged app does (dist/electron), instead of the sources via tsx.
// --spinning lets onnxruntime's idle threads spin between runs (the engine's default is not to).

import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SamplerSettings } from '../core/sampler/settings.js';
import { EngineClient } from '../main/engine/engine-client.js';
import type { EngineOptions } from '../main/engine/engine.js';
import { runsSince } from '../main/engine/backend.js';
import { repoRoot } from '../main/repo-root.js';
import { tinyPackageCopy } from '../test/support/tiny-package.js';

const PHONER_TEST = '../shared/data/phoner_covid19/test_syllable.jsonl';
const SYNTHETIC = [
  'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt từ ngày 12/3.',
  'Sở Y tế cho biết ca bệnh tại Đà Nẵng đã hết ho khan.',
  'Theo CDC Hà Nội, người phụ nữ 62 tuổi sống tại Cần Thơ đã âm tính.',
  'Ông ấy được đưa vào Bệnh viện Bạch Mai sáng 20-7 với biểu hiện khó thở.',
];

const REFERENCE: Partial<SamplerSettings> = {
  steps: 512,
  maxNewTokens: 512,
  temperature: 0.2,
  topP: 0.95,
  topK: 0,
  alg: 'entropy',
  algTemp: 0,
  schedule: 'dream',
  earlyStop: false,
};
const CONFIGS: Record<string, Partial<SamplerSettings>> = {
  reference: REFERENCE,
  // Dream's cost: one forward pass per step, also where a step commits nothing (same decisions).
  'reference-literal': { ...REFERENCE, forwardEveryStep: true },
  fast: {
    steps: 512,
    maxNewTokens: 'auto',
    temperature: 0.2,
    topP: 0.95,
    topK: 0,
    alg: 'maskgit_plus',
    algTemp: 0,
    schedule: 'threshold',
    threshold: 0.9,
    earlyStop: true,
  },
  // The package manifest's own sampler settings (the embedded model: threshold 0.9, at most 8 steps, temperature 0).
  default: {},
  // The GPU check's setting for big models (scripts/gpu-check.sh): the threshold schedule capped at 3 steps, a canvas
  // sized to the input, temperature 0.
  gpu: {
    steps: 3,
    maxNewTokens: 'auto',
    temperature: 0,
    topP: 1,
    topK: 0,
    alg: 'maskgit_plus',
    algTemp: 0,
    schedule: 'threshold',
    threshold: 0.9,
    earlyStop: true,
  },
};

function sentences(n: number, file: string, maxWords: number): { texts: string[]; source: string } {
  if (!existsSync(file))
    return { texts: Array.from({ length: n }, (_, i) => SYNTHETIC[i % SYNTHETIC.length]), source: 'synthetic' };
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { words: string[] }).words)
    .filter((w) => maxWords <= 0 || w.length <= maxWords)
    .slice(0, n)
    .map((w) => w.join(' '));
  return { texts, source: `${file}${maxWords > 0 ? ` (≤ ${maxWords} syllables)` : ''}, syllables joined by spaces` };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

/** EngineClient from an esbuild bundle with its worker beside it (bench/out is git-ignored). */
async function bundledClient(): Promise<typeof EngineClient> {
  const esbuild = await import('esbuild');
  mkdirSync(join(repoRoot, 'bench', 'out'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'bench', 'out', 'engine-bundle-'));
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'esm' as const,
    external: ['onnxruntime-node'],
    logLevel: 'warning' as const,
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(repoRoot, 'main/engine/engine-client.ts')],
    outfile: join(dir, 'engine-client.mjs'),
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(repoRoot, 'main/engine/engine-worker.ts')],
    outfile: join(dir, 'engine-worker.js'),
  });
  return ((await import(pathToFileURL(join(dir, 'engine-client.mjs')).href)) as { EngineClient: typeof EngineClient })
    .EngineClient;
}

async function measure(
  Client: typeof EngineClient,
  pkg: string,
  options: EngineOptions,
  texts: string[],
  settings: Partial<SamplerSettings>,
  warmup: string[],
) {
  const client = await Client.open(pkg, options);
  // Steady state, when asked: a first call pays for JIT compilation and the tokenizer's and ORT's first runs.
  if (warmup.length > 0)
    await client.annotate(
      warmup.map((text, i) => ({ id: String(i), text })),
      { settings },
    ).done;
  const before = { ...client.stats };
  const lags: number[] = [];
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + 10;
  }, 10);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await client.annotate(
    texts.map((text, i) => ({ id: String(i), text })),
    { settings },
  ).done;
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore); // every thread of the process: main, engine worker, onnxruntime's pool
  clearInterval(timer);
  const { runs, runMs, loopMs, rows, steps } = runsSince(client.stats, before);
  const info = client.info;
  await client.close();
  return {
    device: `${info.backend} ${info.device}${info.runtime ? ` (${info.runtime})` : ''}`,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    runs,
    runMs,
    loopMs,
    steps,
    rowForwards: rows,
    lagP99: percentile(lags, 99),
    lagMax: Math.max(0, ...lags),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      package: { type: 'string' },
      sentences: { type: 'string' },
      threads: { type: 'string' },
      only: { type: 'string' },
      data: { type: 'string' },
      'max-words': { type: 'string' },
      warmup: { type: 'string' },
      bundled: { type: 'boolean' },
      spinning: { type: 'boolean' },
      'max-rows': { type: 'string' },
      'max-tokens': { type: 'string' },
    },
  });
  const n = Number(values.sentences ?? 16);
  const threads = Number(values.threads ?? 1);
  const only = values.only?.split(',');
  for (const name of only ?? [])
    if (!(name in CONFIGS)) throw new Error(`--only ${name}: not one of ${Object.keys(CONFIGS).join(', ')}`);
  // The tiny fixture's window (256) cannot hold a 512-token canvas: the benchmark copy gets a longer one.
  const pkg = values.package ?? tinyPackageCopy((m) => (m.maxLength = 1024));
  const warmup = Number(values.warmup ?? 0);
  const read = sentences(n + warmup, values.data ?? PHONER_TEST, Number(values['max-words'] ?? 40));
  const texts = read.texts.slice(0, n);
  const source = read.source;
  const Client = values.bundled ? await bundledClient() : EngineClient;
  // Rows per forward: the engine's default suits a CPU; a GPU wants far more (--max-rows 64 in the GPU check).
  const batch = {
    ...(values['max-rows'] ? { maxRows: Number(values['max-rows']) } : {}),
    ...(values['max-tokens'] ? { maxTokens: Number(values['max-tokens']) } : {}),
  };
  const options: EngineOptions = {
    device: 'auto',
    intraOpThreads: threads,
    interOpThreads: 1,
    allowSpinning: values.spinning ?? false,
    batch,
  };
  console.log(
    `package ${values.package ?? 'tiny fixture (maxLength 1024)'}; ${texts.length} sentences from ${source}; ${threads} intra-op thread(s); engine ${values.bundled ? 'bundled (as packaged)' : 'from the sources (tsx)'}${values.spinning ? '; spinning threads' : ''}`,
  );
  console.log(
    '| settings | device | steps | forward passes (batched) | row-forwards / sentence | sentences/s | CPU s (wall s) | session.run ms / step | loop JS ms / step | loop JS ÷ session.run | all JS ms / step | all JS ÷ session.run | main-thread lag p99 (max) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, settings] of Object.entries(CONFIGS)) {
    if (only && !only.includes(name)) continue;
    const r = await measure(Client, pkg, options, texts, settings, read.texts.slice(n));
    const steps = Math.max(1, r.steps);
    const share = (ms: number) => `${(ms / steps).toFixed(2)} | ${((100 * ms) / Math.max(1e-9, r.runMs)).toFixed(1)} %`;
    console.log(
      `| ${name} | ${r.device} | ${r.steps} | ${r.runs} | ${(r.rowForwards / texts.length).toFixed(1)} | ${((texts.length * 1000) / r.wallMs).toFixed(2)} | ${(r.cpuMs / 1000).toFixed(2)} (${(r.wallMs / 1000).toFixed(2)}) | ` +
        `${(r.runMs / steps).toFixed(2)} | ${share(r.loopMs - r.runMs)} | ${share(r.wallMs - r.runMs)} | ${r.lagP99.toFixed(1)} ms (${r.lagMax.toFixed(1)} ms) |`,
    );
  }
}

await main();
