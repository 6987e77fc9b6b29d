import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { labelProblem, normalizeLabel } from '../../../core/labels.js';
import { openDatabase } from '../../../db/open-database.js';
import { Store } from '../../../db/store.js';
import { UsageError, parse, positionals, type Command } from '../cli-support.js';

const usage = `usage: workbench init <db> [--name NAME] [--labels LABEL,LABEL,...] [--description TEXT]

Creates a workbench database (if needed) with a project in it.
  --name         project name (default: the database file name without extension)
  --labels       the label set, in order; colours and shortcut keys 1..9, 0, q.. are assigned
  --description  what the project is for`;

export const initCommand: Command = {
  name: 'init',
  summary: 'create a database and a project with its label set',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      { name: { type: 'string' }, labels: { type: 'string' }, description: { type: 'string' } },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    const name = values.name ?? basename(dbPath, extname(dbPath));
    const labels = (values.labels ?? '')
      .split(',')
      .map(normalizeLabel)
      .filter((l) => l !== '');
    const bad = labels.find((l) => labelProblem(l) !== undefined);
    if (bad !== undefined) throw new UsageError(`label "${bad}" ${labelProblem(bad)}`, usage);
    if (new Set(labels).size !== labels.length) throw new UsageError('--labels lists a label twice', usage);
    const existed = existsSync(dbPath);
    const store = new Store(openDatabase(dbPath));
    try {
      if (store.projects.byName(name)) throw new UsageError(`project "${name}" already exists in ${dbPath}`);
      store.transaction(() => {
        const project = store.projects.create(name, values.description ?? '');
        for (const label of labels) store.labels.add(project.id, { name: label });
        store.events.append({
          type: 'project-created',
          actor: 'cli',
          projectId: project.id,
          payload: { name, labels },
        });
      });
    } finally {
      store.close();
    }
    console.log(
      `${existed ? 'added' : 'created'} project "${name}" in ${dbPath}${labels.length ? ` with labels ${labels.join(', ')}` : ''}`,
    );
    return 0;
  },
};
