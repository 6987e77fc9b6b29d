// One long-lived engine process for batch pre-annotation (training/dnw/package/batch_annotate.py runs one per Ray actor):
// the same DiffusionEngine as `workbench annotate` and the app's jobs (package loader, backend, TypeScript sampler,
// parsers), driven through a pipe instead of a database.
//
//   node --import tsx main/batch/engine-pipe.ts --package DIR [--device auto|cpu|cuda] [--threads N] [--sampler JSON]
//
// Protocol, one JSON object per line. Out first: {"ready": true, "model": {name, version}, "backend", "device",
// "runtime"?, "fallbackReason"?}
// (or {"fatal": message} and exit 1). In: {"id": any, "texts": [string, ...]}. Out, for each request in order:
// {"id", "results": [{"entities", "problems", "signals"}, ...]} (one per text, in order) or {"id", "error"}. End of
// input: the engine is released and the process exits 0. stdout carries nothing else; logs go to stderr.

import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SamplerSettings } from '../../core/sampler/settings.js';
import { DiffusionEngine } from '../engine/engine.js';
import type { DeviceChoice } from '../engine/backend.js';

export interface PipeRequest {
  id: unknown;
  texts: string[];
}

export interface PipeResult {
  entities: { label: string; start: number; end: number; score?: number }[];
  problems: string[];
  signals: unknown;
}

/** The request on one input line, or why it is not one. */
export function parseRequest(line: string): PipeRequest | { id: unknown; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { id: null, error: `not JSON: ${(error as Error).message}` };
  }
  const request = value as Partial<PipeRequest> | null;
  const id = request?.id ?? null;
  if (!request || !Array.isArray(request.texts) || !request.texts.every((t) => typeof t === 'string')) {
    return { id, error: 'expected {"id": ..., "texts": [string, ...]}' };
  }
  return { id, texts: request.texts };
}

function write(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

async function main(): Promise<void> {
  const string = { type: 'string' } as const;
  const { values } = parseArgs({ options: { package: string, device: string, threads: string, sampler: string } });
  if (typeof values.package !== 'string') throw new Error('--package is required');
  const device = (values.device ?? 'auto') as DeviceChoice;
  if (!['auto', 'cpu', 'cuda'].includes(device))
    throw new Error(`--device must be auto, cpu or cuda (got "${device}")`);
  const settings = values.sampler === undefined ? undefined : (JSON.parse(values.sampler) as Partial<SamplerSettings>);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const engine = await DiffusionEngine.open(values.package, { device, intraOpThreads: threads });
  const { info } = engine;
  write({
    ready: true,
    model: { name: info.name, version: info.version },
    backend: info.backend,
    device: info.device,
    ...(info.runtime ? { runtime: info.runtime } : {}),
    ...(info.fallbackReason ? { fallbackReason: info.fallbackReason } : {}),
  });
  try {
    // One request at a time, in order: the engine batches the texts of a request by length itself.
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      const request = parseRequest(line);
      if ('error' in request) {
        write(request);
        continue;
      }
      try {
        const results = await engine.annotate(
          request.texts.map((text, i) => ({ id: String(i), text })),
          { settings },
        );
        write({
          id: request.id,
          results: results.map((r): PipeResult => ({ entities: r.entities, problems: r.problems, signals: r.signals })),
        });
      } catch (error) {
        write({ id: request.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    await engine.release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message);
    write({ fatal: message });
    process.exit(1);
  });
}
