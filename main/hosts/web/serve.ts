// Runs the browser host over a data folder until stopped: the `serve` command, and `start` where Electron is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchService } from '../../services/workbench-service.js';
import { loadEngine } from '../engine-loader.js';
import { ensureRendererBuilt } from '../renderer-build.js';
import { openWorkspace, preannotateSamples, repoRoot } from '../workspace.js';
import { listenProblem } from './team/listen-policy.js';
import { teamGate } from './team/team-gate.js';
import { startWebHost, type WebHost } from './web-host.js';

export interface ServeOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Import the sample documents into a new data folder. */
  samples: boolean;
  engineModule?: string;
  log?: (message: string) => void;
  /** Team mode (issue 15): users log in; see docs/team-mode.md. */
  team?: boolean;
  /** PEM files: serve HTTPS (team mode). */
  tls?: { cert: string; key: string };
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
  const host = options.host ?? '127.0.0.1';
  const problem = listenProblem({
    host,
    port: options.port ?? 0,
    team: options.team ?? false,
    tls: options.tls !== undefined,
  });
  if (problem) throw new Error(problem);
  const tls = options.tls && { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) };
  const staticDir = await ensureRendererBuilt(log);
  const workspace = await openWorkspace(options.dataDir, { samples: options.samples });
  const engine = await loadEngine(options.engineModule);
  if (options.team && workspace.store.users.list().every((u) => u.disabled)) {
    workspace.store.close();
    throw new Error(
      `a team server needs someone to log in: add an admin first (workbench users add NAME --role admin --data ${options.dataDir})`,
    );
  }
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: workspace.dataDir,
    host: 'browser',
    engine,
    version: appVersion(),
  });
  const gate = options.team ? () => teamGate({ users: workspace.store.users, tls: tls !== undefined, log }) : undefined;
  const web = await startWebHost({
    service,
    staticDir,
    host,
    port: options.port,
    log,
    gate,
    tls,
    allowRemote: options.team,
  });
  if (options.team && !tls)
    log('team mode without TLS: loopback only, session cookies are not Secure (tests, a trial on this machine)');
  await preannotateSamples(service, workspace, log);
  let stopped = false;
  return {
    host: web,
    service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await web.close();
      await service.close();
      workspace.store.close();
    },
  };
}
