import { defaultDataDir } from '../../hosts/data-dir.js';
import { serve } from '../../hosts/web/serve.js';
import { listenProblem, parseListen } from '../../hosts/web/team/listen-policy.js';
import { UsageError, parse, type Command } from '../cli-support.js';

const usage = `usage: workbench serve [--data DIR] [--port N] [--no-samples]
       workbench serve --team [--listen ADDR:PORT --tls-cert FILE --tls-key FILE] [--data DIR]

Starts the browser host on 127.0.0.1 (a random port unless --port) and prints the URL to open; the URL carries
this launch's token. Stops on Ctrl+C.
  --data        data folder (default: the per-user folder the desktop app uses, or $WORKBENCH_DATA)
  --port        port to listen on (default: any free one)
  --no-samples  do not import the sample documents into a new data folder
  --engine      module exporting \`engine\` (tests and engine development)
Team server (docs/team-mode.md): users log in (add them with \`workbench users add\`), each with a role.
  --team        team mode: logins and roles instead of the launch token
  --listen      address and port to listen on (beyond loopback only with --team and TLS)
  --tls-cert    PEM certificate, with --tls-key: serve HTTPS (required beyond loopback)
  --tls-key     PEM private key`;

/** Parses serve/start options shared by both commands. */
export function serveOptions(args: string[], commandUsage: string) {
  const { values, positionals } = parse(
    args,
    {
      data: { type: 'string' },
      port: { type: 'string' },
      'no-samples': { type: 'boolean' },
      engine: { type: 'string' },
      browser: { type: 'boolean' },
      team: { type: 'boolean' },
      listen: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    commandUsage,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, commandUsage);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535 (got "${values.port}")`, commandUsage);
  let host: string | undefined;
  let listenPort = port;
  if (values.listen !== undefined) {
    const listen = parseListen(values.listen);
    if (!listen)
      throw new UsageError(
        `--listen must be ADDR:PORT, e.g. 0.0.0.0:8443 or [::]:8443 (got "${values.listen}")`,
        commandUsage,
      );
    if (values.port !== undefined) throw new UsageError('give the port in --listen or --port, not both', commandUsage);
    ({ host, port: listenPort } = listen);
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new UsageError('--tls-cert and --tls-key go together', commandUsage);
  const tls = values['tls-cert'] !== undefined ? { cert: values['tls-cert'], key: values['tls-key']! } : undefined;
  const problem = listenProblem({
    host: host ?? '127.0.0.1',
    port: listenPort,
    team: values.team ?? false,
    tls: tls !== undefined,
  });
  if (problem) throw new UsageError(problem, commandUsage);
  return {
    dataDir: values.data ?? defaultDataDir(),
    port: listenPort,
    samples: !values['no-samples'],
    engineModule: values.engine,
    browser: values.browser ?? false,
    host,
    team: values.team ?? false,
    tls,
  };
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
