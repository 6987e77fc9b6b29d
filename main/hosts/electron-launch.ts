// `workbench start` on a machine with Electron: bundle the main process and preload (esbuild), build the renderer,
// and run Electron. Where the binary is missing or there is no display, says why so start can fall back.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureRendererBuilt } from './renderer-build.js';
import { repoRoot } from './workspace.js';

export type Launch = { ok: true; exitCode: number } | { ok: false; reason: string };

/** The Electron binary's path, or why there is none. */
export function electronBinary(): { path: string } | { reason: string } {
  let path: unknown;
  try {
    // The electron package's main export is the path of the binary its installer downloaded.
    path = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { reason: `not installed (${(error as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path))
    return { reason: 'the electron package is there but its binary is not (its download was skipped)' };
  return { path };
}

export const electronDist = join(repoRoot, 'dist', 'electron');

/** Bundles the Electron entry points: ESM main, CommonJS preload (a sandboxed preload cannot be a module). */
export async function bundleElectron(outDir = electronDist): Promise<void> {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning' as const,
    sourcemap: true,
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(repoRoot, 'main/hosts/electron/main.ts')],
    outfile: join(outDir, 'main.mjs'),
    format: 'esm',
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(repoRoot, 'preload/preload.ts')],
    outfile: join(outDir, 'preload.cjs'),
    format: 'cjs',
  });
  // For the packaged app: the service process as one file, native modules left to electron-builder's rebuild, and
  // beside it the engine's worker thread, which engine-client.ts starts from './engine-worker.js' next to itself.
  const service = {
    ...common,
    format: 'esm' as const,
    external: ['electron', 'better-sqlite3', 'onnxruntime-node', 'vite'],
  };
  await esbuild.build({
    ...service,
    entryPoints: [join(repoRoot, 'main/hosts/service-process.ts')],
    outfile: join(outDir, 'service.mjs'),
  });
  await esbuild.build({
    ...service,
    entryPoints: [join(repoRoot, 'main/engine/engine-worker.ts')],
    outfile: join(outDir, 'engine-worker.js'),
  });
}

export async function electronLaunch(dataDir: string, samples: boolean): Promise<Launch> {
  const binary = electronBinary();
  if ('reason' in binary) return { ok: false, reason: binary.reason };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { ok: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  await ensureRendererBuilt((m) => console.error(m));
  await bundleElectron();
  const args = [join(electronDist, 'main.mjs'), `--data=${dataDir}`, ...(samples ? [] : ['--no-samples'])];
  const child = spawn(binary.path, args, {
    stdio: 'inherit',
    env: { ...process.env, WORKBENCH_NODE: process.execPath, WORKBENCH_ROOT: repoRoot },
  });
  const exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return { ok: true, exitCode };
}
