// `workbench eval` on IO-tagged CoNLL (I- tags only, as many published corpora are): a run of one label is one
// entity, as import reads it, where strict IOB2 would drop every entity of the file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFolder, workbench } from './cli-run.js';

function conll(dir: string, name: string, sentences: string[][][]): string {
  const path = join(dir, name);
  writeFileSync(path, sentences.map((rows) => `${rows.map((r) => r.join('\t')).join('\n')}\n`).join('\n'));
  return path;
}

const WORDS = [
  ['Bệnh', 'nhân', 'ở', 'Hà', 'Nội', 'Đà', 'Nẵng'],
  ['Sốt', 'cao', ',', 'ho', 'khan'],
];
const tagged = (tags: string[][]) => WORDS.map((words, s) => words.map((w, i) => [w, tags[s][i]]));

test('eval reads an IO-tagged gold file with each run of one label as one entity', () => {
  const dir = dataFolder();
  // "Hà Nội" and "Đà Nẵng" touch: in IO they are one LOCATION run; "Sốt cao" and "ho khan" are two SYMPTOM runs.
  const gold = conll(
    dir,
    'gold.conll',
    tagged([
      ['O', 'O', 'O', 'I-LOCATION', 'I-LOCATION', 'I-LOCATION', 'I-LOCATION'],
      ['I-SYMPTOM', 'I-SYMPTOM', 'O', 'I-SYMPTOM', 'I-SYMPTOM'],
    ]),
  );
  const same = conll(
    dir,
    'same.conll',
    tagged([
      ['O', 'O', 'O', 'B-LOCATION', 'I-LOCATION', 'I-LOCATION', 'I-LOCATION'],
      ['B-SYMPTOM', 'I-SYMPTOM', 'O', 'B-SYMPTOM', 'I-SYMPTOM'],
    ]),
  );
  const split = conll(
    dir,
    'split.conll',
    tagged([
      ['O', 'O', 'O', 'B-LOCATION', 'I-LOCATION', 'B-LOCATION', 'I-LOCATION'],
      ['B-SYMPTOM', 'I-SYMPTOM', 'O', 'O', 'O'],
    ]),
  );
  const run = (pred: string) => {
    const result = workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'conll', '--json']);
    assert.equal(result.status, 0, result.stderr);
    return { report: JSON.parse(result.stdout), stderr: result.stderr };
  };
  // An IOB2 prediction of the same entities: all three found.
  const exact = run(same);
  assert.equal(exact.report.mode, 'seqeval strict IOB2');
  assert.deepEqual([exact.report.micro.tp, exact.report.micro.fp, exact.report.micro.fn], [3, 0, 0]);
  assert.match(exact.stderr, /gold\.conll: IO-tagged .*each run of I- tags of one label is read as one entity/);
  // The gold file against itself (both IO).
  assert.deepEqual([run(gold).report.micro.tp, run(gold).report.micro.fn], [3, 0]);
  // Two LOCATIONs where gold has one run, one SYMPTOM missed: tp 1, fp 2, fn 2.
  const partial = run(split).report;
  assert.deepEqual([partial.micro.tp, partial.micro.fp, partial.micro.fn], [1, 2, 2]);
  assert.deepEqual(Object.keys(partial.perLabel).sort(), ['LOCATION', 'SYMPTOM']);
});

test('a file with a B- tag anywhere is not IO: eval keeps seqeval strict, where a stray I- is no entity', () => {
  const dir = dataFolder();
  const gold = conll(
    dir,
    'gold.conll',
    tagged([
      ['O', 'O', 'O', 'I-LOCATION', 'I-LOCATION', 'O', 'O'],
      ['B-SYMPTOM', 'I-SYMPTOM', 'O', 'O', 'O'],
    ]),
  );
  const result = workbench(['eval', '--gold', gold, '--pred', gold, '--format', 'conll', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual([report.micro.tp, report.micro.fp, report.micro.fn], [1, 0, 0]);
  assert.doesNotMatch(result.stderr, /IO-tagged/);
});

test('eval reads BIOES and BILOU files (E-/S-, L-/U-) as the spans they mark, against an IOB2 prediction', () => {
  const dir = dataFolder();
  const bioes = conll(
    dir,
    'bioes.conll',
    tagged([
      ['O', 'O', 'S-PLACE', 'B-LOCATION', 'E-LOCATION', 'B-LOCATION', 'E-LOCATION'],
      ['B-SYMPTOM', 'E-SYMPTOM', 'O', 'S-SYMPTOM', 'S-SYMPTOM'],
    ]),
  );
  const bilou = conll(
    dir,
    'bilou.conll',
    tagged([
      ['O', 'O', 'U-PLACE', 'B-LOCATION', 'L-LOCATION', 'B-LOCATION', 'L-LOCATION'],
      ['B-SYMPTOM', 'L-SYMPTOM', 'O', 'U-SYMPTOM', 'U-SYMPTOM'],
    ]),
  );
  const iob2 = conll(
    dir,
    'iob2.conll',
    tagged([
      ['O', 'O', 'B-PLACE', 'B-LOCATION', 'I-LOCATION', 'B-LOCATION', 'I-LOCATION'],
      ['B-SYMPTOM', 'I-SYMPTOM', 'O', 'B-SYMPTOM', 'B-SYMPTOM'],
    ]),
  );
  for (const [gold, pred] of [
    [bioes, iob2],
    [bilou, iob2],
    [iob2, bioes],
  ]) {
    const result = workbench(['eval', '--gold', gold, '--pred', pred, '--format', 'conll', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.mode, 'strict spans of BIOES / BILOU tags');
    assert.deepEqual([report.micro.tp, report.micro.fp, report.micro.fn], [6, 0, 0]);
  }
});

test('eval reads an IOB1 gold file (CoNLL-2003 style) as IOB1: an I- starts an entity, B- splits touching ones', () => {
  const dir = dataFolder();
  const iob1 = conll(
    dir,
    'iob1.conll',
    tagged([
      ['O', 'O', 'O', 'I-LOCATION', 'I-LOCATION', 'B-LOCATION', 'I-LOCATION'],
      ['I-SYMPTOM', 'I-SYMPTOM', 'O', 'I-SYMPTOM', 'I-SYMPTOM'],
    ]),
  );
  const iob2 = conll(
    dir,
    'iob2.conll',
    tagged([
      ['O', 'O', 'O', 'B-LOCATION', 'I-LOCATION', 'B-LOCATION', 'I-LOCATION'],
      ['B-SYMPTOM', 'I-SYMPTOM', 'O', 'B-SYMPTOM', 'I-SYMPTOM'],
    ]),
  );
  const result = workbench(['eval', '--gold', iob1, '--pred', iob2, '--format', 'conll', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual([report.micro.tp, report.micro.fp, report.micro.fn], [4, 0, 0]);
  assert.match(result.stderr, /iob1\.conll: IOB1/);
});
