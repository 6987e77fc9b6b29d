import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { STRATEGIES, type Strategy } from '../../../core/active-learning/ranking.js';
import { labeledToReach, simulationSeries } from '../../../core/active-learning/learning-curve.js';
import { learningCurveSvg } from '../../../core/active-learning/learning-curve-svg.js';
import { defaultDataDir } from '../../hosts/data-dir.js';
import { embeddedModelDir } from '../../hosts/engine-loader.js';
import type { Codec } from '../../../core/codecs/codec.js';
import type { Doc } from '../../../core/document.js';
import { formatIssue } from '../../../core/issues.js';
import { decodePath, readDocs } from '../../services/decode-service.js';
import { IssueLog } from '../../services/issue-log.js';
import { repoRoot } from '../../repo-root.js';
import {
  labelsMissingFrom,
  labelsOf,
  simulate,
  type StrategyChoice,
  type StrategyRun,
} from '../../training/simulation.js';
import { FORMAT_OPTIONS, UsageError, codecOption, parse, positiveNumber, type Command } from '../cli-support.js';

const PHONER = resolve(repoRoot, '..', 'shared', 'data', 'phoner_covid19');

const usage = `usage: workbench simulate [--strategies LIST] [--train FILE] [--dev FILE] [--format F] [--variant V]
                          [--skip-invalid] [--model DIR] [--own-labels] [--out DIR | --data DIR]
                          [--seed N] [--seed-size N] [--step N] [--rounds N] [--dev-limit N] [--threads N]
                          [--seed-from scratch|model] [--round-from previous|model] [--seed-steps N]
                          [--epochs N] [--min-steps N] [--max-minutes M] [--lr X]
                          [--disagreement-temperature T]

Active learning with gold annotations playing the annotator: a seed model is trained on --seed-size random
training sentences (--seed-from); each round every strategy picks --step more sentences from the rest, the model is
fine-tuned on all it has, and dev F1 and the editing effort (span edits the suggestions needed) are recorded.
Writes OUT/results.json and OUT/learning-curves.svg; a stopped run resumes from OUT.
  --strategies  comma-separated, of ${STRATEGIES.join(', ')}; append -cost for the cost-aware
                (per-token) variant (default random,entropy-total,margin)
  --train/--dev annotated files (default ../shared/data/phoner_covid19/{train,dev}_syllable.jsonl)
  --format      their format (default phoner, variant syllable): any import format, e.g. conll, brat, doccano
  --skip-invalid  leave out the sentences with an error (as \`workbench import --skip-invalid\`; ViMedNER's train.txt
                has one, a tag without its token), saying how many; without it such a file is refused
  --model       package whose tokenizer, labels and architecture the models use (default: the embedded model)
  --own-labels  train the models for the training data's own label set, as \`workbench train\` trains a project's
                model: the seed from --model's weights with the data's labels added (its default, \`--from embedded\`),
                or with --seed-from scratch from random weights, the tokenizer from the pool's text; the trainer's
                schedule for that mode unless --seed-steps; one model, not an ensemble, and a 60-minute guard instead
                of the 15-minute budget; each round fine-tunes with the same labels. Automatic when the data has a
                label the --model package lacks (the embedded model knows PhoNER_COVID19's and ViMedNER's; any other
                corpus, e.g. --train T.conll --dev D.conll --format conll)
  --out         default DATA/simulations/simulation, where the Models view draws its curves (DATA: --data,
                default the workbench data folder)
  --seed 1 --seed-size 200 --step 200 --rounds 9 (the seed model plus 9 rounds: 2,000 sentences)
  --seed-from   where the seed model's weights start: \`scratch\` (random; the default with --model's labels, so
                that nothing a model learnt from the same corpus leaks in) or \`model\` (--model's weights; the default
                with the data's own labels)
  --round-from  where each round's model starts: \`previous\` (a fine-tune of the last round's, --epochs/--min-steps;
                the default) or \`model\` (trained again as the seed model was, on everything annotated so far, as the
                workbench retrains a project's model: stronger, and slower)
  --seed-steps  optimiser steps of the seed model (default 600 from scratch with --model's labels; with the data's
                own labels the trainer's own)
  --epochs/--min-steps/--max-minutes  each round's fine-tune, from the previous round's weights on everything
                annotated so far (default 3 epochs, at least 150 steps; for the data's own labels 10 epochs, at
                least 300 steps; the 20-minute cap only guards a stuck run, so that the step count, not the
                machine's load, decides each round)`;

function int(value: string | undefined, option: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${option} must be a whole number >= ${min}, not "${value}"`, usage);
  return n;
}

const num = (value: string | undefined, option: string): number | undefined => positiveNumber(value, option, usage);

function strategies(value: string | undefined): StrategyChoice[] {
  return (value ?? 'random,entropy-total,margin').split(',').map((raw) => {
    const name = raw.trim();
    const costAware = name.endsWith('-cost');
    const strategy = (costAware ? name.slice(0, -5) : name) as Strategy;
    if (!STRATEGIES.includes(strategy)) throw new UsageError(`--strategies: unknown strategy "${name}"`, usage);
    return { strategy, costAware };
  });
}

/** The documents of `path`; with `skipInvalid` those with an error are left out (logged) instead of refusing the file. */
async function readPool(
  path: string,
  codec: Codec,
  variant: string | undefined,
  skipInvalid: boolean,
  log: (line: string) => void,
): Promise<Doc[]> {
  if (!skipInvalid) return (await readDocs(path, codec, variant)).docs.map((d) => d.doc);
  const issues = new IssueLog();
  const docs: Doc[] = [];
  for await (const decoded of decodePath(path, codec, variant, (issue) => issues.add(issue))) docs.push(decoded.doc);
  if (issues.errors > 0) {
    const first = issues.kept.find((i) => i.severity === 'error');
    log(
      `${path}: ${issues.errors} error(s), those records left out (--skip-invalid); first: ${first && formatIssue(first)}`,
    );
  }
  return docs;
}

/** The comparison the issue asks for: sentences each strategy needs to reach random's F1 at its largest budget. */
export function summarise(runs: readonly StrategyRun[]) {
  const random = runs.find((r) => r.name === 'random');
  const target = random?.rounds[random.rounds.length - 1];
  return runs.map((run) => {
    const points = run.rounds.map((r) => ({ labeled: r.labeled, f1: r.dev.f1 }));
    const edits = run.rounds.filter((r) => r.editsPerSentence !== null).map((r) => r.editsPerSentence!);
    return {
      name: run.name,
      final: run.rounds[run.rounds.length - 1],
      meanEditsPerSentence: edits.length ? edits.reduce((a, b) => a + b, 0) / edits.length : null,
      ...(target
        ? {
            reachesRandomFinal: {
              f1: target.dev.f1,
              atLabeled: target.labeled,
              labeledNeeded: labeledToReach(points, target.dev.f1) ?? null,
            },
          }
        : {}),
    };
  });
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'active-learning simulation: learning curves of ranking strategies with gold as the annotator',
  usage,
  async run(args) {
    const { values } = parse(
      args,
      {
        strategies: { type: 'string' },
        train: { type: 'string' },
        dev: { type: 'string' },
        ...FORMAT_OPTIONS,
        'skip-invalid': { type: 'boolean' },
        model: { type: 'string' },
        'own-labels': { type: 'boolean' },
        out: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        'seed-size': { type: 'string' },
        step: { type: 'string' },
        rounds: { type: 'string' },
        'dev-limit': { type: 'string' },
        threads: { type: 'string' },
        'seed-steps': { type: 'string' },
        'seed-from': { type: 'string' },
        'round-from': { type: 'string' },
        epochs: { type: 'string' },
        'min-steps': { type: 'string' },
        'max-minutes': { type: 'string' },
        lr: { type: 'string' },
        'disagreement-temperature': { type: 'string' },
      },
      usage,
    );
    const trainPath = values.train ?? join(PHONER, 'train_syllable.jsonl');
    const devPath = values.dev ?? join(PHONER, 'dev_syllable.jsonl');
    for (const path of [trainPath, devPath]) {
      if (!existsSync(path))
        throw new UsageError(
          `${path} does not exist (PhoNER_COVID19 is read from ../shared/data; give --train/--dev)`,
          usage,
        );
    }
    const codec = codecOption(values.format ?? 'phoner', usage);
    const variant = values.variant ?? (codec.id === 'phoner' ? 'syllable' : undefined);
    const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
    const skipInvalid = values['skip-invalid'] === true;
    const train = await readPool(trainPath, codec, variant, skipInvalid, log);
    const devLimit = int(values['dev-limit'], 'dev-limit', 0, 0);
    const devAll = await readPool(devPath, codec, variant, skipInvalid, log);
    const dev = devLimit > 0 ? devAll.slice(0, devLimit) : devAll;
    const out = resolve(values.out ?? join(values.data ?? defaultDataDir(), 'simulations', 'simulation'));
    const chosen = strategies(values.strategies);
    const base = resolve(values.model ?? embeddedModelDir);
    const dataLabels = labelsOf(train);
    const missing = labelsMissingFrom(base, dataLabels);
    const ownLabels = values['own-labels'] === true || missing.length > 0;
    if (dataLabels.length === 0) throw new UsageError(`${trainPath} holds no annotated entity`, usage);
    log(
      ownLabels
        ? `models for the data's own labels (${dataLabels.join(', ')}): ${missing.length > 0 ? `the base package lacks ${missing.join(', ')}` : '--own-labels'}`
        : `models with the base package's labels (the data's ${dataLabels.join(', ')} are all among them)`,
    );
    const lr = num(values.lr, 'lr');
    const seedFrom = values['seed-from'] ?? (ownLabels ? 'model' : 'scratch');
    if (seedFrom !== 'scratch' && seedFrom !== 'model')
      throw new UsageError(`--seed-from is scratch or model, not ${JSON.stringify(seedFrom)}`, usage);
    log(`seed model from ${seedFrom === 'model' ? `${base}'s weights` : 'random weights'}`);
    const roundFrom = values['round-from'] ?? 'previous';
    if (roundFrom !== 'previous' && roundFrom !== 'model')
      throw new UsageError(`--round-from is previous or model, not ${JSON.stringify(roundFrom)}`, usage);
    const seedSteps = values['seed-steps'] === undefined ? undefined : int(values['seed-steps'], 'seed-steps', 600);
    const started = Date.now();
    const runs = await simulate({
      train,
      dev,
      base,
      labels: ownLabels ? dataLabels : undefined,
      out,
      strategies: chosen,
      seed: int(values.seed, 'seed', 1, 0),
      seedSize: int(values['seed-size'], 'seed-size', 200),
      seedFrom,
      roundFrom,
      step: int(values.step, 'step', 200),
      rounds: int(values.rounds, 'rounds', 9, 0),
      threads: int(values.threads, 'threads', 2),
      // Rounds for the data's own labels train longer: their model is a project's, which keep-learning retrains on
      // the trainer's full schedule; 10 epochs put every ViMedNER curve about 5 points higher than 3 did
      // (bench/RESULTS.md, "Stronger rounds").
      training: {
        epochs: num(values.epochs, 'epochs') ?? (ownLabels ? 10 : 3),
        minSteps: int(values['min-steps'], 'min-steps', ownLabels ? 300 : 150),
        maxMinutes: num(values['max-minutes'], 'max-minutes') ?? 20,
        lr,
        // One model round after round: a fine-tune for a label set would otherwise grow an ensemble, tripling
        // every later round's training and annotation.
        members: 1,
      },
      // A project's model has the trainer's own schedule (epochs, step floor, pretraining from scratch) unless told,
      // as one model (each round fine-tunes it: an ensemble would triple every round) and with the rounds' guard
      // budget instead of its 15 minutes, so that the step count, not the machine's load, decides it.
      seedTraining: ownLabels
        ? { maxSteps: seedSteps, lr, members: 1, maxMinutes: 60 }
        : { maxSteps: seedSteps ?? (seedFrom === 'scratch' ? 600 : undefined), maxMinutes: 15, lr },
      disagreementTemperature: num(values['disagreement-temperature'], 'disagreement-temperature') ?? 1,
      log,
    });
    const summary = summarise(runs);
    // File names, not paths: results.json is shared (assets/simulations/) and says nothing of the machine.
    const results = {
      train: basename(trainPath),
      dev: basename(devPath),
      format: codec.id,
      devSentences: dev.length,
      poolSentences: train.length,
      minutes: (Date.now() - started) / 60_000,
      summary,
      runs,
    };
    writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const series = simulationSeries(runs);
    writeFileSync(
      join(out, 'learning-curves.svg'),
      learningCurveSvg(series, `Active learning, scored on ${basename(devPath)} (${dev.length} sentences)`),
    );
    for (const s of summary) {
      const reach =
        'reachesRandomFinal' in s && s.reachesRandomFinal
          ? `; reaches random's ${s.reachesRandomFinal.f1.toFixed(4)} at ${s.reachesRandomFinal.labeledNeeded ?? 'never'}`
          : '';
      console.log(
        `${s.name}: ${s.final.labeled} sentences, dev F1 ${s.final.dev.f1.toFixed(4)}, ${s.meanEditsPerSentence?.toFixed(2) ?? '-'} edits/sentence${reach}`,
      );
    }
    console.log(`wrote ${join(out, 'results.json')} and learning-curves.svg`);
    return 0;
  },
};
