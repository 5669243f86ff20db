/**
 * CLI entry of the Calendar emulator: `npm run emulator -- --port N [switches]`. Listens on
 * 127.0.0.1 only, prints exactly one `listening on http://127.0.0.1:<port>` line to stdout once it
 * accepts requests, and stops cleanly on SIGTERM / SIGINT. Switches are listed in README.md.
 */

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CalendarEngine } from './engine/engine';
import { SqliteStore } from './engine/sqlite-store';
import { isValidZone } from './engine/time';
import { startServer } from './http/server';

const usage = `usage: npm run emulator -- --port <port> [--time-zone UTC] [--bare-errors]
  [--no-orderby-quirk] [--sync-token-max-age-ms N] [--updated-min-horizon-ms N]
  [--max-instances N] [--body-limit BYTES] [--secret S] [--strict-params] [--no-acl] [--db FILE] [--max-attendees N]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} needs a non-negative integer`);
  return Number(value);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'time-zone': { type: 'string' },
        'bare-errors': { type: 'boolean', default: false },
        'no-orderby-quirk': { type: 'boolean', default: false },
        'sync-token-max-age-ms': { type: 'string' },
        'updated-min-horizon-ms': { type: 'string' },
        'max-instances': { type: 'string' },
        'body-limit': { type: 'string' },
        secret: { type: 'string' },
        'strict-params': { type: 'boolean', default: false },
        'no-acl': { type: 'boolean', default: false },
        db: { type: 'string' },
        'max-attendees': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = intOption('port', values.port as string)!;
  const zone = values['time-zone'] as string | undefined;
  // Checked before listening: an unknown zone would otherwise fail every write with a 500.
  if (zone !== undefined && !isValidZone(zone))
    fail(
      `--time-zone: '${zone}' is not an IANA time zone name (for example UTC, Europe/Berlin, America/Chicago)`,
    );
  const dbFile = values.db as string | undefined;
  const store = dbFile ? new SqliteStore(dbFile) : undefined;
  // With a database the secret is kept in it, so tokens issued before a restart stay valid after it.
  const secret =
    (values.secret as string | undefined) ??
    store?.storedSecret() ??
    (store ? randomBytes(16).toString('hex') : undefined);
  const engine = new CalendarEngine({
    defaultTimeZone: zone,
    appsScriptErrorPrefix: !values['bare-errors'],
    orderBySuppressesSyncToken: !values['no-orderby-quirk'],
    syncTokenMaxAgeMs: intOption(
      'sync-token-max-age-ms',
      values['sync-token-max-age-ms'] as string | undefined,
    ),
    updatedMinHorizonMs: intOption(
      'updated-min-horizon-ms',
      values['updated-min-horizon-ms'] as string | undefined,
    ),
    maxInstancesPerSeries: intOption('max-instances', values['max-instances'] as string | undefined),
    secret,
    enforceAcl: !values['no-acl'],
    maxAttendees: intOption('max-attendees', values['max-attendees'] as string | undefined),
  });
  if (store) {
    try {
      store.attach(engine);
    } catch (e) {
      fail(`--db ${dbFile}: ${(e as Error).message}`);
    }
  }
  const server = await startServer(port, {
    bodyLimit: intOption('body-limit', values['body-limit'] as string | undefined),
    strictParameters: values['strict-params'] as boolean,
    engine,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => {
        store?.close();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Announced only once the handlers are in place: a supervisor may send SIGTERM the moment it reads this line.
  process.stdout.write(`listening on ${server.url}\n`);
}

main().catch((e) => {
  process.stderr.write(`calendar emulator failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
