/**
 * One ready-made set of fakes wired as SyncPorts, plus the few steps most tests start from (make a conference
 * the way Calendar does, then save the event carrying it). The adapter engineer can build the same world to run
 * shared contract tests: `makeWorld().ports` satisfies SyncPorts.
 */
import { createConferenceForEvent } from '../../../src/core/createConference';
import type { SyncReport } from '../../../src/core/model';
import type { SyncOptions, SyncPorts } from '../../../src/core/ports';
import { syncCalendar } from '../../../src/core/syncCalendar';
import type { EventBuilder } from './eventBuilder';
import { FakeCalendar } from './FakeCalendar';
import { FakeClock } from './FakeClock';
import { FakeConferenceProvider } from './FakeConferenceProvider';
import { MemoryLog } from './MemoryLog';
import { MemoryStateStore } from './MemoryStateStore';

export const CAL = 'organizer@example.com';
export const OTHER_CAL = 'team-calendar@group.calendar.google.com';

export interface World {
  calendar: FakeCalendar;
  provider: FakeConferenceProvider;
  store: MemoryStateStore;
  clock: FakeClock;
  log: MemoryLog;
  ports: SyncPorts;
  sync(calendarId?: string, options?: Partial<SyncOptions>): SyncReport;
  /**
   * The real sequence for a conference of ours: createConference (the event does not exist yet), the user saves
   * the event carrying it, a sync attaches it and sends the real fields. Returns the conference id; the provider's
   * call log is reset afterwards so a test sees only its own step.
   */
  givenOurEvent(event: EventBuilder, calendarId?: string): string;
}

export function makeWorld(): World {
  const clock = new FakeClock();
  const calendar = new FakeCalendar();
  const provider = new FakeConferenceProvider(clock);
  const store = new MemoryStateStore();
  const log = new MemoryLog();
  const ports: SyncPorts = { calendar, provider, state: store, clock, log };
  // No grace period unless a test asks for one: a deletion is then confirmed (Events.get) and sent in the run that
  // sees it, which is what most tests of the sync's other behaviour want; syncDeletions.test.ts tests the grace.
  const sync = (calendarId = CAL, options?: Partial<SyncOptions>) =>
    syncCalendar(ports, calendarId, { deletionGraceMs: 0, ...options });
  const givenOurEvent = (event: EventBuilder, calendarId = CAL) => {
    const eventId = String(event.build()['id']);
    const created = createConferenceForEvent(ports, calendarId, eventId);
    if (!created.ok) throw new Error(`givenOurEvent: ${created.message}`);
    calendar.put(calendarId, event.withOurConference(created.conference.id).build());
    sync(calendarId);
    provider.resetCalls();
    return created.conference.id;
  };
  return { calendar, provider, store, clock, log, ports, sync, givenOurEvent };
}
