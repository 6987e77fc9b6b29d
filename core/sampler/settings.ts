// Sampler settings: Dream's `diffusion_generate` options under their Dream meanings, plus the engine's faster
// schedules. Validated here so a bad value is refused with the name of the setting, before any model runs.

/** How a position's confidence is measured (Dream's `alg`). */
export type SamplerAlg = 'origin' | 'maskgit_plus' | 'topk_margin' | 'entropy';
export const SAMPLER_ALGS: readonly SamplerAlg[] = ['origin', 'maskgit_plus', 'topk_margin', 'entropy'];

/** Which positions commit at a step: Dream's count schedule, or all above a confidence threshold. */
export type SamplerSchedule = 'dream' | 'threshold';

export interface SamplerSettings {
  /** Denoising steps (per block when blockLength is set, divided evenly). */
  steps: number;
  /** Canvas size: masks appended after the prompt, or 'auto' (sized from the text and the output format). */
  maxNewTokens: number | 'auto';
  /** Softmax temperature; 0 = argmax decisions on the untempered distribution. */
  temperature: number;
  /** Nucleus filter; 1 = off. */
  topP: number;
  /** Top-k filter; 0 = off. */
  topK: number;
  alg: SamplerAlg;
  /** > 0: positions to commit are sampled from softmax(confidence / algTemp) instead of taken best-first. */
  algTemp: number;
  /** Time runs from 1 down to eps. */
  eps: number;
  schedule: SamplerSchedule;
  /** For schedule 'threshold': commit every position whose confidence is at least this (and always one). */
  threshold: number;
  /**
   * For schedule 'threshold': once the canvas is full, the positions committed with a probability below this are
   * masked again and denoised once more, with the rest of the canvas as their context (0 = never). A slot committed
   * early and unsure is decided again knowing its neighbours' decisions.
   */
  recheck: number;
  /** Semi-autoregressive blocks of this many canvas positions, left to right; 0 = one block. */
  blockLength: number;
  /** Stop a row once everything up to its first committed EOS is committed. */
  earlyStop: boolean;
  /** Seed of the PRNG (uint32); each prompt draws from its own stream of it. */
  seed: number;
  /**
   * Run a forward pass at every step of Dream's count schedule, as Dream's `diffusion_generate` does, also where the
   * step commits nothing (its output is discarded). Changes only the cost, never a decision: for measuring Dream's
   * literal cost. Off by default: such a step needs no forward pass.
   */
  forwardEveryStep: boolean;
}

/** Dream's defaults as its README runs them (and the reference settings of bench/engine.ts). */
export const DREAM_DEFAULTS: SamplerSettings = {
  steps: 512,
  maxNewTokens: 512,
  temperature: 0.2,
  topP: 0.95,
  topK: 0,
  alg: 'entropy',
  algTemp: 0,
  eps: 1e-3,
  schedule: 'dream',
  threshold: 0.9,
  recheck: 0,
  blockLength: 0,
  earlyStop: false,
  seed: 0,
  forwardEveryStep: false,
};

/** A setting that cannot be used, named as in SamplerSettings. */
export class SamplerSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`sampler setting ${field}: ${message}`);
    this.name = 'SamplerSettingsError';
  }
}

function check(condition: boolean, field: string, message: string): void {
  if (!condition) throw new SamplerSettingsError(field, message);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Merges `overrides` over `base` and validates the result; throws SamplerSettingsError naming the setting. */
export function resolveSettings(base: SamplerSettings, overrides: Partial<SamplerSettings> = {}): SamplerSettings {
  const s: SamplerSettings = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    check(key in DREAM_DEFAULTS, key, 'is not a sampler setting');
    if (value !== undefined) (s as unknown as Record<string, unknown>)[key] = value;
  }
  check(isInt(s.steps) && s.steps >= 1, 'steps', 'must be an integer >= 1');
  check(
    s.maxNewTokens === 'auto' || (isInt(s.maxNewTokens) && s.maxNewTokens >= 1),
    'maxNewTokens',
    "must be an integer >= 1 or 'auto'",
  );
  check(isNum(s.temperature) && s.temperature >= 0, 'temperature', 'must be a number >= 0');
  check(isNum(s.topP) && s.topP > 0 && s.topP <= 1, 'topP', 'must be in (0, 1]');
  check(isInt(s.topK) && s.topK >= 0, 'topK', 'must be an integer >= 0 (0 = off)');
  check(SAMPLER_ALGS.includes(s.alg), 'alg', `must be one of ${SAMPLER_ALGS.join(', ')}`);
  check(isNum(s.algTemp) && s.algTemp >= 0, 'algTemp', 'must be a number >= 0');
  check(isNum(s.eps) && s.eps >= 0 && s.eps < 1, 'eps', 'must be in [0, 1)');
  check(s.schedule === 'dream' || s.schedule === 'threshold', 'schedule', "must be 'dream' or 'threshold'");
  check(isNum(s.threshold), 'threshold', 'must be a number');
  check(
    !(s.schedule === 'threshold' && s.alg === 'origin'),
    'schedule',
    "'threshold' needs a confidence: alg 'origin' has none",
  );
  check(isNum(s.recheck) && s.recheck >= 0 && s.recheck <= 1, 'recheck', 'must be in [0, 1] (0 = never)');
  check(!(s.recheck > 0 && s.schedule !== 'threshold'), 'recheck', "needs schedule 'threshold'");
  check(isInt(s.blockLength) && s.blockLength >= 0, 'blockLength', 'must be an integer >= 0 (0 = one block)');
  check(typeof s.earlyStop === 'boolean', 'earlyStop', 'must be true or false');
  check(isInt(s.seed) && s.seed >= 0 && s.seed <= 0xffffffff, 'seed', 'must be an integer in 0..2^32-1');
  check(typeof s.forwardEveryStep === 'boolean', 'forwardEveryStep', 'must be true or false');
  return s;
}
