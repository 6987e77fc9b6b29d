// Prints the engine's generated tokens for a prompts file, in the JSON shape `python -m dnw.oracle.reference_sampler`
// writes, so the two can be compared on any package (docs/engine.md, "Checking parity yourself"):
//
//   node --import tsx scripts/engine-generate.ts --package DIR --prompts FILE --alg entropy [--out FILE]
//
// Flags are the reference's: --steps --max-new-tokens --temperature --top-p --top-k --alg --alg-temp --eps
// --schedule --threshold --block-length --early-stop --seed, plus --threads N (default 1) and --device. The package may
// be of either kind: an ONNX graph (onnxruntime) or a PyTorch checkpoint (manifest "pytorch", docs/model-package.md).

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SamplerSettings } from '../core/sampler/settings.js';
import { DiffusionEngine } from '../main/engine/engine.js';
import type { DeviceChoice } from '../main/engine/backend.js';

const NUMERIC: Record<string, keyof SamplerSettings> = {
  steps: 'steps',
  temperature: 'temperature',
  'top-p': 'topP',
  'top-k': 'topK',
  'alg-temp': 'algTemp',
  eps: 'eps',
  threshold: 'threshold',
  'block-length': 'blockLength',
  seed: 'seed',
};

/** Sampler overrides from reference-style flags. */
export function settingsFromFlags(values: Record<string, string | boolean | undefined>): Partial<SamplerSettings> {
  const out: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(NUMERIC))
    if (typeof values[flag] === 'string') out[key] = Number(values[flag]);
  if (typeof values['max-new-tokens'] === 'string')
    out.maxNewTokens = values['max-new-tokens'] === 'auto' ? 'auto' : Number(values['max-new-tokens']);
  if (typeof values.alg === 'string') out.alg = values.alg;
  if (typeof values.schedule === 'string') out.schedule = values.schedule;
  if (values['early-stop'] === true) out.earlyStop = true;
  return out as Partial<SamplerSettings>;
}

/** The batches of a prompts file: a list of texts (one batch each) or {"batches": [[text, ...], ...]}. */
export function readPrompts(path: string): string[][] {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (Array.isArray(data)) return data.map((text) => [String(text)]);
  return (data as { batches: string[][] }).batches;
}

async function main(): Promise<void> {
  const string = { type: 'string' } as const;
  const { values } = parseArgs({
    options: {
      package: string,
      prompts: string,
      out: string,
      threads: string,
      device: string,
      ...Object.fromEntries([...Object.keys(NUMERIC), 'max-new-tokens', 'alg', 'schedule'].map((k) => [k, string])),
      'early-stop': { type: 'boolean' },
    },
  });
  if (typeof values.package !== 'string' || typeof values.prompts !== 'string')
    throw new Error('--package and --prompts are required');
  const engine = await DiffusionEngine.open(values.package, {
    device: (values.device as DeviceChoice | undefined) ?? 'cpu',
    intraOpThreads: Number(values.threads ?? 1),
    interOpThreads: 1,
  });
  const settings = settingsFromFlags(values);
  const batches = readPrompts(values.prompts);
  const generated = await engine.generate(batches, settings);
  await engine.release();
  const run = { settings, batches: generated.map((g, i) => ({ texts: batches[i], ...g })) };
  const json = JSON.stringify({ runs: [run] }, null, 1);
  if (typeof values.out === 'string') writeFileSync(values.out, json + '\n');
  else process.stdout.write(json + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
