// The CRF of a package's crf.json as the sampler's prior over an aligned-BIO canvas (core/sampler/prior.ts): the
// marginals of each word's tags at the word's first text token, the word being a token and the tokens that continue
// it, as the canvas is read (continuesWord). training/dnw/crf/prior.py is the reference.
import type { Range } from '../document.js';
import { continuesWord, outerTagOf, unescapeTag } from '../model-output/aligned-bio.js';
import type { CanvasPrior } from '../sampler/prior.js';
import { crfMarginals, type CrfModel } from './crf-model.js';

/** A candidate token id's tag index in the CRF (the outer level of its tag stack), -1 when it is no tag the CRF knows. */
export function crfTagIndex(crf: CrfModel, decode: (id: number) => string): (id: number) => number {
  const index = new Map(crf.labels.map((tag, i) => [unescapeTag(tag), i]));
  const memo = new Map<number, number>();
  return (id) => {
    let i = memo.get(id);
    if (i === undefined) {
      const outer = outerTagOf(decode(id));
      i = outer === undefined ? -1 : (index.get(outer) ?? -1);
      memo.set(id, i);
    }
    return i;
  };
}

/** The prior over the canvas of `text` whose text tokens are `tokens` (code-point ranges). */
export function wordPrior(
  crf: CrfModel,
  weight: number,
  tagOf: (id: number) => number,
  text: string,
  tokens: readonly Range[],
): CanvasPrior {
  const cps = Array.from(text);
  const continues = continuesWord(text, tokens);
  const firsts: number[] = [];
  const words: string[] = [];
  tokens.forEach((token, t) => {
    if (t > 0 && continues[t]) {
      words[words.length - 1] += cps.slice(token.start, token.end).join('');
    } else {
      firsts.push(t);
      words.push(cps.slice(token.start, token.end).join(''));
    }
  });
  const at: (Float64Array | undefined)[] = new Array(tokens.length).fill(undefined);
  crfMarginals(crf, words).forEach((m, w) => (at[firsts[w]] = m));
  return { weight, at, tagOf };
}
