/** The homepage status card: what a user sees per calendar, and the configuration problem, escaped and capped. */
import type { EventFailure } from '../../../src/core/model';
import { eventKey, UserState } from '../../../src/core/state';
import {
  buildStatusCard,
  type CalendarStatus,
  collectStatus,
  MAX_FAILURES_SHOWN,
} from '../../../src/platform/statusCard';
import { record } from '../contract/stateStoreContract';
import { type BuiltCard, cardServiceStub, cardTexts } from './stubs';

const CAL = 'alice@example.com';
const cards = () => cardServiceStub() as unknown as GoogleAppsScript.Card_Service.CardService;
const build = (statuses: CalendarStatus[], problem?: string) =>
  cardTexts(buildStatusCard(cards(), statuses, problem) as unknown as BuiltCard);

const failure = (n: number, message = `Provider refused change ${n}`): EventFailure => ({
  calendarId: CAL,
  eventId: `ev${n}`,
  at: '2026-11-25T12:00:00.000Z',
  kind: 'provider-rejected',
  message,
});

describe('buildStatusCard', () => {
  it('tells a new user how to get a conference', () => {
    expect(build([])).toEqual([['', expect.stringContaining('choose “Conference Sync”')]]);
  });

  it('shows a configuration problem first, escaped', () => {
    const texts = build([], 'Script Property CONFERENCE_API_BASE_URL must use https://: "http://<x>".');
    expect(texts[0]).toEqual([
      'Configuration',
      expect.stringContaining('must use https://: &quot;http://&lt;x&gt;&quot;.'),
    ]);
  });

  it('shows per calendar the sync state, conference count, retries and failed events', () => {
    const texts = build([
      {
        calendarId: CAL,
        syncing: true,
        conferences: 2,
        pendingRetries: 1,
        failures: [failure(1, 'Title <too long>')],
      },
    ]);
    expect(texts).toEqual([
      [
        CAL,
        'Event changes are kept in step with their conferences.<br>Conferences looked after: 2<br>' +
          'Changes waiting to be retried: 1<br><b>Event ev1</b>: Title &lt;too long&gt;',
      ],
    ]);
  });

  it('names a failed event by its title and start when the sync knew them', () => {
    const named = {
      ...failure(2, 'Refused'),
      summary: 'Board <meeting>',
      start: '2026-12-01T10:00:00+01:00',
    };
    const texts = build([
      { calendarId: CAL, syncing: true, conferences: 1, pendingRetries: 0, failures: [named] },
    ]);
    expect(texts[0][1]).toContain('<b>Board &lt;meeting&gt; (2026-12-01T10:00:00+01:00)</b>: Refused');
  });

  it(`lists at most ${MAX_FAILURES_SHOWN} failed events and counts the rest`, () => {
    const failures = Array.from({ length: MAX_FAILURES_SHOWN + 5 }, (_, i) => failure(i));
    const [[, text]] = build([
      { calendarId: CAL, syncing: false, conferences: 0, pendingRetries: 0, failures },
    ]);
    expect(text.match(/<b>Event/g)).toHaveLength(MAX_FAILURES_SHOWN);
    expect(text).toContain('… and 5 more failed events');
    expect(text).toContain('Not synced yet');
  });
});

describe('collectStatus over the state', () => {
  it('finds every calendar with state, and counts what the store holds', () => {
    const state = new UserState({});
    const cal = state.edit(CAL);
    cal.token = 'tok';
    cal.records.set(eventKey('ev1'), record(CAL, 'ev1'));
    cal.failures.set('ev3', failure(3));
    state
      .edit('team:ops@group.calendar.google.com')
      .records.set(eventKey('ev2'), record('team:ops@group.calendar.google.com', 'ev2'));
    const stored = new UserState(Object.fromEntries(Object.entries(state.changes())));
    expect(collectStatus(stored)).toEqual([
      { calendarId: CAL, syncing: true, conferences: 1, pendingRetries: 0, failures: [failure(3)] },
      {
        calendarId: 'team:ops@group.calendar.google.com',
        syncing: false,
        conferences: 1,
        pendingRetries: 0,
        failures: [],
      },
    ]);
  });
});

describe('the store usage on the card', () => {
  const usage = (share: number, full = false) => ({
    bytes: Math.round(share * 512000),
    limit: 512000,
    share,
    warn: share > 0.8,
    full: full ? { at: '2026-12-01T10:00:00.000Z', bytes: 511000 } : null,
  });
  const texts = (u: ReturnType<typeof usage>) =>
    cardTexts(buildStatusCard(cards(), [], undefined, u) as unknown as BuiltCard)
      .flat()
      .join('\n');

  it('shows how full the store is, without a warning below 80 %', () => {
    expect(texts(usage(0.42))).toContain('State store: 42 % full');
    expect(texts(usage(0.42))).not.toContain('Warning');
  });

  it('warns above 80 %', () => {
    expect(texts(usage(0.85))).toContain('<b>Warning:</b> the store is nearly full');
  });

  it('says when a write did not fit, and that syncing goes on from where it last saved', () => {
    expect(texts(usage(0.99, true))).toContain('could not save its state (store full)');
  });
});
