/** The homepage status card: what a user sees per calendar, and the configuration problem, escaped and capped. */
import type { EventFailure } from '../../../src/core/model';
import { ConsoleLog } from '../../../src/platform/log';
import { stateKeys, UserPropertiesStateStore } from '../../../src/platform/stateStore';
import {
  buildStatusCard,
  type CalendarStatus,
  collectStatus,
  MAX_FAILURES_SHOWN,
} from '../../../src/platform/statusCard';
import { record } from '../contract/stateStoreContract';
import { type BuiltCard, ConsoleStub, cardServiceStub, cardTexts, PropertiesStub } from './stubs';

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

describe('collectStatus over the Properties store', () => {
  it('finds every calendar with a token or a record, and counts what the store holds', () => {
    const props = new PropertiesStub();
    const store = new UserPropertiesStateStore(props, new ConsoleLog(new ConsoleStub()));
    store.setSyncToken(CAL, 'tok');
    store.putRecord(record(CAL, 'ev1'));
    store.putRecord(record('team:ops@group.calendar.google.com', 'ev2'));
    store.putFailure(failure(3));
    props.setProperty(stateKeys.retry('only-a-retry@example.com', 'ev4'), '{}');
    expect(store.knownCalendarIds()).toEqual([CAL, 'team:ops@group.calendar.google.com']);
    expect(collectStatus(store, store.knownCalendarIds())).toEqual([
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
