// End-to-end engine throughput over a file of texts, for any package (a PyTorch-backed one on a GPU is the point):
// tokenising, batching, the TypeScript sampler, the forward pipe to the worker, parsing. Prints sentences/s,
// forwards, rows, time inside forwards, and what the backend reports (GPU name, memory allocated and peak).
//
//   node --import tsx bench/torch-throughput.ts --package PKG --texts FILE [--limit N] [--device auto|cuda|cpu]
//        [--threads N] [--batch-rows 32] [--batch-tokens 65536] [--run NAME=JSON ...] [--json OUT]
//
// FILE: one text per line (.txt), a JSON list of texts, PhoNER .jsonl ({"words": [...]} per line), or CoNLL (.conll/.txt with tab- or space-separated
// token/tag lines; a blank line ends a sentence; the first column is the token). Each --run is a name and sampler
// overrides in JSON, run in order on the same opened model, e.g. --run 'threshold={"schedule":"threshold",
// "threshold":0.9,"steps":128,"maxNewTokens":"auto","earlyStop":true}' --run 'seed={}' (the package's own
// defaults). Default: one run with the package's defaults.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SamplerSettings } from '../core/sampler/settings.js';
import type { DeviceChoice } from '../main/engine/backend.js';
import { DiffusionEngine } from '../main/engine/engine.js';

/** Texts of a file: JSON list, CoNLL sentences (first column), or one per line. */
export function readTexts(path: string): string[] {
  const raw = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) return (JSON.parse(raw) as unknown[]).map(String);
  if (path.endsWith('.jsonl')) {
    // PhoNER-style lines: {"words": [...]} (syllables, or words joined by _), or {"text": ...}.
    return raw.split('\n').filter((l) => l.trim()).map((l) => {
      const row = JSON.parse(l) as { words?: string[]; text?: string };
      return row.text ?? (row.words ?? []).join(' ').replace(/_/g, ' ');
    });
  }
  const lines = raw.split(/\r?\n/);
  const conll = lines.filter((l) => l.trim()).slice(0, 50).every((l) => /^\S+[\t ]+\S+/.test(l)) && lines.some((l) => l.trim() === '');
  if (!conll) return lines.map((l) => l.trim()).filter(Boolean);
  const texts: string[] = [];
  let words: string[] = [];
  for (const line of [...lines, '']) {
    if (line.trim() === '' || line.startsWith('-DOCSTART-')) {
      if (words.length > 0) texts.push(words.join(' ').replace(/_/g, ' '));
      words = [];
    } else {
      words.push(line.split(/[\t ]+/)[0]);
    }
  }
  return texts;
}

async function main(): Promise<void> {
  const string = { type: 'string' } as const;
  const { values } = parseArgs({
    options: {
      package: string, texts: string, limit: string, device: string, threads: string, 'batch-rows': string, 'batch-tokens': string,
      run: { type: 'string', multiple: true }, json: string,
    },
  });
  if (typeof values.package !== 'string' || typeof values.texts !== 'string') throw new Error('--package and --texts are required');
  const texts = readTexts(values.texts).slice(0, values.limit ? Number(values.limit) : undefined);
  const opened = performance.now();
  const engine = await DiffusionEngine.open(values.package, {
    device: (values.device as DeviceChoice | undefined) ?? 'auto', intraOpThreads: Number(values.threads ?? 0), interOpThreads: 1,
    batch: { maxRows: Number(values['batch-rows'] ?? 32), maxTokens: Number(values['batch-tokens'] ?? 65536) },
  });
  const openSeconds = (performance.now() - opened) / 1000;
  const info = engine.info;
  console.log(`model ${info.name} ${info.version}: ${info.backend} on ${info.device}${info.runtime ? ` (${info.runtime})` : ''}${info.fallbackReason ? `; ${info.fallbackReason}` : ''}; opened in ${openSeconds.toFixed(1)} s`);
  console.log(`${texts.length} texts, mean ${(texts.reduce((n, t) => n + t.length, 0) / Math.max(1, texts.length)).toFixed(0)} characters`);
  const runs = (values.run ?? ['defaults={}']).map((spec) => {
    const at = spec.indexOf('=');
    return { name: at < 0 ? spec : spec.slice(0, at), settings: (at < 0 ? {} : JSON.parse(spec.slice(at + 1))) as Partial<SamplerSettings> };
  });
  const results = [];
  for (const run of runs) {
    const before = { ...engine.stats };
    const started = performance.now();
    const out = await engine.annotate(texts.map((text, i) => ({ id: String(i), text })), { settings: run.settings });
    const seconds = (performance.now() - started) / 1000;
    const stats = await engine.backendStats();
    const forwards = engine.stats.runs - before.runs;
    const result = {
      run: run.name, settings: run.settings, texts: texts.length, seconds, sentencesPerSecond: texts.length / seconds,
      forwards, rows: engine.stats.rows - before.rows, steps: engine.stats.steps - before.steps,
      forwardSeconds: (engine.stats.runMs - before.runMs) / 1000, entities: out.reduce((n, r) => n + r.entities.length, 0),
      backend: stats,
    };
    results.push(result);
    const gib = (n: unknown) => (typeof n === 'number' ? `${(n / 1024 ** 3).toFixed(2)} GiB` : 'n/a');
    console.log(`${run.name}: ${result.sentencesPerSecond.toFixed(2)} sentences/s (${seconds.toFixed(2)} s), ${forwards} forwards over ${result.rows} rows, ` +
      `${result.forwardSeconds.toFixed(2)} s in forwards (${(100 * result.forwardSeconds / seconds).toFixed(0)}%), ${result.entities} entities; ` +
      `GPU memory allocated ${gib(stats.gpuMemoryAllocated)}, peak ${gib(stats.gpuMemoryPeak)}, reserved ${gib(stats.gpuMemoryReserved)}`);
  }
  await engine.release();
  if (typeof values.json === 'string') writeFileSync(values.json, JSON.stringify({ model: info, openSeconds, results }, null, 1) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
