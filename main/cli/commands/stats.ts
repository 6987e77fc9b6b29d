import { formatStats, projectStats } from '../../services/stats-service.js';
import { parse, positionals, withProject, type Command } from '../cli-support.js';

const usage = `usage: workbench stats <db> [--project NAME] [--json]

Prints a project's documents by status and split, entities per label, and suggestions.`;

export const statsCommand: Command = {
  name: 'stats',
  summary: 'show counts for a project',
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      { project: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    return withProject(dbPath, values.project, (store, project) => {
      const stats = projectStats(store, project.id);
      console.log(values.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
      return 0;
    });
  },
};
