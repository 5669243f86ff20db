/**
 * Deterministic builders of raw Calendar event JSON in the shapes of calendar-fixtures.md (a freshly created
 * event §3.1, an exception §3.4, a cancelled instance §1.4, a bare tombstone §1.3, an add-on conference §2.1).
 * Fixed defaults, no randomness: `anEvent().withId('x').titled('Plan').timed(a, b).build()`.
 */
export type RawEvent = Record<string, unknown>;

export const ORGANIZER = 'organizer@example.com';
export const SOLUTION_NAME = 'Conference Sync';

export interface AttendeeSpec {
  email: string;
  responseStatus?: string;
  resource?: boolean;
  organizer?: boolean;
}

export type OriginalStart = { dateTime: string; timeZone?: string } | { date: string };

export class EventBuilder {
  private raw: RawEvent = {
    kind: 'calendar#event',
    etag: '"3485452990504510"',
    id: 'event0001',
    status: 'confirmed',
    created: '2025-03-23T10:41:35.000Z',
    updated: '2025-03-23T10:41:35.252Z',
    summary: 'Weekly sync',
    creator: { email: ORGANIZER, self: true },
    organizer: { email: ORGANIZER, self: true },
    start: { dateTime: '2025-03-26T10:00:00-05:00', timeZone: 'America/Chicago' },
    end: { dateTime: '2025-03-26T10:30:00-05:00', timeZone: 'America/Chicago' },
    iCalUID: 'event0001@google.com',
    sequence: 0,
    reminders: { useDefault: true },
    eventType: 'default',
  };
  private tombstoneOnly = false;

  withId(id: string): this {
    this.raw['id'] = id;
    this.raw['iCalUID'] = `${id}@google.com`;
    return this;
  }

  titled(summary: string | undefined): this {
    if (summary === undefined) delete this.raw['summary'];
    else this.raw['summary'] = summary;
    return this;
  }

  timed(start: string, end: string, timeZone = 'America/Chicago'): this {
    this.raw['start'] = { dateTime: start, timeZone };
    this.raw['end'] = { dateTime: end, timeZone };
    return this;
  }

  allDay(startDate: string, endDate: string): this {
    this.raw['start'] = { date: startDate };
    this.raw['end'] = { date: endDate };
    return this;
  }

  recurring(...rules: string[]): this {
    this.raw['recurrence'] = rules;
    return this;
  }

  withAttendees(...attendees: AttendeeSpec[]): this {
    this.raw['attendees'] = attendees.map((a) => ({ responseStatus: 'needsAction', ...a }));
    return this;
  }

  /** Our add-on's conference as Calendar shows it: `addOn` solution, a video entry point, the provider id. */
  withOurConference(conferenceId: string): this {
    this.raw['conferenceData'] = {
      entryPoints: [{ entryPointType: 'video', uri: `https://conference.example.com/j/${conferenceId}` }],
      conferenceSolution: {
        key: { type: 'addOn' },
        name: SOLUTION_NAME,
        iconUri: 'https://example.com/logo.png',
      },
      conferenceId,
      parameters: { addOnParameters: { parameters: { conferenceId } } },
    };
    return this;
  }

  /** Google Meet instead (calendar-fixtures §2.3): the user switched solutions. */
  withMeet(meetCode = 'abc-defg-hij'): this {
    this.raw['conferenceData'] = {
      entryPoints: [{ entryPointType: 'video', uri: `https://meet.google.com/${meetCode}` }],
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
      conferenceId: meetCode,
    };
    return this;
  }

  withoutConference(): this {
    delete this.raw['conferenceData'];
    return this;
  }

  /** An exception of a series: id `<master>_<original start in UTC>`, as Calendar names instances. */
  instanceOf(masterId: string, originalStart: OriginalStart): this {
    const suffix =
      'date' in originalStart
        ? originalStart.date.replace(/-/g, '')
        : `${new Date(Date.parse(originalStart.dateTime)).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
    this.withId(`${masterId}_${suffix}`);
    this.raw['iCalUID'] = `${masterId}@google.com`;
    this.raw['recurringEventId'] = masterId;
    this.raw['originalStartTime'] = originalStart;
    this.raw['sequence'] = 1;
    delete this.raw['recurrence'];
    return this;
  }

  /**
   * Cancelled. An instance keeps only id, recurringEventId and originalStartTime (§1.4); anything else keeps its
   * details, as the organizer's calendar shows them (calendar-api.md §1.6).
   */
  cancelled(): this {
    this.raw['status'] = 'cancelled';
    if (this.raw['recurringEventId'] !== undefined) {
      const { kind, etag, id, recurringEventId, originalStartTime } = this.raw;
      this.raw = { kind, etag, id, status: 'cancelled', recurringEventId, originalStartTime };
    }
    return this;
  }

  /** The bare deleted-event item of an incremental sync (§1.3): `{kind, etag, id, status}` and nothing else. */
  tombstone(): this {
    this.tombstoneOnly = true;
    return this;
  }

  with(field: string, value: unknown): this {
    this.raw[field] = value;
    return this;
  }

  build(): RawEvent {
    if (this.tombstoneOnly) {
      const { kind, etag, id } = this.raw;
      return { kind, etag, id, status: 'cancelled' };
    }
    return JSON.parse(JSON.stringify(this.raw)) as RawEvent;
  }
}

export function anEvent(): EventBuilder {
  return new EventBuilder();
}
