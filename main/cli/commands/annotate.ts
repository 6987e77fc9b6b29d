import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Doc } from '../../../core/document.js';
import type { SamplerSettings } from '../../../core/sampler/settings.js';
import { DiffusionEngine } from '../../engine/engine.js';
import { embeddedModelDir } from '../../hosts/engine-loader.js';
import { writeOutput } from '../../io/write-output.js';
import { decodePath } from '../../services/decode-service.js';
import { IssueLog } from '../../services/issue-log.js';
import {
  FORMAT_OPTIONS,
  UsageError,
  choice,
  codecOption,
  parse,
  positionals,
  printIssues,
  withProject,
  type Command,
} from '../cli-support.js';
import { labelMapper, labelsThatLand, relabelEntities } from '../../../core/label-mapping.js';

const usage = `usage: workbench annotate <in> <out> [--format FORMAT] [--variant V] [--model DIR] [--device auto|cpu|cuda]
                          [--threads N] [--sampler JSON] [--limit N] [--db DB [--project NAME]]

Pre-annotates every document of <in> with a diffusion model and writes them to <out> in the same format, each
document's entities replaced by the model's (tokens and metadata kept, so \`workbench eval\` can compare <out> with
<in>). Nothing is stored in a database.
  --model    a model package folder (default: the embedded model, ${embeddedModelDir})
  --device   auto (CUDA when its provider loads, else CPU; the default) | cpu | cuda
  --threads  onnxruntime intra-op threads (default: one per core)
  --sampler  sampler settings over the package's defaults, as JSON, e.g. '{"alg":"entropy","threshold":0.9}'
  --limit    only the first N documents
  --db       a workbench database: annotate with its project's active model (the active version when it was trained
             in this project or for no project, else the embedded model; --model overrides) and write the project's
             labels (the model's read through the project's label mapping; the model decodes with only the labels
             that map onto the project's)
  --project  the project of --db (default: its only project)`;

const BATCH_DOCS = 256;

export const annotateCommand: Command = {
  name: 'annotate',
  summary: 'pre-annotate a file with a model and write the result (no database)',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        ...FORMAT_OPTIONS,
        model: { type: 'string' },
        device: { type: 'string' },
        threads: { type: 'string' },
        sampler: { type: 'string' },
        limit: { type: 'string' },
        db: { type: 'string' },
        project: { type: 'string' },
      },
      usage,
    );
    const [input, output] = positionals(rest, ['in', 'out'], usage);
    const codec = codecOption(values.format, usage, input);
    if (!existsSync(input)) throw new UsageError(`${input} does not exist`);
    const device = choice(values.device, ['auto', 'cpu', 'cuda'] as const, 'device', usage) ?? 'auto';
    const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads');
    const limit = values.limit === undefined ? Infinity : positiveInt(values.limit, 'limit');
    const settings = samplerOption(values.sampler);

    const log = new IssueLog();
    const docs: Doc[] = [];
    for await (const { doc } of decodePath(input, codec, values.variant, (issue) => log.add(issue))) {
      if (docs.length >= limit) break;
      docs.push(doc);
    }
    printIssues(log.kept, log.total);
    if (log.errors > 0) return 1;

    if (values.project !== undefined && values.db === undefined) throw new UsageError('--project needs --db', usage);
    const project = values.db === undefined ? undefined : await projectModel(values.db, values.project);
    const engine = await DiffusionEngine.open(values.model ?? project?.modelDir ?? embeddedModelDir, {
      device,
      intraOpThreads: threads,
    });
    const { info } = engine;
    const relabel = project?.relabel(info.name);
    const labels = relabel && labelsThatLand(info.labels, (label) => relabel(label) !== null);
    console.error(
      `model ${info.name} ${info.version} on ${info.backend} ${info.device}${info.fallbackReason ? ` (${info.fallbackReason})` : ''}${info.runtime ? ` [${info.runtime}]` : ''}`,
    );
    const started = performance.now();
    let problems = 0;
    try {
      for (let from = 0; from < docs.length; from += BATCH_DOCS) {
        const batch = docs.slice(from, from + BATCH_DOCS);
        const results = await engine.annotate(
          batch.map((doc, i) => ({ id: String(from + i), text: doc.text })),
          { settings, labels },
        );
        results.forEach((result, i) => {
          batch[i].entities = relabel ? relabelEntities(result.entities, relabel) : result.entities;
          problems += result.problems.length;
        });
        process.stderr.write(`\r${Math.min(from + BATCH_DOCS, docs.length)}/${docs.length} documents`);
      }
    } finally {
      await engine.release();
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');

    const exportLog = new IssueLog();
    const encoded = codec.encode(
      (async function* () {
        yield* docs;
      })(),
      { variant: values.variant, report: (issue) => exportLog.add(issue) },
    );
    await writeOutput(output, encoded, { multiFile: codec.multiFile });
    printIssues(exportLog.kept, exportLog.total);
    const entities = docs.reduce((n, d) => n + d.entities.length, 0);
    console.log(
      `annotated ${docs.length} documents (${entities} entities) in ${seconds.toFixed(1)} s ` +
        `(${(docs.length / seconds).toFixed(1)} documents/s, ${engine.stats.runs} forward passes); ` +
        `${problems} output problems; wrote ${output}`,
    );
    return 0;
  },
};

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option} must be a whole number >= 1, not "${value}"`, usage);
  return n;
}

function samplerOption(value: string | undefined): Partial<SamplerSettings> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Partial<SamplerSettings>; // checked field by field by resolveSettings inside the engine
  } catch (error) {
    throw new UsageError(`--sampler must be a JSON object of sampler settings: ${(error as Error).message}`, usage);
  }
}

/** The model a project pre-annotates with and how its labels become the project's (read once; the database is closed). */
function projectModel(
  dbPath: string,
  projectName: string | undefined,
): Promise<{ modelDir: string | undefined; relabel: (model: string) => (label: string) => string | null }> {
  return withProject(dbPath, projectName, (store, project) => {
    const active = store.models.active();
    const usable =
      active && (active.projectId === null || active.projectId === project.id) && existsSync(active.path)
        ? active
        : undefined;
    const labels = new Set(store.labels.list(project.id).map((l) => l.name));
    const mappings = store.labelMappings.list(project.id);
    console.error(
      `project ${project.name}: ${usable ? `active model ${usable.name} ${usable.version}` : 'no active model of its own; the embedded model'}`,
    );
    return {
      modelDir: usable?.path,
      relabel: (model) => {
        const map = labelMapper(mappings, model);
        return (label) => {
          const to = map(label);
          return labels.has(to) ? to : null;
        };
      },
    };
  });
}
