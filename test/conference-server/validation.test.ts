/**
 * Bad input over real HTTP: every malformed request gets the spec's 4xx with the error body, never a 5xx, and
 * the server keeps serving afterwards (each case ends with a GET that must still work).
 */
import * as net from 'node:net';
import { CONFERENCE_LIMITS } from '../../contracts/conference-api';
import { expectError, nextKey, SAMPLE, startTestServer, type TestServer } from './helpers';

let t: TestServer;
let existingId: string;
beforeAll(async () => {
  t = await startTestServer();
  existingId = (await t.client.createConference(SAMPLE, nextKey())).conference.id;
});
afterAll(async () => {
  await t.server.close();
});

async function expectStillServing(): Promise<void> {
  const response = await t.api('GET', `/v1/conferences/${existingId}`);
  expect(response.status).toBe(200);
}

function postCreate(body: string, headers: Record<string, string> = { 'idempotency-key': nextKey() }) {
  return t.api('POST', '/v1/conferences', { body, headers });
}

const badCreateBodies: Array<[string, unknown]> = [
  ['an unknown field', { ...SAMPLE, colour: 'blue' }],
  ['the read-only id', { id: 'mine' }],
  ['the read-only version', { version: 3 }],
  ['the read-only joinUrl', { joinUrl: 'https://x.test/j/1' }],
  ['occurrences (only through their endpoints)', { occurrences: {} }],
  ['a number as title', { title: 42 }],
  ['a title over 1024 characters', { title: 'x'.repeat(CONFERENCE_LIMITS.maxTitleLength + 1) }],
  ['attendees as a string', { attendees: 'a@example.com' }],
  ['a non-address attendee', { attendees: ['not an address'] }],
  ['recurrence as a string', { recurrence: 'RRULE:FREQ=DAILY' }],
  ['an unnamed recurrence line', { recurrence: ['FREQ=DAILY'] }],
  ['a recurrence line with another property name', { recurrence: ['DTSTART:20261201T100000Z'] }],
  ['a recurrence line without a value', { recurrence: ['RRULE:'] }],
  ['a recurrence line with a bad parameter', { recurrence: ['EXDATE;TZID:20261201T100000'] }],
  [
    'too many recurrence lines',
    { recurrence: Array(CONFERENCE_LIMITS.maxRecurrenceLines + 1).fill('RDATE:20261201') },
  ],
  ['a time without offset', { startTime: '2026-12-01T10:00:00' }],
  ['a time on a day that does not exist', { startTime: '2026-02-30T10:00:00Z' }],
  ['a time at hour 24', { startTime: '2026-12-01T24:00:00Z' }],
  ['a date in another format', { startDate: '01/12/2026' }],
  ['a date that does not exist', { startDate: '2026-13-01' }],
  ['February 29 in a common year', { startDate: '2027-02-29' }],
  ['an end time before the start', { startTime: '2026-12-01T11:00:00Z', endTime: '2026-12-01T10:00:00Z' }],
  [
    'an end time equal to the start',
    { startTime: '2026-12-01T11:00:00Z', endTime: '2026-12-01T12:00:00+01:00' },
  ],
  ['an end date before the start', { startDate: '2026-12-02', endDate: '2026-12-01' }],
  [
    'an end date equal to the start (endDate is exclusive)',
    { startDate: '2026-12-02', endDate: '2026-12-02' },
  ],
  ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
  ['an offset as time zone', { timeZone: '+01:00' }],
  ['a JSON array as body', [SAMPLE]],
  ['a JSON string as body', 'hello'],
  ['JSON null as body', null],
];

describe('a create with a bad body answers 400 INVALID_ARGUMENT and creates nothing', () => {
  it.each(badCreateBodies)('rejects %s', async (_name, body) => {
    const before = t.server.store.count();
    await expectError(await postCreate(JSON.stringify(body)), 400, 'INVALID_ARGUMENT');
    expect(t.server.store.count()).toBe(before);
    await expectStillServing();
  });

  it('names the offending field in the message', async () => {
    const body = await expectError(
      await postCreate(JSON.stringify({ attendees: ['ok@example.com', 'nope'] })),
      400,
      'INVALID_ARGUMENT',
    );
    expect(body.error.message).toContain('attendees[1]');
  });

  it('says that a read-only field is read-only', async () => {
    const body = await expectError(await postCreate('{"version":2}'), 400, 'INVALID_ARGUMENT');
    expect(body.error.message).toContain('read-only');
  });
});

describe('good values at the edges are accepted', () => {
  it('accepts exactly the maximum of attendees, recurrence lines and title length', async () => {
    const attendees = Array.from({ length: CONFERENCE_LIMITS.maxAttendees }, (_, i) => `p${i}@example.com`);
    const { conference } = await t.client.createConference(
      { attendees, title: 'x'.repeat(CONFERENCE_LIMITS.maxTitleLength) },
      nextKey(),
    );
    expect(conference.attendees).toHaveLength(CONFERENCE_LIMITS.maxAttendees);
    const lines = Array(CONFERENCE_LIMITS.maxRecurrenceLines).fill('RDATE;VALUE=DATE:20261201,20261202');
    expect((await t.client.updateConference(conference.id, { recurrence: lines })).recurrence).toHaveLength(
      100,
    );
  });

  it('accepts the recurrence line shapes Calendar uses, with and without parameters', async () => {
    const recurrence = [
      'RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20270101T000000Z;BYDAY=MO,WE',
      'EXRULE:FREQ=MONTHLY;BYMONTHDAY=1',
      'RDATE;VALUE=DATE:20261224,20261231',
      'EXDATE;TZID=Europe/Paris:20261201T100000',
      'EXDATE;TZID="America/New_York":20261201T100000',
    ];
    const { conference } = await t.client.createConference({ recurrence }, nextKey());
    expect(conference.recurrence).toEqual(recurrence);
  });

  it('accepts fractional seconds, lower-case separators and leap-day dates', async () => {
    const { conference } = await t.client.createConference(
      { startTime: '2028-02-29T10:00:00.123456Z', endTime: '2028-02-29t11:00:00-05:30' },
      nextKey(),
    );
    expect(conference.startTime).toBe('2028-02-29T10:00:00.123456Z');
  });
});

describe('a malformed request never causes a 5xx', () => {
  it('answers malformed JSON with 400', async () => {
    await expectError(await postCreate('{"title": '), 400, 'INVALID_ARGUMENT');
    await expectStillServing();
  });

  it('answers an empty body on create with 400', async () => {
    await expectError(await postCreate(''), 400, 'INVALID_ARGUMENT');
    await expectStillServing();
  });

  it('parses a body sent without a JSON content type as JSON rather than answering 415', async () => {
    const response = await t.api('POST', '/v1/conferences', {
      body: '{"title":"plain"}',
      headers: { 'idempotency-key': nextKey(), 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(201);
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ title: 'x'.repeat(CONFERENCE_LIMITS.maxBodyBytes) });
    await expectError(await postCreate(body), 413, 'PAYLOAD_TOO_LARGE');
    await expectStillServing();
  });

  it('accepts a body of exactly 1 MiB as far as size goes (it then fails validation, not the size limit)', async () => {
    const filler = 'x'.repeat(CONFERENCE_LIMITS.maxBodyBytes - '{"title":""}'.length);
    const body = `{"title":"${filler}"}`;
    expect(Buffer.byteLength(body)).toBe(CONFERENCE_LIMITS.maxBodyBytes);
    await expectError(await postCreate(body), 400, 'INVALID_ARGUMENT');
  });

  it('answers too many attendees with 400', async () => {
    const attendees = Array.from(
      { length: CONFERENCE_LIMITS.maxAttendees + 1 },
      (_, i) => `p${i}@example.com`,
    );
    await expectError(await postCreate(JSON.stringify({ attendees })), 400, 'INVALID_ARGUMENT');
    await expectStillServing();
  });

  it('answers a missing, empty or oversize Idempotency-Key with 400', async () => {
    await expectError(await postCreate('{}', {}), 400, 'INVALID_ARGUMENT');
    await expectError(await postCreate('{}', { 'idempotency-key': '' }), 400, 'INVALID_ARGUMENT');
    const tooLong = 'k'.repeat(CONFERENCE_LIMITS.maxIdempotencyKeyLength + 1);
    await expectError(await postCreate('{}', { 'idempotency-key': tooLong }), 400, 'INVALID_ARGUMENT');
    await expectStillServing();
  });

  it('accepts an Idempotency-Key of exactly 255 characters', async () => {
    const response = await postCreate('{}', { 'idempotency-key': 'k'.repeat(255) });
    expect(response.status).toBe(201);
  });
});

describe('malformed HTTP gets the spec error body too', () => {
  /** Sends raw bytes and returns the raw answer (the server closes the connection after a parser error). */
  function rawRequest(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(t.server.port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        answer += chunk;
      });
      socket.on('end', () => resolve(answer));
      // A reset after the answer arrived (the server closes while we still write) is not a failure.
      socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    });
  }

  it('answers a broken request line or header with 400 and the error body', async () => {
    const answer = await rawRequest('GET /api/v1/conferences HTTP/1.1\r\nHost: x\r\nBroken Header\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('application/json; charset=utf-8');
    expect(answer).toContain('"code":"INVALID_ARGUMENT"');
    await expectStillServing();
  });

  it('answers headers over 16 KiB (e.g. a huge Idempotency-Key) with 400 and the error body', async () => {
    const answer = await rawRequest(
      `POST /api/v1/conferences HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ${'k'.repeat(20_000)}\r\n` +
        'Content-Length: 2\r\n\r\n{}',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"INVALID_ARGUMENT"');
    await expectStillServing();
  });

  it('answers a bad %-escape in the URL with 400 and the error body', async () => {
    await expectError(await t.api('GET', '/v1/conferences/%zz'), 400, 'INVALID_ARGUMENT');
  });

  it('answers a compressed body with 400 rather than misreading it', async () => {
    const response = await t.api('POST', '/v1/conferences', {
      body: '{}',
      headers: { 'idempotency-key': nextKey(), 'content-encoding': 'gzip' },
    });
    await expectError(response, 400, 'INVALID_ARGUMENT');
  });
});

describe('a PATCH with a bad body answers 400 and changes nothing', () => {
  const badPatches: Array<[string, unknown]> = [
    ['calendarId (create only)', { calendarId: 'x@example.com' }],
    ['eventId (create only)', { eventId: 'other' }],
    ['a read-only field', { createdAt: '2026-01-01T00:00:00Z' }],
    ['an unknown field', { colour: 'red' }],
    ['a wrong type', { attendees: [1, 2] }],
    ['a bad date', { startDate: '2026-04-31' }],
    ['a bad recurrence line', { recurrence: ['RRULE FREQ=DAILY'] }],
  ];
  it.each(badPatches)('rejects %s', async (_name, body) => {
    const before = await t.client.getConference(existingId);
    await expectError(
      await t.api('PATCH', `/v1/conferences/${existingId}`, { body: JSON.stringify(body) }),
      400,
      'INVALID_ARGUMENT',
    );
    expect(await t.client.getConference(existingId)).toEqual(before);
  });

  it('answers malformed JSON on PATCH with 400', async () => {
    await expectError(
      await t.api('PATCH', `/v1/conferences/${existingId}`, { body: '{oops' }),
      400,
      'INVALID_ARGUMENT',
    );
    await expectStillServing();
  });
});
