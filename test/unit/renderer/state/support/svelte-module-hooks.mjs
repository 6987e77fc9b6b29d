// Module hooks that compile a `*.svelte.ts` state module the way Vite's Svelte plugin does (types stripped, then
// Svelte's compiler for runes), so the renderer's state classes run under node's test runner. Registered by
// ./svelte-runes.ts; every other module goes on to the next loader (tsx).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { compileModule } from 'svelte/compiler';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.svelte.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const ts = await readFile(filename, 'utf8');
  const { code } = await transform(ts, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: filename });
  const compiled = compileModule(code, { filename, generate: 'client', dev: false });
  return { format: 'module', source: compiled.js.code, shortCircuit: true };
}
