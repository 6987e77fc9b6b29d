// Replays how the model writes a document's suggestions: the engine denoises the document's text once more with its
// history kept, and the canvas after every step goes to the UI ("Watch the model denoise", docs/ui.md). Nothing is
// stored.
import { ContractError } from '../../core/contract/errors.js';
import type { DenoisingTrace, ModelChoice } from '../../core/contract/types.js';
import { codePointLength } from '../../core/offsets.js';
import type { EnginePort } from './engine-port.js';

/** Longer documents would send the UI steps × tokens strings; their first windows say as much. */
export const TRACE_MAX_CHARACTERS = 5_000;

/** The denoising history of `text` under `model`, in a session of its own that is closed afterwards. */
export async function traceText(
  engine: EnginePort,
  documentId: number,
  text: string,
  model: ModelChoice,
): Promise<DenoisingTrace> {
  const length = codePointLength(text);
  if (length > TRACE_MAX_CHARACTERS) {
    throw new ContractError(
      'invalid',
      `the replay works on documents of up to ${TRACE_MAX_CHARACTERS.toLocaleString('en')} characters; this one has ${length.toLocaleString('en')}`,
      'documentId',
    );
  }
  const abort = new AbortController();
  const session = await engine.open(model, abort.signal);
  try {
    const [result] = await session.annotateMany([text], abort.signal, undefined, { keepHistory: true });
    if (!result.history) throw new ContractError('failed', `${session.modelName} gives no denoising history`);
    return { documentId, model: { name: session.modelName, version: session.modelVersion }, segments: result.history };
  } finally {
    await session.close();
  }
}
