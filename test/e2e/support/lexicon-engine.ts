// A deterministic stand-in for the diffusion engine in end-to-end tests: it "suggests" fixed phrases with fixed
// scores, so a test knows exactly which suggestions appear. Loaded with `workbench serve --engine <this file>`.
// WORKBENCH_TEST_ENGINE_DELAY_MS makes each document take that long (to test Cancel and responsiveness). Like the
// real engine, a call that is aborted yields nothing for any of its texts.
import type { Entity } from '../../../core/document.js';
import { abortError, type EnginePort } from '../../../main/services/engine-port.js';

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
  models: () => [{ id: 'embedded', name: 'lexicon', kind: 'embedded', path: null, available: true }],
  async open() {
    return {
      modelName: 'lexicon',
      modelVersion: '1',
      package: null,
      device,
      async annotateMany(texts, signal, onProgress) {
        const out: { entities: Entity[] }[] = [];
        for (const text of texts) {
          await wait(delay, signal);
          out.push({ entities: suggest(text) });
          onProgress?.({ textsDone: out.length, texts: texts.length, fraction: out.length / texts.length });
        }
        return out;
      },
      async close() {},
    };
  },
};
