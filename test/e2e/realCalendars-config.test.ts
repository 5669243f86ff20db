/**
 * Issue 9, case 11: configuration mistakes never leak the key. With the two Script Properties swapped, or the key
 * pasted into the base URL (as a query parameter, or as the URL's userinfo), nothing the add-on shows or logs —
 * the homepage card every user sees, any log line of any execution, an execution's error, a ConferenceError —
 * carries the key or its secret part. A key that is not a valid HTTP header value is a configuration error that
 * retrying cannot fix: createConference answers PERMANENT.
 */
import { saveNewEventWithConference } from './events';
import { ALICE, API_KEY, BOB, type ConferenceServer, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const alice = () => world.addOn(ALICE);
const HOUR = 60 * 60 * 1000;
/** The key's secret part (after its `sk_e2e_` prefix): showing only that is a leak too. */
const SECRET = API_KEY.replace(/^sk_e2e_/, '');
/** The key with `c` put in its middle (where trimming cannot remove it). */
const inside = (c: string) => `${API_KEY.slice(0, 10)}${c}${API_KEY.slice(10)}`;

/** Where a leak would show: what each place said that carries the key or its secret part. */
function leaks(extra: Record<string, string>): Record<string, string[]> {
  const places: Record<string, string[]> = {
    logs: world.logs.map((l) => `#${l.execution} ${l.level}: ${l.text}`),
    executionErrors: world.runtime.executions.flatMap((e) => (e.error ? [`#${e.id}: ${e.error}`] : [])),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [v]])),
  };
  const found: Record<string, string[]> = {};
  for (const [place, texts] of Object.entries(places)) {
    const hits = texts.filter((t) => t.includes(API_KEY) || t.includes(SECRET));
    if (hits.length > 0) found[place] = hits;
  }
  return found;
}

/**
 * Everything a user and the add-on do under one (mis)configuration: edits, a new conference, sweeps, the card. The
 * triggers run as Apps Script runs them: a run that throws is recorded with its error (checked too), not thrown.
 */
function exercise(eventId: string): Record<string, string> {
  world.engine.patch(ALICE, ALICE, eventId, { summary: 'Renamed under this configuration' });
  world.runtime.fireEventUpdated(ALICE, ALICE);
  const created = alice().createConference(ALICE, 'newunderconf01').printJson();
  world.engine.delete(ALICE, ALICE, eventId);
  world.runtime.fireEventUpdated(ALICE, ALICE);
  world.advance(2 * HOUR);
  const card = world.homepage(ALICE);
  return { createConference: created, cardJson: JSON.stringify(card.json), cardHtml: card.html };
}

describe('configuration mistakes never leak the key (issue 9, case 11)', () => {
  const origin = () => new URL(server.baseUrl);
  const configurations: Array<[string, () => Record<string, string | undefined>]> = [
    [
      'the two Script Properties swapped',
      () => ({ CONFERENCE_API_BASE_URL: API_KEY, CONFERENCE_API_KEY: server.baseUrl }),
    ],
    [
      'the key pasted into the base URL as ?key=',
      () => ({ CONFERENCE_API_BASE_URL: `${server.baseUrl}?key=${API_KEY}`, CONFERENCE_API_KEY: API_KEY }),
    ],
    [
      'the key only in the base URL as ?key=, the key property empty',
      () => ({ CONFERENCE_API_BASE_URL: `${server.baseUrl}?key=${API_KEY}`, CONFERENCE_API_KEY: undefined }),
    ],
    [
      'the key pasted into the base URL as its userinfo',
      () => ({
        CONFERENCE_API_BASE_URL: `${origin().protocol}//${API_KEY}@${origin().host}${origin().pathname}`,
        CONFERENCE_API_KEY: API_KEY,
      }),
    ],
    [
      'the key pasted into the base URL as the userinfo password',
      () => ({
        CONFERENCE_API_BASE_URL: `${origin().protocol}//apikey:${API_KEY}@${origin().host}${origin().pathname}`,
        CONFERENCE_API_KEY: undefined,
      }),
    ],
    [
      'the key pasted into the base URL as a path segment',
      () => ({ CONFERENCE_API_BASE_URL: `${server.baseUrl}/${API_KEY}`, CONFERENCE_API_KEY: API_KEY }),
    ],
    [
      'the key pasted where the host goes',
      () => ({ CONFERENCE_API_BASE_URL: `https://${API_KEY}/api`, CONFERENCE_API_KEY: API_KEY }),
    ],
    [
      'the base URL property holding "Bearer <key>"',
      () => ({ CONFERENCE_API_BASE_URL: `Bearer ${API_KEY}`, CONFERENCE_API_KEY: undefined }),
    ],
  ];

  it.each(configurations)(
    'with %s, neither the card nor any log line shows the key',
    async (_name, config) => {
      saveNewEventWithConference(alice(), {
        id: 'leakcheck01',
        summary: 'Security review',
        start: '2026-12-02T10:00:00+01:00',
        end: '2026-12-02T11:00:00+01:00',
        attendees: [BOB],
      });
      alice().fireTrigger(ALICE);

      world.setScriptProperties(config());
      const shown = exercise('leakcheck01');
      expect(leaks(shown)).toEqual({});
    },
  );

  it.each([
    ['a newline', `${API_KEY}\nX-Injected: 1`],
    ['a carriage return', inside('\r')],
    ['a NUL', inside('\u0000')],
    ['a character outside Latin-1', inside('\u2028')],
    ['a C1 control', inside('\u0085')],
  ])(
    'a key containing %s (not a valid header value) makes createConference answer a PERMANENT error',
    async (_name, key) => {
      world.setScriptProperties({ CONFERENCE_API_KEY: key });
      const answered = JSON.parse(alice().createConference(ALICE, 'badheader01').printJson());
      expect(answered).toEqual({
        conferenceSolutionId: 'conference-sync',
        error: { conferenceErrorType: 'PERMANENT' },
      });
      expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'badheader01' })).toEqual([]);
      expect(leaks({ card: JSON.stringify(world.homepage(ALICE).json) })).toEqual({});
    },
  );
});
