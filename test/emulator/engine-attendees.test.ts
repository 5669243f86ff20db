/**
 * Engine unit tests for several users: attendee copies (same id, own responseStatus, own etag),
 * the organizer's edits and deletions reaching the copies, an attendee's RSVP reaching the
 * organizer — each a change in the affected calendars' logs — plus the Apps Script error form.
 */
import { appsScriptEvents } from '../../local/calendar-emulator/engine/apps-script';
import { Errors, toAppsScriptError } from '../../local/calendar-emulator/engine/errors';
import { newEngine, timed } from './helpers';

const A = 'alice@example.com';
const B = 'bob@example.com';
const C = 'carol@example.com';

function meeting(attendees: object[]) {
  return {
    summary: 'meeting',
    start: timed('2025-04-02T09:00:00'),
    end: timed('2025-04-02T10:00:00'),
    attendees,
  };
}

describe('attendee copies', () => {
  test("an attendee's copy has the same id and iCalUID, its own etag, and self flags for its owner", () => {
    const { engine, clock } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: A }, { email: B }]));
    clock.advance(5);
    const copy = engine.get(B, 'primary', ev.id!);
    expect(copy.id).toBe(ev.id);
    expect(copy.iCalUID).toBe(ev.iCalUID);
    expect(copy.organizer).toEqual({ email: A });
    expect(copy.attendees).toEqual([
      // The organizer's own entry is accepted, as Google shows it (fixtures §4.1 shows the same for a room).
      { email: A, organizer: true, responseStatus: 'accepted' },
      { email: B, self: true, responseStatus: 'needsAction' },
    ]);
    expect(ev.organizer).toEqual({ email: A, self: true });
  });

  test("the organizer's edit is a change in every attendee's log", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }, { email: C }]));
    const tb = engine.list(B, 'primary').nextSyncToken;
    const tc = engine.list(C, 'primary').nextSyncToken;
    engine.patch(A, A, ev.id!, { summary: 'moved' });
    expect(engine.list(B, 'primary', { syncToken: tb }).items.map((e) => e.summary)).toEqual(['moved']);
    expect(engine.list(C, 'primary', { syncToken: tc }).items.map((e) => e.summary)).toEqual(['moved']);
  });

  test("an attendee's RSVP reaches the organizer's event and the other attendees' copies", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }, { email: C }]));
    const ta = engine.list(A, 'primary').nextSyncToken;
    const tc = engine.list(C, 'primary').nextSyncToken;
    engine.patch(B, 'primary', ev.id!, { attendees: [{ email: B, responseStatus: 'accepted' }] });
    const [seenByA] = engine.list(A, 'primary', { syncToken: ta }).items;
    expect(seenByA.attendees!.find((a) => a.email === B)!.responseStatus).toBe('accepted');
    expect(seenByA.attendees!.find((a) => a.email === C)!.responseStatus).toBe('needsAction');
    const [seenByC] = engine.list(C, 'primary', { syncToken: tc }).items;
    expect(seenByC.attendees!.find((a) => a.email === B)!.responseStatus).toBe('accepted');
  });

  test("an attendee cannot change the organizer's fields through their copy", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }]));
    engine.patch(B, 'primary', ev.id!, { summary: 'hijacked' });
    expect(engine.get(A, A, ev.id!).summary).toBe('meeting');
  });

  test("removing an attendee, or deleting the event, cancels the attendee's copy", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }, { email: C }]));
    const tb = engine.list(B, 'primary').nextSyncToken;
    engine.patch(A, A, ev.id!, { attendees: [{ email: C }] });
    expect(engine.list(B, 'primary', { syncToken: tb }).items).toEqual([
      { kind: 'calendar#event', etag: expect.any(String), id: ev.id, status: 'cancelled' },
    ]);
    const tc = engine.list(C, 'primary').nextSyncToken;
    engine.delete(A, A, ev.id!);
    expect(engine.list(C, 'primary', { syncToken: tc }).items.map((e) => e.status)).toEqual(['cancelled']);
  });

  test("an attendee deleting their copy declines on the organizer's event", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }]));
    engine.delete(B, 'primary', ev.id!);
    expect(engine.get(B, 'primary', ev.id!).status).toBe('cancelled');
    expect(engine.get(A, A, ev.id!).attendees![0].responseStatus).toBe('declined');
    // The organizer's later edits do not bring the removed copy back.
    engine.patch(A, A, ev.id!, { summary: 'still on' });
    expect(engine.get(B, 'primary', ev.id!).status).toBe('cancelled');
  });

  test('a room gets its own copy and accepts (fixtures §4.1: the room calendar has the event)', () => {
    const { engine } = newEngine();
    const room = 'c_188768fts4homhkshlt79oqef6i2e@resource.calendar.google.com';
    const ev = engine.insert(A, A, meeting([{ email: B }, { email: room, resource: true }]));
    const copy = engine.get(room, 'primary', ev.id!);
    expect(copy.attendees!.find((a) => a.email === room)).toEqual({
      email: room,
      self: true,
      resource: true,
      responseStatus: 'accepted',
    });
    expect(copy.organizer).toEqual({ email: A });
  });

  test('addresses that are not emulator users (isUser) get no copy', () => {
    const { engine } = newEngine({ isUser: (email) => email.endsWith('@example.com') });
    const ev = engine.insert(
      A,
      A,
      meeting([{ email: 'room@resource.example.com', resource: true }, { email: 'x@elsewhere.org' }]),
    );
    expect(() => engine.get('room@resource.example.com', 'primary', ev.id!)).toThrow('Not Found');
    expect(() => engine.get('x@elsewhere.org', 'primary', ev.id!)).toThrow('Not Found');
  });

  test("showDeleted on an attendee's calendar still gives a deleted event as a bare tombstone", () => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting([{ email: B }]));
    const tb = engine.list(B, 'primary', { showDeleted: true }).nextSyncToken;
    engine.delete(A, A, ev.id!);
    expect(Object.keys(engine.list(B, 'primary', { syncToken: tb, showDeleted: true }).items[0])).toEqual([
      'kind',
      'etag',
      'id',
      'status',
    ]);
  });
});

describe('Apps Script error form', () => {
  test('by default the message carries the "API call to calendar.events.<method> failed with error:" prefix', () => {
    const e = toAppsScriptError(Errors.fullSyncRequired(), 'list');
    expect(e.name).toBe('GoogleJsonResponseException');
    expect(e.message).toBe(
      'API call to calendar.events.list failed with error: Sync token is no longer valid, a full sync is required.',
    );
    expect(e.details).toEqual({
      code: 410,
      message: 'Sync token is no longer valid, a full sync is required.',
      errors: [
        {
          domain: 'calendar',
          reason: 'fullSyncRequired',
          message: 'Sync token is no longer valid, a full sync is required.',
          locationType: 'parameter',
          location: 'syncToken',
        },
      ],
    });
  });

  test('the bare switch gives the message alone, and remove is reported as events.delete', () => {
    const bare = newEngine({ appsScriptErrorPrefix: false }).engine;
    expect(bare.toAppsScriptError(Errors.notFound(), 'get').message).toBe('Not Found');
    const { engine } = newEngine();
    const Events = appsScriptEvents(engine, A);
    const ev = Events.insert({ start: { date: '2025-04-01' }, end: { date: '2025-04-02' } }, 'primary');
    Events.remove('primary', ev.id!);
    expect(() => Events.remove('primary', ev.id!)).toThrow(
      'API call to calendar.events.delete failed with error: Resource has been deleted',
    );
  });

  test('the Apps Script shape passes optional arguments and If-Match headers through', () => {
    const { engine } = newEngine();
    const Events = appsScriptEvents(engine, A);
    const ev = Events.insert(
      { summary: 'a', start: { date: '2025-04-01' }, end: { date: '2025-04-02' } },
      'primary',
    );
    const v2 = Events.patch({ summary: 'b' }, 'primary', ev.id!, {}, { 'If-Match': ev.etag! });
    expect(v2.summary).toBe('b');
    try {
      Events.update({ ...v2, summary: 'c' }, 'primary', ev.id!, {}, { 'If-Match': ev.etag! });
      throw new Error('expected a 412');
    } catch (e: any) {
      expect(e.message).toBe('API call to calendar.events.update failed with error: Precondition Failed');
      expect(e.details.code).toBe(412);
    }
    const page = Events.list('primary', { maxResults: 1 });
    expect(page.items).toHaveLength(1);
  });
});
