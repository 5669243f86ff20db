/**
 * The homepage card in Calendar's side panel (manifest `addOns.common.homepageTrigger`): for each calendar this
 * user's add-on keeps state for, whether syncing is set up, how many conferences it looks after, what waits for
 * a retry and which events failed and why; plus a configuration problem, if any, for the user to pass on to
 * their administrator. Read-only. Texts are HTML-escaped because TextParagraph renders basic HTML.
 */
import type { EventFailure } from '../core/model';
import type { StateStore } from '../core/ports';

export interface CalendarStatus {
  calendarId: string;
  syncing: boolean;
  conferences: number;
  pendingRetries: number;
  failures: EventFailure[];
}

/** Failures listed per calendar; the rest are counted (a card holds at most 100 widgets and stays readable). */
export const MAX_FAILURES_SHOWN = 20;

type Cards = Pick<
  GoogleAppsScript.Card_Service.CardService,
  'newCardBuilder' | 'newCardHeader' | 'newCardSection' | 'newTextParagraph'
>;

export function collectStatus(store: StateStore, calendarIds: string[]): CalendarStatus[] {
  return calendarIds.map((calendarId) => ({
    calendarId,
    syncing: store.getSyncToken(calendarId) !== null,
    conferences: store.listRecords(calendarId).length,
    pendingRetries: store.listPendingRetries(calendarId).length,
    failures: store.listFailures(calendarId),
  }));
}

export function buildStatusCard(
  cards: Cards,
  statuses: CalendarStatus[],
  configProblem?: string,
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
  if (statuses.length === 0) {
    section(null, [
      'No conferences yet. In a Calendar event, choose “Conference Sync” as the video conferencing option.',
    ]);
  }
  for (const status of statuses) section(status.calendarId, describe(status));
  return builder.build();
}

function describe(status: CalendarStatus): string[] {
  const lines = [
    status.syncing
      ? 'Event changes are kept in step with their conferences.'
      : 'Not synced yet: syncing starts with the first conference.',
    `Conferences looked after: ${status.conferences}`,
  ];
  if (status.pendingRetries > 0) lines.push(`Changes waiting to be retried: ${status.pendingRetries}`);
  for (const failure of status.failures.slice(0, MAX_FAILURES_SHOWN)) {
    const which = failure.summary
      ? `${failure.summary}${failure.start ? ` (${failure.start})` : ''}`
      : `Event ${failure.eventId}`;
    lines.push(`<b>${escapeHtml(which)}</b>: ${escapeHtml(failure.message)}`);
  }
  const hidden = status.failures.length - MAX_FAILURES_SHOWN;
  if (hidden > 0) lines.push(`… and ${hidden} more failed events`);
  return lines;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
