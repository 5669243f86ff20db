/**
 * The homepage card in Calendar's side panel (manifest `addOns.common.homepageTrigger`): for each calendar this
 * user's add-on keeps state for, whether syncing is set up, how many conferences it looks after, what waits for
 * a retry and which events failed and why; plus a configuration problem, if any, for the user to pass on to
 * their administrator. Read-only. Texts are HTML-escaped because TextParagraph renders basic HTML.
 */
import type { EventFailure } from '../core/model';
import type { StoreUsage, UserState } from '../core/state';

export interface CalendarStatus {
  calendarId: string;
  syncing: boolean;
  conferences: number;
  pendingRetries: number;
  failures: EventFailure[];
  /** Failures no longer listed because the list is bounded. */
  failuresDropped?: number;
  /** Set while a listing waits at a saved cursor: why and until when. */
  waiting?: { until?: string; reason?: string };
}

/** Failures listed per calendar; the rest are counted (a card holds at most 100 widgets and stays readable). */
export const MAX_FAILURES_SHOWN = 20;

type Cards = Pick<
  GoogleAppsScript.Card_Service.CardService,
  'newCardBuilder' | 'newCardHeader' | 'newCardSection' | 'newTextParagraph'
>;

export function collectStatus(state: UserState): CalendarStatus[] {
  return state.calendarIds().map((calendarId) => {
    const cal = state.peek(calendarId);
    const status: CalendarStatus = {
      calendarId,
      syncing: cal.token !== null || cal.cursor !== null,
      conferences: [...cal.records.values()].filter((r) => r.deletedAt === undefined).length,
      pendingRetries: cal.retries.size,
      failures: [...cal.failures.values()].reverse(),
    };
    if (cal.failuresDropped > 0) status.failuresDropped = cal.failuresDropped;
    if (cal.cursor?.notBefore !== undefined) {
      status.waiting = { until: cal.cursor.notBefore, reason: cal.cursor.lastError };
    }
    return status;
  });
}

export function buildStatusCard(
  cards: Cards,
  statuses: CalendarStatus[],
  configProblem?: string,
  usage?: StoreUsage,
): GoogleAppsScript.Card_Service.Card {
  const builder = cards
    .newCardBuilder()
    .setHeader(
      cards.newCardHeader().setTitle('Conference Sync').setSubtitle('Your conferences and their sync'),
    );
  const section = (header: string | null, lines: string[]) => {
    const s = cards.newCardSection().addWidget(cards.newTextParagraph().setText(lines.join('<br>')));
    builder.addSection(header === null ? s : s.setHeader(escapeHtml(header)));
  };
  if (configProblem) {
    section('Configuration', [
      `Conferences cannot be created or updated: ${escapeHtml(configProblem)}`,
      'Please tell your administrator.',
    ]);
  }
  if (usage) section('Storage', describeUsage(usage));
  if (statuses.length === 0) {
    section(null, [
      'No conferences yet. In a Calendar event, choose “Conference Sync” as the video conferencing option.',
    ]);
  }
  for (const status of statuses) section(status.calendarId, describe(status));
  return builder.build();
}

/** How full this user's property store is, with a warning above 80 % and when a write did not fit. */
export function describeUsage(usage: StoreUsage): string[] {
  const percent = Math.round(usage.share * 100);
  const lines = [
    `State store: ${percent} % full (${Math.round(usage.bytes / 1024)} KB of ${Math.round(usage.limit / 1024)} KB)`,
  ];
  if (usage.full) {
    const when = escapeHtml(usage.full.at);
    lines.push(`<b>Warning:</b> on ${when} the add-on could not save its state (store full).`);
    lines.push(
      'Syncing goes on from where it last saved; old meetings are forgotten a month after they end.',
    );
  } else if (usage.warn) {
    lines.push('<b>Warning:</b> the store is nearly full; new conferences are refused once it is.');
  }
  return lines;
}

function describe(status: CalendarStatus): string[] {
  const lines = [
    status.syncing
      ? 'Event changes are kept in step with their conferences.'
      : 'Not synced yet: syncing starts with the first conference.',
    `Conferences looked after: ${status.conferences}`,
  ];
  if (status.pendingRetries > 0) lines.push(`Changes waiting to be retried: ${status.pendingRetries}`);
  if (status.waiting) {
    const until = escapeHtml(status.waiting.until ?? 'later');
    const why = status.waiting.reason ? `: ${escapeHtml(status.waiting.reason)}` : '';
    lines.push(`Waiting for the conference API until ${until}${why}.`);
    lines.push('Nothing is lost; the sync goes on from where it stopped.');
  }
  for (const failure of status.failures.slice(0, MAX_FAILURES_SHOWN)) {
    const which = failure.summary
      ? `${failure.summary}${failure.start ? ` (${failure.start})` : ''}`
      : `Event ${failure.eventId}`;
    lines.push(`<b>${escapeHtml(which)}</b>: ${escapeHtml(failure.message)}`);
  }
  const hidden = status.failures.length - MAX_FAILURES_SHOWN + (status.failuresDropped ?? 0);
  if (hidden > 0) lines.push(`… and ${hidden} more failed events`);
  return lines;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
