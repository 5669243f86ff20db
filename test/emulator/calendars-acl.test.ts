/**
 * Calendars, calendar lists and ACLs through Google's client: real existence (an unknown calendar is
 * Google's 404 and a read creates nothing), per-calendar summary and time zone, the `timeZone`
 * parameter, and ACL roles enforced with Google's codes (404 without access, 403 requiredAccessLevel
 * below the needed role — wording from public captures of Google's answers), `accessRole` on
 * envelopes, free/busy readers seeing only times.
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

const meeting = (extra: object = {}) => ({
  summary: 'Planning',
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
  ...extra,
});

describe('existence', () => {
  test('an e-mail id is a primary calendar that exists virtually: readable, empty, and reading stores nothing', async () => {
    const res = await alice.events.list({ calendarId: 'primary' });
    expect(res.data).toMatchObject({ summary: A, accessRole: 'owner', timeZone: 'UTC', items: [] });
    expect(emu.engine.stats().calendars).toBe(0);
    // The token of the empty virtual calendar stays valid once the calendar is written to.
    await alice.events.insert({ calendarId: 'primary', requestBody: meeting() });
    const inc = await alice.events.list({ calendarId: 'primary', syncToken: res.data.nextSyncToken! });
    expect(inc.data.items!.map((e) => e.summary)).toEqual(['Planning']);
  });

  test('an unknown secondary calendar id, and a non-e-mail id, are Google 404s for every method', async () => {
    for (const calendarId of ['c_nosuchcalendar@group.calendar.google.com', 'team-calendar']) {
      expect((await googleError(alice.events.list({ calendarId }))).body.error.errors[0].reason).toBe(
        'notFound',
      );
      expect((await googleError(alice.events.insert({ calendarId, requestBody: meeting() }))).status).toBe(
        404,
      );
      expect((await googleError(alice.calendars.get({ calendarId }))).status).toBe(404);
    }
    expect(emu.engine.stats().calendars).toBe(0);
  });
});

describe('calendars', () => {
  test('insert, get, patch (summary, time zone), and delete of a secondary calendar', async () => {
    const made = await alice.calendars.insert({
      requestBody: { summary: 'Team', description: 'shared', timeZone: 'Europe/Berlin' },
    });
    expect(made.data).toMatchObject({
      kind: 'calendar#calendar',
      summary: 'Team',
      description: 'shared',
      timeZone: 'Europe/Berlin',
    });
    const id = made.data.id!;
    expect(id).toMatch(/^c_[0-9a-v]{26}@group\.calendar\.google\.com$/);
    // Times without their own zone are written in the calendar's zone; the envelope carries its summary and zone.
    const ev = await alice.events.insert({
      calendarId: id,
      requestBody: {
        summary: 'x',
        start: { dateTime: '2025-04-01T07:00:00Z' },
        end: { dateTime: '2025-04-01T08:00:00Z' },
      },
    });
    expect(ev.data.start!.dateTime).toBe('2025-04-01T09:00:00+02:00');
    expect(ev.data.organizer).toEqual({ email: id, displayName: 'Team', self: true });
    const list = await alice.events.list({ calendarId: id });
    expect(list.data).toMatchObject({ summary: 'Team', description: 'shared', timeZone: 'Europe/Berlin' });
    // The timeZone parameter rewrites zone-less times and the envelope (Google: "Time zone used in the response").
    const inChicago = await alice.events.list({ calendarId: id, timeZone: 'America/Chicago' });
    expect(inChicago.data.timeZone).toBe('America/Chicago');
    expect(inChicago.data.items![0].start!.dateTime).toBe('2025-04-01T02:00:00-05:00');

    const patched = await alice.calendars.patch({ calendarId: id, requestBody: { summary: 'Team 2' } });
    expect(patched.data).toMatchObject({ summary: 'Team 2', timeZone: 'Europe/Berlin' });
    expect(
      (await googleError(alice.calendars.patch({ calendarId: id, requestBody: { timeZone: 'Mars/Base' } })))
        .status,
    ).toBe(400);
    expect(
      (await googleError(bob.calendars.patch({ calendarId: id, requestBody: { summary: 'mine' } }))).status,
    ).toBe(404);

    const entries = await alice.calendarList.list();
    expect(entries.data.items!.map((e) => [e.id, e.accessRole, e.primary ?? false])).toEqual([
      [A, 'owner', true],
      [id, 'owner', false],
    ]);
    await alice.calendars.delete({ calendarId: id });
    expect((await googleError(alice.events.list({ calendarId: id }))).status).toBe(404);
    expect((await alice.calendarList.list()).data.items!.map((e) => e.id)).toEqual([A]);
    // A primary calendar cannot be deleted, only cleared.
    expect((await googleError(alice.calendars.delete({ calendarId: 'primary' }))).status).toBe(400);
  });

  test('calendars.clear deletes every event of a primary calendar; attendees see the cancellation', async () => {
    await alice.events.insert({ calendarId: 'primary', requestBody: meeting({ attendees: [{ email: B }] }) });
    await alice.events.insert({ calendarId: 'primary', requestBody: meeting({ summary: 'Other' }) });
    await alice.calendars.clear({ calendarId: 'primary' });
    expect((await alice.events.list({ calendarId: 'primary' })).data.items).toEqual([]);
    const bobs = await bob.events.list({ calendarId: 'primary', showDeleted: true });
    expect(bobs.data.items!.map((e) => e.status)).toEqual(['cancelled']);
  });
});

describe('ACL', () => {
  test('without a rule another user gets 404; reader reads, writer writes, owner manages the ACL', async () => {
    const ev = (await alice.events.insert({ calendarId: 'primary', requestBody: meeting() })).data;
    expect((await googleError(bob.events.list({ calendarId: A }))).status).toBe(404);
    expect((await googleError(bob.events.get({ calendarId: A, eventId: ev.id! }))).status).toBe(404);

    const rule = await alice.acl.insert({
      calendarId: 'primary',
      requestBody: { role: 'reader', scope: { type: 'user', value: B } },
    });
    expect(rule.data).toMatchObject({
      kind: 'calendar#aclRule',
      id: `user:${B}`,
      scope: { type: 'user', value: B },
      role: 'reader',
    });
    const asReader = await bob.events.list({ calendarId: A });
    expect(asReader.data.accessRole).toBe('reader');
    expect(asReader.data.items!.map((e) => e.summary)).toEqual(['Planning']);
    const denied = await googleError(
      bob.events.patch({ calendarId: A, eventId: ev.id!, requestBody: { summary: 'no' } }),
    );
    expect(denied).toEqual({
      status: 403,
      body: {
        error: {
          errors: [
            {
              domain: 'calendar',
              reason: 'requiredAccessLevel',
              message: 'You need to have writer access to this calendar.',
            },
          ],
          code: 403,
          message: 'You need to have writer access to this calendar.',
        },
      },
    });
    expect((await googleError(bob.acl.list({ calendarId: A }))).body.error.message).toBe(
      'You need to have owner access to this calendar.',
    );
    // The shared calendar shows up in Bob's calendar list with his role.
    expect((await bob.calendarList.get({ calendarId: A })).data).toMatchObject({
      id: A,
      accessRole: 'reader',
    });

    await alice.acl.patch({ calendarId: 'primary', ruleId: `user:${B}`, requestBody: { role: 'writer' } });
    const written = await bob.events.patch({
      calendarId: A,
      eventId: ev.id!,
      requestBody: { summary: 'Bob edited' },
    });
    expect(written.data.summary).toBe('Bob edited');

    const acl = await alice.acl.list({ calendarId: 'primary' });
    expect(acl.data.items!.map((r) => [r.id, r.role])).toEqual([
      [`user:${A}`, 'owner'],
      [`user:${B}`, 'writer'],
    ]);
    const since = acl.data.nextSyncToken!;
    await alice.acl.delete({ calendarId: 'primary', ruleId: `user:${B}` });
    const inc = await alice.acl.list({ calendarId: 'primary', syncToken: since });
    expect(inc.data.items!.map((r) => [r.id, r.role])).toEqual([[`user:${B}`, 'none']]);
    expect((await googleError(bob.events.list({ calendarId: A }))).status).toBe(404);
    // The owner's own rule cannot be changed.
    expect(
      (await googleError(alice.acl.delete({ calendarId: 'primary', ruleId: `user:${A}` }))).body.error
        .errors[0].reason,
    ).toBe('cannotChangeOwnAcl');
  });

  test('a free/busy reader sees only when events are; a reader sees private events as busy time only', async () => {
    await alice.events.insert({
      calendarId: 'primary',
      requestBody: meeting({ description: 'secret agenda' }),
    });
    await alice.events.insert({
      calendarId: 'primary',
      requestBody: meeting({
        summary: 'Doctor',
        visibility: 'private',
        start: timed('2025-04-02T09:00:00'),
        end: timed('2025-04-02T10:00:00'),
      }),
    });
    await alice.acl.insert({
      calendarId: 'primary',
      requestBody: { role: 'freeBusyReader', scope: { type: 'default' } },
    });
    const fb = await bob.events.list({ calendarId: A });
    expect(fb.data.accessRole).toBe('freeBusyReader');
    for (const item of fb.data.items!)
      expect(Object.keys(item).sort()).toEqual(['end', 'etag', 'id', 'kind', 'start', 'status', 'updated']);

    await alice.acl.insert({
      calendarId: 'primary',
      requestBody: { role: 'reader', scope: { type: 'domain', value: 'example.com' } },
    });
    const rd = await bob.events.list({ calendarId: A });
    expect(rd.data.accessRole).toBe('reader');
    expect(rd.data.items!.map((e) => e.summary)).toEqual(['Planning', undefined]);
  });

  test('the e2e shape keeps working: attendees get their copies whatever the organizer calendar ACL says', async () => {
    const ev = (
      await alice.events.insert({
        calendarId: 'primary',
        requestBody: meeting({ attendees: [{ email: B }] }),
      })
    ).data;
    const copy = await bob.events.get({ calendarId: 'primary', eventId: ev.id! });
    expect(copy.data.organizer).toEqual({ email: A });
    await bob.events.patch({
      calendarId: 'primary',
      eventId: ev.id!,
      requestBody: { attendees: [{ email: B, responseStatus: 'accepted' }] },
    });
    const org = await alice.events.get({ calendarId: 'primary', eventId: ev.id! });
    expect(org.data.attendees!.find((a) => a.email === B)!.responseStatus).toBe('accepted');
  });
});

describe('calendarList', () => {
  test('insert a shared calendar, patch its presentation, hide it, delete it; paging and incremental sync', async () => {
    const team = (await bob.calendars.insert({ requestBody: { summary: 'Bob team' } })).data.id!;
    // Not shared yet: not insertable.
    expect((await googleError(alice.calendarList.insert({ requestBody: { id: team } }))).status).toBe(404);
    await bob.acl.insert({
      calendarId: team,
      requestBody: { role: 'reader', scope: { type: 'domain', value: 'example.com' } },
    });
    const first = await alice.calendarList.list();
    const token = first.data.nextSyncToken!;
    const added = await alice.calendarList.insert({ requestBody: { id: team, summaryOverride: 'Bobs' } });
    expect(added.data).toMatchObject({
      id: team,
      summary: 'Bob team',
      summaryOverride: 'Bobs',
      accessRole: 'reader',
    });
    const patched = await alice.calendarList.patch({
      calendarId: team,
      requestBody: { colorId: '7', hidden: true },
    });
    expect(patched.data).toMatchObject({ colorId: '7', hidden: true, summaryOverride: 'Bobs' });
    expect((await alice.calendarList.list()).data.items!.map((e) => e.id)).toEqual([A]);
    expect((await alice.calendarList.list({ showHidden: true })).data.items!.map((e) => e.id)).toEqual([
      A,
      team,
    ]);
    expect(
      (await alice.calendarList.list({ minAccessRole: 'owner', showHidden: true })).data.items!.map(
        (e) => e.id,
      ),
    ).toEqual([A]);
    const inc = await alice.calendarList.list({ syncToken: token });
    expect(inc.data.items!.map((e) => e.id)).toEqual([team]);
    const page1 = await alice.calendarList.list({ showHidden: true, maxResults: 1 });
    expect(page1.data.items).toHaveLength(1);
    const page2 = await alice.calendarList.list({
      showHidden: true,
      maxResults: 1,
      pageToken: page1.data.nextPageToken!,
    });
    expect(page2.data.items!.map((e) => e.id)).toEqual([team]);
    expect(page2.data.nextSyncToken).toBeTruthy();

    await alice.calendarList.delete({ calendarId: team });
    expect((await googleError(alice.calendarList.get({ calendarId: team }))).status).toBe(404);
    expect((await googleError(alice.calendarList.delete({ calendarId: 'primary' }))).status).toBe(400);
    expect((await alice.calendarList.list({ syncToken: token })).data.items).toEqual([
      expect.objectContaining({ id: team, deleted: true }),
    ]);
    expect(
      (await googleError(alice.calendarList.patch({ calendarId: A, requestBody: { colorId: '99' } }))).status,
    ).toBe(400);
  });
});
