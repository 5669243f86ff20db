/**
 * `--db <file>`: the engine's state in SQLite (better-sqlite3, as the conference server uses), so a
 * restart keeps events, change logs, calendars, ACLs, calendar lists, channels and the token secret —
 * and with them every sync token issued before the restart. Writes are incremental: after each API
 * call (engine.onChange) the engine's delta — the touched events with their change-log positions and
 * the calendars' counters — is written in one transaction, so a write costs O(changes), not O(state).
 * The change log itself needs no table: it is each event's latest change, rebuilt on load. Kept out of the engine's
 * index so that in-process users never load the native module.
 */
import Database from 'better-sqlite3';
import type { CalendarEngine, EngineDelta, EngineSnapshot } from './engine';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calendars (id TEXT PRIMARY KEY, gen INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL, purged_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (cal TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (cal, id));
`;

export class SqliteStore {
  private readonly db: Database.Database;
  private unsubscribe?: () => void;

  constructor(file: string) {
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  /** The secret tokens were signed with, if this database has been used before. */
  storedSecret(): string | undefined {
    return this.getMeta('secret');
  }

  /** Loads the stored state into the engine (if any), then keeps the database in step with it. */
  attach(engine: CalendarEngine): void {
    const snap = this.load();
    if (snap) engine.importState(snap);
    engine.startJournal();
    this.setMeta('secret', engine.exportSecret());
    this.write(engine.takeDelta());
    this.unsubscribe = engine.onChange(() => this.write(engine.takeDelta()));
  }

  close(): void {
    this.unsubscribe?.();
    this.db.close();
  }

  private load(): EngineSnapshot | undefined {
    const epoch = this.getMeta('epoch');
    if (epoch === undefined) return undefined;
    const rows = this.db.prepare('SELECT id, gen, updated_ms, seq, purged_at FROM calendars').all() as any[];
    const calendars = rows.map((c) => ({
      id: c.id as string,
      gen: c.gen as number,
      updatedMs: c.updated_ms as number,
      seq: c.seq as number,
      purgedAt: c.purged_at as number,
    }));
    const events = (
      this.db.prepare('SELECT record FROM events ORDER BY rowid').pluck().all() as string[]
    ).map((r) => JSON.parse(r));
    return {
      format: 'conference-sync-calendar-emulator/1',
      secret: this.getMeta('secret'),
      epoch: Number(epoch),
      lastUs: Number(this.getMeta('lastUs') ?? 0),
      calendars,
      events,
      directory: JSON.parse(this.getMeta('directory') ?? '{"metas":[],"lists":[]}'),
      channels: JSON.parse(this.getMeta('channels') ?? '[]'),
    };
  }

  private write(delta: EngineDelta): void {
    const tx = this.db.transaction(() => {
      if (delta.wiped) this.db.exec('DELETE FROM calendars; DELETE FROM events;');
      for (const id of delta.removed) {
        this.db.prepare('DELETE FROM calendars WHERE id = ?').run(id);
        this.db.prepare('DELETE FROM events WHERE cal = ?').run(id);
      }
      const dropEvent = this.db.prepare('DELETE FROM events WHERE cal = ? AND id = ?');
      for (const [cal, id] of delta.purged) dropEvent.run(cal, id);
      const upCal = this.db.prepare(
        `INSERT INTO calendars (id, gen, updated_ms, seq, purged_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE
         SET gen = excluded.gen, updated_ms = excluded.updated_ms, seq = excluded.seq, purged_at = excluded.purged_at`,
      );
      for (const c of delta.calendars) upCal.run(c.id, c.gen, c.updatedMs, c.seq, c.purgedAt);
      const upEvent = this.db.prepare(
        'INSERT INTO events (cal, id, record) VALUES (?, ?, ?) ON CONFLICT(cal, id) DO UPDATE SET record = excluded.record',
      );
      for (const e of delta.events) upEvent.run(e.cal, e.id, JSON.stringify(e));
      this.setMeta('epoch', String(delta.epoch));
      this.setMeta('lastUs', String(delta.lastUs));
      this.setMeta('directory', JSON.stringify(delta.directory));
      this.setMeta('channels', JSON.stringify(delta.channels));
    });
    tx();
  }

  private getMeta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  private setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
