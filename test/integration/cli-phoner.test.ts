// The real PhoNER_COVID19 syllable files through the CLI: import all three splits into one database, export to
// PhoNER and CoNLL, re-import each export, and check that every sentence's tags come back identical.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { dataFolder, repoRoot, workbench } from './cli-run.js';

const phoner = resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');
const SPLITS = ['train', 'dev', 'test'].map((split) => join(phoner, `${split}_syllable.jsonl`));
const missing = !SPLITS.every((path) => existsSync(path)) && `PhoNER_COVID19 not found at ${phoner}`;

const phonerTags = (path: string): string[][] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l).tags as string[]);

function conllTags(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('-DOCSTART-'))
        .map((l) => l.split('\t')[1]),
    )
    .filter((tags) => tags.length > 0);
}

function run(args: string[]): string {
  const result = workbench(args);
  assert.equal(result.status, 0, `workbench ${args.join(' ')}\n${result.stderr}`);
  return result.stdout;
}

function counts(db: string): [number, number] {
  const { documents, entities } = JSON.parse(run(['stats', db, '--json']));
  return [documents, entities];
}

test(
  'PhoNER syllable train+dev+test: import, export to phoner and conll, re-import: tags identical',
  { skip: missing },
  () => {
    const dir = dataFolder();
    const db = join(dir, 'phoner.sqlite');
    run(['init', db]);
    for (const path of SPLITS) run(['import', db, path, '--format', 'phoner']);
    assert.deepEqual(counts(db), [10_027, 34_980]);
    const original = SPLITS.flatMap(phonerTags);

    const asPhoner = join(dir, 'all.jsonl');
    const asConll = join(dir, 'all.conll');
    run(['export', db, asPhoner, '--format', 'phoner']);
    run(['export', db, asConll, '--format', 'conll']);
    assert.deepEqual(phonerTags(asPhoner), original);
    assert.deepEqual(conllTags(asConll), original);

    for (const [file, format] of [
      [asPhoner, 'phoner'],
      [asConll, 'conll'],
    ] as const) {
      const again = join(dir, `again-${format}.sqlite`);
      run(['init', again]);
      run(['import', again, file, '--format', format]);
      assert.deepEqual(counts(again), [10_027, 34_980], format);
      const back = join(dir, `back-${format}.jsonl`);
      run(['export', again, back, '--format', 'phoner']);
      assert.deepEqual(phonerTags(back), original, `tags after a round trip through ${format}`);
    }
    // Importing the same file again adds nothing.
    assert.match(run(['import', db, SPLITS[1], '--format', 'phoner']), /imported 0 documents .* 2000 already there/);
  },
);
