// `workbench simulate`: active learning with the gold annotations playing the annotator (docs/active-learning.md).
// A seed model is trained on `seedSize` random training sentences (from scratch or from the base's weights); each
// round a strategy ranks the rest of the pool with the current model's signals, "annotates" the top `step` (their gold
// spans; the span edits the model's suggestions would have needed are counted), the model is fine-tuned on everything
// annotated so far, and its dev F1 is measured. Every round is saved, so a stopped run resumes where it was.
// Data whose labels the base package lacks (ViMedNER, any project's set) trains as `workbench train` trains a project's
// model (project-train-service.ts): the seed with the data's label set (--labels), from the base's weights or from
// scratch with every pool sentence's text (--texts), under the trainer's defaults for that mode; each round from the
// previous round's package with the same label file, so any label name reaches the trainer as an index and the engine
// answers in the data's names.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rankDocuments, type Strategy } from '../../core/active-learning/ranking.js';
import { spanEdits } from '../../core/active-learning/editing-effort.js';
import type { UncertaintySignals } from '../../core/active-learning/signals.js';
import type { Doc, Entity } from '../../core/document.js';
import { entityF1 } from '../../core/metrics/entity-f1.js';
import { parseManifest } from '../../core/model-package/manifest.js';
import { Xoshiro128 } from '../../core/sampler/rng.js';
import { DiffusionEngine } from '../engine/engine.js';
import { runFineTune, type FineTuneArgs } from './fine-tune-process.js';
import { writeInstructionFile } from './instruction-file.js';
import { indexLabels, writeLabelFile } from './label-file.js';
import { writeProjectTexts } from './project-texts.js';

export type TrainerSettings = Pick<FineTuneArgs, 'epochs' | 'minSteps' | 'maxSteps' | 'maxMinutes' | 'lr' | 'members'>;

export interface StrategyChoice {
  strategy: Strategy;
  costAware: boolean;
}

export interface SimulationOptions {
  train: readonly Doc[];
  dev: readonly Doc[];
  /** Package whose tokenizer, labels and architecture every model uses (the embedded model). */
  base: string;
  out: string;
  strategies: readonly StrategyChoice[];
  seed: number;
  seedSize: number;
  /** Where the seed model's weights start: random, or the base package's (its labels extended by the data's). */
  seedFrom: 'scratch' | 'model';
  /**
   * Where each round's model starts: `previous`, a fine-tune of the last round's (cheap); `model`, the base's weights
   * under the seed's schedule, as a project's retraining in the workbench starts each new version.
   */
  roundFrom: 'previous' | 'model';
  step: number;
  rounds: number;
  threads: number;
  /** Trainer settings of each round's fine-tune (its defaults otherwise). */
  training: TrainerSettings;
  /** Trainer settings of the seed model. */
  seedTraining: TrainerSettings;
  /** Sampling temperature of the disagreement strategy's two extra runs. */
  disagreementTemperature: number;
  /**
   * The data's own label set (labelsOf): the models are trained for it, the base lending only its architecture and
   * settings. Undefined: the base package's labels, which must then cover the data's.
   */
  labels?: readonly string[];
  log: (line: string) => void;
}

export interface RoundResult {
  round: number;
  labeled: number;
  dev: { p: number; r: number; f1: number };
  /** Span edits per sentence the current model's suggestions needed on the sentences picked this round. */
  editsPerSentence: number | null;
  fineTuneSeconds: number;
  rankSeconds: number;
  evalSeconds: number;
}

export interface StrategyRun {
  name: string;
  strategy: Strategy;
  costAware: boolean;
  rounds: RoundResult[];
  labeledIds: number[];
  /** The latest round's model package. */
  model: string;
}

export const runName = (c: StrategyChoice) => `${c.strategy}${c.costAware ? '-cost' : ''}`;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const writeJson = (path: string, value: unknown) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/** Every label of `docs`, sorted: the label set of a model trained for the data's own labels. */
export function labelsOf(docs: readonly Doc[]): string[] {
  return [...new Set(docs.flatMap((d) => d.entities.map((e) => e.label)))].sort();
}

/** Those of `labels` that the package at `base` cannot output. */
export function labelsMissingFrom(base: string, labels: readonly string[]): string[] {
  const known = new Set(parseManifest(readJson(join(base, 'manifest.json'))).output.labels);
  return labels.filter((l) => !known.has(l));
}

/** Seeded choice of `n` ids out of `ids` (Fisher-Yates with the sampler's PRNG). */
function sample(ids: readonly number[], n: number, seed: number): number[] {
  const rng = new Xoshiro128(seed, 0x5eed);
  const a = [...ids];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n).sort((x, y) => x - y);
}

async function annotate(
  model: string,
  docs: readonly Doc[],
  threads: number,
  disagreementTemperature?: number,
): Promise<{ entities: Entity[]; signals: UncertaintySignals }[]> {
  const engine = await DiffusionEngine.open(model, { device: 'cpu', intraOpThreads: threads });
  try {
    const out = [];
    for (let from = 0; from < docs.length; from += 512) {
      const batch = docs.slice(from, from + 512);
      out.push(
        ...(await engine.annotate(
          batch.map((d, i) => ({ id: String(i), text: d.text })),
          { disagreementTemperature },
        )),
      );
    }
    return out;
  } finally {
    await engine.release();
  }
}

async function devScore(model: string, dev: readonly Doc[], threads: number): Promise<RoundResult['dev']> {
  const results = await annotate(model, dev, threads);
  const { micro } = entityF1(dev.map((d, i) => ({ gold: d.entities, pred: results[i].entities })));
  return { p: micro.precision, r: micro.recall, f1: micro.f1 };
}

async function fineTune(
  o: SimulationOptions,
  base: string,
  ids: readonly number[],
  out: string,
  fromScratch: boolean,
  training: TrainerSettings,
): Promise<number> {
  const started = performance.now();
  mkdirSync(join(out, '..'), { recursive: true });
  const data = join(out, '..', 'train.jsonl');
  const docs = ids.map((i) => o.train[i]);
  let own: Pick<FineTuneArgs, 'labels' | 'texts'> = {};
  if (o.labels) {
    own = { labels: join(out, '..', 'labels.json') };
    writeLabelFile(own.labels!, o.labels);
    await writeInstructionFile(data, docs.map(indexLabels(o.labels)));
    // From scratch the tokenizer and word vectors come from the whole pool's text, as from a project's documents.
    if (fromScratch) {
      own.texts = join(out, '..', 'texts.txt');
      await writeProjectTexts(
        own.texts,
        o.train.map((d) => d.text),
      );
    }
  } else {
    await writeInstructionFile(data, docs);
  }
  if (existsSync(out)) rmSync(out, { recursive: true });
  let lastLog = 0;
  await runFineTune(
    { base, train: data, out, fromScratch, seed: o.seed, threads: o.threads, ...own, ...training },
    new AbortController().signal,
    (p) => {
      if (performance.now() - lastLog < 30_000) return;
      lastLog = performance.now();
      o.log(`  ${p.phase} step ${p.step}/${p.steps}${p.loss === undefined ? '' : ` loss ${p.loss.toFixed(4)}`}`);
    },
  );
  return (performance.now() - started) / 1000;
}

/** The seed model (shared by every strategy): trained on seedSize random sentences. */
async function seedModel(o: SimulationOptions): Promise<{ ids: number[]; model: string; result: RoundResult }> {
  const dir = join(o.out, 'seed');
  const statePath = join(dir, 'seed.json');
  if (existsSync(statePath)) return readJson(statePath);
  const ids = sample(
    o.train.map((_, i) => i),
    o.seedSize,
    o.seed,
  );
  const model = join(dir, 'model');
  o.log(
    `seed model: ${ids.length} sentences, ${o.seedFrom === 'scratch' ? 'from scratch' : 'from the base'}${o.labels ? ` for the data's labels (${o.labels.join(', ')})` : ''}`,
  );
  const fineTuneSeconds = await fineTune(o, o.base, ids, model, o.seedFrom === 'scratch', o.seedTraining);
  const t = performance.now();
  const dev = await devScore(model, o.dev, o.threads);
  const result: RoundResult = {
    round: 0,
    labeled: ids.length,
    dev,
    editsPerSentence: null,
    fineTuneSeconds,
    rankSeconds: 0,
    evalSeconds: (performance.now() - t) / 1000,
  };
  o.log(`seed: dev F1 ${dev.f1.toFixed(4)} (fine-tune ${fineTuneSeconds.toFixed(0)} s)`);
  const seed = { ids, model, result };
  writeJson(statePath, seed);
  return seed;
}

/** Runs (or resumes) every strategy; returns their runs. */
export async function simulate(o: SimulationOptions): Promise<StrategyRun[]> {
  mkdirSync(o.out, { recursive: true });
  const seed = await seedModel(o);
  const runs: StrategyRun[] = [];
  for (const choice of o.strategies) runs.push(await simulateStrategy(o, choice, seed));
  return runs;
}

async function simulateStrategy(
  o: SimulationOptions,
  choice: StrategyChoice,
  seed: { ids: number[]; model: string; result: RoundResult },
): Promise<StrategyRun> {
  const name = runName(choice);
  const dir = join(o.out, name);
  const statePath = join(dir, 'run.json');
  mkdirSync(dir, { recursive: true });
  let run: StrategyRun = existsSync(statePath)
    ? readJson(statePath)
    : { name, ...choice, rounds: [seed.result], labeledIds: [...seed.ids], model: seed.model };
  while (run.rounds.length <= o.rounds) {
    const round = run.rounds.length;
    const labeled = new Set(run.labeledIds);
    const pool = o.train.map((_, i) => i).filter((i) => !labeled.has(i));
    if (pool.length === 0) break;
    const t0 = performance.now();
    // Random needs no signals; it still runs the model on the picked sentences to count the edits they needed.
    const needsSignals = choice.strategy !== 'random';
    const temperature = choice.strategy === 'disagreement' ? o.disagreementTemperature : undefined;
    const annotated = needsSignals
      ? await annotate(
          run.model,
          pool.map((i) => o.train[i]),
          o.threads,
          temperature,
        )
      : undefined;
    const ranked = rankDocuments(
      pool.map((id, k) => ({ id, text: o.train[id].text, signals: annotated?.[k].signals })),
      { ...choice, seed: o.seed + round },
    );
    const picked = ranked.slice(0, o.step).map((r) => r.id);
    const suggestions = annotated
      ? picked.map((id) => annotated[pool.indexOf(id)].entities)
      : (
          await annotate(
            run.model,
            picked.map((i) => o.train[i]),
            o.threads,
          )
        ).map((r) => r.entities);
    const edits = picked.reduce((n, id, k) => n + spanEdits(suggestions[k], o.train[id].entities), 0);
    const rankSeconds = (performance.now() - t0) / 1000;

    const labeledIds = [...run.labeledIds, ...picked].sort((a, b) => a - b);
    const model = join(dir, `round-${round}`, 'model');
    o.log(
      `${name} round ${round}: ${labeledIds.length} sentences (picked ${picked.length}, ${(edits / picked.length).toFixed(2)} edits/sentence)`,
    );
    const fineTuneSeconds =
      o.roundFrom === 'model'
        ? await fineTune(o, o.base, labeledIds, model, o.seedFrom === 'scratch', o.seedTraining)
        : await fineTune(o, run.model, labeledIds, model, false, o.training);
    const t1 = performance.now();
    const dev = await devScore(model, o.dev, o.threads);
    const result: RoundResult = {
      round,
      labeled: labeledIds.length,
      dev,
      editsPerSentence: edits / picked.length,
      fineTuneSeconds,
      rankSeconds,
      evalSeconds: (performance.now() - t1) / 1000,
    };
    o.log(
      `${name} round ${round}: dev F1 ${dev.f1.toFixed(4)} (fine-tune ${fineTuneSeconds.toFixed(0)} s, rank ${rankSeconds.toFixed(0)} s)`,
    );
    const previous = run.model;
    run = { ...run, rounds: [...run.rounds, result], labeledIds, model };
    writeJson(statePath, run);
    // Only the latest package is needed to go on (the seed stays: every strategy starts from it).
    if (previous !== seed.model) rmSync(join(previous, '..'), { recursive: true, force: true });
  }
  return run;
}
