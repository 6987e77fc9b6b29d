// A model for a project's own labels (issue 12; docs/training.md, "A model for the project's labels"): the project's
// finished documents, a fifth held out by document id, train a diffusion tagger of the embedded model's architecture
// whose output vocabulary is the project's label set, starting from the embedded model's weights (transfer, the
// default), from scratch, or from a registered version. The trainer also scores the active model on the same held-out
// documents (its labels read through the project's label mapping); the new version is registered either way and
// becomes the active model only when it scores higher. Runs are logged in fine_tunes like fine-tunes.
import { JobTable, type RunningJob } from './job-table.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { JobInfo, TrainResult } from '../../core/contract/types.js';
import type { Doc } from '../../core/document.js';
import { DOCUMENT_STATUSES } from '../../core/document-status.js';
import { labelMapper } from '../../core/label-mapping.js';
import { Lexicon } from '../../core/lexicon/lexicon.js';
import { lexiconFile, type LexiconFile } from '../../core/lexicon/lexicon-file.js';
import { parseManifest } from '../../core/model-package/manifest.js';
import type { ModelEntry } from '../../db/repositories/models.js';
import type { Store } from '../../db/store.js';
import {
  runFineTune,
  type FineTuneArgs,
  type FineTuneProgress,
  type FineTuneResult,
} from '../training/fine-tune-process.js';
import { writeInstructionFile } from '../training/instruction-file.js';
import { indexLabels, writeLabelFile } from '../training/label-file.js';
import { writeProjectTexts } from '../training/project-texts.js';
import { findPython } from '../training/python-env.js';
import type { FineTuneHooks, FineTuneService, TrainerDefaults } from './fine-tune-service.js';
import { MIN_FINISHED } from './fine-tune-service.js';
import { applyTrainerProgress, recordUnfinishedRun, registerTrainedModel } from './trainer-run.js';
import { trainingDocuments } from './gold-standard.js';

/**
 * Where training starts unless the request says: the embedded model's weights, the project's labels added to its
 * output. Through the CLI contract on ViMedNER (five labels the embedded model lacks, only the annotated sentences in
 * the project) it was far ahead of scratch with few documents (20 sentences: F1 0.22 against 0), and with the
 * project's schedule ahead at every size measured (bench/RESULTS.md, "Through the CLI contract, from the embedded
 * model"); `scratch` stays one option away.
 */
export const DEFAULT_FROM = 'embedded';

/** Documents whose id is a multiple of this are held out: stable as the project grows, so versions compare fairly. */
export const HELDOUT_EVERY = 5;
/** A project training's wall budget in minutes, refit included, unless the request or the service says otherwise. */
export const TRAIN_MINUTES = 15;

/**
 * At most this many documents are held out: they already score a version to about ±1.5 F1 points, and in a large
 * project every document past them is worth more as training data (bench/RESULTS.md, "A large project").
 */
export const HELDOUT_MAX = 500;

/**
 * Train and held-out documents: ids ≡ 0 (mod 5) held out, the first HELDOUT_MAX of them by id (so the set stops
 * changing once a project is large); at least one of each when there are two or more.
 */
export function splitHeldout<T extends { id: number }>(docs: readonly T[]): { train: T[]; heldout: T[] } {
  let heldout = docs
    .filter((d) => d.id % HELDOUT_EVERY === 0)
    .sort((a, b) => a.id - b.id)
    .slice(0, HELDOUT_MAX);
  if (heldout.length === 0 && docs.length > 1) heldout = [docs[docs.length - 1]];
  if (heldout.length === docs.length && docs.length > 1)
    heldout = heldout.slice(0, Math.ceil(docs.length / HELDOUT_EVERY));
  const held = new Set(heldout);
  return { train: docs.filter((d) => !held.has(d)), heldout };
}

/** The trainer's `thresholds` metric: held-out F1 by decoding threshold. */
function isScores(v: unknown): v is Record<string, number> {
  return typeof v === 'object' && v !== null && Object.values(v).every((f) => typeof f === 'number');
}

/** How the active model fared on the held-out documents (the trainer's `compare` metric, and the store's record). */
export interface ActiveScore {
  name: string;
  /** Its F1 on the held-out documents it was scored on; null when it could not be scored. */
  f1: number | null;
  error?: string;
  suggestsNone?: boolean;
  /** Held-out documents left out because it or the new version trained on them (their training texts say so). */
  seen?: number;
  /** Held-out documents it was scored on, when some were left out; the new version's F1 on them is `newF1`. */
  documents?: number;
  newF1?: number | null;
  /** Its own held-out F1 from the run that trained it (a project version), on `recordedDocs` documents. */
  recordedF1?: number | null;
  recordedDocs?: number | null;
}

/**
 * The decision: the new version becomes active only when it beats the active model on the same held-out documents,
 * those neither of them trained on. When the active model trained on most of them (a refit version trained on the
 * held-out fifth too; the embedded model on the corpus the project imported), a score there says little: a project
 * version is then judged by the held-out F1 of its own training run, and another model is not judged at all.
 */
export function decide(
  newF1: number | null,
  active: ActiveScore | undefined,
  heldoutDocs: number,
): { activated: boolean; reason: string } {
  const f = (x: number) => x.toFixed(4);
  if (newF1 === null)
    return {
      activated: false,
      reason: 'it has no held-out score (no held-out documents), so it cannot be shown to be better',
    };
  if (!active)
    return { activated: true, reason: `no model was active; held-out F1 ${f(newF1)} on ${heldoutDocs} documents` };
  // A model whose labels map onto none of the project's suggests nothing here: any model of the project's is better
  // (a tie at 0 on a few held-out documents must not leave a new project with no suggestions at all).
  if (active.suggestsNone)
    return {
      activated: true,
      reason: `the active model ${active.name} suggests none of the project's labels; held-out F1 ${f(newF1)} on ${heldoutDocs} documents`,
    };
  const seen = active.seen ?? 0;
  const clean = seen > 0 ? (active.documents ?? 0) : heldoutDocs;
  const left = `${seen} of the ${heldoutDocs} held-out documents were training data of one of the two models`;
  if (seen > 0 && clean < heldoutDocs / 2) {
    if (typeof active.recordedF1 === 'number') {
      const on = active.recordedDocs ? ` on ${active.recordedDocs} documents` : '';
      const better = newF1 > active.recordedF1;
      const verdict = better
        ? 'beats the active model'
        : 'does not beat the active model; it is kept as a version, not made active';
      return {
        activated: better,
        reason: `${left}, so the active model ${active.name} is judged by the held-out F1 of its own training run (${f(active.recordedF1)}${on}): held-out F1 ${f(newF1)} ${verdict}`,
      };
    }
    if (clean === 0)
      return {
        activated: false,
        reason: `${left}, so they cannot show which is better; activate the new version by hand if you want it`,
      };
  }
  if (active.f1 === null) {
    return {
      activated: false,
      reason: `the active model ${active.name} could not be scored on the same held-out documents (${active.error ?? 'unknown'}); activate the new version by hand if you want it`,
    };
  }
  const mine = seen > 0 && typeof active.newF1 === 'number' ? active.newF1 : newF1;
  const same =
    seen > 0 ? `the ${clean} held-out documents neither trained on (${seen} left out)` : `the same ${clean} documents`;
  if (mine > active.f1)
    return {
      activated: true,
      reason: `held-out F1 ${f(mine)} beats the active model ${active.name} (${f(active.f1)}) on ${same}`,
    };
  return {
    activated: false,
    reason: `held-out F1 ${f(mine)} does not beat the active model ${active.name} (${f(active.f1)}) on ${same}; it is kept as a version, not made active`,
  };
}

/** What runs the trainer: the Python child process, or a stand-in in tests of what happens around it. */
export type TrainerRunner = (
  args: FineTuneArgs,
  signal: AbortSignal,
  onProgress?: (p: FineTuneProgress) => void,
) => Promise<FineTuneResult>;

/** How a run was asked for: a person (the UI, the CLI) or keep-learning (keep-learning.ts), which also re-annotates. */
export interface TrainRequest extends Params<'models.train'> {
  trigger?: 'auto';
}

export class ProjectTrainService extends JobTable {
  constructor(
    private readonly store: Store,
    private readonly fineTunes: FineTuneService,
    private readonly dataDir: string,
    private readonly actor: string,
    private readonly defaults: TrainerDefaults,
    private readonly hooks: Pick<FineTuneHooks, 'emit'> & Partial<Pick<FineTuneHooks, 'reannotate'>>,
    private readonly runner: TrainerRunner = runFineTune,
  ) {
    super();
  }

  /** The package training starts from: the embedded model (also for scratch: its architecture and tokenizer), or a version. */
  private base(from: Params<'models.train'>['from']): ModelEntry {
    if (typeof from === 'number') {
      const model = this.store.models.get(from);
      if (!model) throw new ContractError('not-found', `no model ${from}`, 'from');
      if (!parseManifest(model.manifest).training)
        throw new ContractError(
          'failed',
          `${model.name} ${model.version} carries no trainable weights (its manifest has no "training" entry)`,
          'from',
        );
      return model;
    }
    const embedded = this.fineTunes.embeddedEntry();
    if (!embedded)
      throw new ContractError('failed', 'the embedded model is not built, so there is nothing to start from');
    return embedded;
  }

  /** Starts a training run; `actor` (default: the service's) is who asked, in the event log. */
  start(request: TrainRequest, actor = this.actor): JobInfo {
    const p = { ...request, from: request.from ?? DEFAULT_FROM };
    if (this.running())
      throw new ContractError('conflict', 'a model is already being trained; cancel it or wait for it');
    try {
      if (this.runner === runFineTune) findPython(); // a stand-in trainer needs no Python
    } catch (error) {
      throw new ContractError('failed', (error as Error).message);
    }
    const base = this.base(p.from);
    const labels = this.store.labels.list(p.projectId).map((l) => l.name);
    if (labels.length === 0) throw new ContractError('failed', 'the project has no labels to train a model for');
    // A curator's gold where there is one (gold-standard.ts).
    const docs = trainingDocuments(this.store, p.projectId);
    if (docs.length < MIN_FINISHED) {
      throw new ContractError(
        'failed',
        `training needs at least ${MIN_FINISHED} finished (done or reviewed) documents; this project has ${docs.length}`,
        undefined,
        { reason: 'too-few-finished', needed: MIN_FINISHED, have: docs.length },
      );
    }
    const { train, heldout } = splitHeldout(docs);
    // The instruction format's tags cannot hold every label name: the trainer reads `_i` as the i-th label.
    const toDoc = indexLabels(labels);
    const info: JobInfo = {
      id: randomUUID(),
      kind: 'train',
      state: 'running',
      done: 0,
      total: 0,
      progress: 0,
      spans: 0,
      device: { device: 'cpu', code: 'fine-tuning', reason: 'training: device not known yet' },
      phase: 'prepare',
      ...(p.trigger ? { trigger: p.trigger } : {}),
    };
    const runId = this.store.fineTunes.start({
      projectId: p.projectId,
      baseModelId: base.id,
      trainDocs: train.length,
      heldoutDocs: heldout.length,
    });
    const job: RunningJob = { info, abort: new AbortController(), finished: Promise.resolve() };
    // The package carries the lexicon of every finished document, held-out ones included (the held-out score is the
    // graph's alone), in the project's label names as the model's.
    const lexicon = lexiconFile(Lexicon.build(docs));
    job.finished = this.run(job, runId, p, base, labels, train.map(toDoc), heldout.map(toDoc), lexicon, actor);
    this.jobs.set(info.id, job);
    return { ...info };
  }

  private progress(job: RunningJob, p: FineTuneProgress): void {
    applyTrainerProgress(job.info, p);
    this.hooks.emit({ type: 'job.progress', job: { ...job.info } });
  }

  /** Starts re-annotating the unfinished documents: how many; 0 when that could not start (a pre-annotation job runs). */
  private reannotate(projectId: number, path: string): number {
    try {
      return this.hooks.reannotate!(projectId, path) ?? 0;
    } catch {
      return 0; // the person's own job comes first; the new version's suggestions come with the next run
    }
  }

  private *projectTexts(projectId: number): Generator<string> {
    for (const d of this.store.documents.current(projectId, DOCUMENT_STATUSES)) yield d.text;
  }

  /** Each model label that the project's mapping (or the same name) turns into a project label. */
  private mapFor(projectId: number, model: ModelEntry, labels: readonly string[]): Record<string, string> {
    const modelLabels = parseManifest(model.manifest).output.labels;
    const map = labelMapper(this.store.labelMappings.list(projectId), model.name);
    const known = new Set(labels);
    return Object.fromEntries(modelLabels.map((l) => [l, map(l)] as const).filter(([, to]) => known.has(to)));
  }

  /**
   * The scored run trained without the held-out fifth. When it used at most half the budget, the package the project
   * gets is trained again the same way on every finished document, in what is left of the budget (a small project
   * would otherwise learn from 16 of its 20 documents): the held-out score stays that of the scored run, the same
   * recipe on less data, decoded at the threshold the scored run chose. A refit that fails leaves the scored package;
   * a cancel cancels the whole run. True when it replaced the scored package.
   */
  private async refit(
    job: RunningJob,
    args: FineTuneArgs,
    all: Doc[],
    work: string,
    budget: number,
    scored: FineTuneResult,
  ): Promise<boolean> {
    const left = budget * 60 - scored.seconds;
    if (all.length === 0 || left < (budget * 60) / 2 || job.abort.signal.aborted) return false;
    const out = `${args.out}.all`;
    const threshold = typeof scored.metrics.threshold === 'number' ? scored.metrics.threshold : undefined;
    // The word prior too: its weight was chosen with the threshold (none chosen: 0, no prior).
    const priorWeight = typeof scored.metrics.prior_weight === 'number' ? scored.metrics.prior_weight : undefined;
    const recheck = typeof scored.metrics.recheck === 'number' ? scored.metrics.recheck : undefined;
    try {
      await writeInstructionFile(join(work, 'all.jsonl'), all);
      await this.runner(
        {
          ...args,
          train: join(work, 'all.jsonl'),
          heldout: undefined,
          compare: undefined,
          out,
          maxMinutes: left / 60,
          threshold,
          priorWeight,
          recheck,
        },
        job.abort.signal,
        (progress) => this.progress(job, progress),
      );
    } catch (error) {
      rmSync(out, { recursive: true, force: true });
      if (job.abort.signal.aborted) throw error; // a cancel cancels the whole run, as before the refit
      console.error(`refit on every document failed; the scored package is kept: ${(error as Error).message}`);
      return false;
    }
    rmSync(args.out, { recursive: true, force: true });
    renameSync(out, args.out);
    return true;
  }

  private async run(
    job: RunningJob,
    runId: number,
    p: TrainRequest,
    base: ModelEntry,
    labels: string[],
    train: Doc[],
    heldout: Doc[],
    lexicon: LexiconFile,
    actor: string,
  ): Promise<void> {
    const { info, abort } = job;
    const work = join(this.dataDir, 'fine-tunes', `train-${runId}`);
    const name = `dnw-p${p.projectId}`;
    const version = `t${runId}`;
    const out = join(this.dataDir, 'models', `${name}-${version}`);
    const from =
      p.from === 'scratch' ? 'scratch' : typeof p.from === 'number' ? `${base.name} ${base.version}` : 'embedded';
    const active = this.fineTunes.current();
    try {
      mkdirSync(work, { recursive: true });
      mkdirSync(join(out, '..'), { recursive: true });
      await writeInstructionFile(join(work, 'train.jsonl'), train);
      if (heldout.length > 0) await writeInstructionFile(join(work, 'heldout.jsonl'), heldout);
      // Both maps go in one file: the base's (to initialise label rows) and the active model's (to score it).
      const activeMap = active ? this.mapFor(p.projectId, active, labels) : {};
      const map = { ...activeMap, ...this.mapFor(p.projectId, base, labels) };
      writeLabelFile(join(work, 'labels.json'), labels, map);
      // From scratch the model's tokenizer and word vectors come from every document's text, annotated or not.
      const texts = p.from === 'scratch' ? join(work, 'texts.txt') : undefined;
      if (texts) await writeProjectTexts(texts, this.projectTexts(p.projectId));
      writeFileSync(join(work, 'lexicon.json'), JSON.stringify(lexicon));
      this.hooks.emit({ type: 'job.progress', job: { ...info } });
      const budget = p.maxMinutes ?? this.defaults.maxMinutes ?? TRAIN_MINUTES;
      const args: FineTuneArgs = {
        base: base.path,
        train: join(work, 'train.jsonl'),
        heldout: heldout.length > 0 ? join(work, 'heldout.jsonl') : undefined,
        out,
        name,
        version,
        labels: join(work, 'labels.json'),
        compare: active && heldout.length > 0 ? active.path : undefined,
        fromScratch: p.from === 'scratch',
        texts,
        lexicon: join(work, 'lexicon.json'),
        ...this.defaults,
        maxMinutes: budget,
      };
      const result = await this.runner(args, abort.signal, (progress) => this.progress(job, progress));
      const refit = await this.refit(job, args, heldout.length > 0 ? [...train, ...heldout] : [], work, budget, result);
      info.phase = 'register';
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const m = result.metrics;
      const compare = (m.compare ?? undefined) as Record<string, unknown> | undefined;
      const activeName = active ? `${active.name} ${active.version}` : null;
      // Its own held-out score counts only when it was measured on this project's documents.
      const recorded = (active?.projectId === p.projectId ? (active.metrics ?? {}) : {}) as {
        heldoutF1?: unknown;
        heldoutDocs?: unknown;
      };
      const decision = decide(
        num(m.f1),
        active && {
          name: activeName!,
          f1: num(compare?.f1),
          error:
            (typeof compare?.error === 'string' ? compare.error : undefined) ??
            (heldout.length === 0 ? 'no held-out documents' : undefined),
          suggestsNone: Object.keys(activeMap).length === 0,
          seen: num(compare?.seen) ?? undefined,
          documents: num(compare?.documents) ?? undefined,
          newF1: num(compare?.newF1),
          recordedF1: num(recorded.heldoutF1),
          recordedDocs: num(recorded.heldoutDocs),
        },
        heldout.length,
      );
      const metrics = {
        heldoutF1: num(m.f1) ?? undefined,
        heldoutPrecision: num(m.precision) ?? undefined,
        heldoutRecall: num(m.recall) ?? undefined,
        trainDocs: train.length,
        heldoutDocs: heldout.length,
        ...(num(m.heldout_seen) ? { heldoutSeen: num(m.heldout_seen)! } : {}),
        seconds: result.seconds,
        labels,
        from,
        activeModel: activeName,
        activeF1: num(compare?.f1),
        activated: decision.activated,
        reason: decision.reason,
        ...(refit ? { refitDocs: train.length + heldout.length } : {}),
        threshold: num(m.threshold) ?? undefined,
        ...(isScores(m.thresholds) ? { thresholds: m.thresholds } : {}),
      };
      const modelId = registerTrainedModel(this.store, runId, result, {
        metrics,
        parentId: base.id,
        projectId: p.projectId,
        activate: decision.activated,
      });
      const outcome: TrainResult = {
        modelId,
        heldoutF1: num(m.f1),
        activeModel: activeName,
        activeF1: num(compare?.f1),
        trainDocs: train.length,
        heldoutDocs: heldout.length,
        ...decision,
      };
      // Keep-learning: the unfinished documents get the better version's suggestions (not a worse one's).
      if (decision.activated && (p.reannotate || p.trigger === 'auto') && this.hooks.reannotate) {
        outcome.reannotated = this.reannotate(p.projectId, resolve(result.package));
      }
      Object.assign(info, { modelId, result: outcome, state: 'done', progress: 1 });
      this.store.events.append({ type: 'model.train', actor, projectId: p.projectId, payload: { runId, ...outcome } });
    } catch (error) {
      recordUnfinishedRun(this.store, job, error, {
        runId,
        out,
        eventType: 'model.train',
        actor,
        projectId: p.projectId,
      });
    }
    this.hooks.emit({ type: 'job.finished', job: { ...info } });
  }
}
