/**
 * UserPropertiesStateStore beyond the shared contract: its documented key scheme, values too large for one
 * property (chunked, or refused loudly), and unreadable values (ignored and logged, never a crash).
 */
import { ConsoleLog } from '../../../src/platform/log';
import {
  MAX_CHUNKS,
  MAX_PROPERTY_BYTES,
  StateValueTooLargeError,
  stateKeys,
  UserPropertiesRerunRequests,
  UserPropertiesStateStore,
} from '../../../src/platform/stateStore';
import { record } from '../contract/stateStoreContract';
import { ConsoleStub, PropertiesStub } from './stubs';

const CAL = 'alice@example.com';

function setup() {
  const props = new PropertiesStub();
  const console = new ConsoleStub();
  return { props, console, store: new UserPropertiesStateStore(props, new ConsoleLog(console)) };
}

const withAttendees = (eventId: string, n: number) =>
  record(CAL, eventId, {
    sent: {
      ...record(CAL, eventId).sent,
      attendees: Array.from({ length: n }, (_, i) => `person-${i}@example.com`),
    },
  });

describe('UserPropertiesStateStore key scheme', () => {
  it('uses the documented keys, ids URI-encoded, values as JSON', () => {
    const { props, store } = setup();
    store.setSyncToken(CAL, 'tok1');
    store.putRecord(record(CAL, 'ev1'));
    store.putPendingRetry({
      calendarId: CAL,
      eventId: 'ev1',
      event: { id: 'ev1', status: 'confirmed' },
      attempts: 1,
      notBefore: 'x',
      lastError: 'y',
    });
    store.putFailure({ calendarId: CAL, eventId: 'ev1', at: 'x', kind: 'invalid-event', message: 'm' });
    expect(props.getKeys().sort()).toEqual([
      'conf:alice%40example.com:ev1',
      'fail:alice%40example.com:ev1',
      'retry:alice%40example.com:ev1',
      'sync.token:alice%40example.com',
    ]);
    expect(props.getProperty('sync.token:alice%40example.com')).toBe('"tok1"');
    expect(JSON.parse(props.getProperty('conf:alice%40example.com:ev1') ?? '')).toEqual(record(CAL, 'ev1'));
  });
});

describe('UserPropertiesStateStore large values', () => {
  it('splits a value over the per-property limit into parts that each fit, and reads it back whole', () => {
    const { props, store } = setup();
    const big = withAttendees('big', 800);
    store.putRecord(big);
    const head = stateKeys.record(CAL, 'big');
    expect(props.getProperty(head)).toMatch(/^#chunks:\d+$/);
    for (const [key, value] of props.data) {
      expect(Buffer.byteLength(key) + Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_PROPERTY_BYTES);
    }
    expect(store.getRecord(CAL, 'big')).toEqual(big);
    expect(store.listRecords(CAL)).toEqual([big]);
  });

  it('splits on character boundaries, so multi-byte text survives', () => {
    const { store } = setup();
    const title = 'Réunion 会議 🎉 '.repeat(700);
    const value = record(CAL, 'utf', { sent: { ...record(CAL, 'utf').sent, title } });
    store.putRecord(value);
    expect(store.getRecord(CAL, 'utf')?.sent.title).toBe(title);
  });

  it('removes parts that a smaller value no longer needs, and all parts on delete', () => {
    const { props, store } = setup();
    store.putRecord(withAttendees('big', 800));
    const partsBefore = props.getKeys().filter((k) => k.startsWith('chunk:')).length;
    store.putRecord(withAttendees('big', 300));
    const partsAfter = props.getKeys().filter((k) => k.startsWith('chunk:')).length;
    expect(partsAfter).toBeLessThan(partsBefore);
    expect(props.getProperty(stateKeys.chunk(stateKeys.record(CAL, 'big'), partsAfter))).toBeNull();
    store.deleteRecord(CAL, 'big');
    expect(props.getKeys()).toEqual([]);
  });

  it(`refuses a value that would need more than ${MAX_CHUNKS} properties with a typed error, writing nothing`, () => {
    const { props, store } = setup();
    let error: unknown;
    try {
      store.putRecord(withAttendees('huge', 12000));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateValueTooLargeError);
    expect(error).toMatchObject({ key: stateKeys.record(CAL, 'huge') });
    expect(props.getKeys()).toEqual([]);
  });
});

describe('UserPropertiesStateStore unreadable values', () => {
  it('treats corrupt JSON as absent and logs the key (not the value)', () => {
    const { props, console, store } = setup();
    props.setProperty(stateKeys.record(CAL, 'ev1'), '{"calendarId": "alice@exa');
    props.setProperty(stateKeys.syncToken(CAL), 'not json');
    expect(store.getRecord(CAL, 'ev1')).toBeNull();
    expect(store.listRecords(CAL)).toEqual([]);
    expect(store.getSyncToken(CAL)).toBeNull();
    expect(console.lines[0]).toEqual({
      level: 'warn',
      text: 'state: ignoring a value that is not valid JSON {"key":"conf:alice%40example.com:ev1"}',
    });
  });

  it('treats a chunked value with a missing part as absent', () => {
    const { props, console, store } = setup();
    store.putRecord(withAttendees('big', 800));
    props.deleteProperty(stateKeys.chunk(stateKeys.record(CAL, 'big'), 1));
    expect(store.getRecord(CAL, 'big')).toBeNull();
    expect(console.text()).toContain('missing part');
  });

  it('ignores a value of the wrong shape and still lists the good ones', () => {
    const { props, store } = setup();
    store.putRecord(record(CAL, 'good'));
    props.setProperty(stateKeys.record(CAL, 'odd'), '[1,2,3]');
    props.setProperty(stateKeys.record(CAL, 'null'), 'null');
    expect(store.listRecords(CAL)).toEqual([record(CAL, 'good')]);
  });
});

describe('UserPropertiesRerunRequests', () => {
  it('keeps one request per calendar, and hands out any pending one, decoded, exactly once', () => {
    const props = new PropertiesStub();
    const reruns = new UserPropertiesRerunRequests(props);
    reruns.request('team:a@example.com');
    reruns.request('team:a@example.com');
    expect(props.getKeys()).toEqual([`sync.rerun:${encodeURIComponent('team:a@example.com')}`]);
    expect(reruns.take('alice@example.com')).toBe(false);
    expect(reruns.takeAny()).toBe('team:a@example.com');
    expect(reruns.takeAny()).toBeNull();
    expect(reruns.take('team:a@example.com')).toBe(false);
  });
});
