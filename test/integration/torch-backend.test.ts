// The PyTorch backend (torch-session.ts + training/dnw/dream/torch_worker.py) against the onnxruntime graph of the same
// tiny Qwen2: token-identical engine outputs and equal forward counts under every sampler configuration of
// scripts/parity-sweep.sh (run on both backends here) and the fixture's schedules the sweep lacks (threshold at
// 0.5 over 24 steps, blocks, early stop: expected.json, which engine-parity.test.ts pins onnxruntime to).
// TORCH_PARITY_FULL=1 adds the fixture's other runs (every alg again, alg_temp, sampled; ~2x the time). The checkpoint is rebuilt from the fixture's recorded seed; the package pointing at
// it is written by dnw.dream.torch_package. Skips, saying why, when the project's Python has no torch.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from 'node:util';
import type { SamplerSettings } from '../../core/sampler/settings.js';
import { DiffusionEngine } from '../../main/engine/engine.js';
import { DeviceError } from '../../main/engine/backend.js';
import { PackageError } from '../../main/engine/package-loader.js';
import { TorchBackendError } from '../../main/engine/torch-session.js';
import { readPrompts, settingsFromFlags } from '../../scripts/engine-generate.js';

/** The reference's snake_case settings as engine settings (as engine-parity.test.ts reads expected.json). */
function engineSettings(s: Record<string, unknown>): Partial<SamplerSettings> {
  return {
    steps: s.steps as number,
    maxNewTokens: s.max_new_tokens as number | 'auto',
    temperature: s.temperature as number,
    topP: (s.top_p as number | null) ?? 1,
    topK: (s.top_k as number | null) ?? 0,
    alg: s.alg as SamplerSettings['alg'],
    algTemp: (s.alg_temp as number | null) ?? 0,
    eps: s.eps as number,
    schedule: s.schedule as SamplerSettings['schedule'],
    threshold: s.threshold as number,
    blockLength: (s.block_length as number | null) ?? 0,
    earlyStop: s.early_stop as boolean,
    seed: s.seed as number,
  };
}

const FIXTURE = resolve('test/fixtures/tiny-model');
const PYTHON = resolve(process.env.WORKBENCH_PYTHON ?? '.venv/bin/python');

function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, transformers, safetensors, dnw'], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: resolve('training') },
  });
  if (probe.error || probe.status !== 0) {
    return `the PyTorch backend test needs ${PYTHON} with torch, transformers and safetensors (npm run setup:python): ${(probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)) || 'not found'}`;
  }
  return undefined;
}

/** 'no CUDA' when the project's torch cannot use CUDA, else 'cuda'. */
function cudaProbe(): string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print("cuda" if torch.cuda.is_available() else "no CUDA")'], {
    encoding: 'utf8',
  });
  return probe.stdout.trim() === 'cuda' ? 'cuda' : 'no CUDA';
}

/** The sampler configurations scripts/parity-sweep.sh runs, read from the script itself. */
function sweepConfigs(): { name: string; settings: Partial<SamplerSettings> }[] {
  const script = readFileSync('scripts/parity-sweep.sh', 'utf8');
  const block = script.slice(script.indexOf("<<'CONFIGS'\n") + "<<'CONFIGS'\n".length, script.lastIndexOf('\nCONFIGS'));
  const string = { type: 'string' } as const;
  const options = Object.fromEntries(
    [
      'steps',
      'temperature',
      'top-p',
      'top-k',
      'alg',
      'alg-temp',
      'eps',
      'schedule',
      'threshold',
      'block-length',
      'seed',
      'max-new-tokens',
    ].map((k) => [k, string]),
  );
  return block
    .split('\n')
    .filter(Boolean)
    .map((line) => ({
      name: line,
      settings: settingsFromFlags(parseArgs({ args: line.split(/\s+/), options }).values),
    }));
}

const missing = torchMissing();
if (missing) console.log(`# SKIP torch-backend: ${missing}`);

describe('PyTorch backend matches onnxruntime token for token', { skip: missing }, () => {
  let work: string;
  let onnx: DiffusionEngine;
  let torch: DiffusionEngine;
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
    runs: Record<
      string,
      { settings: Record<string, unknown>; batches: { texts: string[]; tokens: number[][]; forwards: number }[] }
    >;
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dnw-torch-'));
    const build = spawnSync(
      PYTHON,
      [
        '-c',
        `
import json, sys, torch
from pathlib import Path
from tokenizers import Tokenizer
torch.set_num_threads(1)
from dnw.dream.tiny_qwen2 import rebuild_from_manifest, write_checkpoint
from dnw.dream.torch_package import write_package
fixture, work = Path(sys.argv[1]), Path(sys.argv[2])
manifest = json.loads((fixture / "manifest.json").read_text())
write_checkpoint(rebuild_from_manifest(manifest), Tokenizer.from_file(str(fixture / "tokenizer.json")), work / "checkpoint")
write_package(work / "checkpoint", work / "package", from_package=fixture)
`,
        join(FIXTURE, 'package'),
        work,
      ],
      { encoding: 'utf8', env: { ...process.env, PYTHONPATH: resolve('training') } },
    );
    assert.equal(build.status, 0, build.stderr);
    const options = { device: 'cpu' as const, intraOpThreads: 1, interOpThreads: 1 };
    [onnx, torch] = await Promise.all([
      DiffusionEngine.open(join(FIXTURE, 'package'), options),
      DiffusionEngine.open(join(work, 'package'), options),
    ]);
  });
  after(async () => {
    await Promise.all([onnx?.release(), torch?.release()]);
    rmSync(work, { recursive: true, force: true });
  });

  test('the engine reports the backend and device', async () => {
    assert.equal(torch.info.backend, 'pytorch');
    assert.equal(onnx.info.backend, 'onnxruntime');
    assert.equal(torch.info.device, 'cpu');
    assert.match(torch.info.runtime ?? '', /^PyTorch .* on CPU, float32, sdpa attention$/);
    const stats = await torch.backendStats();
    assert.equal(typeof stats.forwards, 'number');
  });

  const fixtureRuns =
    process.env.TORCH_PARITY_FULL === '1' ? Object.keys(expected.runs) : ['threshold', 'blocks', 'early_stop'];
  for (const [name, run] of Object.entries(expected.runs).filter(([n]) => fixtureRuns.includes(n))) {
    test(`fixture run ${name}: same tokens and forwards as the onnxruntime engine`, async () => {
      const batches = run.batches.map((b) => b.texts);
      const got = await torch.generate(batches, engineSettings(run.settings));
      got.forEach((batch, b) => {
        batch.tokens.forEach((tokens, r) =>
          assert.deepEqual(tokens, run.batches[b].tokens[r], `batch ${b} row ${r}: ${JSON.stringify(batches[b][r])}`),
        );
        assert.equal(batch.forwards, run.batches[b].forwards, `batch ${b}: forward passes`);
      });
    });
  }

  const prompts = readPrompts(join(FIXTURE, 'prompts.json'));
  for (const config of sweepConfigs()) {
    test(`parity sweep ${config.name}`, async () => {
      const [a, b] = await Promise.all([
        onnx.generate(prompts, config.settings),
        torch.generate(prompts, config.settings),
      ]);
      a.forEach((batch, i) => {
        assert.deepEqual(b[i].tokens, batch.tokens, `batch ${i}`);
        assert.equal(b[i].forwards, batch.forwards, `batch ${i}: forward passes`);
      });
    });
  }

  test("device 'cuda' where torch has no CUDA is a DeviceError naming the reason", async (t) => {
    if (cudaProbe() === 'cuda') return t.skip('this machine has CUDA');
    await assert.rejects(
      DiffusionEngine.open(join(work, 'package'), { device: 'cuda' }),
      (e: unknown) =>
        e instanceof DeviceError &&
        /device 'cuda' was asked for but PyTorch cannot use CUDA: .*Choose device 'auto' or 'cpu'/.test(e.message),
    );
  });

  test('a checkpoint folder that is missing is named with its manifest field', () => {
    const dir = join(work, 'broken');
    spawnSync('cp', ['-r', join(work, 'package'), dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, pytorch: { checkpoint: 'nowhere' } }));
    return assert.rejects(
      DiffusionEngine.open(dir, { device: 'cpu' }),
      (e: unknown) =>
        e instanceof PackageError &&
        /nowhere: is missing \(named by manifest.json pytorch.checkpoint\)/.test(e.message),
    );
  });

  test("weights the worker cannot load fail the open with the worker's reason", async () => {
    const dir = join(work, 'bad-weights');
    spawnSync('cp', ['-r', join(work, 'checkpoint'), join(work, 'bad-checkpoint')]);
    writeFileSync(join(work, 'bad-checkpoint', 'model.safetensors'), 'not safetensors');
    spawnSync('cp', ['-r', join(work, 'package'), dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, pytorch: { checkpoint: join(work, 'bad-checkpoint') } }),
    );
    await assert.rejects(
      DiffusionEngine.open(dir, { device: 'cpu', intraOpThreads: 1 }),
      (e: unknown) => e instanceof TorchBackendError && /cannot load .*bad-checkpoint/.test(e.message),
    );
  });
});

test('the engine modules load where onnxruntime-node cannot (a GPU machine with only Node and Python)', () => {
  // A resolve hook refuses onnxruntime-node; the engine, its worker thread's module and the PyTorch session must
  // still import (ort-session.ts is imported only when a graph package opens).
  const hook =
    'data:text/javascript,' +
    encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { if (s.startsWith("onnxruntime-node")) throw new Error("onnxruntime-node is blocked"); return n(s, c); }'));`);
  const code =
    ['engine.js', 'engine-client.js', 'worker-protocol.js', 'torch-session.js', 'engine-port-adapter.js']
      .map((m) => `await import(${JSON.stringify(resolve('main/engine', m))});`)
      .join(' ') +
    ` await import(${JSON.stringify(resolve('main/engine/ort-session.js'))}).then(() => console.log('ort loaded?!'), (e) => console.log('ort refused:', e.message));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /ort refused: onnxruntime-node is blocked/);
});
