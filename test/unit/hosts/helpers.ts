// A workbench service over a fresh temporary data folder, for host and service tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace } from '../../../main/hosts/workspace.js';
import type { EnginePort } from '../../../main/services/engine-port.js';
import { unavailableEngine } from '../../../main/services/engine-port.js';
import { WorkbenchService, type WorkbenchOptions } from '../../../main/services/workbench-service.js';

export async function tempService(
  engine: EnginePort = unavailableEngine,
  options: Pick<WorkbenchOptions, 'chunk' | 'fineTune' | 'trainer'> = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'wb-unit-'));
  const workspace = await openWorkspace(dir, { samples: false });
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: dir,
    host: 'browser',
    engine,
    version: 'test',
    ...options,
  });
  return {
    dir,
    service,
    store: workspace.store,
    async close() {
      await service.close();
      workspace.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
