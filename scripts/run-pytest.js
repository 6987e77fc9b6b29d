// Runs the Python tests (training/) in the project's virtual environment, or says why they are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = '.venv/bin/python';
// training/ is the Python project root (its pyproject.toml holds the pytest settings and the `dnw` package).
if (!existsSync(python)) {
  console.log('Python tests skipped: no .venv here. Create it with `npm run setup:python`.');
  process.exit(0);
}
const result = spawnSync(`../${python}`, ['-m', 'pytest', '-q', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: 'training',
});
// pytest exits 5 when it collects no tests; that is not a failure of the project.
process.exit(result.status === 5 ? 0 : (result.status ?? 1));
