// Opens a model package folder and refuses a broken one with a message that names the file and field at fault.
// The graph's own inputs and outputs are checked when its session opens (ort-session.ts); a PyTorch package's
// checkpoint folder is checked here for its files and loaded by the worker (torch-session.ts).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { checkTokenIds, ManifestError, parseManifest, type ModelManifest } from '../../core/model-package/manifest.js';
import type { Lexicon } from '../../core/lexicon/lexicon.js';
import { readLexiconFile } from '../../core/lexicon/lexicon-file.js';
import { readCrfFile, type CrfModel } from '../../core/crf/crf-model.js';
import { renderPromptParts, PromptBuilder } from './prompt.js';
import { TextTokenizer } from './text-tokenizer.js';

export const MANIFEST_FILE = 'manifest.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** A package that cannot be used; `problems` are `file: field: message` lines. */
export class PackageError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`model package ${dir} cannot be used:\n  ${problems.join('\n  ')}`);
    this.name = 'PackageError';
  }
}

export interface LoadedPackage {
  dir: string;
  manifest: ModelManifest;
  /** The ONNX graph (onnxruntime packages). */
  graphPath?: string;
  /** The checkpoint folder, resolved against the package (PyTorch packages). */
  checkpointPath?: string;
  tokenizer: TextTokenizer;
  prompt: PromptBuilder;
  /** The lexicon of the model's training documents, when the manifest names one (core/lexicon/fill.ts). */
  lexicon?: Lexicon;
  /** The word prior, when the manifest names one (core/crf/, core/sampler/prior.ts). */
  prior?: { crf: CrfModel; weight: number };
}

function readJson(dir: string, file: string, problems: string[]): Record<string, unknown> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return void problems.push(`${file}: is missing`);
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${file}: must hold a JSON object`);
  } catch (error) {
    problems.push(`${file}: is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return undefined;
}

/** Loads and checks everything but the graph's contract; throws PackageError listing every problem found. */
export function loadPackage(dir: string): LoadedPackage {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PackageError(dir, ['the folder does not exist']);
  const problems: string[] = [];
  const json = readJson(dir, MANIFEST_FILE, problems);
  if (!json) throw new PackageError(dir, problems);
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(json);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new PackageError(
      dir,
      error.issues.map((i) => `${MANIFEST_FILE}: ${i.field ? `${i.field}: ` : ''}${i.message}`),
    );
  }
  const graph = manifest.graph;
  for (const file of graph ? [graph.file, ...(graph.externalData ?? [])] : []) {
    if (!existsSync(join(dir, file))) problems.push(`${file}: is missing (named by ${MANIFEST_FILE} graph)`);
    else if (!statSync(join(dir, file)).isFile())
      problems.push(`${file}: is a folder, not a file (named by ${MANIFEST_FILE} graph)`);
  }
  const checkpointPath =
    manifest.pytorch &&
    (isAbsolute(manifest.pytorch.checkpoint) ? manifest.pytorch.checkpoint : join(dir, manifest.pytorch.checkpoint));
  if (manifest.pytorch && checkpointPath)
    problems.push(
      ...checkpointProblems(checkpointPath, manifest.pytorch.checkpoint, manifest.pytorch.randomInit === true),
    );
  const checkpoint = manifest.training?.checkpoint;
  if (checkpoint !== undefined && !existsSync(join(dir, checkpoint)))
    problems.push(`${checkpoint}: is missing (named by ${MANIFEST_FILE} training)`);
  const tokenizerJson = readJson(dir, manifest.tokenizer, problems);
  const needsConfig = manifest.prompt.kind === 'chat' && !manifest.prompt.chatTemplate;
  const config =
    existsSync(join(dir, TOKENIZER_CONFIG_FILE)) || needsConfig ? readJson(dir, TOKENIZER_CONFIG_FILE, problems) : {};
  if (needsConfig && config && typeof config.chat_template !== 'string') {
    problems.push(`${TOKENIZER_CONFIG_FILE}: has no chat_template, which the chat prompt needs`);
  }
  let tokenizer: TextTokenizer | undefined;
  if (tokenizerJson) {
    try {
      tokenizer = new TextTokenizer(tokenizerJson, config ?? {});
    } catch (error) {
      problems.push(
        `${manifest.tokenizer}: cannot be read as a tokenizer (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (tokenizer)
    for (const issue of checkTokenIds(manifest, tokenizer.vocabSize))
      problems.push(`${MANIFEST_FILE}: ${issue.field}: ${issue.message}`);
  let prompt: PromptBuilder | undefined;
  if (tokenizer && config && problems.length === 0) {
    try {
      prompt = new PromptBuilder(manifest, tokenizer, renderPromptParts(manifest, config));
    } catch (error) {
      problems.push(`${MANIFEST_FILE}: prompt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let lexicon: Lexicon | undefined;
  if (manifest.lexicon) {
    const json = readJson(dir, manifest.lexicon.file, problems);
    try {
      lexicon = json && readLexiconFile(json, manifest.lexicon.file);
    } catch (error) {
      problems.push(`${(error as Error).message} (named by ${MANIFEST_FILE} lexicon)`);
    }
    // It fills gaps with the model's own labels only (a project model writes the project's).
    const labels = new Set(manifest.output.labels);
    const foreign = new Set([...(lexicon?.pairs() ?? [])].map((p) => p.label).filter((l) => !labels.has(l)));
    if (foreign.size > 0)
      problems.push(
        `${manifest.lexicon.file}: labels ${[...foreign].map((l) => `"${l}"`).join(', ')} are not among ${MANIFEST_FILE} output.labels`,
      );
  }
  let prior: LoadedPackage['prior'];
  if (manifest.prior) {
    const json = readJson(dir, manifest.prior.file, problems);
    try {
      if (json) prior = { crf: readCrfFile(json, manifest.prior.file), weight: manifest.prior.weight };
    } catch (error) {
      problems.push(`${(error as Error).message} (named by ${MANIFEST_FILE} prior)`);
    }
  }
  if (problems.length > 0 || !tokenizer || !prompt) throw new PackageError(dir, problems);
  return {
    dir,
    manifest,
    ...(graph ? { graphPath: join(dir, graph.file) } : {}),
    ...(checkpointPath ? { checkpointPath } : {}),
    tokenizer,
    prompt,
    ...(lexicon ? { lexicon } : {}),
    ...(prior ? { prior } : {}),
  };
}

/** What a PyTorch checkpoint folder lacks: config.json, and *.safetensors unless the weights are random. */
function checkpointProblems(path: string, named: string, randomInit: boolean): string[] {
  const by = `(named by ${MANIFEST_FILE} pytorch.checkpoint)`;
  if (!existsSync(path)) return [`${named}: is missing ${by}`];
  if (!statSync(path).isDirectory()) return [`${named}: is a file, not a checkpoint folder ${by}`];
  const problems: string[] = [];
  if (!existsSync(join(path, 'config.json'))) problems.push(`${named}: has no config.json ${by}`);
  if (!randomInit && !readdirSync(path).some((f) => f.endsWith('.safetensors')))
    problems.push(`${named}: has no *.safetensors weights ${by}`);
  return problems;
}
