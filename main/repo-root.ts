// The app's root folder (package.json, assets/, training/): the nearest folder above this module with a
// package.json, so it is right from the sources (main/) and from a bundle (dist/electron/) alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
