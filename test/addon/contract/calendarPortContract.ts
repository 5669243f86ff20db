/**
 * What every CalendarPort must do (calendar-api.md §1): full and incremental listing, pages, the token only on
 * the last page, deletions as cancelled ids, rejected tokens as SyncTokenRejectedError, getEvent → null when
 * missing, writeConference (If-Match: 'changed' on a stale etag), listWritableCalendars. Run against the Apps
 * Script adapter (over a stubbed service) and the core's FakeCalendar.
 */
import { SyncTokenRejectedError } from '../../../src/core/errors';
import type { CalendarPort, EventsPage } from '../../../src/core/ports';
import { sampleConference, thrownBy } from '../platform/stubs';

/** A CalendarPort plus the controls the suite needs to change the calendar behind it. */
export interface CalendarHarness {
  port: CalendarPort;
  put(calendarId: string, raw: Record<string, unknown>): void;
  remove(calendarId: string, eventId: string): void;
  expireTokens(calendarId: string): void;
}

const event = (id: string, summary = id) => ({
  id,
  status: 'confirmed',
  summary,
  start: { dateTime: '2026-12-01T10:00:00Z' },
  end: { dateTime: '2026-12-01T11:00:00Z' },
});

function listAll(port: CalendarPort, calendarId: string, syncToken?: string, maxResults = 2500) {
  const pages: EventsPage[] = [];
  let pageToken: string | undefined;
  do {
    const page = port.listEvents(calendarId, { syncToken, pageToken, maxResults, showDeleted: true });
    pages.push(page);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const ids = pages.flatMap((p) => p.items.map((i) => (i as { id: string }).id));
  return { pages, ids, token: pages[pages.length - 1].nextSyncToken };
}

export function describeCalendarPortContract(name: string, make: () => CalendarHarness): void {
  const CAL = 'alice@example.com';

  describe(`CalendarPort contract: ${name}`, () => {
    let h: CalendarHarness;
    beforeEach(() => {
      h = make();
    });

    it('a full sync lists every event and ends with a sync token', () => {
      h.put(CAL, event('ev1'));
      h.put(CAL, event('ev2'));
      const { ids, token } = listAll(h.port, CAL);
      expect(ids.sort()).toEqual(['ev1', 'ev2']);
      expect(token).toEqual(expect.any(String));
    });

    it('pages by maxResults and gives the sync token only on the last page', () => {
      for (const id of ['ev1', 'ev2', 'ev3']) h.put(CAL, event(id));
      const { pages, ids } = listAll(h.port, CAL, undefined, 2);
      expect(pages.map((p) => p.items.length)).toEqual([2, 1]);
      expect(pages[0].nextSyncToken).toBeUndefined();
      expect(pages[0].nextPageToken).toEqual(expect.any(String));
      expect(pages[1].nextPageToken).toBeUndefined();
      expect(ids.sort()).toEqual(['ev1', 'ev2', 'ev3']);
    });

    it('an incremental sync returns only what changed since the token, deletions as cancelled ids', () => {
      h.put(CAL, event('ev1'));
      h.put(CAL, event('ev2'));
      const first = listAll(h.port, CAL);
      h.put(CAL, event('ev2', 'renamed'));
      h.remove(CAL, 'ev1');
      const { pages, token } = listAll(h.port, CAL, first.token);
      const items = pages.flatMap((p) => p.items) as Array<{ id: string; status: string; summary?: string }>;
      expect(items.find((i) => i.id === 'ev1')).toMatchObject({ id: 'ev1', status: 'cancelled' });
      expect(items.find((i) => i.id === 'ev2')).toMatchObject({ summary: 'renamed' });
      expect(items).toHaveLength(2);
      expect(token).toEqual(expect.any(String));
      expect(listAll(h.port, CAL, token).ids).toEqual([]);
    });

    it('rejects an expired token as "expired"', () => {
      h.put(CAL, event('ev1'));
      const { token } = listAll(h.port, CAL);
      h.expireTokens(CAL);
      expect(
        thrownBy(
          () => h.port.listEvents(CAL, { syncToken: token, maxResults: 10, showDeleted: true }),
          SyncTokenRejectedError,
        ).reason,
      ).toBe('expired');
    });

    it('rejects a corrupt token, or another calendar\'s, as "invalid"', () => {
      h.put('bob@example.com', event('ev9'));
      const bobs = listAll(h.port, 'bob@example.com').token;
      for (const syncToken of ['not-a-token', bobs]) {
        expect(
          thrownBy(
            () => h.port.listEvents(CAL, { syncToken, maxResults: 10, showDeleted: true }),
            SyncTokenRejectedError,
          ).reason,
        ).toBe('invalid');
      }
    });

    it('gets an event by id, and null for one that does not exist', () => {
      h.put(CAL, event('ev1', 'Standup'));
      expect(h.port.getEvent(CAL, 'ev1')).toMatchObject({ id: 'ev1', summary: 'Standup' });
      expect(h.port.getEvent(CAL, 'missing')).toBeNull();
    });

    describe('writeConference', () => {
      const conference = sampleConference({
        id: 'c-77',
        joinUrl: 'https://meet.example.com/j/c-77',
        dialIn: { number: '+1 555 0100', pin: '4242' },
      });
      const etagOf = (eventId: string) => (h.port.getEvent(CAL, eventId) as { etag: string }).etag;

      it('writes the conference: get shows it, with a new etag, and the next incremental list returns it', () => {
        h.put(CAL, event('ev1'));
        const { token } = listAll(h.port, CAL);
        const before = etagOf('ev1');
        const result = h.port.writeConference(CAL, 'ev1', conference, before);
        expect(result.kind).toBe('written');
        const after = h.port.getEvent(CAL, 'ev1') as { etag: string; conferenceData?: Record<string, any> };
        expect(after).toMatchObject({ id: 'ev1', summary: 'ev1' });
        expect(after.conferenceData).toMatchObject({
          conferenceId: 'c-77',
          conferenceSolution: { key: { type: 'addOn' } },
        });
        expect(after.etag).not.toBe(before);
        if (result.kind === 'written' && result.etag !== undefined) expect(result.etag).toBe(after.etag);
        const changed = listAll(h.port, CAL, token).pages.flatMap((p) => p.items) as Array<{
          id: string;
          conferenceData?: { conferenceId?: string };
        }>;
        expect(changed.map((i) => [i.id, i.conferenceData?.conferenceId])).toEqual([['ev1', 'c-77']]);
      });

      it('answers "changed" and writes nothing when the etag is stale', () => {
        h.put(CAL, event('ev1'));
        const stale = etagOf('ev1');
        h.put(CAL, event('ev1', 'renamed'));
        const current = h.port.getEvent(CAL, 'ev1');
        expect(h.port.writeConference(CAL, 'ev1', conference, stale)).toEqual({ kind: 'changed' });
        expect(h.port.getEvent(CAL, 'ev1')).toEqual(current);
        expect((current as { conferenceData?: unknown }).conferenceData).toBeUndefined();
      });
    });

    it('lists the primary calendar among the writable calendars', () => {
      const ids = h.port.listWritableCalendars();
      expect(ids).toContain(CAL);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
}
