/**
 * The checkpoint: when the sync token is stored, per calendar, and how a rejected token leads to exactly one
 * bounded full sync (defects B3, B4, B5 of Google's sample must not come back).
 */
import { CalendarApiError, SyncTokenRejectedError } from '../../../src/core/errors';
import { anEvent, CAL, makeWorld, OTHER_CAL, START_TIME } from '../fakes';

const DAY = 24 * 60 * 60 * 1000;

describe('sync token', () => {
  it('stores the token after a page holding a deleted event', () => {
    const w = makeWorld();
    w.calendar.put(CAL, anEvent().withId('keep1').build());
    w.calendar.put(CAL, anEvent().withId('gone1').build());
    w.sync();
    const first = w.store.getSyncToken(CAL);
    w.calendar.remove(CAL, 'gone1');

    const report = w.sync();

    expect(report).toMatchObject({
      mode: 'incremental',
      pages: 1,
      eventsSeen: 1,
      tokenStored: true,
      failures: [],
    });
    expect(w.store.getSyncToken(CAL)).not.toBe(first);
    expect(w.calendar.listRequests.at(-1)?.request).toEqual({
      syncToken: first,
      maxResults: 2500,
      showDeleted: true,
    });
  });

  it('stores the token when the incremental page is empty', () => {
    const w = makeWorld();
    w.sync();

    const report = w.sync();

    expect(report).toMatchObject({ mode: 'incremental', pages: 1, eventsSeen: 0, tokenStored: true });
    expect(w.store.getSyncToken(CAL)).toEqual(expect.any(String));
  });

  it('pages to the last page and stores only the last page token', () => {
    const w = makeWorld();
    for (let i = 0; i < 5; i++) w.calendar.put(CAL, anEvent().withId(`evt${i}`).build());
    const report = w.sync(CAL, { pageSize: 2 });
    expect(report).toMatchObject({ pages: 3, eventsSeen: 5, tokenStored: true });
    const requests = w.calendar.listRequests.map((r) => r.request);
    expect(requests.map((r) => r.pageToken)).toEqual([undefined, 'page-1', 'page-2']);
    expect(requests.every((r) => r.maxResults === 2)).toBe(true);
  });

  it('tokens are per calendar', () => {
    const w = makeWorld();
    w.calendar.put(CAL, anEvent().withId('mine1').build());
    w.calendar.put(OTHER_CAL, anEvent().withId('team1').build());
    w.sync(CAL);
    w.sync(OTHER_CAL);
    const mine = w.store.getSyncToken(CAL);
    const team = w.store.getSyncToken(OTHER_CAL);
    expect(mine).not.toBeNull();
    expect(team).not.toBe(mine);

    w.calendar.put(OTHER_CAL, anEvent().withId('team2').build());
    const report = w.sync(OTHER_CAL);

    expect(report).toMatchObject({ mode: 'incremental', eventsSeen: 1, tokenStored: true });
    expect(w.calendar.listRequests.at(-1)).toMatchObject({
      calendarId: OTHER_CAL,
      request: { syncToken: team },
    });
    expect(w.store.getSyncToken(CAL)).toBe(mine);
  });

  it('the first run is a bounded full sync without orderBy or updatedMin', () => {
    const w = makeWorld();
    const report = w.sync();
    expect(report).toMatchObject({ mode: 'full', fullSyncReason: 'no-token', tokenStored: true });
    expect(w.calendar.listRequests[0].request).toEqual({
      timeMin: new Date(START_TIME - DAY).toISOString(),
      maxResults: 2500,
      showDeleted: true,
    });
  });

  it('a 410 leads to one bounded full sync', () => {
    const w = makeWorld();
    w.sync();
    w.calendar.put(CAL, anEvent().withId('new1').build());
    w.calendar.expireTokens(CAL);

    const report = w.sync(CAL, { fullSyncLookbackMs: 2 * DAY });

    expect(report).toMatchObject({
      mode: 'full',
      fullSyncReason: 'token-expired',
      tokenStored: true,
      eventsSeen: 1,
    });
    const requests = w.calendar.listRequests.slice(1).map((r) => r.request);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual({
      timeMin: new Date(START_TIME - 2 * DAY).toISOString(),
      maxResults: 2500,
      showDeleted: true,
    });
    expect(w.sync()).toMatchObject({ mode: 'incremental', tokenStored: true });
  });

  it('a 400 Invalid sync token leads to one bounded full sync', () => {
    const w = makeWorld();
    w.store.setSyncToken(CAL, 'corrupt-token');

    const report = w.sync();

    expect(report).toMatchObject({ mode: 'full', fullSyncReason: 'token-invalid', tokenStored: true });
    expect(w.calendar.listRequests.map((r) => r.request.syncToken)).toEqual(['corrupt-token', undefined]);
    expect(w.store.getSyncToken(CAL)).not.toBe('corrupt-token');
  });

  it('a rejected token during the full sync is not retried again', () => {
    const w = makeWorld();
    w.store.setSyncToken(CAL, 'old');
    w.calendar.failNextList(
      new SyncTokenRejectedError('expired', 'Sync token is no longer valid, a full sync is required.'),
      new SyncTokenRejectedError('expired', 'Sync token is no longer valid, a full sync is required.'),
    );

    const report = w.sync();

    expect(w.calendar.listRequests).toHaveLength(2);
    expect(report).toMatchObject({
      mode: 'full',
      tokenStored: false,
      incomplete: 'token-rejected-during-full-sync',
    });
    expect(report.failures).toHaveLength(1);
    expect(w.store.getSyncToken(CAL)).toBeNull();
  });

  it('the page loop stops at maxPages without storing a token', () => {
    const w = makeWorld();
    w.sync();
    const token = w.store.getSyncToken(CAL);
    for (let i = 0; i < 7; i++) w.calendar.put(CAL, anEvent().withId(`evt${i}`).build());

    const report = w.sync(CAL, { pageSize: 2, maxPages: 3 });

    expect(report).toMatchObject({ pages: 3, eventsSeen: 6, tokenStored: false, incomplete: 'max-pages' });
    expect(report.failures[0]).toMatchObject({ willRetry: true });
    expect(w.store.getSyncToken(CAL)).toBe(token);
    expect(w.log.messages('warn').some((m) => m.includes('stopped early'))).toBe(true);
  });

  it('a non-retryable Calendar error while listing propagates and leaves the token alone', () => {
    const w = makeWorld();
    w.sync();
    const token = w.store.getSyncToken(CAL);
    w.calendar.failNextList(
      new CalendarApiError('Forbidden', { status: 403, reason: 'forbidden', retryable: false }),
    );
    expect(() => w.sync()).toThrow(CalendarApiError);
    expect(w.store.getSyncToken(CAL)).toBe(token);
  });

  it('a retryable Calendar error while listing is reported and leaves the token alone', () => {
    const w = makeWorld();
    w.sync();
    const token = w.store.getSyncToken(CAL);
    w.calendar.failNextList(new CalendarApiError('Backend Error', { status: 503, retryable: true }));
    const report = w.sync();
    expect(report).toMatchObject({ tokenStored: false, incomplete: 'calendar-unavailable' });
    expect(w.store.getSyncToken(CAL)).toBe(token);
  });

  it("processes a page passed on with the envelope fields of Google's response", () => {
    const w = makeWorld();
    w.calendar.put(CAL, anEvent().withId('evt1').build());
    const list = w.calendar.listEvents.bind(w.calendar);
    jest.spyOn(w.calendar, 'listEvents').mockImplementation((calendarId, request) => ({
      kind: 'calendar#events',
      etag: '"p32nsfe61kqioo0o"',
      timeZone: 'America/Chicago',
      ...list(calendarId, request),
    }));
    expect(w.sync()).toMatchObject({ eventsSeen: 1, tokenStored: true });
  });

  it('logs a one-line summary', () => {
    const w = makeWorld();
    w.sync();
    expect(w.log.messages('info')).toEqual([
      expect.stringMatching(/^sync organizer@example.com: full \(no-token\), pages 1, .*token stored$/),
    ]);
  });
});
