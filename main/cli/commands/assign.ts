// `workbench assign`: who annotates which documents on a team server (issue 15), through the same service and the
// same validation as the contract's assignments.* methods (main/services/assignment-service.ts), on the data folder
// `workbench serve --team` and `workbench users` use.
import { join } from 'node:path';
import { ContractError, validationError } from '../../../core/contract/errors.js';
import { assignSchema, unassignSchema } from '../../../core/contract/schemas.js';
import type { AssignmentProgress } from '../../../core/contract/types.js';
import type { z } from 'zod';
import { HOST_DB_NAME, defaultDataDir } from '../../hosts/data-dir.js';
import { AssignmentService } from '../../services/assignment-service.js';
import { UsageError, openStore, parse, pickProject, type Command } from '../cli-support.js';

const usage = `usage: workbench assign all NAME... [--project P] [--data DIR]
       workbench assign list NAME... --documents IDS [--project P] [--data DIR]
       workbench assign auto NAME... --overlap RATIO [--copies N] [--seed N] [--project P] [--data DIR]
       workbench assign remove NAME [--documents IDS] [--project P] [--data DIR]
       workbench assign progress [--project P] [--data DIR] [--json]

Assigns a project's documents to annotators (users with the annotator role, workbench users). Each annotator's
document list and queue are then their assignment; a project without any assignment is open to every annotator.
  all       every document to each NAME
  list      the documents IDS (e.g. 1,2,10-20) to each NAME
  auto      the documents nobody has yet, spread evenly over the NAMEs; a share RATIO of them (0..1, e.g. 0.15)
            to --copies annotators each (default 2) so that agreement can be measured; the same --seed (default
            0) gives the same plan
  remove    takes the documents IDS (default: all of theirs in the project) back from NAME
  progress  assigned, in progress, done and skipped documents per annotator
  --data    data folder (default: the per-user folder, or $WORKBENCH_DATA)`;

/** Document ids from "1,2,10-20". */
function documentIds(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ids: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--documents: "${part}" is not an id or a range like 10-20`, usage);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from || to - from > 100_000) throw new UsageError(`--documents: bad range "${part}"`, usage);
    for (let id = from; id <= to; id++) ids.push(id);
  }
  return ids;
}

function number(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${option} must be a number, not "${value}"`);
  return n;
}

/** The contract's own validation, so the command refuses exactly what the server refuses, naming the field. */
function checked<S extends z.ZodType>(method: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(method, parsed.error);
  return parsed.data;
}

function print(progress: AssignmentProgress): void {
  const width = Math.max(9, ...progress.annotators.map((a) => [...a.annotator].length));
  console.log(`${'annotator'.padEnd(width)}  assigned  in progress  done  skipped`);
  for (const a of progress.annotators)
    console.log(
      `${a.annotator.padEnd(width)}  ${String(a.assigned).padStart(8)}  ${String(a.inProgress).padStart(11)}  ${String(a.done).padStart(4)}  ${String(a.skipped).padStart(7)}`,
    );
  console.log(
    `${progress.documents} documents: ${progress.unassigned} unassigned, ${progress.overlapped} with more than one annotator`,
  );
}

export const assignCommand: Command = {
  name: 'assign',
  summary: 'assign documents to annotators (all, a list, or automatically with an overlap); progress per annotator',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        data: { type: 'string' },
        project: { type: 'string' },
        documents: { type: 'string' },
        overlap: { type: 'string' },
        copies: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const [action, ...names] = rest;
    const store = openStore(join(values.data ?? defaultDataDir(), HOST_DB_NAME));
    try {
      const projectId = pickProject(store, values.project).id;
      const service = new AssignmentService(store);
      try {
        switch (action) {
          case 'all':
          case 'list':
          case 'auto': {
            if (names.length === 0) throw new UsageError(`${action} needs at least one annotator NAME`, usage);
            if (action === 'list' && values.documents === undefined)
              throw new UsageError('list needs --documents', usage);
            if (action === 'auto' && values.overlap === undefined)
              throw new UsageError('auto needs --overlap (0 for none)', usage);
            const params = checked('assignments.assign', assignSchema, {
              mode: action,
              projectId,
              annotators: names,
              ...(action === 'list' ? { documentIds: documentIds(values.documents) } : {}),
              ...(action === 'auto'
                ? {
                    overlap: number(values.overlap, 'overlap'),
                    ...(values.copies !== undefined ? { copies: number(values.copies, 'copies') } : {}),
                    ...(values.seed !== undefined ? { seed: number(values.seed, 'seed') } : {}),
                  }
                : {}),
            });
            const result = service.assign(params, 'cli');
            if (values.json) console.log(JSON.stringify(result, null, 2));
            else
              console.log(
                `${result.added} assignments added over ${result.documents} documents: ${Object.entries(
                  result.byAnnotator,
                )
                  .map(([n, k]) => `${n} ${k}`)
                  .join(', ')}`,
              );
            return 0;
          }
          case 'remove': {
            if (names.length !== 1) throw new UsageError('remove takes one annotator NAME', usage);
            const ids = documentIds(values.documents);
            const params = checked('assignments.unassign', unassignSchema, {
              projectId,
              annotator: names[0],
              ...(ids ? { documentIds: ids } : {}),
            });
            const { removed } = service.unassign(params, 'cli');
            console.log(`${removed} documents taken back from ${names[0]}`);
            return 0;
          }
          case 'progress': {
            if (names.length > 0) throw new UsageError('progress takes no NAME', usage);
            const progress = service.progress(projectId);
            if (values.json) console.log(JSON.stringify(progress, null, 2));
            else print(progress);
            return 0;
          }
          default:
            throw new UsageError(action === undefined ? 'missing action' : `unknown action "${action}"`, usage);
        }
      } catch (error) {
        if (error instanceof ContractError) {
          console.error(`workbench assign: ${error.message}`);
          return 1;
        }
        throw error;
      }
    } finally {
      store.close();
    }
  },
};
