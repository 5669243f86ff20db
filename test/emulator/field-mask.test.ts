/**
 * Partial responses (`fields`): a response holds only the selected fields, and a selection Google would refuse
 * (an unknown field, a malformed one) is its 400 before anything runs — through the HTTP front with Google's
 * own client, and through the Apps Script form of `Calendar.Events`.
 */
import { appsScriptEvents } from '../../local/calendar-emulator/engine/apps-script';
import { newEngine, startEmulator, timed } from './helpers';

const ALICE = 'alice@example.com';
const EVENT = {
  summary: 'Planning',
  start: timed('2025-03-24T10:00:00'),
  end: timed('2025-03-24T11:00:00'),
  attendees: [{ email: 'bob@example.com' }],
};

describe('fields (partial responses)', () => {
  it('returns only the selected fields, nested ones included, through the official client', async () => {
    const emulator = await startEmulator();
    try {
      const api = emulator.client(ALICE);
      await api.events.insert({ calendarId: 'primary', requestBody: EVENT });
      const { data } = await api.events.list({
        calendarId: 'primary',
        fields: 'items(id,summary,start/dateTime,attendees(email)),nextSyncToken',
      });
      expect(Object.keys(data).sort()).toEqual(['items', 'nextSyncToken']);
      expect(data.items).toEqual([
        {
          id: expect.any(String),
          summary: 'Planning',
          start: { dateTime: '2025-03-24T10:00:00-05:00' },
          attendees: [{ email: 'bob@example.com' }],
        },
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('answers an unknown or malformed selection with a 400 naming it, and runs nothing', async () => {
    const emulator = await startEmulator();
    try {
      for (const fields of [
        'items(id,conferenceData(conferenceID))',
        'items(id',
        'items/summary/x',
        'nope',
      ]) {
        const res = await emulator.raw(
          `/calendar/v3/calendars/primary/events?fields=${encodeURIComponent(fields)}`,
          { user: ALICE },
        );
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: { message: string } };
        expect(body.error.message).toBe(`Invalid field selection ${fields}`);
      }
      // A write with a bad selection is refused before it is made.
      const res = await emulator.raw('/calendar/v3/calendars/primary/events?fields=bogus', {
        user: ALICE,
        method: 'POST',
        body: JSON.stringify(EVENT),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(emulator.engine.list(ALICE, ALICE).items).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it('applies in the Apps Script form too, where a bad selection is the thrown exception', () => {
    const { engine } = newEngine();
    const events = appsScriptEvents(engine, ALICE);
    const created = events.insert(EVENT, ALICE);
    expect(events.get(ALICE, created.id!, { fields: 'id,status' })).toEqual({
      id: created.id,
      status: 'confirmed',
    });
    expect(() => events.list(ALICE, { fields: 'items(id,summry)' })).toThrow(
      'API call to calendar.events.list failed with error: Invalid field selection items(id,summry)',
    );
  });
});
