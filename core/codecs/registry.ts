// Every codec by format id, and the lookups the CLI and services use to pick one.
import type { Codec, FormatId } from './codec.js';
import { FORMAT_IDS } from './codec.js';
import { bratCodec } from './brat.js';
import { conllCodec } from './conll.js';
import { doccanoCodec } from './doccano.js';
import { instructionCodec } from './instruction.js';
import { labelStudioCodec } from './label-studio.js';
import { phonerCodec } from './phoner.js';
import { textCodec } from './text.js';
import { sniffFormat } from './sniff.js';

/** The codecs, by format id. */
export const codecs: Record<FormatId, Codec> = {
  phoner: phonerCodec,
  conll: conllCodec,
  brat: bratCodec,
  doccano: doccanoCodec,
  'label-studio': labelStudioCodec,
  instruction: instructionCodec,
  text: textCodec,
};

/** True when `id` names a format. */
export function isFormatId(id: string): id is FormatId {
  return (FORMAT_IDS as readonly string[]).includes(id);
}

/** The codec for a format id; throws with the list of formats on an unknown one. */
export function codecFor(id: string): Codec {
  if (!isFormatId(id)) throw new Error(`unknown format "${id}"; formats: ${FORMAT_IDS.join(', ')}`);
  return codecs[id];
}

// The order a guess asks the codecs' signs in: the formats named for the tool that wrote them first, so a file named
// for its corpus and its tool ("phoner_doccano.jsonl") goes by the tool.
const GUESS_ORDER: readonly Codec[] = [
  labelStudioCodec,
  doccanoCodec,
  phonerCodec,
  instructionCodec,
  bratCodec,
  conllCodec,
  textCodec,
];

/**
 * The format a file suggests: a telling name, else an extension only one codec reads, else (given `head`, the file's
 * first characters, see SNIFF_CHARS) what its first record shows, when a codec of that extension reads it.
 * With `alone` (one file sent without the files beside it: a browser upload) no format that reads sidecars (brat's
 * .ann) is guessed, so a lone .txt is plain text. Undefined if unsure.
 */
export function guessFormat(fileName: string, head?: string, options: { alone?: boolean } = {}): FormatId | undefined {
  const lower = fileName.toLowerCase();
  const named = GUESS_ORDER.find((codec) => codec.signs?.name?.test(lower));
  if (named) return named.id;
  const candidates = GUESS_ORDER.filter((codec) => !(options.alone && codec.sidecars?.length));
  const claims = candidates.filter((codec) => codec.extensions.some((ext) => lower.endsWith(ext)));
  if (claims.length === 1) return claims[0].id;
  if (head === undefined) return undefined;
  // The content decides among the codecs the extension allows (any codec when the name has no known extension).
  return sniffFormat(head, claims.length > 0 ? claims : candidates);
}
