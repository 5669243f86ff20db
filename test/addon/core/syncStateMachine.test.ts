/**
 * A deterministic randomized state-machine test (the TS analogue of vdirsyncer's hypothesis SyncMachine): seeded
 * random edits, RSVPs, cancellations, conference removals, foreign events, 410s and provider failures, with syncs
 * in between. Invariants: no provider call ever names a conference that is not ours; no delete without a
 * cancellation or removal; and once things settle, every live event of ours matches its conference while the
 * conferences and records of deleted events are gone.
 */
import { createConferenceForEvent } from '../../../src/core/createConference';
import { anEvent, CAL, FAILURES, makeWorld, type World } from '../fakes';

const HOUR = 60 * 60 * 1000;

/** mulberry32: a tiny seeded PRNG, in the test only (the core has no randomness). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface OurEvent {
  id: string;
  conferenceId: string;
  title: string;
  startHour: number;
  rsvp: string;
  state: 'live' | 'cancelled' | 'removed';
}

class Machine {
  readonly w: World = makeWorld();
  readonly ours: OurEvent[] = [];
  private next = 0;
  private failuresLeft = 6;

  constructor(private readonly random: () => number) {}

  step(): void {
    const roll = this.random();
    if (roll < 0.15) this.createOurs();
    else if (roll < 0.3) this.edit((e) => (e.title = `Title ${this.next++}`));
    else if (roll < 0.4) this.edit((e) => (e.startHour = 8 + Math.floor(this.random() * 8)));
    else if (roll < 0.5) this.edit((e) => (e.rsvp = e.rsvp === 'accepted' ? 'declined' : 'accepted'));
    else if (roll < 0.57) this.end('cancelled');
    else if (roll < 0.62) this.end('removed');
    else if (roll < 0.7) this.foreign();
    else if (roll < 0.75) this.w.calendar.expireTokens(CAL);
    else if (roll < 0.82) this.injectFailure();
    else this.sync();
  }

  /** After the storm: no more failures; let retries fall due and unattached conferences expire. */
  settle(): void {
    for (let i = 0; i < 4; i++) {
      this.w.clock.advance(12 * HOUR);
      this.sync();
    }
  }

  sync(): void {
    this.w.sync();
    this.checkCalls();
  }

  private createOurs(): void {
    const id = `ours${String(this.next++).padStart(4, '0')}`;
    const result = createConferenceForEvent(this.w.ports, CAL, id);
    if (!result.ok) return; // an injected create failure: Calendar shows the error, no conference exists
    const event: OurEvent = {
      id,
      conferenceId: result.conference.id,
      title: 'New',
      startHour: 9,
      rsvp: 'needsAction',
      state: 'live',
    };
    this.ours.push(event);
    this.save(event);
  }

  private edit(change: (e: OurEvent) => void): void {
    const event = this.pickLive();
    if (!event) return;
    change(event);
    this.save(event);
  }

  private end(state: 'cancelled' | 'removed'): void {
    const event = this.pickLive();
    if (!event) return;
    event.state = state;
    if (state === 'cancelled') this.w.calendar.remove(CAL, event.id);
    else this.w.calendar.put(CAL, this.build(event).withoutConference().build());
  }

  /** Someone else's event on this calendar: an attendee's copy carrying their conference, edited or cancelled. */
  private foreign(): void {
    const id = `theirs${Math.floor(this.random() * 5)}`;
    const copy = anEvent()
      .withId(id)
      .titled(`Theirs ${this.next++}`)
      .withOurConference(`their-conf-${id}`);
    this.w.calendar.put(CAL, (this.random() < 0.3 ? copy.cancelled() : copy).build());
  }

  private injectFailure(): void {
    if (this.failuresLeft-- <= 0) return;
    const method = (['update', 'delete', 'create'] as const)[Math.floor(this.random() * 3)];
    const failure = this.random() < 0.5 ? FAILURES.unavailable : FAILURES.rateLimited(600);
    this.w.provider.failNext(method, failure);
  }

  private save(event: OurEvent): void {
    this.w.calendar.put(CAL, this.build(event).withOurConference(event.conferenceId).build());
  }

  private build(event: OurEvent) {
    const hour = String(event.startHour).padStart(2, '0');
    return anEvent()
      .withId(event.id)
      .titled(event.title)
      .timed(`2025-03-26T${hour}:00:00Z`, `2025-03-26T${hour}:45:00Z`, 'UTC')
      .withAttendees({ email: 'Guest@Example.com', responseStatus: event.rsvp });
  }

  private pickLive(): OurEvent | undefined {
    const live = this.ours.filter((e) => e.state === 'live');
    return live.length === 0 ? undefined : live[Math.floor(this.random() * live.length)];
  }

  /** Every call names one of our conferences; a delete only follows a cancellation or a removal. */
  private checkCalls(): void {
    for (const call of this.w.provider.calls) {
      // Creates, and reads (recovering a lost creation, asking whose a conference is), change no conference.
      if (call.method === 'create' || call.method === 'findByEvent' || call.method === 'get') continue;
      const conferenceId = call.args[0] as string;
      const owner = this.ours.find((e) => e.conferenceId === conferenceId);
      expect(owner).toBeDefined();
      if (call.method === 'delete') expect(owner?.state).not.toBe('live');
    }
    this.w.provider.resetCalls();
  }
}

describe('sync state machine', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('keeps conferences in step (seed %i)', (seed) => {
    const machine = new Machine(prng(seed));
    for (let i = 0; i < 120; i++) machine.step();
    machine.settle();
    const { w } = machine;

    for (const event of machine.ours) {
      const conference = w.provider.get(event.conferenceId);
      const record = w.store.getRecord(CAL, event.id);
      if (event.state === 'live') {
        expect(conference).toMatchObject({
          title: event.title,
          startTime: `2025-03-26T${String(event.startHour).padStart(2, '0')}:00:00Z`,
          attendees: ['guest@example.com'],
        });
        expect(record).toMatchObject({ attached: true, conferenceId: event.conferenceId });
      } else {
        expect(conference).toBeUndefined();
        // Only a tombstone is left (an event restored later gets a new conference).
        expect(record === null || record.deletedAt !== undefined).toBe(true);
      }
    }
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
    const liveRecords = w.store.listRecords(CAL).filter((r) => r.deletedAt === undefined);
    expect(liveRecords).toHaveLength(machine.ours.filter((e) => e.state === 'live').length);
    expect(w.provider.conferences.size).toBe(machine.ours.filter((e) => e.state === 'live').length);
  });
});
