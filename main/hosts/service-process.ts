// The desktop app's service process: opens the data folder and answers contract calls from Electron's main
// process. Started with Node's fork (development) or Electron's utilityProcess (packaged app); both deliver
// messages, through process.send or process.parentPort respectively.
import { parseArgs } from 'node:util';
import { WorkbenchService } from '../services/workbench-service.js';
import { createDispatcher } from './dispatch.js';
import { loadEngine } from './engine-loader.js';
import type { FromService, ToService } from './electron/service-protocol.js';
import { appVersion } from './web/serve.js';
import { openWorkspace, preannotateSamples } from './workspace.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToService }) => void): void;
  postMessage(message: FromService): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const send = (message: FromService) => (parentPort ? parentPort.postMessage(message) : process.send?.(message));
const onMessage = (listener: (message: ToService) => void) =>
  parentPort
    ? parentPort.on('message', (e) => listener(e.data))
    : process.on('message', (m) => listener(m as ToService));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, 'no-samples': { type: 'boolean' }, engine: { type: 'string' } },
    strict: true,
  });
  if (!values.data) throw new Error('--data is required');
  const workspace = await openWorkspace(values.data, { samples: !values['no-samples'] });
  const service = new WorkbenchService({
    store: workspace.store,
    dataDir: workspace.dataDir,
    host: 'electron',
    engine: await loadEngine(values.engine),
    version: appVersion(),
  });
  // Main already checked the sender and validated; validating again costs little and keeps one code path.
  const dispatcher = createDispatcher<null>(
    service,
    () => {},
    (m) => console.error(m),
  );
  service.events.on((event) => send({ type: 'event', event }));
  onMessage(async (message) => {
    if (message?.type !== 'call') return;
    send({ type: 'result', id: message.id, outcome: await dispatcher.call(null, message.method, message.params) });
  });
  const stop = async () => {
    await service.close();
    workspace.store.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  send({ type: 'ready' });
  await preannotateSamples(service, workspace, (m) => console.error(m));
}

main().catch((error: Error) => {
  send({ type: 'failed', message: error.message });
  console.error(error);
  process.exit(1);
});
