// Starts a worker thread from a module next to its caller. In a build the worker is the compiled .js; under tsx
// (dev, tests) it is the .ts source, and a worker thread does not inherit tsx's loader hooks, so a tiny bootstrap
// registers them before importing it.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `url` is the worker's .ts source (`new URL('./x.ts', import.meta.url)`); its .js twin is used in a build. */
export function startWorker(url: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(url.href.replace(/\.ts$/u, '.js')), options);
  // An eval'd worker resolves bare specifiers from the working directory, which is the user's folder when the app
  // is started from elsewhere (`npx workbench`); tsx is resolved here, from the app's own location, instead.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
