/**
 * The per-execution snapshot of user properties: one bulk read serves the whole run, writes go through at once.
 */
import { CachedPropertyStore } from '../../../src/platform/cachedPropertyStore';
import { UserPropertiesStateStore } from '../../../src/platform/stateStore';
import { PropertiesStub } from './stubs';

class CountingProperties extends PropertiesStub {
  reads = 0;
  override getProperty(key: string): string | null {
    this.reads++;
    return super.getProperty(key);
  }
  override getProperties(): Record<string, string> {
    this.reads++;
    return super.getProperties();
  }
  override getKeys(): string[] {
    this.reads++;
    return super.getKeys();
  }
}

const silentLog = { info() {}, warn() {}, error() {} };
const CAL = 'alice@example.com';
const record = (eventId: string) => ({
  calendarId: CAL,
  eventId,
  conferenceId: `c-${eventId}`,
  sent: {
    title: 'Standup',
    startTime: '2026-12-01T09:00:00Z',
    endTime: '2026-12-01T09:15:00Z',
    startDate: null,
    endDate: null,
    timeZone: null,
    recurrence: [],
    attendees: [],
  },
  occurrences: {},
  attached: true,
  createdAt: '2026-11-25T12:00:00Z',
});

describe('CachedPropertyStore', () => {
  it('reads the store once for a whole run of record look-ups and listings', () => {
    const props = new CountingProperties();
    const seed = new UserPropertiesStateStore(props, silentLog);
    for (let i = 0; i < 50; i++) seed.putRecord(record(`ev${i}`));
    props.reads = 0;

    const store = new UserPropertiesStateStore(new CachedPropertyStore(props), silentLog);
    for (let i = 0; i < 50; i++) expect(store.getRecord(CAL, `ev${i}`)?.conferenceId).toBe(`c-ev${i}`);
    expect(store.listRecords(CAL)).toHaveLength(50);
    expect(store.listFailures(CAL)).toEqual([]);

    expect(props.reads).toBe(1);
  });

  it('writes through at once, and later reads in the run see the writes', () => {
    const props = new CountingProperties();
    const store = new UserPropertiesStateStore(new CachedPropertyStore(props), silentLog);
    store.setSyncToken(CAL, 'token-1');
    store.putRecord(record('ev1'));
    expect(props.getProperty(`sync.token:${encodeURIComponent(CAL)}`)).toBe('"token-1"');
    expect(store.getSyncToken(CAL)).toBe('token-1');

    store.deleteRecord(CAL, 'ev1');
    expect(store.getRecord(CAL, 'ev1')).toBeNull();
    expect(props.getKeys().some((k) => k.startsWith('conf:'))).toBe(false);
  });

  it('a failed write leaves the snapshot as the store is', () => {
    const props = new PropertiesStub();
    const cached = new CachedPropertyStore(props);
    cached.setProperties({ a: '1' });
    expect(() => cached.setProperties({ b: 'x'.repeat(10_000) })).toThrow();
    expect(cached.getProperty('b')).toBeNull();
    expect(cached.getProperty('a')).toBe('1');
  });
});
