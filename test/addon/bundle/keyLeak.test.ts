/**
 * The conference API key is in no log line and on no card, whatever the administrator got wrong: the two Script
 * Properties swapped, the key pasted into the URL (query, userinfo, path, fragment), stray whitespace, a `Bearer`
 * prefix. Each configuration runs the built bundle's three entry points a user meets (createConference, the
 * trigger's syncEvents, the homepage card) under gas-local. A key that cannot be an HTTP header is PERMANENT.
 */
import { cardTexts } from '../platform/stubs';
import { API_BASE, loadBundle, makeGasGlobals } from './dist';

const SECRET = 'sk_live_9f8e7d6c5b4a3210';
const HOST = 'http://127.0.0.1:8787';

const configurations: Array<[string, { baseUrl?: string; apiKey?: string | null }]> = [
  ['the properties swapped', { baseUrl: SECRET, apiKey: API_BASE }],
  ['the key in both properties', { baseUrl: SECRET, apiKey: SECRET }],
  ['the key as the URL, no key set', { baseUrl: SECRET, apiKey: null }],
  ['the key in the query string', { baseUrl: `${API_BASE}?key=${SECRET}`, apiKey: SECRET }],
  ['the key in the query string only', { baseUrl: `${API_BASE}?api_key=${SECRET}`, apiKey: null }],
  ['the key as userinfo', { baseUrl: `http://${SECRET}@127.0.0.1:8787/api/`, apiKey: SECRET }],
  ['the key as user:password', { baseUrl: `http://bearer:${SECRET}@127.0.0.1:8787/api/`, apiKey: null }],
  ['the key as a path segment', { baseUrl: `${HOST}/api/${SECRET}/`, apiKey: SECRET }],
  ['the key in the fragment', { baseUrl: `${API_BASE}#${SECRET}`, apiKey: SECRET }],
  ['the key on an https look-alike host', { baseUrl: `https://${SECRET}.example.com/api/`, apiKey: SECRET }],
  ['the key on a plain-http remote host', { baseUrl: `http://conf.example.com/${SECRET}/`, apiKey: SECRET }],
  ['the key with surrounding whitespace', { apiKey: `  ${SECRET}\n` }],
  ['a Bearer prefix pasted with the key', { apiKey: `Bearer ${SECRET}` }],
  ['the key with a newline inside', { apiKey: `${SECRET.slice(0, 8)}\n${SECRET.slice(8)}` }],
  ['the key with a tab inside', { apiKey: `${SECRET}\tx` }],
  ['a URL with spaces and the key', { baseUrl: `${HOST}/api ${SECRET}`, apiKey: SECRET }],
  ['a javascript: URL holding the key', { baseUrl: `javascript:${SECRET}`, apiKey: SECRET }],
  ['the right configuration', { apiKey: SECRET }],
];

describe('the API key never leaks', () => {
  it.each(configurations)(
    'with %s: no log line, no card and no ConferenceError carries it',
    (_name, config) => {
      const world = makeGasGlobals(config);
      const app = loadBundle(world.globals);
      const data = app.createConference({ eventData: { calendarId: 'alice@example.com', eventId: 'ev1' } });
      try {
        app.syncEvents({ calendarId: 'alice@example.com' });
      } catch {
        // A failing sync rethrows for Apps Script's own failure notice; what it logged is checked below.
      }
      const card = cardTexts(app.onHomepage({})).flat().join('\n');
      const seen = [world.console.text(), card, JSON.stringify(data)].join('\n');
      for (const part of [SECRET, SECRET.slice(0, 12), SECRET.slice(8)]) expect(seen).not.toContain(part);
    },
  );

  it('a key that is not a valid header value is a PERMANENT configuration error, named on the card', () => {
    const world = makeGasGlobals({ apiKey: `${SECRET}\n` + 'x' });
    const app = loadBundle(world.globals);
    const data = app.createConference({ eventData: { calendarId: 'alice@example.com', eventId: 'ev1' } });
    expect(data).toMatchObject({ error: 'PERMANENT' });
    expect(world.fetch).not.toHaveBeenCalled();
    expect(cardTexts(app.onHomepage({})).flat().join('\n')).toContain('CONFERENCE_API_KEY');
  });
});
