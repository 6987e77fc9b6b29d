// Builds the renderer with Vite when dist/renderer is missing or older than a source file, so `npm start`, the
// e2e tests and the benchmark always serve what the sources say without a separate build step to forget.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace.js';

export const rendererDist = join(repoRoot, 'dist', 'renderer');
const SOURCES = ['renderer', 'core', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when the built renderer is missing or older than its sources. */
export function rendererIsStale(): boolean {
  const built = join(rendererDist, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(repoRoot, source)) > builtAt);
}

/** Builds the renderer if it is stale; returns the folder to serve. */
export async function ensureRendererBuilt(log: (message: string) => void = () => {}): Promise<string> {
  if (!rendererIsStale()) return rendererDist;
  log('building the renderer (vite)...');
  const vite = await import('vite');
  // Built beside and swapped in, so two test processes building at once never serve a half-written folder.
  const staging = `${rendererDist}-${process.pid}`;
  await vite.build({
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: staging, emptyOutDir: true },
  });
  if (rendererIsStale()) {
    rmSync(rendererDist, { recursive: true, force: true });
    try {
      renameSync(staging, rendererDist);
    } catch {
      // Another process swapped its build in first; theirs is as fresh as ours.
    }
  }
  rmSync(staging, { recursive: true, force: true });
  return rendererDist;
}
