// Raw BIO tag sequences of a flat file (PhoNER, or CoNLL with one tag column), read as written: evaluation must see
// a stray I-X as seqeval's strict mode does, not as the importer's repair would make it.
import type { Codec } from '../../core/codecs/codec.js';
import { linesOf } from '../../core/source.js';
import { inputFiles } from '../io/input-files.js';
import { fileSource } from '../io/read-source.js';

async function phonerTags(path: string): Promise<string[][]> {
  const sequences: string[][] = [];
  for await (const { text } of linesOf(fileSource(path).chunks())) {
    if (text.trim() === '') continue;
    sequences.push((JSON.parse(text) as { tags: string[] }).tags);
  }
  return sequences;
}

/** CoNLL sentences' tags; undefined when some sentence has more than one tag column (nested, not flat). */
async function conllTags(path: string): Promise<string[][] | undefined> {
  const sequences: string[][] = [];
  let current: string[] = [];
  for await (const { text } of linesOf(fileSource(path).chunks())) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('-DOCSTART-')) {
      if (current.length > 0) sequences.push(current);
      current = [];
      continue;
    }
    if (text.startsWith('# ')) continue;
    const columns = text.includes('\t') ? text.replace(/[\t ]+$/u, '').split('\t') : trimmed.split(/ +/u);
    if (columns.length !== 2) return undefined;
    current.push(columns[1].trim());
  }
  if (current.length > 0) sequences.push(current);
  return sequences;
}

/** The tag sequences of a flat BIO file or folder, or undefined when the format or file is not flat BIO. */
export async function flatTags(path: string, codec: Codec): Promise<string[][] | undefined> {
  if (codec.id !== 'phoner' && codec.id !== 'conll') return undefined;
  const all: string[][] = [];
  for (const file of inputFiles(path, codec)) {
    const tags = codec.id === 'phoner' ? await phonerTags(file.path) : await conllTags(file.path);
    if (!tags) return undefined;
    all.push(...tags);
  }
  return all;
}
