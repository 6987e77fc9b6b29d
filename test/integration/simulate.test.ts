// `workbench simulate` end to end at toy scale: the real trainer, the real engine, a slice of PhoNER_COVID19. Every
// strategy starts from the same seed sentences, picks its own, records dev F1 and editing effort per round, and a
// second run resumes from the saved rounds instead of training again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { findPython } from '../../main/training/python-env.js';
import { dataFolder, repoRoot } from './cli-run.js';

const phoner = resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');
const skip = (() => {
  if (!existsSync(join(phoner, 'train_syllable.jsonl'))) return `PhoNER_COVID19 not found at ${phoner}`;
  if (!existsSync(join(repoRoot, 'assets', 'model', 'checkpoint.pt')))
    return 'the embedded model carries no checkpoint.pt';
  try {
    findPython();
    return false;
  } catch (error) {
    return (error as Error).message;
  }
})();

const head = (file: string, n: number) =>
  readFileSync(join(phoner, file), 'utf8').split('\n').slice(0, n).join('\n') + '\n';

/** `workbench simulate` with toy trainings (3 seed steps, at least 2 a round, one thread) into `out`. */
function simulate(options: string[], out: string, timeout: number) {
  const tiny = ['--seed-steps', '3', '--min-steps', '2', '--epochs', '1', '--threads', '1', '--out', out];
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'workbench.js'), 'simulate', ...options, ...tiny], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout,
  });
}

interface Results {
  runs: {
    name: string;
    labeledIds: number[];
    rounds: { labeled: number; dev: { f1: number }; editsPerSentence: number | null; fineTuneSeconds: number }[];
  }[];
  summary: { name: string }[];
}

test(
  'simulate: shared seed, per-strategy picks, curves and effort recorded, resumable',
  { skip, timeout: 900_000 },
  () => {
    const dir = dataFolder();
    writeFileSync(join(dir, 'train.jsonl'), head('train_syllable.jsonl', 120));
    writeFileSync(join(dir, 'dev.jsonl'), head('dev_syllable.jsonl', 30));
    const out = join(dir, 'sim');
    const options = [
      '--train',
      join(dir, 'train.jsonl'),
      '--dev',
      join(dir, 'dev.jsonl'),
      '--strategies',
      'random,entropy-mean',
      '--seed',
      '3',
      '--seed-size',
      '20',
      '--step',
      '10',
      '--rounds',
      '1',
    ];
    const first = simulate(options, out, 800_000);
    assert.equal(first.status, 0, first.stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.runs.map((r) => r.name),
      ['random', 'entropy-mean'],
    );
    const [random, entropy] = results.runs;
    for (const run of results.runs) {
      assert.deepEqual(
        run.rounds.map((r) => r.labeled),
        [20, 30],
      );
      assert.equal(new Set(run.labeledIds).size, 30);
      assert.ok(run.rounds.every((r) => r.dev.f1 >= 0 && r.dev.f1 <= 1));
      assert.equal(run.rounds[0].editsPerSentence, null, 'the seed was not picked by a model');
      assert.equal(typeof run.rounds[1].editsPerSentence, 'number');
    }
    // Same seed sentences, then each strategy's own picks.
    assert.deepEqual(random.rounds[0], entropy.rounds[0]);
    const seedIds = JSON.parse(readFileSync(join(out, 'seed', 'seed.json'), 'utf8')).ids as number[];
    assert.ok(seedIds.every((id) => random.labeledIds.includes(id) && entropy.labeledIds.includes(id)));
    assert.notDeepEqual(random.labeledIds, entropy.labeledIds);
    assert.match(readFileSync(join(out, 'learning-curves.svg'), 'utf8'), /<svg[\s\S]*random[\s\S]*entropy-mean/);
    assert.match(first.stdout, /random: 30 sentences, dev F1 [\d.]+/);

    // A second run finds every round done: nothing is trained again, the results stay.
    const again = simulate(options, out, 300_000);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /seed model:|round 1:/);
    assert.deepEqual((JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results).runs, results.runs);
  },
);

// Labels the embedded model lacks (a project's, ViMedNER's): the models are trained for the data's own label set, as
// `workbench train` trains a project's model (from the embedded model's weights, or from scratch), and every round's
// package answers in the data's names.
const SYMPTOMS = ['sốt', 'ho khan', 'đau đầu', 'mệt mỏi', 'khó thở'];
const DRUGS = ['paracetamol', 'kháng sinh', 'vitamin C'];

/** A CoNLL sentence: a symptom (B-/I- of "triệu chứng", written escaped) and maybe a drug ("thuốc"). */
function conllSentence(i: number): string {
  const rows: string[] = ['bệnh O', 'nhân O', 'bị O'];
  SYMPTOMS[i % SYMPTOMS.length].split(' ').forEach((w, k) => rows.push(`${w} ${k === 0 ? 'B' : 'I'}-triệu%20chứng`));
  if (i % 2 === 0) {
    rows.push('được O', 'dùng O');
    DRUGS[i % DRUGS.length].split(' ').forEach((w, k) => rows.push(`${w} ${k === 0 ? 'B' : 'I'}-thuốc`));
  }
  rows.push(`ngày O`, `${i + 1} O`);
  return rows.join('\n');
}

test(
  'simulate: a corpus whose labels the base model lacks trains models for its own labels',
  { skip, timeout: 480_000 },
  () => {
    const dir = dataFolder();
    const sentences = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => conllSentence(from + k)).join('\n\n') + '\n';
    writeFileSync(join(dir, 'train.txt'), sentences(0, 24));
    writeFileSync(join(dir, 'dev.txt'), sentences(100, 6));
    const out = join(dir, 'sim');
    const common = [
      ...['--train', join(dir, 'train.txt'), '--dev', join(dir, 'dev.txt'), '--format', 'conll'],
      ...['--seed-size', '10', '--step', '5'],
    ];
    const run = simulate([...common, '--strategies', 'random,entropy-total-cost', '--rounds', '1'], out, 240_000);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /models for the data's own labels \(thuốc, triệu chứng\): the base package lacks/);
    const labelsOf = (model: string) =>
      (JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { output: { labels: string[] } }).output
        .labels;
    assert.deepEqual(labelsOf(join(out, 'seed', 'model')), ['thuốc', 'triệu chứng']);
    // The seed was trained as a project's model from the embedded model's weights (workbench train's default): the
    // label file went with it, the pool's text did not (that is for a tokenizer from scratch).
    assert.match(run.stderr, /seed model from .*'s weights/);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'seed', 'labels.json'), 'utf8')).labels, [
      'thuốc',
      'triệu chứng',
    ]);
    assert.equal(existsSync(join(out, 'seed', 'texts.txt')), false);
    // From scratch the whole pool's text goes with it.
    const scratchOut = join(dir, 'sim-scratch');
    const scratch = simulate(
      [...common, '--strategies', 'random', '--rounds', '1', '--seed-from', 'scratch', '--round-from', 'model'],
      scratchOut,
      240_000,
    );
    assert.equal(scratch.status, 0, scratch.stderr);
    assert.match(scratch.stderr, /seed model from random weights/);
    assert.equal(
      readFileSync(join(scratchOut, 'seed', 'texts.txt'), 'utf8')
        .trim()
        .split('\n').length,
      24,
    );
    assert.deepEqual(labelsOf(join(scratchOut, 'seed', 'model')), ['thuốc', 'triệu chứng']);
    // --round-from model: the round's model was trained again from the base, as the seed was (the same version), where
    // a fine-tune of the seed model would be the next one.
    const versionOf = (model: string) =>
      (JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { version: string }).version;
    assert.equal(
      versionOf(join(scratchOut, 'random', 'round-1', 'model')),
      versionOf(join(scratchOut, 'seed', 'model')),
    );
    assert.notEqual(versionOf(join(out, 'random', 'round-1', 'model')), versionOf(join(out, 'seed', 'model')));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.runs.map((r) => r.name),
      ['random', 'entropy-total-cost'],
    );
    for (const r of results.runs) {
      assert.deepEqual(
        r.rounds.map((x) => x.labeled),
        [10, 15],
      );
      assert.ok(r.rounds.every((x) => x.dev.f1 >= 0 && x.dev.f1 <= 1));
      assert.deepEqual(labelsOf(join(out, r.name, 'round-1', 'model')), ['thuốc', 'triệu chứng']);
    }
  },
);
