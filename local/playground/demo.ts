/**
 * The demo npm start plays: everything a user does to an event with Conference Sync, each step through the
 * emulator's public API (as Calendar's UI would), then waiting for the runtime to fire the trigger and for the
 * conference to follow. Covers create, rename, move, add a guest, RSVP only (no conference API call), a weekly
 * series with one occurrence moved and one cancelled, delete, remove the conference, and bob (an attendee who has
 * the add-on too) editing his copy without touching alice's conference.
 */
import { DateTime } from 'luxon';
import { ConferenceApiError } from '../conference-server/client';
import { ALICE, BOB, type Playground } from './playground';
import { conferenceOrNull, differences } from './sync-check';

const ZONE = 'Europe/Paris';

export interface DemoResult {
  steps: number;
  failedSteps: string[];
}

/** Local wall time `days` from today at hh:mm in Paris, as RFC 3339 with offset. */
function at(days: number, hh: number, mm = 0): string {
  return DateTime.now()
    .setZone(ZONE)
    .plus({ days })
    .set({ hour: hh, minute: mm, second: 0, millisecond: 0 })
    .toISO({ suppressMilliseconds: true }) as string;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function playDemo(p: Playground): Promise<DemoResult> {
  const failedSteps: string[] = [];
  let steps = 0;
  const step = async (title: string, body: () => Promise<void>) => {
    steps++;
    p.emit('step', title);
    try {
      await body();
    } catch (e) {
      const message =
        e instanceof ConferenceApiError ? `conference server: ${e.message}` : (e as Error).message;
      failedSteps.push(`${title}: ${message}`);
      p.emit('error', `step failed: ${message}`);
    }
  };
  /** The conference matches its event (fields and occurrence overrides). */
  const followed = (eventId: string, conferenceId: string) => async () => {
    const event = await p.calendar.get(ALICE, ALICE, eventId);
    const all = await p.calendar.list(ALICE, ALICE, true);
    const c = await conferenceOrNull(p.conferences, conferenceId);
    return (
      c !== null &&
      differences(
        event,
        all.filter((x) => x.recurringEventId === eventId),
        c,
      ).length === 0
    );
  };
  const gone = (conferenceId: string) => async () =>
    (await conferenceOrNull(p.conferences, conferenceId)) === null;
  /**
   * A deletion is sent only after its grace period (ten minutes) by a later run of the add-on, its hourly sweep
   * here: the clock is fast-forwarded half an hour at a time (firing the sweep) until the conference is gone.
   */
  const goneAfterGrace = (conferenceId: string) => async () => {
    if (await gone(conferenceId)()) return true;
    p.fastForward(30 * 60 * 1000);
    return false;
  };
  /** Waits for a trigger run of `user` that started after `mark`, and returns how many conference writes it made. */
  const triggerRunsAfter = async (user: string, mark: number) => {
    await waitFor(`${user}'s EventUpdated trigger`, async () =>
      p.runtime.executions.some((r) => r.id > mark && r.user === user && r.cause === 'EventUpdated'),
    );
  };
  const writesSince = (fetchMark: number) =>
    p.runtime.fetches.slice(fetchMark).filter((f) => f.method !== 'GET');
  const lastExecution = () => p.runtime.executions.at(-1)?.id ?? 0;

  let review = { id: '', conferenceId: '' };
  await step('alice creates "Design review" with Conference Sync (bob invited)', async () => {
    const { eventId, conferenceId } = await p.createEventWithConference(ALICE, {
      summary: 'Design review',
      start: at(1, 10),
      end: at(1, 11),
      attendees: [BOB],
    });
    review = { id: eventId, conferenceId };
    await waitFor('the conference to match the new event', followed(review.id, conferenceId));
  });
  await step('alice renames it to "Design review: checkout flow"', async () => {
    await p.edit(ALICE, review.id, { summary: 'Design review: checkout flow' });
    await waitFor('the new title on the conference', followed(review.id, review.conferenceId));
  });
  await step('alice moves it one hour later', async () => {
    await p.move(ALICE, review.id, 60);
    await waitFor('the new times on the conference', followed(review.id, review.conferenceId));
  });
  await step('alice adds carol@example.com as a guest', async () => {
    const event = await p.calendar.get(ALICE, ALICE, review.id);
    await p.edit(ALICE, review.id, {
      attendees: [...(event.attendees ?? []), { email: 'carol@example.com' }],
    });
    await waitFor('carol on the conference', followed(review.id, review.conferenceId));
  });
  await step('bob accepts the invitation (an RSVP only: no conference API call)', async () => {
    const mark = lastExecution();
    const fetchMark = p.runtime.fetches.length;
    const copy = await p.calendar.get(BOB, BOB, review.id);
    await p.calendar.patch(BOB, BOB, review.id, {
      attendees: (copy.attendees ?? []).map((a) =>
        a.email === BOB ? { ...a, responseStatus: 'accepted' } : a,
      ),
    });
    await triggerRunsAfter(ALICE, mark);
    const writes = writesSince(fetchMark);
    if (writes.length > 0) throw new Error(`the RSVP made ${writes.length} conference API write(s)`);
  });

  let series = { id: '', conferenceId: '' };
  await step('alice creates a weekly "Team sync" (4 meetings) with Conference Sync', async () => {
    const { eventId, conferenceId } = await p.createEventWithConference(ALICE, {
      summary: 'Team sync',
      start: at(2, 9, 30),
      end: at(2, 10),
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });
    series = { id: eventId, conferenceId };
    await waitFor('the series on the conference', followed(series.id, conferenceId));
  });
  await step('alice moves the second meeting 30 minutes later and cancels the third', async () => {
    const instances = await p.instances(ALICE, series.id);
    if (instances.length < 3) throw new Error(`the series has ${instances.length} instances`);
    await p.move(ALICE, instances[1].id as string, 30);
    await p.cancelOccurrence(ALICE, instances[2].id as string);
    await waitFor('both occurrence overrides on the conference', followed(series.id, series.conferenceId));
  });

  await step(
    'alice creates "Lunch & learn" with Conference Sync, then deletes the event (the conference goes after a grace period)',
    async () => {
      const { eventId, conferenceId } = await p.createEventWithConference(ALICE, {
        summary: 'Lunch & learn',
        start: at(3, 12),
        end: at(3, 13),
      });
      await waitFor('the conference', followed(eventId, conferenceId));
      await p.remove(ALICE, eventId);
      await waitFor('the conference to be deleted after the grace period', goneAfterGrace(conferenceId));
    },
  );
  await step(
    'alice creates "1:1 with bob" with Conference Sync, then removes the conference from it',
    async () => {
      const { eventId, conferenceId } = await p.createEventWithConference(ALICE, {
        summary: '1:1 with bob',
        start: at(4, 15),
        end: at(4, 15, 30),
        attendees: [BOB],
      });
      await waitFor('the conference', followed(eventId, conferenceId));
      await p.removeConference(ALICE, eventId);
      await waitFor('the conference to be deleted after the grace period', goneAfterGrace(conferenceId));
    },
  );
  await step(
    "bob edits his copy of the design review (his add-on never touches alice's conference)",
    async () => {
      const before = await p.conferences.getConference(review.conferenceId);
      const mark = lastExecution();
      const fetchMark = p.runtime.fetches.length;
      await p.calendar.patch(BOB, BOB, review.id, {
        summary: "Bob's notes: design review",
        reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] },
      });
      await triggerRunsAfter(BOB, mark);
      const writes = writesSince(fetchMark);
      if (writes.length > 0) throw new Error(`bob's edit made ${writes.length} conference API write(s)`);
      const after = await p.conferences.getConference(review.conferenceId);
      if (after.version !== before.version) throw new Error("alice's conference changed");
    },
  );
  return { steps, failedSteps };
}
