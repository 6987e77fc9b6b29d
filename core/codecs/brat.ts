// brat standoff: a .txt per document and an .ann beside it (docs/formats/brat.md).
import type { Doc } from '../document.js';
import { scoredAreSuggestions, type Codec, type EncodedPart, type EncodeOptions } from './codec.js';
import { decodeBrat } from './brat-decode.js';
import { encodeAnn, safeStem } from './brat-encode.js';

async function* encodeBrat(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const report = options?.report ?? (() => {});
  for await (const doc of docs) {
    const stem = safeStem(doc.name, report);
    yield { path: `${stem}.txt`, text: doc.text };
    yield { path: `${stem}.ann`, text: encodeAnn(doc, `${stem}.ann`, report) };
  }
}

/** brat standoff: `<name>.txt` + `<name>.ann`; discontinuous spans, unmodelled lines kept, code-point offsets. */
export const bratCodec: Codec = {
  id: 'brat',
  title: 'brat standoff (.txt + .ann)',
  extensions: ['.txt'],
  sidecars: ['.ann'],
  multiFile: true,
  signs: { name: /\.ann$/u },
  // An .ann with no entity says "nothing here".
  carried: scoredAreSuggestions(true),
  decode: (input, options) => decodeBrat(input, options),
  encode: encodeBrat,
};
