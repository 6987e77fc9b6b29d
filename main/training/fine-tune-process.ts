// One run of `python -m dnw.package.finetune_package` (docs/training.md, "Fine-tuning a package"): its JSON-lines events
// become progress callbacks, an AbortSignal stops it (SIGTERM, then SIGKILL), and the result is the new package
// folder, which the Python side only creates once everything in it is written.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { findPython } from './python-env.js';

export interface FineTuneArgs {
  base: string;
  train: string;
  out: string;
  heldout?: string;
  fromScratch?: boolean;
  epochs?: number;
  /** At least this many optimiser steps (small sets still get enough updates); maxSteps sets the count exactly. */
  minSteps?: number;
  maxSteps?: number;
  maxMinutes?: number;
  lr?: number;
  seed?: number;
  threads?: number;
  name?: string;
  version?: string;
  /** A project's own label set (JSON: labels, model -> project map, indexed): the output vocabulary is rebuilt for it. */
  labels?: string;
  /** Another package (the active model) scored on the same held-out file. */
  compare?: string;
  /** The project's text, annotated or not (one text per line): a model from scratch builds its tokenizer and word vectors from it. */
  texts?: string;
  /** 'auto' (the trainer's default: CUDA when torch sees it, else CPU), 'cpu', 'cuda', 'cuda:N'. */
  device?: string;
  /** From scratch: at most this many models in one ensemble (the trainer's default for a project's model: 3). */
  members?: number;
  /** The training documents' lexicon file (core/lexicon/lexicon-file.ts), carried in the package to fill the model's gaps. */
  lexicon?: string;
  /** The package's decoding threshold (the trainer's default: the base's, or the best on a large enough held-out file). */
  threshold?: number;
  /** The word prior's weight, not chosen on held-out documents (a refit keeps the scored run's; 0: none). */
  priorWeight?: number;
  /** The sampler's recheck, not chosen on held-out documents (a refit keeps the scored run's; 0: none). */
  recheck?: number;
}

export interface FineTuneProgress {
  phase: 'train' | 'export' | 'evaluate';
  step: number;
  steps: number;
  loss?: number;
  elapsed?: number;
  /** Where the trainer runs, from its start event: "cpu" or "cuda:0 (NVIDIA H200)". */
  device?: string;
}

export interface FineTuneResult {
  package: string;
  metrics: Record<string, unknown>;
  seconds: number;
}

export class FineTuneError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FineTuneError';
  }
}

function argv(a: FineTuneArgs): string[] {
  const out = ['-m', 'dnw.package.finetune_package', '--base', a.base, '--train', a.train, '--out', a.out];
  const opt = (flag: string, value: string | number | undefined) =>
    value !== undefined && out.push(flag, String(value));
  opt('--heldout', a.heldout);
  if (a.fromScratch) out.push('--from-scratch');
  opt('--epochs', a.epochs);
  opt('--min-steps', a.minSteps);
  opt('--max-steps', a.maxSteps);
  opt('--max-minutes', a.maxMinutes);
  opt('--lr', a.lr);
  opt('--seed', a.seed);
  opt('--threads', a.threads);
  opt('--name', a.name);
  opt('--version', a.version);
  opt('--device', a.device);
  opt('--labels', a.labels);
  opt('--compare', a.compare);
  opt('--texts', a.texts);
  opt('--members', a.members);
  opt('--lexicon', a.lexicon);
  opt('--threshold', a.threshold);
  opt('--prior-weight', a.priorWeight);
  opt('--recheck', a.recheck);
  return out;
}

/**
 * Training runs beside an annotator at work (keep-learning retrains in the background): on a small machine its
 * threads must not take the CPU from the window's keystrokes and the server's saves, so it runs below normal
 * priority. Set before Python starts its worker threads, which inherit it. Where the OS refuses, it runs as it is.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // Never raised: a workbench itself started lower (nice 19) keeps its trainer there too.
    setPriority(pid, Math.max(getPriority(pid), constants.priority.PRIORITY_BELOW_NORMAL));
  } catch {
    // not permitted here: the run is only less polite
  }
}

/** Runs a fine-tune to completion; rejects with FineTuneError (its message from the trainer), or an AbortError. */
export function runFineTune(
  args: FineTuneArgs,
  signal: AbortSignal,
  onProgress?: (p: FineTuneProgress) => void,
): Promise<FineTuneResult> {
  const { python, env } = findPython();
  return new Promise((resolvePromise, reject) => {
    if (signal.aborted) return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const child = spawn(python, argv(args), {
      env: { ...env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    lowerPriority(child.pid);
    let stderr = '';
    let done: FineTuneResult | undefined;
    let failure: string | undefined;
    let phase: FineTuneProgress['phase'] = 'train';
    let last: FineTuneProgress = { phase, step: 0, steps: 0 };
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        return; // a library's stray print; the events are JSON objects
      }
      if (event.event === 'start')
        last = {
          ...last,
          steps: Number(event.steps) || 0,
          ...(typeof event.device === 'string' ? { device: event.device } : {}),
        };
      else if (event.event === 'step')
        last = {
          ...last,
          phase,
          step: Number(event.step),
          steps: Number(event.steps),
          loss: Number(event.loss),
          elapsed: Number(event.elapsed),
        };
      else if (event.event === 'phase')
        last = { ...last, phase: (phase = event.phase === 'export' ? 'export' : 'evaluate') };
      else if (event.event === 'done')
        done = {
          package: String(event.package),
          metrics: (event.metrics ?? {}) as Record<string, unknown>,
          seconds: Number(event.seconds),
        };
      else if (event.event === 'error') failure = String(event.message);
      else return;
      onProgress?.(last);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const abort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    };
    signal.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => reject(new FineTuneError(`could not start ${python}: ${error.message}`, stderr)));
    child.on('close', (code) => {
      signal.removeEventListener('abort', abort);
      clearTimeout(killTimer);
      if (signal.aborted) return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (code === 0 && done && existsSync(done.package)) return resolvePromise(done);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new FineTuneError(failure ?? `the fine-tune exited with code ${code}${tail ? `: ${tail}` : ''}`, stderr));
    });
  });
}
