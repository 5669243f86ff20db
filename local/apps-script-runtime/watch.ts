/**
 * Fires EventUpdated triggers after a change made by ANY client (Google's client, curl, the playground page):
 * about once a second it asks the emulator's public HTTP API, as each watched calendar's owner, for what changed
 * since its own sync token (events.list with syncToken, showDeleted), and fires the calendar's triggers when
 * something did. Several changes between two polls share one firing, as in Apps Script. The watcher keeps its
 * own tokens, independent of the add-on's.
 */
import type { AppsScriptRuntime } from './runtime';

export interface WatcherOptions {
  /** The emulator's root URL (`http://127.0.0.1:PORT/`). */
  rootUrl: string;
  runtime: AppsScriptRuntime;
  /** Default 1000 ms. */
  intervalMs?: number;
  /** Told each firing (for the playground's log). */
  onFire?(calendarId: string, changes: number): void;
  /** Told a poll that failed (emulator unreachable, unexpected answer); polling goes on. */
  onError?(calendarId: string, message: string): void;
}

export class CalendarWatcher {
  private readonly tokens = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 1000);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  /** The calendars that have an EventUpdated trigger installed, by anyone. */
  private watched(): string[] {
    const ids = this.options.runtime
      .triggers()
      .filter((t) => t.source === 'CALENDAR' && t.sourceId)
      .map((t) => t.sourceId as string);
    return [...new Set(ids)];
  }

  /** One round: every watched calendar checked once; returns when their triggers (if any) have run. */
  async pollOnce(): Promise<void> {
    for (const calendarId of this.watched()) {
      if (this.stopped) return;
      try {
        const changes = await this.changesSince(calendarId);
        if (changes > 0 && !this.stopped) {
          this.options.onFire?.(calendarId, changes);
          this.options.runtime.fireEventUpdated(calendarId);
        }
      } catch (e) {
        this.options.onError?.(calendarId, (e as Error).message);
      }
    }
  }

  /** How many changes the calendar saw since the last poll (on the first poll: how many events it holds). */
  private async changesSince(calendarId: string): Promise<number> {
    const token = this.tokens.get(calendarId);
    let pageToken: string | undefined;
    let changes = 0;
    for (;;) {
      const q = new URLSearchParams({
        showDeleted: 'true',
        maxResults: '2500',
        fields: 'items(id),nextPageToken,nextSyncToken',
      });
      if (token) q.set('syncToken', token);
      if (pageToken) q.set('pageToken', pageToken);
      const url = `${this.options.rootUrl.replace(/\/$/, '')}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?${q}`;
      const res = await fetch(url, { headers: { Authorization: `Bearer ${calendarId}` } });
      if (res.status === 410) {
        // Our token expired (or was invalidated): start again from a full list, and count it as a change.
        this.tokens.delete(calendarId);
        await this.changesSince(calendarId);
        return 1;
      }
      if (!res.ok) throw new Error(`events.list answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const body = (await res.json()) as {
        items?: unknown[];
        nextPageToken?: string;
        nextSyncToken?: string;
      };
      changes += body.items?.length ?? 0;
      if (body.nextPageToken) {
        pageToken = body.nextPageToken;
        continue;
      }
      if (body.nextSyncToken) this.tokens.set(calendarId, body.nextSyncToken);
      // A first look counts what is there: a change made just before the trigger was seen is not missed (an
      // extra firing only costs the add-on an incremental sync that finds nothing new).
      return changes;
    }
  }
}
