/**
 * Fidelity tests: the HTTP front driven only through Google's official Node client
 * (@googleapis/calendar), as an add-on's server-side code would use it.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { googleError, startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let alice: calendar_v3.Calendar;
let bob: calendar_v3.Calendar;
const A = 'alice@example.com';
const B = 'bob@example.com';

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.client(A);
  bob = emu.client(B);
});
afterAll(async () => emu.close());
beforeEach(() => emu.engine.reset());

async function insertMany(n: number, prefix = 'event') {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const res = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: `${prefix} ${i}`,
        start: timed(`2025-04-${day}T09:00:00`),
        end: timed(`2025-04-${day}T10:00:00`),
      },
    });
    ids.push(res.data.id!);
  }
  return ids;
}

describe('the documented sync flow through the official client', () => {
  test('full sync with paging, then changes, incremental sync, 410 and a new full sync', async () => {
    const ids = await insertMany(7);
    // Full sync in pages of 3: tokens XOR, the sync token on the last page only.
    const seen: string[] = [];
    let pageToken: string | undefined;
    let syncToken: string | undefined;
    let pages = 0;
    do {
      const res = await alice.events.list({ calendarId: 'primary', maxResults: 3, pageToken });
      pages++;
      expect(res.data.nextPageToken && res.data.nextSyncToken).toBeFalsy();
      seen.push(...res.data.items!.map((e) => e.id!));
      pageToken = res.data.nextPageToken ?? undefined;
      syncToken = res.data.nextSyncToken ?? undefined;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(syncToken).toBeTruthy();

    // Changes: one update, one delete, one insert.
    await alice.events.patch({ calendarId: A, eventId: ids[0], requestBody: { summary: 'renamed' } });
    await alice.events.delete({ calendarId: A, eventId: ids[1] });
    const added = await alice.events.insert({
      calendarId: A,
      requestBody: { summary: 'new', start: timed('2025-05-01T09:00:00'), end: timed('2025-05-01T09:30:00') },
    });

    const inc = await alice.events.list({ calendarId: 'primary', syncToken });
    const byId = new Map(inc.data.items!.map((e) => [e.id, e]));
    expect(byId.size).toBe(3);
    expect(byId.get(ids[0])!.summary).toBe('renamed');
    expect(byId.get(ids[1])).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id: ids[1],
      status: 'cancelled',
    });
    expect(byId.get(added.data.id!)!.summary).toBe('new');
    expect(inc.data.nextSyncToken).toBeTruthy();

    // The token expires: 410 with Google's body, then a full sync works again.
    await emu.raw(`/emulator/v1/calendars/${encodeURIComponent(A)}/invalidate-sync-tokens`, {
      method: 'POST',
    });
    const gone = await googleError(
      alice.events.list({ calendarId: 'primary', syncToken: inc.data.nextSyncToken! }),
    );
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({
      error: {
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            locationType: 'parameter',
            location: 'syncToken',
          },
        ],
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
      },
    });
    const again = await alice.events.list({ calendarId: 'primary' });
    expect(again.data.items!.map((e) => e.id).sort()).toEqual(
      [...ids.slice(0, 1), ...ids.slice(2), added.data.id].sort(),
    );
    expect(again.data.nextSyncToken).toBeTruthy();
  });

  test('an incremental sync with no changes hands back the same token', async () => {
    await insertMany(2);
    const full = await alice.events.list({ calendarId: 'primary' });
    const inc = await alice.events.list({ calendarId: 'primary', syncToken: full.data.nextSyncToken! });
    expect(inc.data.items).toEqual([]);
    expect(inc.data.nextSyncToken).toBe(full.data.nextSyncToken);
  });

  test('a corrupt sync token is a 400 "Invalid sync token value."', async () => {
    const bad = await googleError(
      alice.events.list({ calendarId: 'primary', syncToken: 'CPDAlvWDx70CEPDAlvWDx70CGAU=' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Invalid sync token value.');
  });

  test('timeMin together with a sync token is rejected with 400', async () => {
    const full = await alice.events.list({ calendarId: 'primary' });
    const bad = await googleError(
      alice.events.list({
        calendarId: 'primary',
        syncToken: full.data.nextSyncToken!,
        timeMin: '2025-01-01T00:00:00Z',
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0].reason).toBe('syncTokenWithRequestRestrictions');
    expect(bad.body.error.message).toBe('Sync token cannot be used with other request restrictions.');
  });
});

describe('conditional updates', () => {
  test('If-Match with the current etag succeeds and a stale one gets 412 conditionNotMet', async () => {
    const ev = await alice.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'v1', start: timed('2025-04-01T09:00:00'), end: timed('2025-04-01T10:00:00') },
    });
    const etag1 = ev.data.etag!;
    emu.clock.advance(1000);
    const v2 = await alice.events.patch(
      { calendarId: 'primary', eventId: ev.data.id!, requestBody: { summary: 'v2' } },
      { headers: { 'If-Match': etag1 } },
    );
    expect(v2.data.etag).not.toBe(etag1);
    expect(Date.parse(v2.data.updated!)).toBeGreaterThan(Date.parse(ev.data.updated!));
    const stale = await googleError(
      alice.events.update(
        { calendarId: 'primary', eventId: ev.data.id!, requestBody: { ...v2.data, summary: 'v3' } },
        { headers: { 'If-Match': etag1 } },
      ),
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.errors[0]).toEqual({
      domain: 'global',
      reason: 'conditionNotMet',
      message: 'Precondition Failed',
      locationType: 'header',
      location: 'If-Match',
    });
    const delStale = await googleError(
      alice.events.delete(
        { calendarId: 'primary', eventId: ev.data.id! },
        { headers: { 'If-Match': etag1 } },
      ),
    );
    expect(delStale.status).toBe(412);
  });

  test('a client-chosen id is kept, and inserting it twice is 409 duplicate', async () => {
    const id = 'conf0s0nc0abc123';
    const ev = await alice.events.insert({
      calendarId: 'primary',
      requestBody: { id, summary: 'x', start: { date: '2025-04-01' }, end: { date: '2025-04-02' } },
    });
    expect(ev.data.id).toBe(id);
    expect(ev.data.iCalUID).toBe(`${id}@google.com`);
    const dup = await googleError(
      alice.events.insert({
        calendarId: 'primary',
        requestBody: { id, start: { date: '2025-04-01' }, end: { date: '2025-04-02' } },
      }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.errors[0].reason).toBe('duplicate');
  });

  test('get of a deleted event returns it cancelled; deleting it again is 410 deleted; unknown ids are 404', async () => {
    const ev = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'gone soon',
        start: timed('2025-04-01T09:00:00'),
        end: timed('2025-04-01T10:00:00'),
      },
    });
    await alice.events.delete({ calendarId: 'primary', eventId: ev.data.id! });
    const got = await alice.events.get({ calendarId: 'primary', eventId: ev.data.id! });
    expect(got.data.status).toBe('cancelled');
    expect(got.data.summary).toBe('gone soon');
    const again = await googleError(alice.events.delete({ calendarId: 'primary', eventId: ev.data.id! }));
    expect(again.status).toBe(410);
    expect(again.body.error.errors[0]).toEqual({
      domain: 'global',
      reason: 'deleted',
      message: 'Resource has been deleted',
    });
    const missing = await googleError(alice.events.get({ calendarId: 'primary', eventId: 'nosuchevent0' }));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Not Found');
  });
});

describe('conference data', () => {
  const addOnConference = {
    conferenceId: 'conf-42',
    conferenceSolution: { key: { type: 'addOn' }, name: 'Acme Meet', iconUri: 'https://example.com/i.png' },
    entryPoints: [
      { entryPointType: 'video', uri: 'https://meet.example.com/42', label: 'meet.example.com/42' },
    ],
    parameters: { addOnParameters: { parameters: { conferenceId: 'conf-42' } } },
  };

  test('conferenceData is ignored without conferenceDataVersion=1 and kept with it', async () => {
    const base = { summary: 'c', start: timed('2025-04-01T09:00:00'), end: timed('2025-04-01T10:00:00') };
    const v0 = await alice.events.insert({
      calendarId: 'primary',
      requestBody: { ...base, conferenceData: addOnConference },
    });
    expect(v0.data.conferenceData).toBeUndefined();
    const v1 = await alice.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody: { ...base, conferenceData: addOnConference },
    });
    expect(v1.data.conferenceData).toEqual(addOnConference);
    // A later patch without the version keeps what is stored.
    const patched = await alice.events.patch({
      calendarId: 'primary',
      eventId: v1.data.id!,
      requestBody: { summary: 'renamed', conferenceData: null as any },
    });
    expect(patched.data.conferenceData).toEqual(addOnConference);
  });

  test('conference data breaking the documented limits is a 400', async () => {
    const base = { summary: 'c', start: timed('2025-04-01T09:00:00'), end: timed('2025-04-01T10:00:00') };
    const cases = [
      { ...addOnConference, notes: 'n'.repeat(2049) },
      {
        ...addOnConference,
        entryPoints: [{ entryPointType: 'video', uri: `https://x/${'a'.repeat(1300)}` }],
      },
      { ...addOnConference, entryPoints: [{ entryPointType: 'more', uri: 'https://x/more' }] },
      { ...addOnConference, entryPoints: [{ entryPointType: 'phone', uri: 'https://not-tel' }] },
      { ...addOnConference, entryPoints: [] },
    ];
    for (const conferenceData of cases) {
      const bad = await googleError(
        alice.events.insert({
          calendarId: 'primary',
          conferenceDataVersion: 1,
          requestBody: { ...base, conferenceData },
        }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.errors[0].reason).toBe('invalid');
    }
  });
});

describe('recurring instances', () => {
  test('instances of a weekly series keep their wall-clock time across DST and have Google ids', async () => {
    const series = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'weekly',
        start: timed('2025-03-03T07:30:00'),
        end: timed('2025-03-03T08:15:00'),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=MO'],
      },
    });
    const res = await alice.events.instances({ calendarId: 'primary', eventId: series.data.id! });
    const items = res.data.items!;
    expect(items.map((i) => i.id)).toEqual([
      `${series.data.id}_20250303T133000Z`,
      `${series.data.id}_20250310T123000Z`,
      `${series.data.id}_20250317T123000Z`,
    ]);
    expect(items.map((i) => i.start!.dateTime)).toEqual([
      '2025-03-03T07:30:00-06:00',
      '2025-03-10T07:30:00-05:00',
      '2025-03-17T07:30:00-05:00',
    ]);
    expect(items[1].recurringEventId).toBe(series.data.id);
    expect(items[1].originalStartTime).toEqual({
      dateTime: '2025-03-10T07:30:00-05:00',
      timeZone: 'America/Chicago',
    });
  });

  test('cancelling one occurrence shows up in the next incremental sync with the master re-sent', async () => {
    const series = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'daily',
        start: timed('2025-03-24T08:00:00'),
        end: timed('2025-03-24T09:00:00'),
        recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      },
    });
    const full = await alice.events.list({ calendarId: 'primary' });
    const instanceId = `${series.data.id}_20250325T130000Z`;
    await alice.events.delete({ calendarId: 'primary', eventId: instanceId });
    const inc = await alice.events.list({ calendarId: 'primary', syncToken: full.data.nextSyncToken! });
    const byId = new Map(inc.data.items!.map((e) => [e.id, e]));
    expect(byId.get(series.data.id!)!.status).toBe('confirmed');
    expect(byId.get(instanceId)).toEqual({
      kind: 'calendar#event',
      etag: byId.get(series.data.id!)!.etag,
      id: instanceId,
      status: 'cancelled',
      recurringEventId: series.data.id,
      originalStartTime: { dateTime: '2025-03-25T08:00:00-05:00', timeZone: 'America/Chicago' },
    });
    const expanded = await alice.events.list({ calendarId: 'primary', singleEvents: true });
    expect(expanded.data.items!.map((e) => e.id)).not.toContain(instanceId);
    expect(expanded.data.items).toHaveLength(4);
  });
});

describe('listing options through the client', () => {
  test('singleEvents with orderBy=startTime interleaves instances and single events by start, without a sync token', async () => {
    await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'daily',
        start: timed('2025-04-01T09:00:00'),
        end: timed('2025-04-01T09:30:00'),
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      },
    });
    await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'single',
        start: timed('2025-04-02T08:00:00'),
        end: timed('2025-04-02T08:30:00'),
      },
    });
    const res = await alice.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime' });
    expect(res.data.items!.map((e) => `${e.summary} ${e.start!.dateTime}`)).toEqual([
      'daily 2025-04-01T09:00:00-05:00',
      'single 2025-04-02T08:00:00-05:00',
      'daily 2025-04-02T09:00:00-05:00',
      'daily 2025-04-03T09:00:00-05:00',
    ]);
    expect(res.data.nextSyncToken).toBeUndefined();
    const bad = await googleError(alice.events.list({ calendarId: 'primary', orderBy: 'startTime' }));
    expect(bad.status).toBe(400);
  });

  test('the instances endpoint pages with nextPageToken and never gives a sync token', async () => {
    const series = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'weekly',
        start: { date: '2025-04-07' },
        end: { date: '2025-04-08' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      },
    });
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await alice.events.instances({
        calendarId: 'primary',
        eventId: series.data.id!,
        maxResults: 2,
        pageToken,
      });
      expect(res.data.nextSyncToken).toBeUndefined();
      ids.push(...res.data.items!.map((e) => e.id!));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(ids).toEqual(
      ['20250407', '20250414', '20250421', '20250428', '20250505'].map((d) => `${series.data.id}_${d}`),
    );
  });
});

describe('two users', () => {
  test("an attendee gets a copy with the same id, the organizer's edits reach it, and the RSVP reaches the organizer", async () => {
    const bobFull = await bob.events.list({ calendarId: 'primary' });
    const ev = await alice.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'sync meeting',
        start: timed('2025-04-02T09:00:00'),
        end: timed('2025-04-02T10:00:00'),
        attendees: [{ email: A }, { email: B }],
      },
    });
    const copy = await bob.events.get({ calendarId: 'primary', eventId: ev.data.id! });
    expect(copy.data.summary).toBe('sync meeting');
    expect(copy.data.organizer).toEqual({ email: A });
    expect(copy.data.attendees!.find((a) => a.email === B)).toMatchObject({
      self: true,
      responseStatus: 'needsAction',
    });

    const aliceFull = await alice.events.list({ calendarId: 'primary' });
    await alice.events.patch({
      calendarId: 'primary',
      eventId: ev.data.id!,
      requestBody: { summary: 'moved meeting' },
    });
    const bobInc = await bob.events.list({ calendarId: 'primary', syncToken: bobFull.data.nextSyncToken! });
    expect(bobInc.data.items!.map((e) => [e.id, e.summary])).toEqual([[ev.data.id, 'moved meeting']]);

    await bob.events.patch({
      calendarId: 'primary',
      eventId: ev.data.id!,
      requestBody: { attendees: [{ email: B, responseStatus: 'accepted' }] },
    });
    const aliceInc = await alice.events.list({
      calendarId: 'primary',
      syncToken: aliceFull.data.nextSyncToken!,
    });
    const seenByAlice = aliceInc.data.items!.find((e) => e.id === ev.data.id)!;
    expect(seenByAlice.attendees!.find((a) => a.email === B)!.responseStatus).toBe('accepted');
    expect(seenByAlice.summary).toBe('moved meeting');
  });
});

describe('fault and latency injection', () => {
  test('an injected 429 rateLimitExceeded fails the next matching request only', async () => {
    await emu.raw('/emulator/v1/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        pathPattern: '/events$',
        status: 429,
        reason: 'rateLimitExceeded',
        count: 1,
      }),
    });
    const failed = await googleError(alice.events.list({ calendarId: 'primary' }));
    expect(failed.status).toBe(429);
    expect(failed.body.error.errors[0]).toEqual({
      domain: 'usageLimits',
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    });
    const ok = await alice.events.list({ calendarId: 'primary' });
    expect(ok.status).toBe(200);
  });

  test('latency delays every API response', async () => {
    await emu.raw('/emulator/v1/latency', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 150 }),
    });
    const t0 = Date.now();
    await alice.events.list({ calendarId: 'primary' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await emu.raw('/emulator/v1/latency', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 0 }),
    });
  });
});
