/**
 * AppsScriptCalendarPort against a stubbed Calendar advanced service: the request it sends (fields mask, no
 * forbidden parameters) and the one place Google's errors become the core's typed errors, in every form the
 * runtime has been seen to throw them.
 */
import { CalendarApiError, SyncTokenRejectedError } from '../../../src/core/errors';
import { AppsScriptCalendarPort, EVENT_FIELDS, LIST_FIELDS } from '../../../src/platform/calendarPort';
import { conferenceDataJson } from '../../../src/platform/conferenceData';
import { FakeCalendar } from '../fakes/FakeCalendar';
import {
  CalendarServiceStub,
  type ErrorForm,
  expiredTokenError,
  googleJsonError,
  invalidTokenError,
  sampleConference,
  thrownBy,
} from './stubs';

const CAL = 'alice@example.com';
const FORMS: ErrorForm[] = ['prefixed', 'bare', 'details-only', 'message-only'];

function setup() {
  const service = new CalendarServiceStub(new FakeCalendar());
  return { service, port: new AppsScriptCalendarPort(service) };
}

const incremental = { syncToken: 'tok', maxResults: 2500, showDeleted: true } as const;

describe('AppsScriptCalendarPort.listEvents', () => {
  it('asks only for the fields the engine reads, with showDeleted and the page size', () => {
    const { service, port } = setup();
    port.listEvents(CAL, { maxResults: 2500, showDeleted: true, timeMin: '2026-11-24T12:00:00.000Z' });
    expect(service.listCalls).toEqual([
      {
        calendarId: CAL,
        args: {
          maxResults: 2500,
          showDeleted: true,
          timeMin: '2026-11-24T12:00:00.000Z',
          fields: LIST_FIELDS,
        },
      },
    ]);
    expect(LIST_FIELDS).toBe(
      'items(id,status,summary,start,end,recurrence,recurringEventId,originalStartTime,' +
        'attendees(email,responseStatus,resource),organizer(email,self),' +
        'conferenceData(conferenceId,conferenceSolution/key/type),etag,updated),' +
        'nextPageToken,nextSyncToken',
    );
  });

  it('sends the token and page token unchanged and never orderBy, updatedMin or timeMin with a token', () => {
    const { service, port } = setup();
    service.fake.put(CAL, { id: 'ev1', status: 'confirmed' });
    const first = port.listEvents(CAL, { maxResults: 2500, showDeleted: true });
    service.fake.put(CAL, { id: 'ev2', status: 'confirmed' });
    service.fake.put(CAL, { id: 'ev3', status: 'confirmed' });
    const page1 = port.listEvents(CAL, { syncToken: first.nextSyncToken, maxResults: 1, showDeleted: true });
    port.listEvents(CAL, {
      syncToken: first.nextSyncToken,
      pageToken: page1.nextPageToken,
      maxResults: 1,
      showDeleted: true,
    });
    const args = service.listCalls.slice(1).map((c) => c.args);
    expect(args[0]).toEqual({
      syncToken: first.nextSyncToken,
      maxResults: 1,
      showDeleted: true,
      fields: LIST_FIELDS,
    });
    expect(args[1]).toMatchObject({ syncToken: first.nextSyncToken, pageToken: page1.nextPageToken });
    for (const a of args)
      expect(Object.keys(a)).not.toEqual(expect.arrayContaining(['orderBy', 'updatedMin', 'timeMin']));
  });

  it('returns the page as items plus whichever token Google sent', () => {
    const { service, port } = setup();
    service.fake.put(CAL, { id: 'ev1', status: 'confirmed' });
    service.fake.put(CAL, { id: 'ev2', status: 'confirmed' });
    const page = port.listEvents(CAL, { maxResults: 1, showDeleted: true });
    expect(page.items).toHaveLength(1);
    expect(page.nextPageToken).toEqual(expect.any(String));
    expect(page.nextSyncToken).toBeUndefined();
  });

  it('turns a response whose items are not an array into a CalendarApiError', () => {
    const port = new AppsScriptCalendarPort({
      Events: { list: () => ({ items: 'oops' }), get: () => null, patch: () => ({}) },
      CalendarList: { list: () => ({}) },
    });
    expect(thrownBy(() => port.listEvents(CAL, incremental))).toBeInstanceOf(CalendarApiError);
  });

  it.each(FORMS)('a 410 fullSyncRequired (%s) is an expired-token rejection', (form) => {
    const { service, port } = setup();
    service.throwOnNextList(expiredTokenError(form));
    const error = thrownBy(() => port.listEvents(CAL, incremental));
    expect(error).toBeInstanceOf(SyncTokenRejectedError);
    expect((error as SyncTokenRejectedError).reason).toBe('expired');
  });

  it.each(FORMS)('a 400 "Invalid sync token value." (%s) is an invalid-token rejection', (form) => {
    const { service, port } = setup();
    service.throwOnNextList(invalidTokenError(form));
    const error = thrownBy(() => port.listEvents(CAL, incremental));
    expect(error).toBeInstanceOf(SyncTokenRejectedError);
    expect((error as SyncTokenRejectedError).reason).toBe('invalid');
  });

  it('recognises a rejected token from details alone when the message says nothing useful', () => {
    const { service, port } = setup();
    const error = Object.assign(new Error('Exception'), {
      name: 'GoogleJsonResponseException',
      details: { code: 410, errors: [{ reason: 'fullSyncRequired', message: 'gone' }] },
    });
    service.throwOnNextList(error);
    expect((thrownBy(() => port.listEvents(CAL, incremental)) as SyncTokenRejectedError).reason).toBe(
      'expired',
    );
  });

  it('a token the real service rejects comes back through the stub as the same typed error', () => {
    const { service, port } = setup();
    const first = port.listEvents(CAL, { maxResults: 10, showDeleted: true });
    service.fake.expireTokens(CAL);
    const error = thrownBy(() =>
      port.listEvents(CAL, { syncToken: first.nextSyncToken, maxResults: 10, showDeleted: true }),
    );
    expect((error as SyncTokenRejectedError).reason).toBe('expired');
  });

  it('a 400 unrelated to the token is a permanent CalendarApiError, not a token rejection', () => {
    const { service, port } = setup();
    service.throwOnNextList(
      googleJsonError('list', 400, 'timeRangeEmpty', 'The specified time range is empty.'),
    );
    const error = thrownBy(() => port.listEvents(CAL, incremental)) as CalendarApiError;
    expect(error).toBeInstanceOf(CalendarApiError);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });

  it('a 410 during a full sync (no token sent) is not mistaken for a token rejection', () => {
    const { service, port } = setup();
    service.throwOnNextList(googleJsonError('list', 410, 'deleted', 'Resource has been deleted'));
    expect(thrownBy(() => port.listEvents(CAL, { maxResults: 10, showDeleted: true }))).toBeInstanceOf(
      CalendarApiError,
    );
  });

  it.each([
    [403, 'rateLimitExceeded', 'Rate Limit Exceeded', true],
    [403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', true],
    [429, 'rateLimitExceeded', 'Rate Limit Exceeded', true],
    [500, 'backendError', 'Backend Error', true],
    [503, 'backendError', 'Service unavailable', true],
    [403, 'quotaExceeded', 'Calendar usage limits exceeded.', false],
    [404, 'notFound', 'Not Found', false],
  ])('a %i %s (%s) is a CalendarApiError with retryable=%s', (code, reason, message, retryable) => {
    const { service, port } = setup();
    service.throwOnNextList(googleJsonError('list', code, reason, message));
    const error = thrownBy(() => port.listEvents(CAL, incremental)) as CalendarApiError;
    expect(error).toBeInstanceOf(CalendarApiError);
    expect(error).toMatchObject({ status: code, reason, retryable });
  });

  it('a rate limit known only by its message is still retryable', () => {
    const { service, port } = setup();
    service.throwOnNextList(
      googleJsonError('list', 403, 'rateLimitExceeded', 'Rate Limit Exceeded', 'message-only'),
    );
    expect(thrownBy(() => port.listEvents(CAL, incremental))).toMatchObject({ retryable: true, status: 403 });
  });

  it('keeps the original error as the cause', () => {
    const { service, port } = setup();
    const original = googleJsonError('list', 500, 'backendError', 'Backend Error');
    service.throwOnNextList(original);
    expect((thrownBy(() => port.listEvents(CAL, incremental)) as Error).cause).toBe(original);
  });
});

describe('AppsScriptCalendarPort.getEvent', () => {
  it('reads the event with the same fields mask', () => {
    const { service, port } = setup();
    service.fake.put(CAL, { id: 'ev1', status: 'confirmed', summary: 'Standup' });
    expect(port.getEvent(CAL, 'ev1')).toMatchObject({ id: 'ev1', summary: 'Standup' });
    expect(service.getCalls).toEqual([{ calendarId: CAL, eventId: 'ev1', args: { fields: EVENT_FIELDS } }]);
  });

  it.each(FORMS)('returns null for an event that does not exist yet (404, %s)', (form) => {
    const port = new AppsScriptCalendarPort(new CalendarServiceStub(new FakeCalendar(), form));
    expect(port.getEvent(CAL, 'not-yet')).toBeNull();
  });

  it('translates other failures (a 403 rate limit) instead of hiding them as "not found"', () => {
    const port = new AppsScriptCalendarPort({
      Events: {
        list: () => ({}),
        get: () => {
          throw googleJsonError('get', 403, 'rateLimitExceeded', 'Rate Limit Exceeded');
        },
        patch: () => ({}),
      },
      CalendarList: { list: () => ({}) },
    });
    expect(thrownBy(() => port.getEvent(CAL, 'ev1'))).toMatchObject({
      name: 'CalendarApiError',
      retryable: true,
    });
  });
});

describe('AppsScriptCalendarPort.writeConference', () => {
  const conference = sampleConference({ id: 'c-7', joinUrl: 'https://meet.example.com/j/c-7' });

  it('patches conferenceData alone, conferenceDataVersion 1, If-Match the etag, and answers the new etag', () => {
    const { service, port } = setup();
    service.fake.put(CAL, { id: 'ev1', status: 'confirmed' });
    const etag = service.fake.peek(CAL, 'ev1')?.etag as string;
    const result = port.writeConference(CAL, 'ev1', conference, etag);
    const after = service.fake.peek(CAL, 'ev1');
    expect(result).toEqual({ kind: 'written', etag: after?.etag });
    expect(after?.etag).not.toBe(etag);
    expect(service.patchCalls).toEqual([
      {
        resource: { conferenceData: conferenceDataJson(conference) },
        calendarId: CAL,
        eventId: 'ev1',
        args: { conferenceDataVersion: 1, fields: 'etag' },
        headers: { 'If-Match': etag },
      },
    ]);
  });

  it.each(FORMS)('a 412 Precondition Failed (%s) is "changed"', (form) => {
    const port = new AppsScriptCalendarPort({
      Events: {
        list: () => ({}),
        get: () => null,
        patch: () => {
          throw googleJsonError('patch', 412, 'conditionNotMet', 'Precondition Failed', form);
        },
      },
      CalendarList: { list: () => ({}) },
    });
    expect(port.writeConference(CAL, 'ev1', conference, '"1"')).toEqual({ kind: 'changed' });
  });

  it('answers "written" without an etag when the response carries none', () => {
    const port = new AppsScriptCalendarPort({
      Events: { list: () => ({}), get: () => null, patch: () => ({}) },
      CalendarList: { list: () => ({}) },
    });
    expect(port.writeConference(CAL, 'ev1', conference, '"1"')).toEqual({ kind: 'written' });
  });

  it.each(FORMS)('translates other failures (404 and a 403 rate limit, %s)', (form) => {
    const { port } = setup();
    expect(thrownBy(() => port.writeConference(CAL, 'missing', conference, '"1"'))).toMatchObject({
      name: 'CalendarApiError',
      retryable: false,
    });
    const limited = new AppsScriptCalendarPort({
      Events: {
        list: () => ({}),
        get: () => null,
        patch: () => {
          throw googleJsonError('patch', 403, 'rateLimitExceeded', 'Rate Limit Exceeded', form);
        },
      },
      CalendarList: { list: () => ({}) },
    });
    const error = thrownBy(() => limited.writeConference(CAL, 'ev1', conference, '"1"'));
    expect(error).toMatchObject({ name: 'CalendarApiError', retryable: true });
    expect(error.message).toMatch(/^calendar\.events\.patch failed: /);
  });
});

describe('AppsScriptCalendarPort.listWritableCalendars', () => {
  it('asks for writer access with hidden calendars, and follows every page', () => {
    const { service, port } = setup();
    for (const id of ['team@group.calendar.google.com', 'hidden@group.calendar.google.com', 'c3@x', 'c4@x']) {
      service.fake.addCalendar(id);
    }
    const size = 2;
    const pages: Array<Record<string, unknown>> = [];
    const list = service.CalendarList.list;
    const paged = new AppsScriptCalendarPort({
      Events: service.Events,
      CalendarList: {
        list: (args) => {
          pages.push({ ...args });
          return list({ ...args, maxResults: size });
        },
      },
    });
    expect(paged.listWritableCalendars()).toEqual(service.fake.listWritableCalendars());
    expect(pages).toHaveLength(3);
    expect(pages[0]).toMatchObject({ minAccessRole: 'writer', showHidden: true });
    expect(pages[0].pageToken).toBeUndefined();
    expect(pages[1].pageToken).toEqual(expect.any(String));
    expect(port.listWritableCalendars()).toContain(CAL);
  });

  it('skips deleted entries and translates failures', () => {
    const port = new AppsScriptCalendarPort({
      Events: { list: () => ({}), get: () => null, patch: () => ({}) },
      CalendarList: { list: () => ({ items: [{ id: CAL }, { id: 'gone@x', deleted: true }, { nope: 1 }] }) },
    });
    expect(port.listWritableCalendars()).toEqual([CAL]);
    const failing = new AppsScriptCalendarPort({
      Events: { list: () => ({}), get: () => null, patch: () => ({}) },
      CalendarList: {
        list: () => {
          throw googleJsonError('list', 503, 'backendError', 'Backend Error');
        },
      },
    });
    const error = thrownBy(() => failing.listWritableCalendars());
    expect(error).toMatchObject({ name: 'CalendarApiError', retryable: true });
    expect(error.message).toMatch(/^calendar\.calendarList\.list failed: /);
  });
});
