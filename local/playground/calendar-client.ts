/**
 * The playground's own Calendar client: plain `fetch` against the emulator's public REST API, acting as a user
 * (the bearer token's text), the way any client (Google's, curl, the page) does. Errors carry Google's message.
 */
import type { EventResource } from '../calendar-emulator/engine';

export class CalendarApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarApiError';
  }
}

export class CalendarClient {
  constructor(readonly rootUrl: string) {}

  private url(calendarId: string, tail = '', query: Record<string, string> = {}): string {
    const q = new URLSearchParams(query).toString();
    return `${this.rootUrl.replace(/\/$/, '')}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events${tail}${q ? `?${q}` : ''}`;
  }

  private async call<T>(user: string, method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${user}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        message = JSON.parse(text).error?.message ?? message;
      } catch {
        // not Google's error body
      }
      throw new CalendarApiError(res.status, `Calendar ${method} answered ${res.status}: ${message}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every event of the calendar (series masters and their exceptions, not expanded); cancelled ones too if asked. */
  async list(user: string, calendarId: string, showDeleted = false): Promise<EventResource[]> {
    const items: EventResource[] = [];
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { maxResults: '2500', showDeleted: String(showDeleted) };
      if (pageToken) query.pageToken = pageToken;
      const page = await this.call<{ items: EventResource[]; nextPageToken?: string }>(
        user,
        'GET',
        this.url(calendarId, '', query),
      );
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  }

  get(user: string, calendarId: string, eventId: string): Promise<EventResource> {
    return this.call(user, 'GET', this.url(calendarId, `/${encodeURIComponent(eventId)}`));
  }

  instances(user: string, calendarId: string, eventId: string): Promise<{ items: EventResource[] }> {
    return this.call(user, 'GET', this.url(calendarId, `/${encodeURIComponent(eventId)}/instances`));
  }

  insert(user: string, calendarId: string, body: object): Promise<EventResource> {
    return this.call(user, 'POST', this.url(calendarId, '', { conferenceDataVersion: '1' }), body);
  }

  patch(user: string, calendarId: string, eventId: string, body: object): Promise<EventResource> {
    return this.call(
      user,
      'PATCH',
      this.url(calendarId, `/${encodeURIComponent(eventId)}`, { conferenceDataVersion: '1' }),
      body,
    );
  }

  remove(user: string, calendarId: string, eventId: string): Promise<void> {
    return this.call(user, 'DELETE', this.url(calendarId, `/${encodeURIComponent(eventId)}`));
  }
}
