/**
 * ReferenceConferenceProvider over a recording HttpTransport: the requests it builds (conference-api.md) and
 * how each kind of answer becomes a Conference or a typed ProviderError.
 */
import { placeholderFields } from '../../../src/core/conferenceFields';
import { ProviderError } from '../../../src/core/errors';
import { type HttpRequest, type HttpResponse, HttpTransportError } from '../../../src/provider/http';
import {
  MALFORMED_RESPONSE_CODE,
  parseRetryAfter,
  ReferenceConferenceProvider,
  TRANSPORT_ERROR_CODE,
} from '../../../src/provider/referenceProvider';
import { SAMPLE_FIELDS, sampleConference, thrownBy } from './stubs';

const KEY = 'sk_live_0123456789abcdef';
const BASE = 'https://conf.example.com/api/';
const FIELDS = SAMPLE_FIELDS;
const CONFERENCE = sampleConference({ ...FIELDS, dialIn: { number: '+1 555 0100', pin: '4242' } });

type Answer = HttpResponse | Error;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const apiError = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: `${code} happened` } }, headers);

function setup(...answers: Answer[]) {
  const sent: HttpRequest[] = [];
  const transport = {
    send(request: HttpRequest): HttpResponse {
      sent.push(request);
      const answer = answers.shift() ?? json(500, 'no answer scripted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { sent, provider: new ReferenceConferenceProvider({ baseUrl: BASE, apiKey: KEY }, transport) };
}

const create = (p: ReferenceConferenceProvider) =>
  p.create({
    idempotencyKey: 'idem-alice-ev1',
    calendarId: 'alice@example.com',
    eventId: 'ev1',
    fields: FIELDS,
  });

describe('ReferenceConferenceProvider requests', () => {
  it('creates with POST {base}v1/conferences, the Bearer key, JSON and the Idempotency-Key', () => {
    const { sent, provider } = setup(json(201, CONFERENCE));
    expect(create(provider)).toEqual(CONFERENCE);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe('POST');
    expect(sent[0].url).toBe('https://conf.example.com/api/v1/conferences');
    expect(sent[0].headers).toMatchObject({
      Authorization: `Bearer ${KEY}`,
      'Content-Type': 'application/json; charset=utf-8',
      'Idempotency-Key': 'idem-alice-ev1',
    });
    expect(JSON.parse(sent[0].body ?? '')).toEqual({
      ...FIELDS,
      calendarId: 'alice@example.com',
      eventId: 'ev1',
    });
  });

  it('accepts the 200 of a repeated create as the same conference', () => {
    const { provider } = setup(json(200, CONFERENCE));
    expect(create(provider).id).toBe('c-1');
  });

  it('refuses an Idempotency-Key longer than 255 characters without calling the API', () => {
    const { sent, provider } = setup();
    const error = thrownBy(() =>
      provider.create({ idempotencyKey: 'k'.repeat(256), calendarId: 'a', eventId: 'e', fields: FIELDS }),
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false });
    expect(sent).toHaveLength(0);
  });

  it('PATCHes only the given fields, with the id encoded into the path', () => {
    const { sent, provider } = setup(json(200, { ...CONFERENCE, title: 'New', version: 2 }));
    expect(provider.update('c-1', { title: 'New' }).version).toBe(2);
    expect(sent[0]).toMatchObject({
      method: 'PATCH',
      url: `${BASE}v1/conferences/c-1`,
      body: '{"title":"New"}',
    });
  });

  it('PUTs an occurrence override and DELETEs one, keys encoded into the path', () => {
    const { sent, provider } = setup(json(200, CONFERENCE), json(204, ''));
    provider.setOccurrence('c-1', '20261201T090000Z', { cancelled: true });
    provider.clearOccurrence('c-1', '20261201T090000Z');
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `PUT ${BASE}v1/conferences/c-1/occurrences/20261201T090000Z`,
      `DELETE ${BASE}v1/conferences/c-1/occurrences/20261201T090000Z`,
    ]);
    expect(sent[1].body).toBeUndefined();
    expect(sent[1].headers['Content-Type']).toBeUndefined();
  });
});

describe('ReferenceConferenceProvider outcomes', () => {
  it('treats DELETE 204 and DELETE 404 as done', () => {
    const { provider } = setup(json(204, ''), apiError(404, 'NOT_FOUND'));
    expect(() => provider.delete('c-1')).not.toThrow();
    expect(() => provider.delete('c-1')).not.toThrow();
  });

  it('treats a 404 on clearing an occurrence as done', () => {
    const { provider } = setup(apiError(404, 'NOT_FOUND'));
    expect(() => provider.clearOccurrence('c-1', '20261201')).not.toThrow();
  });

  it('reports PATCH 404 as a permanent NOT_FOUND', () => {
    const { provider } = setup(apiError(404, 'NOT_FOUND'));
    expect(thrownBy(() => provider.update('c-1', { title: 'x' }), ProviderError)).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      retryable: false,
    });
  });

  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [412, 'FAILED_PRECONDITION'],
    [413, 'PAYLOAD_TOO_LARGE'],
  ])('a %i %s is permanent', (status, code) => {
    const { provider } = setup(apiError(status, code));
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({ status, code, retryable: false });
  });

  it.each([500, 502, 503, 504])('a %i is retryable', (status) => {
    const { provider } = setup(apiError(status, status === 500 ? 'INTERNAL' : 'UNAVAILABLE'));
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({ status, retryable: true });
  });

  it('keeps Retry-After seconds from a 429, whatever the header name case', () => {
    const { provider } = setup(
      apiError(429, 'RESOURCE_EXHAUSTED', { 'Retry-After': '7' }),
      apiError(429, 'RESOURCE_EXHAUSTED', { 'retry-after': '30' }),
    );
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      retryable: true,
      retryAfterSeconds: 7,
    });
    expect(thrownBy(() => create(provider), ProviderError).retryAfterSeconds).toBe(30);
  });

  it('gives no hint for a Retry-After that is not whole seconds', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:00 GMT')).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
    expect(parseRetryAfter(' 12 ')).toBe(12);
  });

  it('derives the code from the status when the error body is not the API format', () => {
    const { provider } = setup(json(502, '<html>Bad gateway</html>'), json(418, ''));
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      status: 502,
      code: 'HTTP_502',
      retryable: true,
    });
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      status: 418,
      code: 'HTTP_418',
      retryable: false,
    });
  });

  it('makes a transport failure (no response) a retryable TRANSPORT error', () => {
    const { provider } = setup(
      new HttpTransportError('Timeout: https://conf.example.com/api/v1/conferences', true),
    );
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      code: TRANSPORT_ERROR_CODE,
      retryable: true,
    });
  });

  it('keeps a transport failure permanent when the transport says retrying cannot help', () => {
    const { provider } = setup(
      new HttpTransportError('UrlFetch calls to https://x are not permitted by your admin', false),
    );
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      code: TRANSPORT_ERROR_CODE,
      retryable: false,
    });
  });

  it.each([
    ['not JSON', 'Service is up'],
    ['a JSON array', '[]'],
    ['no id', JSON.stringify({ ...CONFERENCE, id: undefined })],
    ['an id with bad characters', JSON.stringify({ ...CONFERENCE, id: 'a/b' })],
    ['a joinUrl that is not http(s)', JSON.stringify({ ...CONFERENCE, joinUrl: 'javascript:alert(1)' })],
    ['a version of 0', JSON.stringify({ ...CONFERENCE, version: 0 })],
    ['attendees that are not strings', JSON.stringify({ ...CONFERENCE, attendees: [1] })],
    ['a dialIn without a number', JSON.stringify({ ...CONFERENCE, dialIn: { pin: '1' } })],
  ])('turns a 2xx with %s into a MALFORMED_RESPONSE error, not a crash', (_what, body) => {
    const { provider } = setup(json(201, body));
    expect(thrownBy(() => create(provider), ProviderError)).toMatchObject({
      code: MALFORMED_RESPONSE_CODE,
      status: 201,
    });
  });

  it('fills optional fields a minimal valid response leaves out', () => {
    const { provider } = setup(
      json(201, { id: 'c-9', joinUrl: 'https://meet.example.com/j/c-9', version: 1 }),
    );
    expect(create(provider)).toEqual({
      ...placeholderFields(),
      id: 'c-9',
      joinUrl: 'https://meet.example.com/j/c-9',
      version: 1,
      calendarId: '',
      eventId: '',
      occurrences: {},
      createdAt: '',
      updatedAt: '',
    });
  });
});

describe('ReferenceConferenceProvider reads (get, findByEvent)', () => {
  const OTHER = sampleConference({ ...FIELDS, title: 'Older' });
  const older = { ...OTHER, id: 'c-0', joinUrl: 'https://meet.example.com/j/c-0' };

  it('GETs one conference at {base}v1/conferences/{id}, without a body, and validates it', () => {
    const { sent, provider } = setup(json(200, CONFERENCE));
    const [outcome] = provider.executeAll([{ kind: 'get', conferenceId: 'c-1' }]);
    expect(outcome).toEqual({ ok: true, conference: CONFERENCE });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'GET', url: `${BASE}v1/conferences/c-1`, body: undefined });
    expect(sent[0].headers).toMatchObject({ Authorization: `Bearer ${KEY}` });
    expect(sent[0].headers['Content-Type']).toBeUndefined();
    expect(sent[0].headers['Idempotency-Key']).toBeUndefined();
  });

  it('reports GET 404 as a permanent NOT_FOUND', () => {
    const { provider } = setup(apiError(404, 'NOT_FOUND'));
    const [outcome] = provider.executeAll([{ kind: 'get', conferenceId: 'c-1' }]);
    expect(outcome?.ok).toBe(false);
    expect(outcome?.ok === false && outcome.error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      retryable: false,
    });
    expect(outcome?.ok === false && outcome.error).toBeInstanceOf(ProviderError);
  });

  it.each(['', '~', 'a/b'])(
    'answers NOT_FOUND for the id %p without a request (no id of the API has it)',
    (id) => {
      const { sent, provider } = setup();
      expect(thrownBy(() => provider.get(id), ProviderError)).toMatchObject({
        code: 'NOT_FOUND',
        retryable: false,
      });
      expect(sent).toHaveLength(0);
    },
  );

  it('turns a malformed GET body into a retryable MALFORMED_RESPONSE', () => {
    const { provider } = setup(json(200, { ...CONFERENCE, id: undefined }));
    expect(thrownBy(() => provider.get('c-1'), ProviderError)).toMatchObject({
      code: MALFORMED_RESPONSE_CODE,
      retryable: true,
    });
  });

  it('lists the conferences of an event with GET v1/conferences?calendarId&eventId, values URL-encoded', () => {
    const { sent, provider } = setup(json(200, { items: [CONFERENCE, older] }));
    const [outcome] = provider.executeAll([
      { kind: 'findByEvent', calendarId: 'team+x@group.calendar.google.com', eventId: 'ev 1&a=b_20261201' },
    ]);
    expect(outcome).toEqual({ ok: true, conferences: [CONFERENCE, older] });
    expect(sent[0]).toMatchObject({
      method: 'GET',
      url: `${BASE}v1/conferences?calendarId=team%2Bx%40group.calendar.google.com&eventId=ev%201%26a%3Db_20261201`,
      body: undefined,
    });
    const query = new URL(sent[0].url).searchParams;
    expect(query.get('calendarId')).toBe('team+x@group.calendar.google.com');
    expect(query.get('eventId')).toBe('ev 1&a=b_20261201');
  });

  it('answers an empty list when no conference was made for the event', () => {
    const { provider } = setup(json(200, { items: [] }));
    expect(provider.findByEvent('alice@example.com', 'ev1')).toEqual([]);
  });

  it('normalises each listed conference as a single one', () => {
    const { provider } = setup(
      json(200, { items: [{ id: 'c-9', joinUrl: 'https://meet.example.com/j/c-9', version: 1 }] }),
    );
    expect(provider.findByEvent('alice@example.com', 'ev1')).toEqual([
      expect.objectContaining({ id: 'c-9', title: '', recurrence: [], attendees: [], occurrences: {} }),
    ]);
  });

  it.each([
    ['not JSON', 'ok'],
    ['a bare array', JSON.stringify([CONFERENCE])],
    ['no items', JSON.stringify({})],
    ['items that are not an array', JSON.stringify({ items: CONFERENCE })],
    ['an item without an id', JSON.stringify({ items: [CONFERENCE, { ...CONFERENCE, id: undefined }] })],
  ])('turns a listing with %s into a retryable MALFORMED_RESPONSE', (_what, body) => {
    const { provider } = setup(json(200, body));
    expect(thrownBy(() => provider.findByEvent('alice@example.com', 'ev1'), ProviderError)).toMatchObject({
      code: MALFORMED_RESPONSE_CODE,
      status: 200,
      retryable: true,
    });
  });

  it('maps listing failures like any other call (429 retryable with Retry-After, 401 permanent)', () => {
    const { provider } = setup(
      apiError(429, 'RESOURCE_EXHAUSTED', { 'Retry-After': '5' }),
      apiError(401, 'UNAUTHENTICATED'),
    );
    expect(thrownBy(() => provider.findByEvent('a', 'e'), ProviderError)).toMatchObject({
      retryable: true,
      retryAfterSeconds: 5,
    });
    expect(thrownBy(() => provider.findByEvent('a', 'e'), ProviderError)).toMatchObject({
      code: 'UNAUTHENTICATED',
      retryable: false,
    });
  });

  it('sends reads and writes in one wave, each outcome in the order of its call', () => {
    const { sent, provider } = setup(
      json(200, { items: [older] }),
      json(204, ''),
      apiError(404, 'NOT_FOUND'),
      json(200, CONFERENCE),
    );
    const outcomes = provider.executeAll([
      { kind: 'findByEvent', calendarId: 'alice@example.com', eventId: 'ev1' },
      { kind: 'delete', conferenceId: 'c-0' },
      { kind: 'get', conferenceId: 'c-0' },
      { kind: 'get', conferenceId: 'c-1' },
    ]);
    expect(sent.map((r) => r.method)).toEqual(['GET', 'DELETE', 'GET', 'GET']);
    expect(outcomes[0]).toEqual({ ok: true, conferences: [older] });
    expect(outcomes[1]).toEqual({ ok: true });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(outcomes[3]).toEqual({ ok: true, conference: CONFERENCE });
  });
});
