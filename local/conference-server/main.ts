/**
 * CLI of the reference conference server:
 *   npm run conference-server -- --port N --db FILE --api-key K [--enable-admin] [--join-base-url URL]
 * The key may come from the CONFERENCE_API_KEY environment variable instead, so it need not appear in `ps`.
 * Prints exactly one line, `listening on http://127.0.0.1:<port>`, to stdout once requests are accepted.
 */
import { parseArgs } from 'node:util';
import { PortInUseError, startConferenceServer } from './server';

const USAGE = `usage: conference-server --port <port> --db <file|:memory:> [--api-key <key>] [options]
  --port <n>              TCP port on 127.0.0.1 (0 = any free port)
  --db <file>             SQLite database file (created if missing), or :memory:
  --api-key <key>         bearer key clients must send (or set CONFERENCE_API_KEY)
  --enable-admin          serve the fault-injection endpoints under /admin/v1
  --join-base-url <url>   https prefix of join URLs (default https://conference.example.test/j/)
  --without-dial-in       create conferences without a dial-in
  --headers-timeout-ms <n>     a client's time to send the headers (default 10000)
  --request-timeout-ms <n>     its time to send the whole request, body included (default 30000)
  --keep-alive-timeout-ms <n>  how long an idle keep-alive connection stays open (default 5000)
  --log                   log each request to stderr (never the Authorization header)
  --help                  show this help`;

function fail(message: string, code = 2): never {
  process.stderr.write(`conference-server: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        'api-key': { type: 'string' },
        'enable-admin': { type: 'boolean' },
        'join-base-url': { type: 'string' },
        'without-dial-in': { type: 'boolean' },
        'headers-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'keep-alive-timeout-ms': { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const portText = values.port as string | undefined;
  if (portText === undefined || !/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    fail(`--port must be a number from 0 to 65535\n${USAGE}`);
  }
  const db = values.db as string | undefined;
  if (!db) fail(`--db is required (a file, or :memory:)\n${USAGE}`);
  const apiKey = (values['api-key'] as string | undefined) || process.env.CONFERENCE_API_KEY;
  if (!apiKey) fail(`an API key is required: --api-key <key> or CONFERENCE_API_KEY\n${USAGE}`);

  const timeouts: Record<string, number> = {};
  for (const [flag, field] of [
    ['headers-timeout-ms', 'headersMs'],
    ['request-timeout-ms', 'requestMs'],
    ['keep-alive-timeout-ms', 'keepAliveMs'],
  ] as const) {
    const text = values[flag] as string | undefined;
    if (text === undefined) continue;
    if (!/^[1-9]\d{0,8}$/.test(text))
      fail(`--${flag} must be a whole number of milliseconds above 0\n${USAGE}`);
    timeouts[field] = Number(text);
  }

  let server: Awaited<ReturnType<typeof startConferenceServer>>;
  try {
    server = await startConferenceServer({
      port: Number(portText),
      db,
      apiKey,
      enableAdmin: values['enable-admin'] === true,
      joinBaseUrl: values['join-base-url'] as string | undefined,
      dialIn: values['without-dial-in'] !== true,
      logger: values.log === true,
      timeouts,
    });
  } catch (error) {
    if (error instanceof PortInUseError) fail(error.message, 1);
    // Never echo options wholesale: the key may be among them. Messages from our own code never contain it.
    fail(`cannot start: ${(error as Error).message}`, 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`conference-server: error while stopping on ${signal}: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Announced only once the handlers are in place: a supervisor may send SIGTERM the moment it reads this line.
  process.stdout.write(`listening on ${server.origin}\n`);
}

void main();
