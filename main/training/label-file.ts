// A label set of the project's own for the trainer's --labels (training/dnw/package/project_labels.py): the label file
// and the training documents' labels written as indexes. The instruction format's tags cannot hold every label name
// (spaces, `|`, brackets): the trainer reads `_i` as the i-th label of the file (`"indexed": true`) and escapes the
// name itself, so the package it writes carries the plain names in its manifest.
import { writeFileSync } from 'node:fs';
import type { Doc } from '../../core/document.js';

/** How a training file names the i-th label (project_labels.py's index_tag). */
export const indexTag = (i: number): string => `_${i}`;

/** A function giving a document with its labels written as indexes into `labels`; entities of other labels are left out. */
export function indexLabels(labels: readonly string[]): (doc: Doc) => Doc {
  const index = new Map(labels.map((l, i) => [l, indexTag(i)]));
  return (d) => ({
    name: d.name,
    text: d.text,
    entities: d.entities.filter((e) => index.has(e.label)).map((e) => ({ ...e, label: index.get(e.label)! })),
  });
}

/**
 * Writes the label file: `labels` in order (the indexes above), and `map` (model label -> project label) by which the
 * trainer initialises a new label's rows from a base label (transfer) and reads another package's output (--compare).
 */
export function writeLabelFile(path: string, labels: readonly string[], map: Record<string, string> = {}): void {
  writeFileSync(path, JSON.stringify({ labels, map, indexed: true }, null, 1));
}
