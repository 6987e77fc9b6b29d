// Imports a batch pre-annotation's output (python -m dnw.package.batch_annotate, docs/scale-out.md) as model SUGGESTIONS,
// never annotations: each record becomes one suggestion run with the model's name and version, on the document it
// was decoded from (same source and record name as `workbench import` of the same input, same text), or on a new
// document (status pre-annotated) when the project does not have it yet. A document whose latest run is already
// this model version with these spans is left alone, so importing the same output twice adds nothing.
//
// Every file is read and checked before anything is written; then records are written in short transactions (a
// crash in between leaves some documents with their run; importing again finishes the rest).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { UncertaintySignals } from '../../core/active-learning/signals.js';
import { entityKey, type Entity } from '../../core/document.js';
import { InputError, type Issue } from '../../core/issues.js';
import { labelMapper, mapSuggestedSpans } from '../../core/label-mapping.js';
import { ANY_MODEL } from '../../core/label-mapping.js';
import type { Store } from '../../db/store.js';
import { summarizeNew, refreshSummary } from './document-summary.js';
import { splitFromFileName } from './import-checks.js';
import { nextTurn } from '../time-slice.js';

export const BATCH_RUN_FORMAT = 'dnw-batch-suggestions';

/** One line of a suggestions-*.jsonl shard. */
export interface BatchRecord {
  index: number;
  source: string;
  name: string;
  text: string;
  model: { name: string; version: string };
  entities: Entity[];
  problems: string[];
  signals?: UncertaintySignals;
}

/** run.json: what the batch run was (written last; its presence says the shards are complete). */
interface BatchRun {
  format: string;
  formatVersion: number;
  model: { name: string; version: string; package?: string; manifest?: unknown };
  documents: number;
  shards: string[];
}

export interface SuggestionImportResult {
  model: { name: string; version: string };
  /** Registry id of the model (run.json names its package), else null. */
  modelId: number | null;
  files: string[];
  records: number;
  /** Suggestion runs added to documents already in the project. */
  suggested: number;
  /** Documents the project did not have, created with their run. */
  created: number;
  /** Documents whose latest run is already this model version with these spans. */
  unchanged: number;
  /** Documents of that source and name whose text differs: left alone, with a warning. */
  changed: number;
  spans: number;
  issues: Issue[];
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const WRITE_BATCH = 500;

/** The shards a path means: a run folder's (run.json lists them), or one shard file; with the run when there is one. */
export function batchFiles(path: string): { files: string[]; run?: BatchRun } {
  const folder = statSync(path).isDirectory();
  const runPath = join(folder ? path : dirname(path), 'run.json');
  let run: BatchRun | undefined;
  if (existsSync(runPath)) {
    run = JSON.parse(readFileSync(runPath, 'utf8')) as BatchRun;
    if (run.format !== BATCH_RUN_FORMAT)
      throw new InputError([
        {
          severity: 'error',
          file: runPath,
          message: `not a batch pre-annotation run (format "${run.format}", expected "${BATCH_RUN_FORMAT}")`,
        },
      ]);
  } else if (folder) {
    throw new InputError([
      {
        severity: 'error',
        file: path,
        message:
          'no run.json: not the output of a finished batch run (python -m dnw.package.batch_annotate writes it last)',
      },
    ]);
  }
  return { files: folder ? run!.shards.map((s) => join(path, s)) : [path], run };
}

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

/** The record on a line, or the problems that keep it out. */
export function checkRecord(value: unknown): { record?: BatchRecord; problems: string[] } {
  const r = value as Partial<BatchRecord> | null;
  const problems: string[] = [];
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { problems: ['expected a JSON object'] };
  if (!isInt(r.index)) problems.push('index: expected a whole number');
  for (const key of ['source', 'name', 'text'] as const)
    if (typeof r[key] !== 'string') problems.push(`${key}: expected a string`);
  if (typeof r.model?.name !== 'string' || typeof r.model?.version !== 'string')
    problems.push('model: expected {"name", "version"}');
  if (!Array.isArray(r.entities)) problems.push('entities: expected a list');
  if (problems.length > 0) return { problems };
  const length = [...r.text!].length; // offsets are code points
  r.entities!.forEach((e, i) => {
    if (typeof e?.label !== 'string' || e.label === '') problems.push(`entities[${i}].label: expected a label name`);
    if (!isInt(e?.start) || !isInt(e?.end) || e.start < 0 || e.end <= e.start || e.end > length)
      problems.push(`entities[${i}]: offsets ${e?.start}-${e?.end} are not a span of the text (${length} code points)`);
    if (e?.score !== undefined && (typeof e.score !== 'number' || !(e.score >= 0 && e.score <= 1)))
      problems.push(`entities[${i}].score: expected a number in [0, 1]`);
  });
  return problems.length > 0
    ? { problems }
    : { record: { ...(r as BatchRecord), problems: Array.isArray(r.problems) ? r.problems : [] }, problems };
}

function readShard(file: string, issues: Issue[]): BatchRecord[] {
  const records: BatchRecord[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        issues.push({ severity: 'error', file, line: i + 1, message: `not JSON: ${(error as Error).message}` });
        return;
      }
      const { record, problems } = checkRecord(value);
      for (const message of problems) issues.push({ severity: 'error', file, line: i + 1, message });
      if (record) records.push(record);
    });
  return records;
}

const sameSpans = (a: readonly Entity[], b: readonly Entity[]) =>
  a.length === b.length && a.map(entityKey).sort().join('\n') === b.map(entityKey).sort().join('\n');

/** Imports a batch run's output (folder or one shard) into a project as suggestions; throws InputError when a record is bad. */
export async function importSuggestions(
  store: Store,
  path: string,
  options: { projectId: number; actor?: string },
): Promise<SuggestionImportResult> {
  const { files, run } = batchFiles(path);
  const issues: Issue[] = [];
  const records = files.flatMap((file) => readShard(file, issues));
  const models = new Set(records.map((r) => `${r.model.name}\u0000${r.model.version}`));
  if (run) models.add(`${run.model.name}\u0000${run.model.version}`);
  if (models.size > 1)
    issues.push({
      severity: 'error',
      file: path,
      message: `records of more than one model: ${[...models].map((m) => m.replace('\u0000', ' ')).join(', ')}`,
    });
  if (run && files.length === run.shards.length && records.length !== run.documents && issues.length === 0) {
    issues.push({
      severity: 'error',
      file: path,
      message: `run.json says ${run.documents} documents, the shards hold ${records.length}`,
    });
  }
  if (issues.some((i) => i.severity === 'error')) throw new InputError(issues);
  const [name, version] = (models.values().next().value ?? '\u0000').split('\u0000');
  const model = { name, version };
  const modelId =
    run?.model.package && run.model.manifest
      ? store.models.ensure({ name, version, path: run.model.package, manifest: run.model.manifest })
      : null;
  const result: SuggestionImportResult = {
    model,
    modelId,
    files,
    records: records.length,
    suggested: 0,
    created: 0,
    unchanged: 0,
    changed: 0,
    spans: 0,
    issues,
  };
  const known = new Set(store.labels.list(options.projectId).map((l) => l.name));
  const now = () => new Date().toISOString();

  for (let from = 0; from < records.length; from += WRITE_BATCH) {
    store.transaction(() => {
      // Read in the transaction, so a label change made meanwhile applies (as in the pre-annotation job).
      const mappings = store.labelMappings.list(options.projectId);
      const mapModel = labelMapper(mappings, model.name);
      const mapAny = labelMapper(mappings, ANY_MODEL);
      for (const record of records.slice(from, from + WRITE_BATCH)) {
        const spans = mappings.length === 0 ? record.entities : mapSuggestedSpans(record.entities, mapModel);
        const hash = sha256(record.text);
        const existing = store.documents.findBySource(options.projectId, record.source, record.name);
        if (existing && existing.contentHash !== hash) {
          result.changed++;
          issues.push({
            severity: 'warning',
            file: record.source,
            message: `record "${record.name}" is in the project with a different text; its suggestions were not imported`,
          });
          continue;
        }
        if (existing) {
          const latest = store.suggestions.forDocument(existing.id).at(-1);
          if (
            latest &&
            latest.modelName === model.name &&
            latest.modelVersion === model.version &&
            sameSpans(latest.spans, spans)
          ) {
            result.unchanged++;
            continue;
          }
        }
        for (const span of spans) {
          if (known.has(span.label)) continue;
          store.labels.add(options.projectId, { name: span.label });
          known.add(span.label);
          issues.push({
            severity: 'warning',
            file: record.source,
            message: `label "${span.label}" was not in the project; added it`,
          });
        }
        const at = now();
        let documentId: number;
        if (existing) {
          documentId = existing.id;
          result.suggested++;
        } else {
          documentId = store.documents.insert(
            {
              projectId: options.projectId,
              name: record.name,
              text: record.text,
              contentHash: hash,
              source: record.source,
              sourceRef: record.name,
              split: splitFromFileName(record.source),
              status: 'pre-annotated',
              summary: summarizeNew([], spans, mapAny),
            },
            at,
          );
          result.created++;
        }
        store.suggestions.add(
          {
            documentId,
            modelId,
            modelName: model.name,
            modelVersion: model.version,
            spans,
            ...(record.signals ? { signals: record.signals } : {}),
          },
          at,
        );
        if (existing) {
          if (store.documents.get(documentId)?.status === 'new') store.documents.setStatus(documentId, 'pre-annotated');
          refreshSummary(store, documentId);
        }
        result.spans += spans.length;
      }
    });
    await nextTurn();
  }
  if (result.suggested + result.created > 0) {
    store.transaction(() => {
      store.projects.touch(options.projectId);
      store.events.append({
        type: 'import',
        actor: options.actor ?? `import:${basename(path)}`,
        projectId: options.projectId,
        payload: {
          format: BATCH_RUN_FORMAT,
          model,
          suggested: result.suggested,
          created: result.created,
          unchanged: result.unchanged,
          changed: result.changed,
          spans: result.spans,
        },
      });
    });
  }
  return result;
}
