/**
 * Engine unit tests: paging, incremental sync, tokens and their invalidation, list filters,
 * write bookkeeping (etag / updated / sequence / ids) — called directly, synchronously, as a local
 * Apps Script runtime will call the engine.
 */
import { CalendarEngine } from '../../local/calendar-emulator/engine/engine';
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

function seed(engine: CalendarEngine, n: number, calendarId = A) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    ids.push(
      engine.insert(A, calendarId, {
        summary: `event ${i}`,
        start: { dateTime: `2025-04-${day}T09:00:00Z` },
        end: { dateTime: `2025-04-${day}T10:00:00Z` },
      }).id!,
    );
  }
  return ids;
}

describe('list paging', () => {
  test('pages hold 250 events by default, with nextPageToken on all but the last page', () => {
    const { engine } = newEngine();
    seed(engine, 260);
    const p1 = engine.list(A, 'primary');
    expect(p1.items).toHaveLength(250);
    expect(p1.nextPageToken).toBeDefined();
    expect(p1.nextSyncToken).toBeUndefined();
    const p2 = engine.list(A, 'primary', { pageToken: p1.nextPageToken });
    expect(p2.items).toHaveLength(10);
    expect(p2.nextPageToken).toBeUndefined();
    expect(p2.nextSyncToken).toBeDefined();
  });

  test('maxResults above 2500 is clamped to 2500 and below 1 is a 400', () => {
    const { engine } = newEngine();
    seed(engine, 2501);
    expect(engine.list(A, 'primary', { maxResults: 5000 }).items).toHaveLength(2500);
    expect(catchError(() => engine.list(A, 'primary', { maxResults: 0 })).code).toBe(400);
  });

  test('a page token only works with the query it was issued for', () => {
    const { engine } = newEngine();
    seed(engine, 5);
    const p1 = engine.list(A, 'primary', { maxResults: 2, q: 'event' });
    const e = catchError(() =>
      engine.list(A, 'primary', { maxResults: 2, q: 'other', pageToken: p1.nextPageToken }),
    );
    expect(e.code).toBe(400);
  });

  test('an incremental listing pages too, and only its last page carries the new sync token', () => {
    const { engine } = newEngine();
    const ids = seed(engine, 7);
    const { nextSyncToken } = engine.list(A, 'primary');
    for (const id of ids) engine.patch(A, A, id, { summary: `changed ${id}` });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let last: ReturnType<CalendarEngine['list']>;
    do {
      last = engine.list(A, 'primary', { syncToken: nextSyncToken, pageToken, maxResults: 3 });
      expect(Boolean(last.nextPageToken) !== Boolean(last.nextSyncToken)).toBe(true);
      seen.push(...last.items.map((e) => e.id!));
      pageToken = last.nextPageToken;
    } while (pageToken);
    expect(seen.sort()).toEqual([...ids].sort());
  });
});

describe('incremental results', () => {
  test('an event changed several times comes back once, in its latest state', () => {
    const { engine } = newEngine();
    const [id] = seed(engine, 1);
    const { nextSyncToken } = engine.list(A, 'primary');
    engine.patch(A, A, id, { summary: 'one' });
    engine.patch(A, A, id, { summary: 'two' });
    const inc = engine.list(A, 'primary', { syncToken: nextSyncToken });
    expect(inc.items.map((e) => [e.id, e.summary])).toEqual([[id, 'two']]);
  });

  test('a deleted event comes back as kind, etag, id and status only', () => {
    const { engine } = newEngine();
    const [id] = seed(engine, 1);
    const { nextSyncToken } = engine.list(A, 'primary');
    engine.delete(A, A, id);
    const [item] = engine.list(A, 'primary', { syncToken: nextSyncToken }).items;
    expect(Object.keys(item)).toEqual(['kind', 'etag', 'id', 'status']);
    expect(item).toMatchObject({ kind: 'calendar#event', id, status: 'cancelled' });
  });

  test("showDeleted on the organizer's calendar keeps a deleted event's details", () => {
    const { engine } = newEngine();
    const [id] = seed(engine, 1);
    const { nextSyncToken } = engine.list(A, 'primary', { showDeleted: true });
    engine.delete(A, A, id);
    const [item] = engine.list(A, 'primary', { syncToken: nextSyncToken, showDeleted: true }).items;
    expect(item).toMatchObject({ id, status: 'cancelled', summary: 'event 0' });
  });

  test('an older token still works after a newer one was issued (tokens are not single-use)', () => {
    const { engine } = newEngine();
    const [a, b] = seed(engine, 2);
    const t1 = engine.list(A, 'primary').nextSyncToken;
    engine.patch(A, A, a, { summary: 'x' });
    const t2 = engine.list(A, 'primary', { syncToken: t1 }).nextSyncToken;
    engine.patch(A, A, b, { summary: 'y' });
    expect(engine.list(A, 'primary', { syncToken: t2 }).items.map((e) => e.id)).toEqual([b]);
    expect(
      engine
        .list(A, 'primary', { syncToken: t1 })
        .items.map((e) => e.id)
        .sort(),
    ).toEqual([a, b].sort());
  });

  test.each([
    ['iCalUID', { iCalUID: 'x@google.com' }],
    ['orderBy', { orderBy: 'updated' as const }],
    ['privateExtendedProperty', { privateExtendedProperty: 'a=b' }],
    ['q', { q: 'x' }],
    ['sharedExtendedProperty', { sharedExtendedProperty: 'a=b' }],
    ['timeMin', { timeMin: '2025-01-01T00:00:00Z' }],
    ['timeMax', { timeMax: '2025-01-01T00:00:00Z' }],
    ['updatedMin', { updatedMin: '2025-01-01T00:00:00Z' }],
    ['showDeleted=false', { showDeleted: false }],
  ])('%s together with a syncToken is a 400 syncTokenWithRequestRestrictions', (_name, extra) => {
    const { engine } = newEngine();
    const { nextSyncToken } = engine.list(A, 'primary');
    const e = catchError(() => engine.list(A, 'primary', { syncToken: nextSyncToken, ...extra }));
    expect(e.toBody()).toEqual({
      error: {
        errors: [
          {
            domain: 'calendar',
            reason: 'syncTokenWithRequestRestrictions',
            message: 'Sync token cannot be used with other request restrictions.',
          },
        ],
        code: 400,
        message: 'Sync token cannot be used with other request restrictions.',
      },
    });
  });

  test('a token of another calendar, another engine, or a page token is a 400 "Invalid sync token value."', () => {
    const { engine } = newEngine();
    const other = new CalendarEngine({ secret: 'another-secret' });
    const foreignCal = engine.list('bob@example.com', 'bob@example.com').nextSyncToken;
    const foreignEngine = other.list(A, 'primary').nextSyncToken;
    seed(engine, 3);
    const pageToken = engine.list(A, 'primary', { maxResults: 1 }).nextPageToken;
    for (const token of [foreignCal, foreignEngine, pageToken, 'garbage', '']) {
      const e = catchError(() => engine.list(A, 'primary', { syncToken: token }));
      expect(e.toBody().error).toEqual({
        errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid sync token value.' }],
        code: 400,
        message: 'Invalid sync token value.',
      });
    }
  });
});

describe('token invalidation and expiry', () => {
  test('invalidateSyncTokens makes every earlier token of that calendar answer 410 fullSyncRequired', () => {
    const { engine } = newEngine();
    const mine = engine.list(A, 'primary').nextSyncToken;
    const bobs = engine.list('bob@example.com', 'primary').nextSyncToken;
    engine.invalidateSyncTokens(A, 'primary');
    const e = catchError(() => engine.list(A, 'primary', { syncToken: mine }));
    expect([e.code, e.reason]).toEqual([410, 'fullSyncRequired']);
    expect(engine.list('bob@example.com', 'primary', { syncToken: bobs }).items).toEqual([]);
    const fresh = engine.list(A, 'primary').nextSyncToken;
    expect(engine.list(A, 'primary', { syncToken: fresh }).items).toEqual([]);
  });

  test('reset empties every calendar and retires every token', () => {
    const { engine } = newEngine();
    seed(engine, 2);
    const token = engine.list(A, 'primary').nextSyncToken;
    engine.reset();
    expect(engine.list(A, 'primary').items).toEqual([]);
    expect(catchError(() => engine.list(A, 'primary', { syncToken: token })).code).toBe(410);
  });

  test('tokens never expire by default, and expire after syncTokenMaxAgeMs when it is set', () => {
    const plain = newEngine();
    const t = plain.engine.list(A, 'primary').nextSyncToken;
    plain.clock.advance(400 * 86_400_000);
    expect(plain.engine.list(A, 'primary', { syncToken: t }).nextSyncToken).toBe(t);

    const expiring = newEngine({ syncTokenMaxAgeMs: 60_000 });
    const t2 = expiring.engine.list(A, 'primary').nextSyncToken;
    expiring.clock.advance(59_000);
    expect(expiring.engine.list(A, 'primary', { syncToken: t2 }).items).toEqual([]);
    expiring.clock.advance(2_000);
    expect(catchError(() => expiring.engine.list(A, 'primary', { syncToken: t2 })).code).toBe(410);
  });
});

describe('orderBy', () => {
  test('orderBy on a full sync suppresses nextSyncToken by default, and not with the quirk off', () => {
    const on = newEngine().engine;
    seed(on, 3);
    const res = on.list(A, 'primary', { orderBy: 'updated' });
    expect(res.nextSyncToken).toBeUndefined();
    expect(res.items).toHaveLength(3);
    const off = newEngine({ orderBySuppressesSyncToken: false }).engine;
    expect(off.list(A, 'primary', { orderBy: 'updated' }).nextSyncToken).toBeDefined();
  });

  test('orderBy=startTime without singleEvents is a 400, with it the items come in start order', () => {
    const { engine } = newEngine();
    seed(engine, 30);
    const e = catchError(() => engine.list(A, 'primary', { orderBy: 'startTime' }));
    expect([e.code, e.message]).toEqual([
      400,
      'The requested ordering is not available for the particular query.',
    ]);
    const starts = engine
      .list(A, 'primary', { orderBy: 'startTime', singleEvents: true })
      .items.map((i) => Date.parse(i.start!.dateTime!));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});

describe('list filters', () => {
  test('timeMin bounds the end and timeMax the start, both exclusively', () => {
    const { engine } = newEngine();
    engine.insert(A, A, {
      summary: 'nine',
      start: { dateTime: '2025-04-01T09:00:00Z' },
      end: { dateTime: '2025-04-01T10:00:00Z' },
    });
    engine.insert(A, A, {
      summary: 'ten',
      start: { dateTime: '2025-04-01T10:00:00Z' },
      end: { dateTime: '2025-04-01T11:00:00Z' },
    });
    const summaries = (p: object) => engine.list(A, A, p).items.map((e) => e.summary);
    expect(summaries({ timeMin: '2025-04-01T10:00:00Z' })).toEqual(['ten']);
    expect(summaries({ timeMax: '2025-04-01T10:00:00Z' })).toEqual(['nine']);
    expect(summaries({ timeMin: '2025-04-01T09:30:00+00:00', timeMax: '2025-04-01T11:59:59+02:00' })).toEqual(
      ['nine'],
    );
  });

  test('an empty time range is a 400 timeRangeEmpty on timeMax', () => {
    const { engine } = newEngine();
    const e = catchError(() =>
      engine.list(A, A, { timeMin: '2025-04-02T00:00:00Z', timeMax: '2025-04-01T00:00:00Z' }),
    );
    expect(e.errors[0]).toEqual({
      domain: 'calendar',
      reason: 'timeRangeEmpty',
      message: 'The specified time range is empty.',
      locationType: 'parameter',
      location: 'timeMax',
    });
  });

  test('updatedMin returns events changed since then, deletions included without showDeleted', () => {
    const { engine, clock } = newEngine();
    const [a, b, c] = seed(engine, 3);
    clock.advance(60_000);
    const since = new Date(clock.now()).toISOString();
    engine.patch(A, A, a, { summary: 'later' });
    engine.delete(A, A, b);
    const items = engine.list(A, A, { updatedMin: since }).items;
    expect(items.map((e) => [e.id, e.status]).sort()).toEqual(
      [
        [a, 'confirmed'],
        [b, 'cancelled'],
      ].sort(),
    );
    expect(items.map((e) => e.id)).not.toContain(c);
  });

  test('updatedMin further back than the configured horizon is a 410 updatedMinTooLongAgo', () => {
    const { engine } = newEngine({ updatedMinHorizonMs: 86_400_000 });
    const e = catchError(() => engine.list(A, A, { updatedMin: '2020-01-01T00:00:00Z' }));
    expect([e.code, e.reason]).toEqual([410, 'updatedMinTooLongAgo']);
  });

  test('q matches summary, description, location and attendees case-insensitively', () => {
    const { engine } = newEngine();
    const when = { start: { date: '2025-04-01' }, end: { date: '2025-04-02' } };
    engine.insert(A, A, { summary: 'Budget Review', ...when });
    engine.insert(A, A, { summary: 'x', description: 'about the budget', ...when });
    engine.insert(A, A, { summary: 'y', location: 'Room 4', ...when });
    engine.insert(A, A, { summary: 'z', ...when });
    expect(
      engine
        .list(A, A, { q: 'BUDGET' })
        .items.map((e) => e.summary)
        .sort(),
    ).toEqual(['Budget Review', 'x']);
    expect(engine.list(A, A, { q: 'room' }).items.map((e) => e.summary)).toEqual(['y']);
  });

  test('iCalUID selects the event with that iCalUID', () => {
    const { engine } = newEngine();
    const [, id] = seed(engine, 3);
    expect(engine.list(A, A, { iCalUID: `${id}@google.com` }).items.map((e) => e.id)).toEqual([id]);
  });

  test('deleted events are hidden from a full list unless showDeleted is set', () => {
    const { engine } = newEngine();
    const [a, b] = seed(engine, 2);
    engine.delete(A, A, a);
    expect(engine.list(A, A).items.map((e) => e.id)).toEqual([b]);
    expect(engine.list(A, A, { showDeleted: true }).items.map((e) => [e.id, e.status])).toEqual([
      [a, 'cancelled'],
      [b, 'confirmed'],
    ]);
  });

  test('extended-property filters match private and shared properties', () => {
    const { engine } = newEngine();
    const when = { start: { date: '2025-04-01' }, end: { date: '2025-04-02' } };
    engine.insert(A, A, { summary: 'p', extendedProperties: { private: { conf: '1' } }, ...when });
    engine.insert(A, A, { summary: 's', extendedProperties: { shared: { conf: '1' } }, ...when });
    expect(engine.list(A, A, { privateExtendedProperty: 'conf=1' }).items.map((e) => e.summary)).toEqual([
      'p',
    ]);
    expect(engine.list(A, A, { sharedExtendedProperty: ['conf=1'] }).items.map((e) => e.summary)).toEqual([
      's',
    ]);
  });
});

describe('write bookkeeping', () => {
  test("ids, etag, updated and created follow Google's formats", () => {
    const { engine, clock } = newEngine();
    const ev = engine.insert(A, A, {
      summary: 's',
      start: timed('2025-04-01T09:00:00'),
      end: timed('2025-04-01T10:00:00'),
    });
    expect(ev.id).toMatch(/^[0-9a-v]{26}$/);
    expect(ev.updated).toBe('2025-03-20T12:00:00.000Z');
    expect(ev.created).toBe('2025-03-20T12:00:00.000Z');
    expect(ev.etag).toBe(`"${2 * Date.parse('2025-03-20T12:00:00.000Z') * 1000}"`);
    expect(ev.iCalUID).toBe(`${ev.id}@google.com`);
    expect(ev.htmlLink).toBe(
      `https://www.google.com/calendar/event?eid=${Buffer.from(`${ev.id} ${A}`).toString('base64url')}`,
    );
    clock.advance(1234);
    const p = engine.patch(A, A, ev.id!, { summary: 't' });
    expect(p.updated).toBe('2025-03-20T12:00:01.234Z');
    expect(p.created).toBe(ev.created);
  });

  test('two writes in the same millisecond still get different etags', () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, { start: { date: '2025-04-01' }, end: { date: '2025-04-02' } });
    const p = engine.patch(A, A, ev.id!, { summary: 'x' });
    expect(p.etag).not.toBe(ev.etag);
  });

  test('sequence grows when the time changes, not when only the summary does', () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, {
      summary: 'a',
      start: timed('2025-04-01T09:00:00'),
      end: timed('2025-04-01T10:00:00'),
    });
    expect(ev.sequence).toBe(0);
    expect(engine.patch(A, A, ev.id!, { summary: 'b' }).sequence).toBe(0);
    expect(engine.patch(A, A, ev.id!, { start: timed('2025-04-01T09:30:00') }).sequence).toBe(1);
  });

  test('dateTimes are returned in the event time zone, all-day dates as given', () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, {
      start: { dateTime: '2025-03-24T12:30:00Z', timeZone: 'America/Chicago' },
      end: { dateTime: '2025-03-24T13:15:00Z', timeZone: 'America/Chicago' },
    });
    expect(ev.start).toEqual({ dateTime: '2025-03-24T07:30:00-05:00', timeZone: 'America/Chicago' });
    const utc = engine.insert(A, A, {
      start: { dateTime: '2025-03-24T14:30:00+02:00' },
      end: { dateTime: '2025-03-24T15:00:00+02:00' },
    });
    expect(utc.start).toEqual({ dateTime: '2025-03-24T12:30:00Z' });
  });

  test('client ids must be base32hex and 5 to 1024 characters long', () => {
    const { engine } = newEngine();
    const when = { start: { date: '2025-04-01' }, end: { date: '2025-04-02' } };
    for (const id of ['abc', 'has-dash', 'UPPERCASE0', 'wxyz0', 'a'.repeat(1025)]) {
      expect(catchError(() => engine.insert(A, A, { id, ...when })).message).toBe(
        'Invalid resource id value.',
      );
    }
    expect(engine.insert(A, A, { id: 'abcde', ...when }).id).toBe('abcde');
  });

  test('a write that changes nothing still counts as a change in the log', () => {
    const { engine } = newEngine();
    const [id] = seed(engine, 1);
    const { nextSyncToken } = engine.list(A, A);
    engine.patch(A, A, id, {});
    expect(engine.list(A, A, { syncToken: nextSyncToken }).items.map((e) => e.id)).toEqual([id]);
  });

  test('If-None-Match with the current etag on get is a 304', () => {
    const { engine } = newEngine();
    const [id] = seed(engine, 1);
    const ev = engine.get(A, A, id);
    expect(catchError(() => engine.get(A, A, id, {}, { ifNoneMatch: ev.etag })).code).toBe(304);
  });
});

test('the list envelope has the keys of a real Google page, in order, tokens before items', () => {
  const { engine } = newEngine();
  seed(engine, 3);
  expect(Object.keys(engine.list(A, 'primary', { maxResults: 2 }))).toEqual([
    'kind',
    'etag',
    'summary',
    'description',
    'updated',
    'timeZone',
    'accessRole',
    'defaultReminders',
    'nextPageToken',
    'items',
  ]);
  const last = engine.list(A, 'primary');
  expect(Object.keys(last).slice(-2)).toEqual(['nextSyncToken', 'items']);
  expect(last.etag).toMatch(/^"p3[0-9a-v]{14}"$/);
});

test("a new event's keys come in Google's order", () => {
  const { engine } = newEngine();
  const ev = engine.insert(A, A, {
    summary: 's',
    start: timed('2025-04-01T09:00:00'),
    end: timed('2025-04-01T10:00:00'),
  });
  expect(Object.keys(ev)).toEqual([
    'kind',
    'etag',
    'id',
    'status',
    'htmlLink',
    'created',
    'updated',
    'summary',
    'creator',
    'organizer',
    'start',
    'end',
    'iCalUID',
    'sequence',
    'reminders',
    'eventType',
  ]);
});

test('a rejected write leaves the event exactly as it was', () => {
  const { engine } = newEngine();
  const [id] = seed(engine, 1);
  const before = engine.get(A, A, id);
  expect(() =>
    engine.patch(A, A, id, { status: 'tentative', end: { dateTime: '2020-01-01T00:00:00Z' } }),
  ).toThrow('The specified time range is empty.');
  expect(engine.get(A, A, id)).toEqual(before);
});

test('an update (PUT) of a deleted event on the organizer calendar restores it; a patch keeps it deleted', () => {
  const { engine } = newEngine();
  const [a, b] = seed(engine, 2);
  engine.delete(A, A, a);
  engine.delete(A, A, b);
  const body = {
    summary: 'back',
    start: { dateTime: '2025-04-01T09:00:00Z' },
    end: { dateTime: '2025-04-01T10:00:00Z' },
  };
  expect(engine.update(A, A, a, body).status).toBe('confirmed');
  expect(engine.patch(A, A, b, { summary: 'still gone' }).status).toBe('cancelled');
});
