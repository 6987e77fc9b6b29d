// Raw BIO tag sequences of a flat file or folder, read as written by the codec that knows the format (PhoNER, or
// CoNLL with one tag column): evaluation must see a stray I-X as seqeval's strict mode does, not as the importer's
// repair would make it.
import type { Codec } from '../../core/codecs/codec.js';
import { inputFiles } from '../io/input-files.js';
import { fileInput } from '../io/read-source.js';

/** The tag sequences of a flat BIO file or folder, or undefined when the format or file is not flat BIO. */
export async function flatTags(path: string, codec: Codec): Promise<string[][] | undefined> {
  if (!codec.rawTags) return undefined;
  const all: string[][] = [];
  for (const file of inputFiles(path, codec)) {
    const tags = await codec.rawTags(fileInput(file.path));
    if (!tags) return undefined;
    for (const sequence of tags) all.push(sequence); // not push(...tags): a large file would overflow the stack
  }
  return all;
}
