// The denoising loop: Dream's `diffusion_generate` semantics driven by an async forward, so it runs the same over
// onnxruntime, a fake in a unit test, or anything else that honours the graph contract. Mirrors
// training/dnw/reference_loop.py decision for decision (docs/engine.md, "Sampler semantics").

import { selectAboveThreshold, selectBest, selectSampled } from './commit.js';
import type { BatchInputs, ForwardFn, HeadOutputs } from './head-outputs.js';
import { RowState } from './row-state.js';
import { maskedMean, revealProbability, transferCount } from './schedule.js';
import type { SamplerSettings } from './settings.js';
import { chooseToken } from './token-choice.js';

export interface SamplerTokens {
  mask: number;
  eos: number;
  pad: number;
}

export interface DenoiseRequest {
  /** Prompt ids per row. */
  prompts: readonly ArrayLike<number>[];
  /** Canvas size per row. */
  canvasLengths: readonly number[];
  /** PRNG stream per row (the prompt's index in its request). */
  streams: readonly number[];
}

export interface StepEvent {
  /** 1-based step of this batch. */
  step: number;
  /** Upper bound on the steps (the schedule's length; early stop or a finished canvas ends sooner). */
  totalSteps: number;
  /** Positions still masked in rows that are not finished. */
  masked: number;
  committed: number;
  /** Rows in this step's forward pass (0 when the step needed none). */
  forwardRows: number;
}

export interface DenoiseConfig {
  settings: SamplerSettings;
  tokens: SamplerTokens;
  /** Dream predicts position i from the output at i - 1. */
  shiftedLogits: boolean;
  forward: ForwardFn;
  onStep?: (event: StepEvent) => void;
  /** Keep every row's canvas after each step (denoising history for the UI). */
  keepHistory?: boolean;
  /** Polled before each forward pass. */
  isCancelled?: () => boolean;
}

export interface RowResult {
  /** The final canvas. */
  canvas: Int32Array;
  /** Canvas tokens up to (not including) the first EOS. */
  tokens: number[];
  /** Probability of each canvas token when it was committed (NaN where it was not committed by the model). */
  probabilities: Float32Array;
  /** Uncertainty of each canvas position when it was committed (NaN where the model did not commit it). */
  uncertainty: CommitUncertainty;
  history?: Int32Array[];
}

/** Per canvas position, at commit time: the entropy of the (filtered) distribution and its top-1 minus top-2 probability. */
export interface CommitUncertainty {
  entropy: Float32Array;
  margin: Float32Array;
}

export interface DenoiseResult {
  rows: RowResult[];
  forwards: number;
  steps: number;
}

/** Thrown by denoise when isCancelled() turns true; no partial result escapes. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Runs the sampler over one left-padded batch. */
export async function denoise(request: DenoiseRequest, config: DenoiseConfig): Promise<DenoiseResult> {
  const { settings: s, tokens } = config;
  const n = request.prompts.length;
  const seq = Math.max(...request.prompts.map((p, r) => p.length + request.canvasLengths[r]));
  const ids = new Int32Array(n * seq).fill(tokens.pad);
  const attention = new Int32Array(n * seq);
  const positions = new Int32Array(n * seq).fill(1);
  const rows: RowState[] = [];
  const probabilities: Float32Array[] = [];
  const uncertainty: CommitUncertainty[] = [];
  request.prompts.forEach((prompt, r) => {
    const canvas = request.canvasLengths[r];
    const pad = seq - prompt.length - canvas;
    for (let i = 0; i < prompt.length; i++) ids[r * seq + pad + i] = prompt[i];
    ids.fill(tokens.mask, r * seq + pad + prompt.length, (r + 1) * seq);
    attention.fill(1, r * seq + pad, (r + 1) * seq);
    for (let i = pad; i < seq; i++) positions[r * seq + i] = i - pad; // Dream: cumsum(mask) - 1, 1 at padding
    rows.push(new RowState(pad + prompt.length, canvas, s, request.streams[r]));
    probabilities.push(new Float32Array(canvas).fill(NaN));
    uncertainty.push({ entropy: new Float32Array(canvas).fill(NaN), margin: new Float32Array(canvas).fill(NaN) });
  });
  const history: Int32Array[][] | undefined = config.keepHistory ? rows.map(() => []) : undefined;
  const maskedInBlock = (r: number): number[] => {
    const [from, to] = rows[r].blockRange();
    const out: number[] = [];
    for (let p = from; p < to; p++) if (ids[r * seq + p] === tokens.mask) out.push(p);
    return out;
  };
  const hasMask = (r: number): boolean => ids.subarray(r * seq + rows[r].start, (r + 1) * seq).includes(tokens.mask);
  const totalSteps = Math.max(...rows.map((row) => row.totalSteps()));
  let forwards = 0;
  let step = 0;

  while (rows.some((row, r) => row.scheduled() && !row.finished && hasMask(r))) {
    const live = rows.map((_, r) => r).filter((r) => rows[r].scheduled());
    const plan = s.schedule === 'dream' && s.alg !== 'origin' ? planCounts(rows, live, maskedInBlock) : new Map<number, number>();
    const need = live.filter((r) => !rows[r].finished && maskedInBlock(r).length > 0 && plan.get(r) !== 0);
    let out: HeadOutputs | undefined;
    if (need.length > 0) {
      if (config.isCancelled?.()) throw new CancelledError();
      out = await config.forward(subset(need, seq, ids, attention, positions), { temperature: s.temperature, topP: s.topP, topK: s.topK });
      forwards++;
    }
    let committed = 0;
    for (const r of live) {
      const row = rows[r];
      const eligible = maskedInBlock(r);
      const j = need.indexOf(r);
      if (j < 0 || !out) {
        // Not run this step; a finished row still commits its share of the batch count, as placeholders.
        for (const p of eligible.slice(0, plan.get(r) ?? 0)) ids[r * seq + p] = tokens.eos;
        row.advance();
        continue;
      }
      const at = (p: number) => j * seq + (config.shiftedLogits ? Math.max(p - 1, 0) : p);
      const commit = (p: number, token: number, probability: number) => {
        ids[r * seq + p] = token;
        probabilities[r][p - row.start] = probability;
        const o = at(p);
        uncertainty[r].entropy[p - row.start] = -out!.negEntropy[o];
        uncertainty[r].margin[p - row.start] = out!.topkProbs[o * out!.k] - out!.topkProbs[o * out!.k + 1];
        committed++;
      };
      if (s.alg === 'origin') {
        const reveal = revealProbability(row.t(), row.s(), row.lastStep());
        const draws = eligible.map(() => row.rng.uniform());
        eligible.forEach((p, i) => {
          if (draws[i] >= reveal) return;
          const choice = chooseToken(out!, at(p), s.alg, s.temperature, row.rng);
          commit(p, choice.token, choice.probability);
        });
      } else {
        const choices = eligible.map((p) => chooseToken(out!, at(p), s.alg, s.temperature, row.rng));
        const confidences = choices.map((c) => c.confidence);
        let picked: number[];
        if (s.schedule === 'threshold') {
          picked = row.lastStep() ? eligible.map((_, i) => i) : selectAboveThreshold(confidences, s.threshold);
        } else {
          const k = plan.get(r)!;
          picked = s.algTemp > 0 ? selectSampled(confidences, k, s.algTemp, row.rng) : selectBest(confidences, k);
        }
        for (const i of picked) commit(eligible[i], choices[i].token, choices[i].probability);
      }
      row.advance();
      if (s.earlyStop) row.finished = finishedCanvas(ids.subarray(r * seq + row.start, (r + 1) * seq), tokens);
    }
    step++;
    history?.forEach((h, r) => h.push(ids.slice(r * seq + rows[r].start, (r + 1) * seq)));
    const masked = rows.reduce((sum, row, r) => sum + (row.finished ? 0 : countMasks(ids.subarray(r * seq + row.start, (r + 1) * seq), tokens.mask)), 0);
    config.onStep?.({ step, totalSteps, masked, committed, forwardRows: need.length });
  }

  const results = rows.map((row, r): RowResult => {
    const canvas = ids.slice(r * seq + row.start, (r + 1) * seq);
    const eos = canvas.indexOf(tokens.eos);
    return { canvas, tokens: Array.from(eos < 0 ? canvas : canvas.subarray(0, eos)), probabilities: probabilities[r], uncertainty: uncertainty[r], history: history?.[r] };
  });
  return { rows: results, forwards, steps: step };
}

/**
 * Dream's count per row: rows whose canvases have the same length share int(mean masked * (1 - s/t)) - Dream's
 * batch mean, which equals each row's own count in its fixed-canvas batches - clamped to the row's own masked
 * count (Dream would pick unmasked positions and re-mask them); a block's last step commits all that is left.
 */
function planCounts(rows: RowState[], live: number[], maskedInBlock: (r: number) => number[]): Map<number, number> {
  const plan = new Map<number, number>();
  for (const canvas of new Set(live.map((r) => rows[r].canvas))) {
    const group = live.filter((r) => rows[r].canvas === canvas);
    const counts = group.map((r) => maskedInBlock(r).length);
    const head = rows[group[0]];
    const k = transferCount(maskedMean(counts.reduce((a, b) => a + b, 0), group.length), head.t(), head.s(), head.lastStep());
    group.forEach((r, i) => plan.set(r, rows[r].lastStep() ? counts[i] : Math.min(k, counts[i])));
  }
  return plan;
}

function subset(need: number[], seq: number, ids: Int32Array, attention: Int32Array, positions: Int32Array): BatchInputs {
  const take = (src: Int32Array) => {
    const out = new Int32Array(need.length * seq);
    need.forEach((r, j) => out.set(src.subarray(r * seq, (r + 1) * seq), j * seq));
    return out;
  };
  return { batch: need.length, seq, inputIds: take(ids), attentionMask: take(attention), positionIds: take(positions) };
}

function countMasks(canvas: Int32Array, mask: number): number {
  let n = 0;
  for (const t of canvas) if (t === mask) n++;
  return n;
}

/** Early stop: an EOS is committed and nothing before it is masked (or nothing is masked at all). */
export function finishedCanvas(canvas: Int32Array, tokens: SamplerTokens): boolean {
  for (const t of canvas) {
    if (t === tokens.mask) return false;
    if (t === tokens.eos) return true;
  }
  return true;
}
