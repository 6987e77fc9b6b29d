// Fails when code is not formatted as `npm run format` leaves it: Prettier for TypeScript, JavaScript and Svelte,
// ruff (format and lint) for Python when the project's .venv is there. Run first by `npm test`, so CI refuses drift.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status === 0;

let ok = run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.']);
const ruff = '.venv/bin/ruff';
if (existsSync(ruff)) {
  ok = run(ruff, ['format', '--check', '--quiet', '.']) && ok;
  ok = run(ruff, ['check', '--quiet', '.']) && ok;
} else {
  console.log('Python formatting not checked: no .venv here. Create it with `npm run setup:python`.');
}
if (!ok) console.error('Formatting differs: run `npm run format` and commit the result.');
process.exit(ok ? 0 : 1);
