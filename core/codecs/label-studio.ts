// Label Studio JSON export (docs/formats/label-studio.md).
import type { Doc } from '../document.js';
import type { Entity } from '../document.js';
import type { Carried, Codec, EncodedPart, EncodeOptions } from './codec.js';
import { decodeLabelStudio, readTask } from './label-studio-decode.js';
import { taskOf } from './label-studio-encode.js';
import type { LabelStudioMeta } from './label-studio-meta.js';

/** The meta a document would get back from the task the encoder writes for it without meta.labelStudio. */
function canonicalMeta(doc: Doc): LabelStudioMeta | undefined {
  const plain: Doc = {
    ...doc,
    meta: doc.meta?.predictions === undefined ? undefined : { predictions: doc.meta.predictions },
  };
  return readTask(
    taskOf(plain, () => {}),
    0,
    () => {},
  )?.meta;
}

async function* encodeLabelStudio(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const variant = options?.variant ?? 'json';
  if (variant !== 'json' && variant !== 'jsonl')
    throw new RangeError(`Label Studio variant must be "json" or "jsonl", not "${variant}"`);
  let count = 0;
  for await (const doc of docs) {
    const task = taskOf(doc, (issue) => options?.report?.({ file: doc.name, line: count + 1, ...issue }));
    const json = JSON.stringify(task);
    yield { text: variant === 'jsonl' ? `${json}\n` : `${count === 0 ? '[\n' : ',\n'}${json}` };
    count++;
  }
  if (variant === 'json') yield { text: count === 0 ? '[]\n' : '\n]\n' };
}

/**
 * A task's annotation is the answer (even with no region, when the task has one chosen); its predictions, kept in
 * meta.predictions by the decoder, are suggestions with the first prediction's model_version.
 */
function carriedByTask(doc: Doc): Carried {
  const meta = doc.meta?.labelStudio as LabelStudioMeta | undefined;
  const predictions = doc.meta?.predictions;
  const fromMeta = Array.isArray(predictions);
  const answer = fromMeta
    ? doc.entities.map(({ score: _, ...e }) => e)
    : doc.entities.filter((e) => e.score === undefined);
  const suggested = fromMeta ? (predictions as Entity[]) : doc.entities.filter((e) => e.score !== undefined);
  const version = (meta?.task as { predictions?: { model_version?: unknown }[] } | undefined)?.predictions?.find(
    (p) => typeof p?.model_version === 'string',
  )?.model_version;
  return {
    answer: answer.length > 0 || meta?.chosen !== undefined ? answer : null,
    suggested,
    ...(typeof version === 'string' && version !== '' ? { modelVersion: version } : {}),
  };
}

/** Label Studio tasks (JSON array, JSON lines or JSON_MIN in; JSON or JSON lines out), code-point offsets. */
export const labelStudioCodec: Codec = {
  id: 'label-studio',
  title: 'Label Studio JSON',
  extensions: ['.json', '.jsonl'],
  multiFile: false,
  carriesAuthor: true,
  signs: {
    name: /label[-_ ]?studio/u,
    // A task: `data` with its annotations, predictions or id (or nothing else, an import-only task).
    record: (record) =>
      typeof record.data === 'object' &&
      record.data !== null &&
      !Array.isArray(record.data) &&
      ('annotations' in record || 'predictions' in record || 'id' in record || Object.keys(record).length === 1),
  },
  carried: carriedByTask,
  decode: (input, options) => decodeLabelStudio(input, canonicalMeta, options),
  encode: encodeLabelStudio,
};
