/**
 * Is each event's conference in step with it? Compares what Calendar (the emulator) holds with what the
 * conference server holds, field by field as the conference API stores them (title, times, all-day dates, time
 * zone, recurrence, attendees, occurrence overrides), and checks that the conference of a deleted event, or of
 * an event whose conference was removed, is gone. Used by the demo's verdict, the table and the page.
 */
import type { Conference } from '../../contracts/conference-api';
import type { EventResource } from '../calendar-emulator/engine';
import { ConferenceApiError, type ConferenceClient } from '../conference-server/client';
import type { CalendarClient } from './calendar-client';

export interface EventRow {
  user: string;
  eventId: string;
  summary: string;
  start: string;
  end: string;
  recurrence: string[];
  /** Exceptions of a series: moved or cancelled occurrences. */
  exceptions: Array<{ id: string; key: string; cancelled: boolean; start?: string }>;
  organizer: string;
  conferenceId?: string;
  joinUrl?: string;
  /** Title the conference server holds (undefined: no conference on the event; null: the server has none). */
  conferenceTitle?: string | null;
  /** null when the event carries no conference. */
  inSync: boolean | null;
  problems: string[];
}

/** A conference that must no longer exist (its event was deleted, or the conference was removed from it). */
export interface GoneRow {
  conferenceId: string;
  eventId: string;
  why: string;
  inSync: boolean;
}

const instant = (v: string | null | undefined) => (v ? Date.parse(v) : Number.NaN);

/** The instance's originalStartTime in UTC, `YYYYMMDDTHHMMSSZ`, or `YYYYMMDD` all-day (conference-api.md). */
export function occurrenceKey(original: { dateTime?: string; date?: string }): string {
  if (original.date) return original.date.replace(/-/g, '');
  return new Date(instant(original.dateTime))
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export async function conferenceOrNull(client: ConferenceClient, id: string): Promise<Conference | null> {
  try {
    return await client.getConference(id);
  } catch (e) {
    if (e instanceof ConferenceApiError && e.status === 404) return null;
    throw e;
  }
}

const when = (t: { dateTime?: string; date?: string } | undefined) => t?.dateTime ?? t?.date ?? '';

/** What differs between an event (with its exceptions) and the conference on the server. */
export function differences(event: EventResource, exceptions: EventResource[], c: Conference): string[] {
  const problems: string[] = [];
  if ((event.summary ?? '') !== c.title) problems.push(`title "${c.title}" ≠ "${event.summary ?? ''}"`);
  const allDay = Boolean(event.start?.date);
  if (allDay) {
    if (c.startDate !== event.start?.date || c.endDate !== event.end?.date)
      problems.push('all-day dates differ');
  } else if (
    instant(c.startTime) !== instant(event.start?.dateTime) ||
    instant(c.endTime) !== instant(event.end?.dateTime)
  ) {
    problems.push(`times ${c.startTime}–${c.endTime} ≠ ${event.start?.dateTime}–${event.end?.dateTime}`);
  }
  if (event.start?.timeZone && c.timeZone !== event.start.timeZone)
    problems.push(`time zone ${c.timeZone} ≠ ${event.start.timeZone}`);
  if (JSON.stringify(event.recurrence ?? []) !== JSON.stringify(c.recurrence ?? []))
    problems.push('recurrence differs');
  const wanted = [
    ...new Set(
      (event.attendees ?? []).filter((a) => !a.resource && a.email).map((a) => String(a.email).toLowerCase()),
    ),
  ].sort();
  const held = [...(c.attendees ?? [])].sort();
  if (JSON.stringify(wanted) !== JSON.stringify(held))
    problems.push(`guests [${held.join(', ')}] ≠ [${wanted.join(', ')}]`);
  for (const x of exceptions) {
    if (!x.originalStartTime) continue;
    const key = occurrenceKey(x.originalStartTime);
    const override = c.occurrences?.[key];
    if (x.status === 'cancelled') {
      if (!override?.cancelled)
        problems.push(`occurrence ${key} cancelled in Calendar, not on the conference`);
    } else if (
      instant(x.start?.dateTime) !== instant(x.originalStartTime.dateTime) ||
      x.start?.date !== x.originalStartTime.date
    ) {
      const moved = x.start?.date
        ? override?.startDate === x.start.date
        : instant(override?.startTime) === instant(x.start?.dateTime);
      if (!moved) problems.push(`occurrence ${key} moved in Calendar, not on the conference`);
    }
  }
  return problems;
}

/** Every event of `user`'s own calendar with its conference's state. */
export async function eventRows(
  calendar: CalendarClient,
  conferences: ConferenceClient,
  user: string,
): Promise<EventRow[]> {
  const all = await calendar.list(user, user, true);
  const rows: EventRow[] = [];
  for (const event of all) {
    if (event.recurringEventId || event.status === 'cancelled') continue;
    const exceptions = all.filter((x) => x.recurringEventId === event.id);
    const conferenceId =
      event.conferenceData?.conferenceSolution?.key?.type === 'addOn'
        ? event.conferenceData.conferenceId
        : undefined;
    const row: EventRow = {
      user,
      eventId: event.id as string,
      summary: event.summary ?? '',
      start: when(event.start),
      end: when(event.end),
      recurrence: event.recurrence ?? [],
      exceptions: exceptions
        .filter((x) => x.originalStartTime)
        .map((x) => ({
          id: x.id as string,
          key: occurrenceKey(x.originalStartTime!),
          cancelled: x.status === 'cancelled',
          ...(x.status === 'cancelled' ? {} : { start: when(x.start) }),
        })),
      organizer: event.organizer?.email ?? user,
      inSync: null,
      problems: [],
    };
    if (conferenceId) {
      row.conferenceId = conferenceId;
      const c = await conferenceOrNull(conferences, conferenceId);
      if (!c) {
        row.conferenceTitle = null;
        row.inSync = false;
        row.problems = ['the conference server has no such conference'];
      } else {
        row.conferenceTitle = c.title;
        row.joinUrl = c.joinUrl;
        row.problems = differences(event, exceptions, c);
        row.inSync = row.problems.length === 0;
      }
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.start.localeCompare(b.start));
}

/** Conferences created in this session whose events no longer carry them: each must be gone from the server. */
export async function goneRows(
  conferences: ConferenceClient,
  created: Map<string, { eventId: string }>,
  liveIds: Set<string>,
): Promise<GoneRow[]> {
  const rows: GoneRow[] = [];
  for (const [conferenceId, { eventId }] of created) {
    if (liveIds.has(conferenceId)) continue;
    const c = await conferenceOrNull(conferences, conferenceId);
    rows.push({ conferenceId, eventId, why: 'event deleted or conference removed', inSync: c === null });
  }
  return rows;
}
