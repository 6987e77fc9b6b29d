// A deterministic stand-in for the diffusion engine in end-to-end tests: it "suggests" fixed phrases with fixed
// scores, so a test knows exactly which suggestions appear. Loaded with `workbench serve --engine <this file>`.
// WORKBENCH_TEST_ENGINE_DELAY_MS makes each document take that long (to test Cancel and responsiveness).
import type { Entity } from '../../../core/document.js';
import type { EnginePort } from '../../../main/services/engine-port.js';

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

export const engine: EnginePort = {
  device: () => device,
  models: () => [{ id: 'embedded', name: 'lexicon', kind: 'embedded', path: null, available: true }],
  async open() {
    return {
      modelName: 'lexicon',
      modelVersion: '1',
      modelId: null,
      device,
      annotate: (text, signal) =>
        new Promise<Entity[]>((resolve, reject) => {
          const timer = setTimeout(() => resolve(suggest(text)), delay);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          }, { once: true });
        }),
      async close() {},
    };
  },
};
