// What every command shares: argument parsing with clear usage errors, opening the workbench database, picking the
// project, and printing issues as `file:line: severity: field: message`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FORMAT_IDS } from '../../core/codecs/codec.js';
import { codecFor, guessFormat } from '../../core/codecs/registry.js';
import { HOST_DB_NAME } from '../hosts/data-dir.js';
import { fileHead } from '../io/file-head.js';
import type { EnginePort } from '../services/engine-port.js';
import { WorkbenchService } from '../services/workbench-service.js';
import type { Codec } from '../../core/codecs/codec.js';
import { ContractError } from '../../core/contract/errors.js';
import { formatIssue, type Issue } from '../../core/issues.js';
import { openDatabase } from '../../db/open-database.js';
import type { Project } from '../../db/repositories/projects.js';
import { Store } from '../../db/store.js';

/** A command line that cannot be run as given; main prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command of the `workbench` CLI. `run` returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--format` and `--variant`, as every command that reads or writes a format spells them. */
export const FORMAT_OPTIONS = { format: { type: 'string', short: 'f' }, variant: { type: 'string' } } as const;

/** parseArgs with `--help`, and usage errors that name the command. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage);
  }
}

/** What a path's name (or a folder's .ann files, or a file's first record) says its format is. */
function guessPathFormat(path: string): string | undefined {
  if (existsSync(path) && statSync(path).isDirectory())
    return readdirSync(path).some((f) => f.endsWith('.ann')) ? 'brat' : undefined;
  return guessFormat(path, existsSync(path) ? fileHead(path) : undefined);
}

/** The codec for `--format` (or, when absent and `path` is given, the one its name suggests); else a usage error. */
export function codecOption(format: string | undefined, usage: string, path?: string): Codec {
  format ??= path === undefined ? undefined : guessPathFormat(path);
  if (!format) throw new UsageError(`--format is required (one of ${FORMAT_IDS.join(', ')})`, usage);
  try {
    return codecFor(format);
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/** Checks a choice option against its allowed values. */
export function choice<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  option: string,
  usage: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${option} must be one of ${allowed.join(', ')} (got "${value}")`, usage);
  return value as T;
}

/** A numeric option that must be a number > 0 (undefined when absent). */
export function positiveNumber(value: string | undefined, option: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${option} must be a number > 0, not "${value}"`, usage);
  return n;
}

/** Opens an existing workbench database. */
export function openStore(path: string): Store {
  if (!existsSync(path))
    throw new UsageError(`no workbench database at ${path} (create one with: workbench init ${path})`);
  return new Store(openDatabase(path, { mustExist: true }));
}

/** Opens the database, picks the project (`--project`, or the only one), runs `work`, and always closes it. */
export async function withProject<T>(
  dbPath: string,
  projectName: string | undefined,
  work: (store: Store, project: Project) => T | Promise<T>,
): Promise<T> {
  const store = openStore(dbPath);
  try {
    return await work(store, pickProject(store, projectName));
  } finally {
    store.close();
  }
}

/**
 * The data folder a database belongs to when it is a host's (<data folder>/workbench.sqlite): writes into that folder
 * are refused but for its exports/. Any other database may sit anywhere, so it has none.
 */
export function hostDataDir(dbPath: string): string | undefined {
  return basename(dbPath) === HOST_DB_NAME ? dirname(resolve(dbPath)) : undefined;
}

/**
 * A destination the service refused, said as a usage error: one that holds files (conflict) names --overwrite, one
 * where writes may not go (invalid) says why. Anything else is rethrown as it is. For `.catch` on a write.
 */
export function refusedDestination(error: unknown): never {
  if (error instanceof ContractError && error.code === 'conflict')
    throw new UsageError(`${error.message}; add --overwrite to do so`);
  if (error instanceof ContractError && error.code === 'invalid') throw new UsageError(error.message);
  throw error;
}

/** The services over an open database for a command: the data folder beside it, recorded as the CLI's doing. */
export function cliService(store: Store, dbPath: string, engine: EnginePort): WorkbenchService {
  return new WorkbenchService({
    store,
    dataDir: dirname(resolve(dbPath)),
    host: 'browser',
    engine,
    version: 'cli',
    actor: 'cli',
  });
}

/** The project named by `--project`, or the database's only project. */
export function pickProject(store: Store, name: string | undefined): Project {
  if (name !== undefined) {
    const project = store.projects.byName(name);
    if (!project)
      throw new UsageError(
        `no project named "${name}" (projects: ${
          store.projects
            .list()
            .map((p) => p.name)
            .join(', ') || 'none'
        })`,
      );
    return project;
  }
  const projects = store.projects.list();
  if (projects.length === 1) return projects[0];
  if (projects.length === 0) throw new UsageError('the database has no project (create one with: workbench init)');
  throw new UsageError(
    `the database has ${projects.length} projects; pick one with --project (${projects.map((p) => p.name).join(', ')})`,
  );
}

/** The part of a gold-standard write's summary line that counts the documents left out until someone curates them. */
export function awaitingCurationNote(documents: number): string {
  return documents > 0 ? `; ${documents} documents finished by several annotators await curation (left out)` : '';
}

/** Prints issues to stderr, at most `limit`, then a count of the rest. */
export function printIssues(issues: readonly Issue[], total = issues.length, limit = 50): void {
  for (const issue of issues.slice(0, limit)) console.error(formatIssue(issue));
  if (total > limit) console.error(`... and ${total - limit} more`);
}

/** Exactly `count` positionals, or a usage error naming what is missing. */
export function positionals(values: string[], names: string[], usage: string): string[] {
  if (values.length < names.length)
    throw new UsageError(
      `missing ${names
        .slice(values.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
      usage,
    );
  if (values.length > names.length) throw new UsageError(`unexpected argument "${values[names.length]}"`, usage);
  return values;
}
