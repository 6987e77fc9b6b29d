// Type-checks the Electron main process against the real electron.d.ts. The electron package is optional (its
// binary download fails offline and npm drops it), so without it this says so and skips instead of failing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/electron/electron.d.ts')) {
  console.log(
    'typecheck: skipped main/hosts/electron and preload (no node_modules/electron; ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install -O electron brings its types)',
  );
  process.exit(0);
}
for (const project of ['main/hosts/electron', 'preload']) {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
