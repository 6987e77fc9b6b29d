// Runs the browser host over a data folder until stopped: the `serve` command, and `start` where Electron is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchService } from '../../services/workbench-service.js';
import { loadEngine } from '../engine-loader.js';
import { ensureRendererBuilt } from '../renderer-build.js';
import { openWorkspace, preannotateSamples, repoRoot } from '../workspace.js';
import { startWebHost, type WebHost } from './web-host.js';

export interface ServeOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Import the sample documents into a new data folder. */
  samples: boolean;
  engineModule?: string;
  log?: (message: string) => void;
}

export interface Serving {
  host: WebHost;
  service: WorkbenchService;
  stop(): Promise<void>;
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function serve(options: ServeOptions): Promise<Serving> {
  const log = options.log ?? ((m: string) => console.error(m));
  const staticDir = await ensureRendererBuilt(log);
  const workspace = await openWorkspace(options.dataDir, { samples: options.samples });
  const engine = await loadEngine(options.engineModule);
  const service = new WorkbenchService({ store: workspace.store, dataDir: workspace.dataDir, host: 'browser', engine, version: appVersion() });
  const host = await startWebHost({ service, staticDir, host: options.host, port: options.port, log });
  await preannotateSamples(service, workspace, log);
  let stopped = false;
  return {
    host,
    service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await host.close();
      await service.close();
      workspace.store.close();
    },
  };
}
