// Runs benchmark scripts by name (`npm run bench -- import-export engine`), or every bench/*.ts when none is named.
// Each script prints its own table; results are copied into bench/RESULTS.md by hand with machine, date and command.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`no benchmark named ${name}; there are: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== bench/${name}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
