// The diffusion engine in the current thread: package + forward backend + sampler + parsers. The app runs it inside a
// worker thread (engine-client.ts); scripts and tests may use it directly. The backend comes from the manifest:
// onnxruntime for a graph (ort-session.ts, loaded only then), a PyTorch worker for a checkpoint (torch-session.ts).

import {
  disagreement,
  mergeDecodes,
  mergeSignals,
  summariseTokens,
  type UncertaintySignals,
} from '../../core/active-learning/signals.js';
import type { Entity, Range } from '../../core/document.js';
import { canvasLength } from '../../core/sampler/canvas.js';
import { denoise, type StepEvent } from '../../core/sampler/denoiser.js';
import type { ForwardFn } from '../../core/sampler/head-outputs.js';
import { restrictedForward } from '../../core/sampler/restrict-candidates.js';
import type { CanvasPrior } from '../../core/sampler/prior.js';
import { crfTagIndex, wordPrior } from '../../core/crf/canvas-prior.js';
import { labelsOfTag } from '../../core/model-output/aligned-bio.js';
import { resolveSettings, type SamplerSettings } from '../../core/sampler/settings.js';
import { samplerDefaultsFor, schemaFor, schemaGroups } from '../../core/model-package/manifest.js';
import { lowerCaseInPlace } from '../../core/normalize.js';
import { DEFAULT_BATCH_LIMITS, GPU_BATCH_LIMITS, lengthBuckets, type BatchLimits } from './batching.js';
import { splitForWindow } from './long-document.js';
import {
  DeviceError,
  GraphContractError,
  noRuns,
  type BackendKind,
  type OpenedBackend,
  type RunStats,
} from './backend.js';
import type { SessionOptions } from './ort-session.js';
import { fillGaps } from '../../core/lexicon/fill.js';
import { loadPackage, PackageError, type LoadedPackage } from './package-loader.js';
import { openTorchBackend } from './torch-session.js';
import type { BuiltPrompt } from './prompt.js';
import type { AnnotateRequest } from '../services/engine-port.js';
import { parseOutput } from './suggestions.js';

export interface EngineOptions extends SessionOptions {
  batch?: Partial<BatchLimits>;
}

export interface EngineInfo {
  name: string;
  version: string;
  /** Which library runs the forward (the manifest decides). */
  backend: BackendKind;
  device: 'cuda' | 'cpu';
  fallbackReason?: string;
  /** What runs the forward, in words (PyTorch: GPU, dtype, versions). */
  runtime?: string;
  outputFormat: string;
  labels: string[];
  defaults: SamplerSettings;
}

export interface AnnotateItem {
  id: string;
  text: string;
}

export interface EngineProgress {
  batch: number;
  batches: number;
  step: number;
  totalSteps: number;
  /** Rows in this step's forward pass (0: the step needed none). */
  forwardRows: number;
  /** Rows (segments) whose batches are done. */
  rowsDone: number;
  rows: number;
  /** Items all of whose rows are done (rows are batched by length, so items finish out of order). */
  itemsDone: number;
  items: number;
}

/**
 * A request (AnnotateRequest: a disagreement pass denoises every text twice more with sampling, seeds seed+1 and
 * seed+2, and records how much the two runs disagree in signals.disagreement) and how this call reports and stops.
 */
export interface AnnotateOptions extends AnnotateRequest {
  onProgress?: (progress: EngineProgress) => void;
  isCancelled?: () => boolean;
}

export interface SegmentOutput {
  start: number;
  end: number;
  output: string;
  forwards: number;
  /**
   * With keepHistory: the canvas after each step, one entry per canvas position, its token decoded, or null while
   * still masked (the denoising history the UI replays).
   */
  history?: (string | null)[][];
  /** With keepHistory: the code-point range in the item's text of each text token (an aligned-BIO canvas labels them in order). */
  textTokens?: Range[];
}

export interface ItemResult {
  id: string;
  /** Suggestions: entities over the item's text (code points), each with a score. */
  entities: Entity[];
  problems: string[];
  segments: SegmentOutput[];
  /** How uncertain the model was about this text (commit-time entropy and margins), for active learning. */
  signals: UncertaintySignals;
}

interface Row {
  item: number;
  start: number;
  end: number;
  text: string;
  prompt: BuiltPrompt;
  canvas: number;
}

export class DiffusionEngine {
  private readonly limits: BatchLimits;
  private priorTagOf?: (id: number) => number;

  private constructor(
    readonly pkg: LoadedPackage,
    readonly info: EngineInfo,
    private readonly opened: OpenedBackend,
    /** What ran (bench/engine.ts). */
    readonly stats: RunStats,
    options: EngineOptions,
  ) {
    this.limits = { ...(opened.device === 'cuda' ? GPU_BATCH_LIMITS : DEFAULT_BATCH_LIMITS), ...options.batch };
  }

  /**
   * Loads a package and opens its backend; throws PackageError, GraphContractError, DeviceError, or (PyTorch)
   * TorchBackendError.
   */
  static async open(dir: string, options: EngineOptions = { device: 'auto' }): Promise<DiffusionEngine> {
    const pkg = loadPackage(dir);
    const m = pkg.manifest;
    const stats = noRuns();
    const opened =
      m.pytorch && pkg.checkpointPath
        ? await openTorchBackend(
            pkg.checkpointPath,
            m.pytorch,
            m.head.topK,
            { device: options.device, threads: options.intraOpThreads },
            stats,
          )
        : await openOnnx(pkg, options, stats);
    const info: EngineInfo = {
      name: m.name,
      version: m.version,
      backend: opened.backend,
      device: opened.device,
      fallbackReason: opened.fallbackReason,
      ...(opened.runtime ? { runtime: opened.runtime } : {}),
      outputFormat: m.output.format,
      labels: m.output.labels,
      defaults: m.sampler,
    };
    return new DiffusionEngine(pkg, info, opened, stats, options);
  }

  /** The backend's own figures (PyTorch: forwards, GPU memory allocated and peak); empty for onnxruntime. */
  async backendStats(): Promise<Record<string, unknown>> {
    return (await this.opened.stats?.()) ?? {};
  }

  async release(): Promise<void> {
    await this.opened.release();
  }

  /** Canvas size for a text of `textTokens` tokens (aligned-BIO: always one label per text token). */
  canvasFor(settings: SamplerSettings, textTokens: number, promptTokens: number): number {
    const m = this.pkg.manifest;
    const max = m.output.format === 'aligned-bio' ? 'auto' : settings.maxNewTokens;
    return canvasLength(max, m.output, textTokens, m.maxLength - promptTokens);
  }

  /** Whether a text of `n` tokens fits the window with its prompt and canvas. */
  private fitsTokens(settings: SamplerSettings, n: number): boolean {
    const overhead = this.pkg.prompt.overhead;
    return overhead + n + this.canvasFor(settings, n, overhead + n) <= this.pkg.manifest.maxLength;
  }

  /**
   * Pre-annotates items: long texts are split to the model's window, rows are batched by length. Labels from several
   * of the package's schemas are decoded once per schema, each with its own settings and reading, and merged.
   */
  async annotate(items: readonly AnnotateItem[], options: AnnotateOptions = {}): Promise<ItemResult[]> {
    const groups = schemaGroups(this.pkg.manifest, options.labels);
    if (groups.length === 1) return this.annotateSchema(items, options);
    const parts: ItemResult[][] = [];
    for (const [g, labels] of groups.entries()) {
      const onProgress = options.onProgress && passProgress(options.onProgress, g, groups.length);
      parts.push(await this.annotateSchema(items, { ...options, labels, onProgress }));
    }
    return items.map((item, i) => ({
      id: item.id,
      entities: parts.flatMap((p) => p[i].entities),
      problems: parts.flatMap((p) => p[i].problems),
      segments: parts.flatMap((p) => p[i].segments),
      signals: mergeDecodes(parts.map((p) => p[i].signals)),
    }));
  }

  /** One decode with the settings and reading of the schema `options.labels` lie in (the package's without one). */
  private async annotateSchema(items: readonly AnnotateItem[], options: AnnotateOptions): Promise<ItemResult[]> {
    const settings = resolveSettings(samplerDefaultsFor(this.pkg.manifest, options.labels), options.settings);
    const forward = this.forwardFor(options.labels);
    // A schema learnt from lower-case text only (ViMedNER) finds its entities in the text lower-cased.
    const read = schemaFor(this.pkg.manifest, options.labels)?.lowercase
      ? items.map((item) => ({ ...item, text: lowerCaseInPlace(item.text) }))
      : items;
    const results = await this.pass(read, settings, options, forward);
    const { lexicon } = this.pkg;
    if (lexicon) {
      // The package's lexicon fills the model's gaps, in the text as written (as its documents were); the uncertainty
      // signals stay the model's own.
      results.forEach((r, i) => (r.entities = fillGaps(items[i].text, r.entities, lexicon)));
    }
    if (options.labels) {
      const wanted = new Set(options.labels);
      for (const r of results) r.entities = r.entities.filter((e) => wanted.has(e.label));
    }
    const temperature = options.disagreementTemperature;
    if (temperature !== undefined && temperature > 0) {
      const quiet = { isCancelled: options.isCancelled };
      const first = await this.pass(
        read,
        { ...settings, temperature, seed: (settings.seed + 1) >>> 0 },
        quiet,
        forward,
      );
      const second = await this.pass(
        read,
        { ...settings, temperature, seed: (settings.seed + 2) >>> 0 },
        quiet,
        forward,
      );
      results.forEach((r, i) => (r.signals.disagreement = disagreement(first[i].entities, second[i].entities)));
    }
    return results;
  }

  /**
   * The backend's forward, or (aligned-BIO, `labels` leaving out some of the model's) one whose candidates are only
   * tags of those labels, renormalised: the model decodes as if the others did not exist.
   */
  private forwardFor(labels: readonly string[] | undefined): ForwardFn {
    const m = this.pkg.manifest;
    const wanted = new Set(labels);
    if (!labels || m.output.format !== 'aligned-bio' || m.output.labels.every((l) => wanted.has(l)))
      return this.opened.forward;
    const tokenizer = this.pkg.tokenizer;
    const verdicts = new Map<number, boolean>();
    const allowed = (id: number): boolean => {
      let ok = verdicts.get(id);
      if (ok === undefined) {
        // Ids that are no tag (the specials) are never candidates: the head gives them -1e4.
        ok = labelsOfTag(tokenizer.decode([id]))?.every((l) => wanted.has(l)) ?? true;
        verdicts.set(id, ok);
      }
      return ok;
    };
    // `O` is the first id that decodes to a tag stack without labels (right after the specials).
    let outside = -1;
    for (let id = 0; id < 4096 && outside < 0; id++)
      if (labelsOfTag(tokenizer.decode([id]))?.length === 0) outside = id;
    return outside < 0 ? this.opened.forward : restrictedForward(this.opened.forward, allowed, outside);
  }

  private async pass(
    items: readonly AnnotateItem[],
    settings: SamplerSettings,
    options: AnnotateOptions,
    forward: ForwardFn,
  ): Promise<ItemResult[]> {
    const fits = (text: string) => this.fitsTokens(settings, this.pkg.tokenizer.encode(text).length);
    const rows: Row[] = [];
    items.forEach((item, i) => {
      // splitForWindow asks first about the whole (trimmed) text: its prompt is built then and kept, so a text that
      // fits, the common case, is tokenised once instead of twice.
      let whole: { text: string; prompt: BuiltPrompt } | undefined;
      const fitsFirstWhole = (text: string) => {
        if (whole) return fits(text);
        whole = { text, prompt: this.pkg.prompt.build(text) };
        return this.fitsTokens(settings, whole.prompt.textTokens.length);
      };
      for (const segment of splitForWindow(item.text, fitsFirstWhole)) {
        const prompt = segment.text === whole?.text ? whole.prompt : this.pkg.prompt.build(segment.text);
        rows.push({
          item: i,
          ...segment,
          prompt,
          canvas: this.canvasFor(settings, prompt.textTokens.length, prompt.ids.length),
        });
      }
    });
    const batches = lengthBuckets(
      rows.map((r) => r.prompt.ids.length + r.canvas),
      this.limits,
    );
    const results: ItemResult[] = items.map((item) => ({
      id: item.id,
      entities: [],
      problems: [],
      segments: [],
      signals: summariseTokens([], [], []),
    }));
    const rowSignals: { start: number; signals: UncertaintySignals }[][] = items.map(() => []);
    let rowsDone = 0;
    const rowsLeft = items.map(() => 0);
    for (const row of rows) rowsLeft[row.item]++;
    const segmentsOf = rowsLeft.slice();
    let itemsDone = rowsLeft.filter((n) => n === 0).length;
    const mask = this.pkg.manifest.tokens.mask;
    for (const [b, batch] of batches.entries()) {
      const onStep = (e: StepEvent) => {
        this.stats.steps++;
        options.onProgress?.({
          batch: b + 1,
          batches: batches.length,
          step: e.step,
          totalSteps: e.totalSteps,
          forwardRows: e.forwardRows,
          rowsDone,
          rows: rows.length,
          itemsDone,
          items: items.length,
        });
      };
      const out = await this.run(
        batch.map((r) => rows[r].prompt.ids),
        batch.map((r) => rows[r].canvas),
        batch,
        settings,
        { ...options, onStep, forward },
        this.priorsFor(batch.map((r) => rows[r])),
      );
      batch.forEach((r, j) => {
        const row = rows[r];
        const parsed = parseOutput(
          this.pkg.manifest.output,
          this.pkg.tokenizer,
          row.text,
          row.prompt.textTokens,
          out.rows[j].tokens,
          out.rows[j].probabilities,
        );
        const result = results[row.item];
        const { entropy, margin } = out.rows[j].uncertainty;
        rowSignals[row.item].push({
          start: row.start,
          signals: summariseTokens(entropy, margin, parsed.tokenIsEntity),
        });
        result.entities.push(
          ...parsed.entities.map((e) => ({ ...e, start: e.start + row.start, end: e.end + row.start })),
        );
        result.problems.push(
          ...parsed.problems.map((p) => (segmentsOf[row.item] > 1 ? `text at ${row.start}: ${p}` : p)),
        );
        const history = out.rows[j].history?.map((canvas) =>
          Array.from(canvas, (id) => (id === mask ? null : this.pkg.tokenizer.decode([id]))),
        );
        const textTokens =
          history && row.prompt.textTokens.map((t) => ({ start: t.start + row.start, end: t.end + row.start }));
        result.segments.push({
          start: row.start,
          end: row.end,
          output: parsed.output,
          forwards: out.forwards,
          ...(history ? { history, textTokens } : {}),
        });
      });
      rowsDone += batch.length;
      for (const r of batch) if (--rowsLeft[rows[r].item] === 0) itemsDone++;
    }
    results.forEach((result, i) => {
      result.segments.sort((a, b) => a.start - b.start);
      if (rowSignals[i].length > 0)
        result.signals = mergeSignals(rowSignals[i].sort((a, b) => a.start - b.start).map((r) => r.signals));
    });
    return results;
  }

  /** Denoises explicit batches of texts (parity checks, scripts/engine-generate.ts); streams number rows across batches. */
  async generate(
    batches: readonly (readonly string[])[],
    overrides: Partial<SamplerSettings> = {},
  ): Promise<{ tokens: number[][]; text: string[]; forwards: number }[]> {
    const settings = resolveSettings(this.pkg.manifest.sampler, overrides);
    const out = [];
    let stream = 0;
    for (const texts of batches) {
      const prompts = texts.map((t) => this.pkg.prompt.build(t));
      const streams = texts.map((_, i) => stream + i);
      stream += texts.length;
      const result = await this.run(
        prompts.map((p) => p.ids),
        prompts.map((p) => this.canvasFor(settings, p.textTokens.length, p.ids.length)),
        streams,
        settings,
        {},
      );
      out.push({
        tokens: result.rows.map((r) => r.tokens),
        text: result.rows.map((r) => this.pkg.tokenizer.decode(r.tokens)),
        forwards: result.forwards,
      });
    }
    return out;
  }

  /** The package's word prior over each row's canvas (none without one). */
  private priorsFor(rows: readonly Row[]): CanvasPrior[] | undefined {
    const { prior, tokenizer } = this.pkg;
    if (!prior) return undefined;
    this.priorTagOf ??= crfTagIndex(prior.crf, (id) => tokenizer.decode([id]));
    const tagOf = this.priorTagOf;
    return rows.map((row) => wordPrior(prior.crf, prior.weight, tagOf, row.text, row.prompt.textTokens));
  }

  private async run(
    prompts: number[][],
    canvases: number[],
    streams: number[],
    settings: SamplerSettings,
    options: Pick<AnnotateOptions, 'keepHistory' | 'isCancelled'> & {
      onStep?: (e: StepEvent) => void;
      forward?: ForwardFn;
    },
    priors?: readonly CanvasPrior[],
  ) {
    const m = this.pkg.manifest;
    const started = performance.now();
    try {
      return await denoise(
        { prompts, canvasLengths: canvases, streams, priors },
        {
          settings,
          tokens: m.tokens,
          shiftedLogits: m.shiftedLogits,
          forward: options.forward ?? this.opened.forward,
          onStep: options.onStep,
          keepHistory: options.keepHistory,
          isCancelled: options.isCancelled,
        },
      );
    } finally {
      this.stats.loopMs += performance.now() - started;
    }
  }
}

/** Progress of decode `pass` of `passes` as a share of the whole request's. */
function passProgress(
  report: (progress: EngineProgress) => void,
  pass: number,
  passes: number,
): (progress: EngineProgress) => void {
  return (p) =>
    report({
      ...p,
      batch: pass * p.batches + p.batch,
      batches: passes * p.batches,
      rowsDone: pass * p.rows + p.rowsDone,
      rows: passes * p.rows,
      itemsDone: Math.floor((pass * p.items + p.itemsDone) / passes),
    });
}

/** The package's ONNX graph on onnxruntime, imported only here: a PyTorch-only machine may lack its native library. */
async function openOnnx(pkg: LoadedPackage, options: EngineOptions, stats: RunStats): Promise<OpenedBackend> {
  const graph = pkg.manifest.graph?.file ?? '';
  const ort = await import('./ort-session.js');
  let opened: Awaited<ReturnType<typeof ort.openSession>>;
  try {
    opened = await ort.openSession(pkg.graphPath ?? '', pkg.manifest, options);
  } catch (error) {
    if (error instanceof DeviceError || error instanceof GraphContractError) throw error;
    // onnxruntime's own words ("Protobuf parsing failed", a missing external-data file), under the file's name.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new PackageError(pkg.dir, [`${graph}: onnxruntime cannot load it (${reason})`]);
  }
  const session = opened.session;
  return {
    backend: 'onnxruntime',
    device: opened.device,
    ...(opened.fallbackReason ? { fallbackReason: opened.fallbackReason } : {}),
    forward: ort.makeForward(session, pkg.manifest.head.topK, stats),
    release: () => session.release(),
  };
}
