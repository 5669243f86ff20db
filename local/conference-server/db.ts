/**
 * The conference server's store: conferences in SQLite through better-sqlite3, with numbered schema migrations
 * (tracked in `PRAGMA user_version`, each also recorded in `schema_migrations` for people) and the durability
 * settings the spec asks for. Everything here is synchronous: better-sqlite3 runs each statement to completion
 * on the calling thread, so a check-then-write inside one transaction cannot interleave with another request.
 */
import Database from 'better-sqlite3';
import type {
  Conference,
  ConferenceWritableFields,
  DialIn,
  OccurrenceOverride,
} from '../../contracts/conference-api';

/** The stored shape of a conference's writable state (everything but identity, version and timestamps). */
export interface ConferenceState extends ConferenceWritableFields {
  occurrences: Record<string, OccurrenceOverride>;
}

export interface NewConference {
  id: string;
  idempotencyKey: string;
  calendarId: string;
  eventId: string;
  joinUrl: string;
  dialIn: DialIn | null;
  state: ConferenceState;
  now: string;
}

interface ConferenceRow {
  seq: number;
  id: string;
  idempotency_key: string;
  calendar_id: string;
  event_id: string;
  join_url: string;
  dial_in_number: string | null;
  dial_in_pin: string | null;
  state: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * Numbered migrations, applied in order; migration N brings the schema to user_version N. Never edit one that
 * has shipped: add the next number instead.
 */
const MIGRATIONS: readonly string[] = [
  // 1: conferences. `seq` gives a strict creation order for "newest first" (createdAt can tie within a
  // millisecond). The writable state is one JSON document because it is always read and written whole; the
  // columns that are filtered or looked up on are real columns with indexes. A deleted conference's row is
  // removed, which also frees its idempotency key, as the spec requires.
  `CREATE TABLE conferences (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     idempotency_key TEXT NOT NULL UNIQUE,
     calendar_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     join_url TEXT NOT NULL,
     dial_in_number TEXT,
     dial_in_pin TEXT,
     state TEXT NOT NULL,
     version INTEGER NOT NULL CHECK (version >= 1),
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX conferences_by_calendar_event ON conferences (calendar_id, event_id, seq);
   CREATE INDEX conferences_by_event ON conferences (event_id, seq);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function rowToConference(row: ConferenceRow): Conference {
  const state = JSON.parse(row.state) as ConferenceState;
  const conference: Conference = {
    id: row.id,
    title: state.title,
    startTime: state.startTime,
    endTime: state.endTime,
    startDate: state.startDate,
    endDate: state.endDate,
    timeZone: state.timeZone,
    recurrence: state.recurrence,
    attendees: state.attendees,
    calendarId: row.calendar_id,
    eventId: row.event_id,
    joinUrl: row.join_url,
    ...(row.dial_in_number !== null && row.dial_in_pin !== null
      ? { dialIn: { number: row.dial_in_number, pin: row.dial_in_pin } }
      : {}),
    occurrences: state.occurrences,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return conference;
}

export function stateOf(conference: Conference): ConferenceState {
  return {
    title: conference.title,
    startTime: conference.startTime,
    endTime: conference.endTime,
    startDate: conference.startDate,
    endDate: conference.endDate,
    timeZone: conference.timeZone,
    recurrence: conference.recurrence,
    attendees: conference.attendees,
    occurrences: conference.occurrences,
  };
}

/**
 * better-sqlite3's compiled addon could not be loaded into this Node.js, almost always because node_modules was
 * installed under another Node version. Its message is one sentence saying what to do, instead of dlopen's
 * dump of paths and NODE_MODULE_VERSION numbers.
 */
export class NativeModuleError extends Error {
  constructor(cause: Error) {
    const built = /NODE_MODULE_VERSION (\d+)/.exec(cause.message)?.[1];
    const mismatch = built ? `was built for NODE_MODULE_VERSION ${built}, not` : 'cannot be loaded into';
    super(
      `better-sqlite3's native module ${mismatch} this Node.js ${process.version} (NODE_MODULE_VERSION ` +
        `${process.versions.modules}): switch to the project's Node (\`nvm use\` reads .nvmrc; "engines" in ` +
        'package.json lists the supported versions), then run `npm rebuild better-sqlite3`.',
      { cause },
    );
    this.name = 'NativeModuleError';
  }
}

/** Opens the database, translating a native-module mismatch into a NativeModuleError. */
function openDatabase(file: string): Database.Database {
  try {
    return new Database(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // The addon is loaded lazily by the first `new Database`; Node reports a wrong ABI as ERR_DLOPEN_FAILED.
    if (e.code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|invalid ELF header/.test(e.message ?? '')) {
      throw new NativeModuleError(e);
    }
    throw error;
  }
}

export class ConferenceStore {
  private readonly db: Database.Database;
  private readonly statements: {
    insert: Database.Statement;
    byId: Database.Statement;
    byKey: Database.Statement;
    update: Database.Statement;
    remove: Database.Statement;
  };

  /** Opens (creating if needed) the database at `file` (`:memory:` for a throwaway one) and migrates it. */
  constructor(file: string) {
    this.db = openDatabase(file);
    try {
      if (file !== ':memory:') {
        // WAL with synchronous=FULL: a commit is fsynced to the WAL before better-sqlite3 returns, so a
        // response sent after it survives a process kill and also a power loss.
        this.db.pragma('journal_mode = WAL');
      }
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.statements = {
      insert: this.db.prepare(
        `INSERT INTO conferences (id, idempotency_key, calendar_id, event_id, join_url, dial_in_number,
           dial_in_pin, state, version, created_at, updated_at)
         VALUES (@id, @idempotencyKey, @calendarId, @eventId, @joinUrl, @dialInNumber, @dialInPin, @state, 1,
           @now, @now)`,
      ),
      byId: this.db.prepare('SELECT * FROM conferences WHERE id = ?'),
      byKey: this.db.prepare('SELECT * FROM conferences WHERE idempotency_key = ?'),
      update: this.db.prepare(
        'UPDATE conferences SET state = @state, version = version + 1, updated_at = @now WHERE id = @id',
      ),
      remove: this.db.prepare('DELETE FROM conferences WHERE id = ?'),
    };
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${current} is newer than this server knows (${MIGRATIONS.length}); ` +
          'use a newer server or another --db file',
      );
    }
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      // Each migration and its bookkeeping commit together, so a crash mid-migration leaves the old version.
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version - 1]);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(version, new Date().toISOString());
        this.db.pragma(`user_version = ${version}`);
      })();
    }
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Creates the conference unless one with the same idempotency key exists, in which case that one is returned
   * unchanged. Atomic: lookup and insert run in one transaction on a synchronous connection.
   */
  createOrGet(input: NewConference): { conference: Conference; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.statements.byKey.get(input.idempotencyKey) as ConferenceRow | undefined;
        if (existing) return { conference: rowToConference(existing), created: false };
        this.statements.insert.run({
          id: input.id,
          idempotencyKey: input.idempotencyKey,
          calendarId: input.calendarId,
          eventId: input.eventId,
          joinUrl: input.joinUrl,
          dialInNumber: input.dialIn?.number ?? null,
          dialInPin: input.dialIn?.pin ?? null,
          state: JSON.stringify(input.state),
          now: input.now,
        });
        const row = this.statements.byId.get(input.id) as ConferenceRow;
        return { conference: rowToConference(row), created: true };
      })
      .immediate();
  }

  get(id: string): Conference | undefined {
    const row = this.statements.byId.get(id) as ConferenceRow | undefined;
    return row ? rowToConference(row) : undefined;
  }

  list(filter: { calendarId?: string; eventId?: string }, limit: number): Conference[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit };
    if (filter.calendarId !== undefined) {
      where.push('calendar_id = @calendarId');
      params.calendarId = filter.calendarId;
    }
    if (filter.eventId !== undefined) {
      where.push('event_id = @eventId');
      params.eventId = filter.eventId;
    }
    const sql =
      'SELECT * FROM conferences' +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY seq DESC LIMIT @limit';
    return (this.db.prepare(sql).all(params) as ConferenceRow[]).map(rowToConference);
  }

  /**
   * Reads the conference, lets `change` compute its next state (or throw), and writes it with version + 1 when
   * it differs. One immediate transaction, so concurrent updates (and If-Match checks inside `change`) never
   * interleave. Returns undefined when the conference does not exist.
   */
  update(
    id: string,
    now: string,
    change: (current: Conference) => ConferenceState,
  ): { conference: Conference; changed: boolean } | undefined {
    return this.db
      .transaction(() => {
        const row = this.statements.byId.get(id) as ConferenceRow | undefined;
        if (!row) return undefined;
        const current = rowToConference(row);
        const next = JSON.stringify(change(current));
        // The state is serialised in a fixed key order (see stateOf and the handlers), so equal JSON means equal.
        if (next === JSON.stringify(stateOf(current))) return { conference: current, changed: false };
        this.statements.update.run({ id, state: next, now });
        return { conference: rowToConference(this.statements.byId.get(id) as ConferenceRow), changed: true };
      })
      .immediate();
  }

  /** Deletes the conference; `check` may throw (e.g. a failed If-Match) before anything changes. */
  delete(id: string, check?: (current: Conference) => void): boolean {
    return this.db
      .transaction(() => {
        const row = this.statements.byId.get(id) as ConferenceRow | undefined;
        if (!row) return false;
        check?.(rowToConference(row));
        this.statements.remove.run(id);
        return true;
      })
      .immediate();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM conferences').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
