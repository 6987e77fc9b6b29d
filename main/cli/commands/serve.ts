import { defaultDataDir } from '../../hosts/data-dir.js';
import { serve } from '../../hosts/web/serve.js';
import { UsageError, parse, type Command } from '../cli-support.js';

const usage = `usage: workbench serve [--data DIR] [--port N] [--no-samples]

Starts the browser host on 127.0.0.1 (a random port unless --port) and prints the URL to open; the URL carries
this launch's token. Stops on Ctrl+C.
  --data        data folder (default: the per-user folder the desktop app uses, or $WORKBENCH_DATA)
  --port        port to listen on (default: any free one)
  --no-samples  do not import the sample documents into a new data folder
  --engine      module exporting \`engine\` (tests and engine development)`;

/** Parses serve/start options shared by both commands. */
export function serveOptions(args: string[], commandUsage: string) {
  const { values, positionals } = parse(
    args,
    { data: { type: 'string' }, port: { type: 'string' }, 'no-samples': { type: 'boolean' }, engine: { type: 'string' }, browser: { type: 'boolean' } },
    commandUsage,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, commandUsage);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got "${values.port}")`, commandUsage);
  return { dataDir: values.data ?? defaultDataDir(), port, samples: !values['no-samples'], engineModule: values.engine, browser: values.browser ?? false };
}

/** Serves until SIGINT/SIGTERM, then closes the database cleanly. */
export async function serveUntilStopped(options: ReturnType<typeof serveOptions>): Promise<number> {
  const serving = await serve(options);
  console.log(`Workbench: ${serving.host.openUrl}`);
  console.log(`data: ${options.dataDir}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.stop();
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the annotation UI as a local web page (browser host)',
  usage,
  async run(args) {
    return serveUntilStopped(serveOptions(args, usage));
  },
};
