// The model package manifest (manifest.json, formatVersion 1): everything the engine must know about a model that
// the ONNX graph (or the PyTorch checkpoint) and tokenizer do not say. Validated field by field; docs/model-package.md is its reference.

import { resolveSettings, DREAM_DEFAULTS, SamplerSettingsError, type SamplerSettings } from '../sampler/settings.js';
import { FieldReader, isObject, type FieldIssue } from './fields.js';
import { labelProblem } from '../labels.js';

export const MANIFEST_FORMAT_VERSION = 1;
export type OutputFormat = 'inline-tags' | 'bio-lines' | 'aligned-bio';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['inline-tags', 'bio-lines', 'aligned-bio'];

export interface RawPrompt {
  kind: 'raw';
  /** The prompt with `{text}` exactly once where the text goes. */
  template: string;
  addBos?: boolean;
}

export interface ChatPrompt {
  kind: 'chat';
  system?: string;
  /** The user message with `{text}` exactly once. */
  user: string;
  /** A Jinja chat template; default: tokenizer_config.json's chat_template. */
  chatTemplate?: string;
  addBos?: boolean;
}

export interface OutputSpec {
  format: OutputFormat;
  labels: string[];
  /** How 'auto' sizes the canvas: ceil(textTokens * perTextToken) + extra (aligned-bio: exactly textTokens). */
  canvas?: { perTextToken: number; extra: number };
  /**
   * The label sets the model was trained on together (one per corpus it learnt), each with the sampler settings chosen
   * on its own held-out sentences: a decode whose labels all lie in one schema uses that schema's settings.
   */
  schemas?: LabelSchema[];
}

export interface LabelSchema {
  name: string;
  labels: string[];
  sampler?: Partial<SamplerSettings>;
  /** Its training text was all lower case: a decode with this schema reads the text lower-cased (offsets kept). */
  lowercase?: boolean;
}

export interface EvaluationResult {
  dataset: string;
  split?: string;
  metric: string;
  value: number;
  /** Sampler settings the result was measured with. */
  sampler?: Partial<SamplerSettings>;
  date?: string;
}

export interface ModelManifest {
  formatVersion: 1;
  name: string;
  version: string;
  description?: string;
  /** The ONNX graph the forward runs on (onnxruntime); absent exactly when `pytorch` is given. */
  graph?: { file: string; externalData?: string[] };
  /** The forward runs on PyTorch (training/dnw/dream/torch_worker.py) over this checkpoint instead of an ONNX graph. */
  pytorch?: PytorchSpec;
  tokenizer: string;
  tokens: { mask: number; eos: number; pad: number; bos?: number };
  /** True when position i is predicted from the output at i - 1 (Dream). */
  shiftedLogits: boolean;
  /** Longest prompt + canvas the model takes. */
  maxLength: number;
  prompt: RawPrompt | ChatPrompt;
  output: OutputSpec;
  /** K: candidates per position the graph returns (>= 2). */
  head: { topK: number };
  /** The package's sampler defaults (over Dream's). */
  sampler: SamplerSettings;
  evaluation: EvaluationResult[];
  provenance?: Record<string, unknown>;
  /** Present when the package carries its weights for fine-tuning (training/dnw/package/finetune_package.py). */
  training?: TrainingSpec;
  /** The lexicon of the documents the model was trained on, which fills the model's gaps (core/lexicon/fill.ts). */
  lexicon?: { file: string };
  /** A CRF over the words (crf.json) multiplied into each denoising step with this weight (core/sampler/prior.ts). */
  prior?: { file: string; weight: number };
}

export type TorchDtype = 'auto' | 'bfloat16' | 'float16' | 'float32';
export const TORCH_DTYPES: readonly TorchDtype[] = ['auto', 'bfloat16', 'float16', 'float32'];

/** A Dream/Qwen2 checkpoint folder the PyTorch backend loads. */
export interface PytorchSpec {
  /** Folder with config.json and *.safetensors: relative to the package, or absolute. */
  checkpoint: string;
  /** Weights' dtype; 'auto' (default): bfloat16 on CUDA, float32 on the CPU. */
  dtype?: TorchDtype;
  /** Attention kernel: 'sdpa' (default) or 'eager'. */
  attention?: 'sdpa' | 'eager';
  /** Random weights from config.json alone (speed and memory checks only: the outputs mean nothing). */
  randomInit?: boolean;
}

/** Which library runs the package's forward. */
export function forwardBackend(manifest: Pick<ModelManifest, 'pytorch'>): 'onnxruntime' | 'pytorch' {
  return manifest.pytorch ? 'pytorch' : 'onnxruntime';
}

/** The trainable weights a package carries, and the trainer format that reads them. */
export interface TrainingSpec {
  /** File in the package, e.g. checkpoint.pt. */
  checkpoint: string;
  /** Which trainer can fine-tune it, e.g. dnw-aligned-v1. */
  format: string;
}

/** A manifest that cannot be used; lists every field at fault. */
export class ManifestError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('\n'));
    this.name = 'ManifestError';
  }
}

const TOP_KEYS = [
  'formatVersion',
  'name',
  'version',
  'description',
  'graph',
  'pytorch',
  'tokenizer',
  'tokens',
  'shiftedLogits',
  'maxLength',
  'prompt',
  'output',
  'head',
  'sampler',
  'evaluation',
  'provenance',
  'training',
  'lexicon',
  'prior',
] as const;
const TEXT_SLOT = '{text}';

/** Validates parsed manifest.json; throws ManifestError naming every field at fault. */
export function parseManifest(json: unknown): ModelManifest {
  const f = new FieldReader();
  if (!isObject(json)) throw new ManifestError([{ field: '', message: 'the manifest must be a JSON object' }]);
  const version = json.formatVersion;
  if (version !== MANIFEST_FORMAT_VERSION) {
    const newer = typeof version === 'number' && version > MANIFEST_FORMAT_VERSION;
    f.fail(
      'formatVersion',
      newer
        ? `${version} is newer than this engine reads (${MANIFEST_FORMAT_VERSION}); update the workbench`
        : `must be ${MANIFEST_FORMAT_VERSION}`,
    );
    throw new ManifestError(f.issues);
  }
  f.onlyKeys(json, '', TOP_KEYS);
  // One backend per package: an ONNX graph, or a PyTorch checkpoint.
  const graph = f.object(json, 'graph', '', true);
  if (json.graph === undefined && json.pytorch === undefined)
    f.fail('graph', "is missing (or give 'pytorch' with a checkpoint folder)");
  if (json.graph !== undefined && json.pytorch !== undefined)
    f.fail('pytorch', 'cannot be given together with graph: a package runs on one backend');
  const tokens = f.object(json, 'tokens', '');
  const head = f.object(json, 'head', '');
  const manifest = {
    formatVersion: 1,
    name: f.string(json, 'name', ''),
    version: f.string(json, 'version', ''),
    description: f.string(json, 'description', '', true),
    graph: graph && {
      file: f.string(graph, 'file', 'graph'),
      externalData: f.strings(graph, 'externalData', 'graph', true),
    },
    pytorch: readPytorch(f, json),
    tokenizer: f.string(json, 'tokenizer', ''),
    tokens: tokens && {
      mask: f.integer(tokens, 'mask', 'tokens', 0),
      eos: f.integer(tokens, 'eos', 'tokens', 0),
      pad: f.integer(tokens, 'pad', 'tokens', 0),
      bos: f.integer(tokens, 'bos', 'tokens', 0, undefined, true),
    },
    shiftedLogits: f.boolean(json, 'shiftedLogits', ''),
    maxLength: f.integer(json, 'maxLength', '', 2),
    prompt: readPrompt(f, json),
    output: readOutput(f, json),
    head: head && { topK: f.integer(head, 'topK', 'head', 2, 1024) },
    sampler: readSampler(f, json),
    evaluation: readEvaluation(f, json),
    provenance: f.object(json, 'provenance', '', true),
    training: readTraining(f, json),
    lexicon: readLexicon(f, json),
    prior: readPrior(f, json),
  };
  if (manifest.prior && manifest.output && manifest.output.format !== 'aligned-bio')
    f.fail('prior', 'a word prior needs the aligned-bio output format');
  if (tokens && manifest.tokens?.mask !== undefined && manifest.tokens.mask === manifest.tokens.eos)
    f.fail('tokens.mask', 'must differ from tokens.eos');
  if (f.issues.length > 0) throw new ManifestError(f.issues);
  return manifest as ModelManifest; // every field was read above; any gap would have been an issue
}

function readPrompt(f: FieldReader, json: Record<string, unknown>): RawPrompt | ChatPrompt | undefined {
  const prompt = f.object(json, 'prompt', '');
  if (!prompt) return undefined;
  const kind = f.oneOf(prompt, 'kind', 'prompt', ['raw', 'chat'] as const);
  const addBos = f.boolean(prompt, 'addBos', 'prompt', true);
  const slot = (key: string, value: string | undefined) => {
    if (value !== undefined && value.split(TEXT_SLOT).length !== 2)
      f.fail(`prompt.${key}`, `must contain ${TEXT_SLOT} exactly once`);
    return value;
  };
  if (kind === 'raw') {
    f.onlyKeys(prompt, 'prompt', ['kind', 'template', 'addBos']);
    return { kind, template: slot('template', f.string(prompt, 'template', 'prompt'))!, addBos };
  }
  if (kind === 'chat') {
    f.onlyKeys(prompt, 'prompt', ['kind', 'system', 'user', 'chatTemplate', 'addBos']);
    return {
      kind,
      system: f.string(prompt, 'system', 'prompt', true),
      user: slot('user', f.string(prompt, 'user', 'prompt'))!,
      chatTemplate: f.string(prompt, 'chatTemplate', 'prompt', true),
      addBos,
    };
  }
  return undefined;
}

function readOutput(f: FieldReader, json: Record<string, unknown>): OutputSpec | undefined {
  const output = f.object(json, 'output', '');
  if (!output) return undefined;
  f.onlyKeys(output, 'output', ['format', 'labels', 'canvas', 'schemas']);
  const format = f.oneOf(output, 'format', 'output', OUTPUT_FORMATS);
  const labels = f.strings(output, 'labels', 'output');
  labels?.forEach((label, i) => {
    // An aligned-BIO canvas names labels inside added tokens, escaped (core/model-output/aligned-bio.ts), so any
    // project label name fits; the text formats write them as tags.
    if (format === 'aligned-bio') {
      const problem = labelProblem(label);
      if (problem) f.fail(`output.labels[${i}]`, `"${label}" ${problem}`);
    } else if (!/^[\p{L}_][\p{L}\p{N}_.:-]*$/u.test(label))
      f.fail(`output.labels[${i}]`, `"${label}" cannot be a tag name (letters, digits, _ . : -)`);
  });
  const canvas = f.object(output, 'canvas', 'output', true);
  const perTextToken = canvas && f.number(canvas, 'perTextToken', 'output.canvas');
  const extra = canvas && f.integer(canvas, 'extra', 'output.canvas', 0);
  if (perTextToken !== undefined && perTextToken <= 0) f.fail('output.canvas.perTextToken', 'must be > 0');
  const schemas = readSchemas(f, output, labels ?? []);
  return (
    format &&
    labels && {
      format,
      labels,
      canvas: canvas && { perTextToken: perTextToken!, extra: extra! },
      ...(schemas ? { schemas } : {}),
    }
  );
}

function readSchemas(f: FieldReader, output: Record<string, unknown>, known: string[]): LabelSchema[] | undefined {
  const value = output.schemas;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return f.fail('output.schemas', 'must be a list');
  return value.flatMap((entry, i) => {
    const path = `output.schemas[${i}]`;
    if (!isObject(entry)) return f.fail(path, 'must be an object') ?? [];
    f.onlyKeys(entry, path, ['name', 'labels', 'sampler', 'lowercase']);
    const name = f.string(entry, 'name', path);
    const labels = f.strings(entry, 'labels', path);
    if (labels?.length === 0) f.fail(`${path}.labels`, 'must name at least one label');
    labels?.forEach((label, j) => {
      if (!known.includes(label)) f.fail(`${path}.labels[${j}]`, `"${label}" is not one of output.labels`);
    });
    const sampler = f.object(entry, 'sampler', path, true);
    if (sampler) resolveSampler(f, sampler, `${path}.sampler`);
    const lowercase = f.boolean(entry, 'lowercase', path, true);
    return name !== undefined && labels
      ? [
          {
            name,
            labels,
            ...(sampler ? { sampler: sampler as Partial<SamplerSettings> } : {}),
            ...(lowercase !== undefined ? { lowercase } : {}),
          },
        ]
      : [];
  });
}

/** The schema a decode with `labels` (all of the model's when undefined) belongs to: the first holding them all. */
export function schemaFor(manifest: ModelManifest, labels?: readonly string[]): LabelSchema | undefined {
  const wanted = labels ?? manifest.output.labels;
  return manifest.output.schemas?.find((s) => wanted.every((l) => s.labels.includes(l)));
}

/**
 * The decodes a request for `labels` needs: one when a schema holds them all, when the package declares no schemas or
 * when no labels are named (the model's joint output, as its card measures it); else one per schema holding some of
 * them (in the manifest's order, each label decoded once), and the labels no schema holds in a last one with the
 * package's settings.
 */
export function schemaGroups(manifest: ModelManifest, labels?: readonly string[]): (readonly string[] | undefined)[] {
  const schemas = manifest.output.schemas;
  if (!labels || !schemas || schemaFor(manifest, labels)) return [labels];
  const left = new Set(labels);
  const groups: string[][] = [];
  for (const schema of schemas) {
    const group = schema.labels.filter((l) => left.delete(l));
    if (group.length > 0) groups.push(group);
  }
  if (left.size > 0) groups.push([...left]);
  return groups;
}

/** The sampler defaults for a decode with `labels`: its schema's settings over the package's. */
export function samplerDefaultsFor(manifest: ModelManifest, labels?: readonly string[]): SamplerSettings {
  const schema = schemaFor(manifest, labels);
  return schema?.sampler ? resolveSettings(manifest.sampler, schema.sampler) : manifest.sampler;
}

function readLexicon(f: FieldReader, json: Record<string, unknown>): ModelManifest['lexicon'] {
  const spec = f.object(json, 'lexicon', '', true);
  if (!spec) return undefined;
  f.onlyKeys(spec, 'lexicon', ['file']);
  const file = f.string(spec, 'file', 'lexicon');
  return file === undefined ? undefined : { file };
}

function readPrior(f: FieldReader, json: Record<string, unknown>): ModelManifest['prior'] {
  const spec = f.object(json, 'prior', '', true);
  if (!spec) return undefined;
  f.onlyKeys(spec, 'prior', ['file', 'weight']);
  const file = f.string(spec, 'file', 'prior');
  const weight = f.number(spec, 'weight', 'prior');
  if (weight !== undefined && !(weight > 0 && weight < 1)) f.fail('prior.weight', 'must lie between 0 and 1');
  return file === undefined || weight === undefined ? undefined : { file, weight };
}

function readPytorch(f: FieldReader, json: Record<string, unknown>): PytorchSpec | undefined {
  const spec = f.object(json, 'pytorch', '', true);
  if (!spec) return undefined;
  f.onlyKeys(spec, 'pytorch', ['checkpoint', 'dtype', 'attention', 'randomInit']);
  const checkpoint = f.string(spec, 'checkpoint', 'pytorch');
  const dtype = spec.dtype === undefined ? undefined : f.oneOf(spec, 'dtype', 'pytorch', TORCH_DTYPES);
  const attention =
    spec.attention === undefined ? undefined : f.oneOf(spec, 'attention', 'pytorch', ['sdpa', 'eager'] as const);
  const randomInit = f.boolean(spec, 'randomInit', 'pytorch', true);
  return checkpoint
    ? {
        checkpoint,
        ...(dtype ? { dtype } : {}),
        ...(attention ? { attention } : {}),
        ...(randomInit !== undefined ? { randomInit } : {}),
      }
    : undefined;
}

function readTraining(f: FieldReader, json: Record<string, unknown>): TrainingSpec | undefined {
  const training = f.object(json, 'training', '', true);
  if (!training) return undefined;
  f.onlyKeys(training, 'training', ['checkpoint', 'format']);
  const checkpoint = f.string(training, 'checkpoint', 'training');
  const format = f.string(training, 'format', 'training');
  return checkpoint && format ? { checkpoint, format } : undefined;
}

function readSampler(f: FieldReader, json: Record<string, unknown>): SamplerSettings | undefined {
  return resolveSampler(f, f.object(json, 'sampler', '', true) ?? {}, 'sampler');
}

/** Sampler settings over Dream's defaults; a bad one is an issue at `path`.<setting>. */
function resolveSampler(f: FieldReader, sampler: Record<string, unknown>, path: string): SamplerSettings | undefined {
  try {
    return resolveSettings(DREAM_DEFAULTS, sampler as Partial<SamplerSettings>);
  } catch (error) {
    if (error instanceof SamplerSettingsError)
      return f.fail(`${path}.${error.field}`, error.message.replace(/^sampler setting \S+: /, ''));
    throw error;
  }
}

function readEvaluation(f: FieldReader, json: Record<string, unknown>): EvaluationResult[] {
  const value = json.evaluation;
  if (value === undefined) return [];
  if (!Array.isArray(value)) return f.fail('evaluation', 'must be a list') ?? [];
  return value.flatMap((entry, i) => {
    const path = `evaluation[${i}]`;
    if (!isObject(entry)) return f.fail(path, 'must be an object') ?? [];
    const result = {
      dataset: f.string(entry, 'dataset', path),
      split: f.string(entry, 'split', path, true),
      metric: f.string(entry, 'metric', path),
      value: f.number(entry, 'value', path),
      sampler: f.object(entry, 'sampler', path, true),
      date: f.string(entry, 'date', path, true),
    };
    return result.dataset && result.metric && result.value !== undefined ? [result as EvaluationResult] : [];
  });
}

/** Issues with the manifest's token ids against the tokenizer's vocabulary size. */
export function checkTokenIds(manifest: ModelManifest, vocabSize: number): FieldIssue[] {
  return (['mask', 'eos', 'pad', 'bos'] as const).flatMap((key) => {
    const id = manifest.tokens[key];
    return id === undefined || id < vocabSize
      ? []
      : [{ field: `tokens.${key}`, message: `id ${id} is outside the tokenizer's vocabulary (0..${vocabSize - 1})` }];
  });
}
