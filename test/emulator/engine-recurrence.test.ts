/**
 * Engine unit tests for recurring events: RRULE/EXDATE expansion in the series' time zone across
 * DST, instance ids, exceptions created by changing or cancelling one occurrence, series
 * truncation and "this and following" splits, recurrence in incremental and singleEvents listings.
 */
import type { GoogleApiError } from '../../local/calendar-emulator/engine/errors';
import { newEngine, timed } from './helpers';

const A = 'alice@example.com';

function catchError(fn: () => unknown): GoogleApiError {
  try {
    fn();
  } catch (e) {
    return e as GoogleApiError;
  }
  throw new Error('expected an error');
}

function series(
  recurrence: string[],
  start = '2025-03-03T07:30:00',
  end = '2025-03-03T08:15:00',
  zone = 'America/Chicago',
) {
  const { engine, clock } = newEngine();
  const master = engine.insert(A, A, {
    summary: 'series',
    start: timed(start, zone),
    end: timed(end, zone),
    recurrence,
  });
  const starts = () =>
    engine.instances(A, A, master.id!).items.map((i) => i.start!.dateTime ?? i.start!.date);
  return { engine, clock, master, starts };
}

describe('RRULE expansion', () => {
  test('DAILY with COUNT', () => {
    const { starts } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    expect(starts()).toEqual([
      '2025-03-03T07:30:00-06:00',
      '2025-03-04T07:30:00-06:00',
      '2025-03-05T07:30:00-06:00',
    ]);
  });

  test('WEEKLY with INTERVAL and several BYDAY', () => {
    const { starts } = series(['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4']);
    expect(starts()).toEqual([
      '2025-03-03T07:30:00-06:00',
      '2025-03-05T07:30:00-06:00',
      '2025-03-17T07:30:00-05:00',
      '2025-03-19T07:30:00-05:00',
    ]);
  });

  test('MONTHLY with BYMONTHDAY skips months without that day', () => {
    const { starts } = series(
      ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3'],
      '2025-01-31T10:00:00',
      '2025-01-31T11:00:00',
    );
    expect(starts()).toEqual([
      '2025-01-31T10:00:00-06:00',
      '2025-03-31T10:00:00-05:00',
      '2025-05-31T10:00:00-05:00',
    ]);
  });

  test('MONTHLY with a positional BYDAY (second Tuesday)', () => {
    const { starts } = series(
      ['RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=2'],
      '2025-03-11T10:00:00',
      '2025-03-11T11:00:00',
    );
    expect(starts()).toEqual(['2025-03-11T10:00:00-05:00', '2025-04-08T10:00:00-05:00']);
  });

  test('YEARLY with UNTIL', () => {
    const { starts } = series(
      ['RRULE:FREQ=YEARLY;UNTIL=20270301T000000Z'],
      '2024-02-29T10:00:00',
      '2024-02-29T11:00:00',
    );
    // 29 February only exists in leap years: RFC 5545 skips the others.
    expect(starts()).toEqual(['2024-02-29T10:00:00-06:00']);
    const yearly = series(
      ['RRULE:FREQ=YEARLY;UNTIL=20270601T000000Z'],
      '2025-05-10T10:00:00',
      '2025-05-10T11:00:00',
    );
    expect(yearly.starts()).toEqual([
      '2025-05-10T10:00:00-05:00',
      '2026-05-10T10:00:00-05:00',
      '2027-05-10T10:00:00-05:00',
    ]);
  });

  test('EXDATE in the series zone removes that occurrence', () => {
    const { starts } = series(['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;TZID=America/Chicago:20250304T073000']);
    expect(starts()).toEqual(['2025-03-03T07:30:00-06:00', '2025-03-05T07:30:00-06:00']);
  });

  test('a daily series keeps 07:30 local across the US DST change, so its UTC instance ids shift an hour', () => {
    const { engine, master } = series(
      ['RRULE:FREQ=DAILY;COUNT=3'],
      '2025-03-08T07:30:00',
      '2025-03-08T08:00:00',
    );
    expect(engine.instances(A, A, master.id!).items.map((i) => i.id)).toEqual([
      `${master.id}_20250308T133000Z`,
      `${master.id}_20250309T123000Z`,
      `${master.id}_20250310T123000Z`,
    ]);
  });

  test('a weekly Berlin series keeps its wall-clock time across the October change', () => {
    const { starts } = series(
      ['RRULE:FREQ=WEEKLY;COUNT=2'],
      '2025-10-20T09:00:00',
      '2025-10-20T10:00:00',
      'Europe/Berlin',
    );
    expect(starts()).toEqual(['2025-10-20T09:00:00+02:00', '2025-10-27T09:00:00+01:00']);
  });

  test('all-day instances have _YYYYMMDD ids and date starts', () => {
    const { engine } = newEngine();
    const m = engine.insert(A, A, {
      start: { date: '2020-05-06' },
      end: { date: '2020-05-07' },
      recurrence: ['RRULE:FREQ=WEEKLY;WKST=SU;COUNT=2;BYDAY=WE'],
    });
    const items = engine.instances(A, A, m.id!).items;
    expect(items.map((i) => [i.id, i.start, i.end, i.originalStartTime])).toEqual([
      [`${m.id}_20200506`, { date: '2020-05-06' }, { date: '2020-05-07' }, { date: '2020-05-06' }],
      [`${m.id}_20200513`, { date: '2020-05-13' }, { date: '2020-05-14' }, { date: '2020-05-13' }],
    ]);
  });

  test.each([
    ['no RRULE prefix', ['FREQ=DAILY']],
    ['unknown frequency', ['RRULE:FREQ=FORTNIGHTLY']],
    ['bad BYDAY', ['RRULE:FREQ=WEEKLY;BYDAY=XX']],
    ['COUNT and UNTIL together', ['RRULE:FREQ=DAILY;COUNT=2;UNTIL=20250101T000000Z']],
    ['unknown part', ['RRULE:FREQ=DAILY;FOO=1']],
    ['impossible EXDATE', ['RRULE:FREQ=DAILY', 'EXDATE;VALUE=DATE:20250230']],
  ])('an invalid recurrence (%s) is a 400', (_name, recurrence) => {
    const { engine } = newEngine();
    const e = catchError(() =>
      engine.insert(A, A, {
        start: timed('2025-03-03T07:30:00'),
        end: timed('2025-03-03T08:00:00'),
        recurrence,
      }),
    );
    expect([e.code, e.message]).toEqual([400, 'Invalid recurrence rule.']);
  });

  test('a recurring timed event needs a time zone', () => {
    const { engine } = newEngine();
    const e = catchError(() =>
      engine.insert(A, A, {
        start: { dateTime: '2025-03-03T07:30:00Z' },
        end: { dateTime: '2025-03-03T08:00:00Z' },
        recurrence: ['RRULE:FREQ=DAILY'],
      }),
    );
    expect([e.code, e.message]).toEqual([400, 'Missing time zone definition for start time.']);
  });
});

describe('exceptions', () => {
  test('changing one instance creates an exception with the original start in its id and originalStartTime', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    const id = `${master.id}_20250304T133000Z`;
    const exc = engine.patch(A, A, id, {
      summary: 'moved',
      start: timed('2025-03-04T12:30:00'),
      end: timed('2025-03-04T13:15:00'),
    });
    expect(exc).toMatchObject({
      id,
      summary: 'moved',
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2025-03-04T07:30:00-06:00', timeZone: 'America/Chicago' },
      start: { dateTime: '2025-03-04T12:30:00-06:00', timeZone: 'America/Chicago' },
      sequence: 1,
    });
    expect(engine.get(A, A, master.id!).summary).toBe('series');
    const instances = engine.instances(A, A, master.id!).items;
    expect(instances.map((i) => [i.id, i.summary])).toEqual([
      [`${master.id}_20250303T133000Z`, 'series'],
      [id, 'moved'],
      [`${master.id}_20250305T133000Z`, 'series'],
    ]);
    // Without singleEvents the list shows the master and its exception side by side.
    expect(engine.list(A, A).items.map((i) => i.id)).toEqual([master.id, id]);
  });

  test('cancelling one instance hides it from expanded lists but keeps it in unexpanded ones (D1)', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    const id = `${master.id}_20250304T133000Z`;
    engine.delete(A, A, id);
    expect(engine.list(A, A, { singleEvents: true }).items.map((i) => i.id)).toHaveLength(2);
    const plain = engine.list(A, A).items;
    expect(plain.find((i) => i.id === id)).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id,
      status: 'cancelled',
      recurringEventId: master.id,
      originalStartTime: { dateTime: '2025-03-04T07:30:00-06:00', timeZone: 'America/Chicago' },
    });
    expect(engine.get(A, A, id).status).toBe('cancelled');
    expect(catchError(() => engine.delete(A, A, id)).code).toBe(410);
  });

  test('an instance id that is not an occurrence of the series is a 404', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    expect(catchError(() => engine.get(A, A, `${master.id}_20250304T143000Z`)).code).toBe(404);
    expect(catchError(() => engine.get(A, A, `${master.id}_20250310T133000Z`)).code).toBe(404);
  });

  test('truncating a series with UNTIL turns later exceptions into bare tombstones', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY']);
    const { nextSyncToken } = engine.list(A, A);
    const late = `${master.id}_20250307T133000Z`;
    engine.delete(A, A, late);
    engine.patch(A, A, master.id!, { recurrence: ['RRULE:FREQ=DAILY;UNTIL=20250306T055959Z'] });
    const items = engine.list(A, A, { syncToken: nextSyncToken }).items;
    expect(items.find((i) => i.id === late)).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id: late,
      status: 'cancelled',
    });
    expect(items.find((i) => i.id === master.id)!.recurrence).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20250306T055959Z',
    ]);
  });

  test('"this and following" splits the series: UNTIL on the old one, an _R id on the new one', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY'], '2025-03-24T07:30:00', '2025-03-24T08:15:00');
    const created = engine.splitSeries(A, A, `${master.id}_20250327T123000Z`, { summary: 'renamed' });
    expect(created.id).toBe(`${master.id}_R20250327T123000`);
    expect(created.iCalUID).toBe(`${master.id}_R20250327T123000@google.com`);
    expect(created.start).toEqual({ dateTime: '2025-03-27T07:30:00-05:00', timeZone: 'America/Chicago' });
    expect(created.recurrence).toEqual(['RRULE:FREQ=DAILY']);
    expect(created.sequence).toBe(0);
    expect(engine.get(A, A, master.id!).recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20250327T045959Z']);
  });

  test("a split keeps the series' end: UNTIL stays, and COUNT keeps only the occurrences left", () => {
    const counted = series(['RRULE:FREQ=DAILY;COUNT=6'], '2025-03-24T07:30:00', '2025-03-24T08:15:00');
    const rest = counted.engine.splitSeries(A, A, `${counted.master.id}_20250327T123000Z`);
    expect(rest.recurrence).toEqual(['RRULE:FREQ=DAILY;COUNT=3']);
    expect(counted.engine.instances(A, A, rest.id!).items).toHaveLength(3);

    const until = series(
      ['RRULE:FREQ=DAILY;UNTIL=20250330T045959Z'],
      '2025-03-24T07:30:00',
      '2025-03-24T08:15:00',
    );
    const later = until.engine.splitSeries(A, A, `${until.master.id}_20250327T123000Z`);
    expect(later.recurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20250330T045959Z']);
  });

  test('deleting the whole series reports the master as a bare tombstone', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    const { nextSyncToken } = engine.list(A, A);
    engine.delete(A, A, master.id!);
    expect(engine.list(A, A, { syncToken: nextSyncToken }).items).toEqual([
      { kind: 'calendar#event', etag: expect.any(String), id: master.id, status: 'cancelled' },
    ]);
  });

  test('an incremental singleEvents sync reports a changed series as its instances', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=2']);
    const { nextSyncToken } = engine.list(A, A, { singleEvents: true });
    engine.patch(A, A, master.id!, { summary: 'renamed' });
    const items = engine.list(A, A, { syncToken: nextSyncToken, singleEvents: true }).items;
    expect(items.map((i) => [i.id, i.summary])).toEqual([
      [`${master.id}_20250303T133000Z`, 'renamed'],
      [`${master.id}_20250304T133000Z`, 'renamed'],
    ]);
  });

  test('timeMin/timeMax select a series when one of its occurrences falls in the window', () => {
    const { engine, master } = series(['RRULE:FREQ=WEEKLY;COUNT=5']);
    expect(
      engine
        .list(A, A, { timeMin: '2025-03-24T00:00:00Z', timeMax: '2025-03-25T00:00:00Z' })
        .items.map((i) => i.id),
    ).toEqual([master.id]);
    expect(engine.list(A, A, { timeMin: '2025-04-24T00:00:00Z' }).items).toEqual([]);
    const expanded = engine.list(A, A, {
      singleEvents: true,
      timeMin: '2025-03-10T00:00:00Z',
      timeMax: '2025-03-18T00:00:00Z',
    });
    expect(expanded.items.map((i) => i.id)).toEqual([
      `${master.id}_20250310T123000Z`,
      `${master.id}_20250317T123000Z`,
    ]);
  });
});

describe('recurrence across calendars and sync modes', () => {
  test('an incremental singleEvents sync reports a changed instance as that instance only', () => {
    const { engine, master } = series(['RRULE:FREQ=DAILY;COUNT=3']);
    const { nextSyncToken } = engine.list(A, A, { singleEvents: true });
    engine.patch(A, A, `${master.id}_20250304T133000Z`, { summary: 'just this one' });
    expect(
      engine.list(A, A, { syncToken: nextSyncToken, singleEvents: true }).items.map((i) => [i.id, i.summary]),
    ).toEqual([[`${master.id}_20250304T133000Z`, 'just this one']]);
  });

  test("an attendee's copy of a series sees the organizer's cancelled occurrence", () => {
    const { engine } = newEngine();
    const B = 'bob@example.com';
    const master = engine.insert(A, A, {
      summary: 'standup',
      start: timed('2025-03-03T09:00:00'),
      end: timed('2025-03-03T09:15:00'),
      recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      attendees: [{ email: B }],
    });
    const tb = engine.list(B, 'primary').nextSyncToken;
    engine.delete(A, A, `${master.id}_20250304T150000Z`);
    const items = engine.list(B, 'primary', { syncToken: tb }).items;
    expect(items.find((i) => i.id === `${master.id}_20250304T150000Z`)).toMatchObject({
      status: 'cancelled',
      recurringEventId: master.id,
    });
    expect(engine.instances(B, 'primary', master.id!).items).toHaveLength(2);
  });
});
