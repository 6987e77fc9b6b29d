// A deterministic stand-in for the diffusion engine in end-to-end tests: it "suggests" fixed phrases with fixed
// scores, so a test knows exactly which suggestions appear. Loaded with `workbench serve --engine <this file>`.
// WORKBENCH_TEST_ENGINE_DELAY_MS makes each document take that long (to test Cancel and responsiveness). Like the
// real engine, a call that is aborted yields nothing for any of its texts.
import type { Entity } from '../../../core/document.js';
import { abortError, type EnginePort, type TextSuggestions } from '../../../main/services/engine-port.js';

export const LEXICON: { phrase: string; label: string; score: number }[] = [
  { phrase: 'Bệnh viện Đà Nẵng', label: 'ORGANIZATION', score: 0.71 },
  { phrase: '12/3', label: 'DATE', score: 0.9 },
  { phrase: 'sốt cao', label: 'SYMPTOM_AND_DISEASE', score: 0.55 },
  { phrase: 'Hà Nội', label: 'LOCATION', score: 0.95 },
];

function suggest(text: string): Entity[] {
  const cps = Array.from(text);
  const out: Entity[] = [];
  for (const { phrase, label, score } of LEXICON) {
    const p = Array.from(phrase);
    for (let i = 0; i + p.length <= cps.length; i++) {
      if (p.every((c, j) => cps[i + j] === c)) out.push({ label, start: i, end: i + p.length, score });
    }
  }
  return out;
}

// Uncertainty signals for the active-learning queue. The stand-in has no model, so these are made up, but
// deterministically from the text and its suggestions (NOT what the real engine measures; see
// core/active-learning/signals.ts for that) so the queue's strategies rank the same documents differently and a
// test can tell them apart:
//   meanEntropy: mean (1 − score) of the suggestions (0.05 when none: "confident there is nothing");
//   maxEntropy:  0.2 + 0.1 × (syllables mod 7), at least meanEntropy (stands in for a doubtful token outside them);
//   minMargin:   the lowest suggestion score (1 when none);
//   disagreement (only when asked for): the share of suggestions scoring under 0.8.
function signalsOf(
  text: string,
  entities: Entity[],
  withDisagreement: boolean,
): NonNullable<TextSuggestions['signals']> {
  const tokens = text.split(/\s+/u).filter(Boolean).length;
  const cps = Array.from(text);
  const entityTokens = entities.reduce(
    (n, e) => n + cps.slice(e.start, e.end).join('').split(/\s+/u).filter(Boolean).length,
    0,
  );
  const meanEntropy =
    entities.length > 0 ? entities.reduce((sum, e) => sum + (1 - (e.score ?? 1)), 0) / entities.length : 0.05;
  const maxEntropy = Math.max(meanEntropy, 0.2 + 0.1 * (tokens % 7));
  const minMargin = Math.min(1, ...entities.map((e) => e.score ?? 1));
  const signals: NonNullable<TextSuggestions['signals']> = { tokens, entityTokens, meanEntropy, maxEntropy, minMargin };
  if (withDisagreement)
    signals.disagreement =
      entities.length > 0 ? entities.filter((e) => (e.score ?? 1) < 0.8).length / entities.length : 0;
  return signals;
}

const delay = Number(process.env.WORKBENCH_TEST_ENGINE_DELAY_MS ?? 0);
const device = { device: 'cpu' as const, reason: 'lexicon test engine (no model)' };

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export const engine: EnginePort = {
  device: () => device,
  // WORKBENCH_TEST_EMBEDDED_PACKAGE gives the stand-in's "embedded model" a package folder, so the model registry
  // (the Models view, fine-tuning) has a version to list; annotating still uses the lexicon.
  models: () => [
    {
      id: 'embedded',
      name: 'lexicon',
      kind: 'embedded',
      path: process.env.WORKBENCH_TEST_EMBEDDED_PACKAGE || null,
      available: true,
    },
  ],
  async open() {
    return {
      modelName: 'lexicon',
      modelVersion: '1',
      package: null,
      device,
      async annotateMany(texts, signal, onProgress, options) {
        const out: TextSuggestions[] = [];
        for (const text of texts) {
          await wait(delay, signal);
          const entities = suggest(text);
          out.push({ entities, signals: signalsOf(text, entities, options?.disagreementTemperature !== undefined) });
          onProgress?.({ textsDone: out.length, texts: texts.length, fraction: out.length / texts.length });
        }
        return out;
      },
      async close() {},
    };
  },
};
