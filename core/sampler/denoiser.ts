// The denoising loop: Dream's `diffusion_generate` semantics driven by an async forward, so it runs the same over
// onnxruntime, a fake in a unit test, or anything else that honours the graph contract. Mirrors
// training/dnw/oracle/reference_loop.py decision for decision (docs/engine.md, "Sampler semantics").

import { selectAboveThreshold, selectBest, selectSampled } from './commit.js';
import type { BatchInputs, ForwardFn, HeadOutputs } from './head-outputs.js';
import { applyPriors, type CanvasPrior } from './prior.js';
import { RowState } from './row-state.js';
import { maskedMean, revealProbability, transferCount } from './schedule.js';
import type { SamplerSettings } from './settings.js';
import { chooseToken, type TokenChoice } from './token-choice.js';

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
  /** Per row, a prior multiplied into the model's candidates over its canvas (prior.ts); none: the model alone. */
  priors?: readonly (CanvasPrior | undefined)[];
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
  // Masks left in each row's canvas, kept up to date as tokens are written, so no step rescans the canvases.
  const masked = new Int32Array(n);
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
    masked[r] = canvas;
  });
  const history: Int32Array[][] | undefined = config.keepHistory ? rows.map(() => []) : undefined;
  // Each step gathers every live row's masked positions in its current block once (they only change by its own commits).
  const eligible = rows.map((row) => new Int32Array(Math.min(row.blockLength, row.canvas)));
  const eligibleCount = new Int32Array(n);
  const gather = (r: number): void => {
    const [from, to] = rows[r].blockRange();
    const list = eligible[r];
    let m = 0;
    for (let p = from; p < to; p++) if (ids[r * seq + p] === tokens.mask) list[m++] = p;
    eligibleCount[r] = m;
  };
  const write = (r: number, p: number, token: number): void => {
    masked[r] += Number(token === tokens.mask) - Number(ids[r * seq + p] === tokens.mask);
    ids[r * seq + p] = token;
  };
  const counted = s.schedule === 'dream' && s.alg !== 'origin';
  const plan = new Int32Array(n); // Dream's count per row, when `counted`
  const recheck = s.schedule === 'threshold' ? s.recheck : 0;
  const totalSteps = Math.max(...rows.map((row) => row.totalSteps())) * (recheck > 0 ? 2 : 1);
  let forwards = 0;
  let step = 0;

  const pending = (): boolean => {
    for (let r = 0; r < n; r++) if (masked[r] > 0 && !rows[r].finished && rows[r].scheduled()) return true;
    return false;
  };
  const pass = async (): Promise<void> => {
    while (pending()) {
      const live: number[] = [];
      for (let r = 0; r < n; r++) {
        if (!rows[r].scheduled()) continue;
        live.push(r);
        gather(r);
      }
      if (counted) planCounts(rows, live, eligibleCount, plan);
      const active = live.filter((r) => !rows[r].finished && eligibleCount[r] > 0);
      const need = counted ? active.filter((r) => plan[r] !== 0) : active;
      let out: HeadOutputs | undefined;
      if (need.length > 0) {
        if (config.isCancelled?.()) throw new CancelledError();
        out = await config.forward(subset(need, seq, ids, attention, positions), {
          temperature: s.temperature,
          topP: s.topP,
          topK: s.topK,
        });
        const { priors } = request;
        if (priors) {
          const shift = config.shiftedLogits ? 1 : 0;
          out = applyPriors(
            out,
            need.map((r) => ({ prior: priors[r], offset: rows[r].start - shift })),
          );
        }
        forwards++;
      }
      // Dream's literal cost: the rows whose count is 0 run too, in a pass of their own whose output is discarded (a
      // shared pass could shift the other rows' numbers: int8 graphs quantise each batch as a whole).
      const idle = s.forwardEveryStep && counted ? active.filter((r) => plan[r] === 0) : [];
      if (idle.length > 0) {
        if (config.isCancelled?.()) throw new CancelledError();
        await config.forward(subset(idle, seq, ids, attention, positions), {
          temperature: s.temperature,
          topP: s.topP,
          topK: s.topK,
        });
        forwards++;
      }
      let committed = 0;
      for (const r of live) {
        const row = rows[r];
        const list = eligible[r];
        const m = eligibleCount[r];
        const j = need.indexOf(r);
        if (j < 0 || !out) {
          // Not run this step; a finished row still commits its share of the batch count, as placeholders.
          const share = counted ? Math.min(plan[r], m) : 0;
          for (let i = 0; i < share; i++) write(r, list[i], tokens.eos);
          row.advance();
          continue;
        }
        const o = out;
        const at = (p: number) => j * seq + (config.shiftedLogits ? Math.max(p - 1, 0) : p);
        const commit = (p: number, token: number, probability: number) => {
          write(r, p, token);
          const c = p - row.start;
          const a = at(p);
          probabilities[r][c] = probability;
          uncertainty[r].entropy[c] = -o.negEntropy[a];
          uncertainty[r].margin[c] = o.topkProbs[a * o.k] - o.topkProbs[a * o.k + 1];
          committed++;
        };
        if (s.alg === 'origin') {
          const reveal = revealProbability(row.t(), row.s(), row.lastStep());
          const draws = new Float64Array(m);
          for (let i = 0; i < m; i++) draws[i] = row.rng.uniform();
          for (let i = 0; i < m; i++) {
            if (draws[i] >= reveal) continue;
            const choice = chooseToken(o, at(list[i]), s.alg, s.temperature, row.rng);
            commit(list[i], choice.token, choice.probability);
          }
        } else {
          const choices: TokenChoice[] = new Array(m);
          const confidences = new Float64Array(m);
          for (let i = 0; i < m; i++) {
            choices[i] = chooseToken(o, at(list[i]), s.alg, s.temperature, row.rng);
            confidences[i] = choices[i].confidence;
          }
          let picked: number[];
          if (s.schedule === 'threshold') {
            picked = row.lastStep()
              ? Array.from({ length: m }, (_, i) => i)
              : selectAboveThreshold(confidences, s.threshold);
          } else {
            const k = plan[r];
            picked = s.algTemp > 0 ? selectSampled(confidences, k, s.algTemp, row.rng) : selectBest(confidences, k);
          }
          // Positions are read before any is written: `list` is this row's own and does not change under `commit`.
          for (const i of picked) commit(list[i], choices[i].token, choices[i].probability);
        }
        row.advance();
        if (s.earlyStop) row.finished = finishedCanvas(ids.subarray(r * seq + row.start, (r + 1) * seq), tokens);
      }
      step++;
      history?.forEach((h, r) => h.push(ids.slice(r * seq + rows[r].start, (r + 1) * seq)));
      let left = 0;
      for (let r = 0; r < n; r++) if (!rows[r].finished) left += masked[r];
      config.onStep?.({ step, totalSteps, masked: left, committed, forwardRows: need.length + idle.length });
    }
  };
  await pass();
  if (recheck > 0) {
    // The second look: the unsure slots masked again (a slot the model did not commit, NaN, is not its to redo).
    let again = false;
    rows.forEach((row, r) => {
      probabilities[r].forEach((p, c) => {
        if (p < recheck) write(r, row.start + c, tokens.mask);
      });
      row.restart();
      again ||= masked[r] > 0;
    });
    if (again) await pass();
  }

  const results = rows.map((row, r): RowResult => {
    const canvas = ids.slice(r * seq + row.start, (r + 1) * seq);
    const eos = canvas.indexOf(tokens.eos);
    return {
      canvas,
      tokens: Array.from(eos < 0 ? canvas : canvas.subarray(0, eos)),
      probabilities: probabilities[r],
      uncertainty: uncertainty[r],
      history: history?.[r],
    };
  });
  return { rows: results, forwards, steps: step };
}

/**
 * Dream's count per row, into `plan`: rows whose canvases have the same length share int(mean masked * (1 - s/t)) -
 * Dream's batch mean, which equals each row's own count in its fixed-canvas batches - clamped to the row's own
 * masked count (Dream would pick unmasked positions and re-mask them); a block's last step commits all that is left.
 */
function planCounts(rows: RowState[], live: number[], masked: Int32Array, plan: Int32Array): void {
  for (let g = 0; g < live.length; g++) {
    const canvas = rows[live[g]].canvas;
    if (live.slice(0, g).some((r) => rows[r].canvas === canvas)) continue; // its group is done
    const group = live.filter((r) => rows[r].canvas === canvas);
    let total = 0;
    for (const r of group) total += masked[r];
    const head = rows[group[0]];
    const k = transferCount(maskedMean(total, group.length), head.t(), head.s(), head.lastStep());
    for (const r of group) plan[r] = rows[r].lastStep() ? masked[r] : Math.min(k, masked[r]);
  }
}

function subset(
  need: number[],
  seq: number,
  ids: Int32Array,
  attention: Int32Array,
  positions: Int32Array,
): BatchInputs {
  const take = (src: Int32Array) => {
    const out = new Int32Array(need.length * seq);
    need.forEach((r, j) => out.set(src.subarray(r * seq, (r + 1) * seq), j * seq));
    return out;
  };
  return { batch: need.length, seq, inputIds: take(ids), attentionMask: take(attention), positionIds: take(positions) };
}

/** Early stop: an EOS is committed and nothing before it is masked (or nothing is masked at all). */
export function finishedCanvas(canvas: Int32Array, tokens: SamplerTokens): boolean {
  for (const t of canvas) {
    if (t === tokens.mask) return false;
    if (t === tokens.eos) return true;
  }
  return true;
}
