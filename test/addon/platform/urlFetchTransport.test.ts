/**
 * UrlFetchHttpTransport against a stubbed UrlFetchApp: the fetch parameters it uses, every HTTP status returned
 * as a response, and UrlFetchApp's own exceptions (no response at all) as HttpTransportError.
 */
import { ProviderError } from '../../../src/core/errors';
import { UrlFetchHttpTransport } from '../../../src/platform/urlFetchTransport';
import { HttpTransportError } from '../../../src/provider/http';
import { ReferenceConferenceProvider } from '../../../src/provider/referenceProvider';
import { apiError, type FetchParams, fetchException, httpResponse, thrownBy } from './stubs';

const URL = 'https://conf.example.com/api/v1/conferences';

function stubFetch(answer: ReturnType<typeof httpResponse> | Error) {
  return jest.fn((_url: string, _params: FetchParams) => {
    if (answer instanceof Error) throw answer;
    return answer;
  });
}

describe('UrlFetchHttpTransport', () => {
  it('fetches with muteHttpExceptions, no redirects, the JSON body as a string and its content type', () => {
    const fetch = stubFetch(httpResponse(201, { id: 'c-1' }, { 'Content-Type': 'application/json' }));
    const response = new UrlFetchHttpTransport({ fetch }).send({
      method: 'POST',
      url: URL,
      headers: {
        Authorization: 'Bearer k',
        'Content-Type': 'application/json; charset=utf-8',
        'Idempotency-Key': 'i',
      },
      body: '{"title":"x"}',
    });
    expect(fetch).toHaveBeenCalledWith(URL, {
      method: 'post',
      headers: { Authorization: 'Bearer k', 'Idempotency-Key': 'i' },
      payload: '{"title":"x"}',
      contentType: 'application/json; charset=utf-8',
      muteHttpExceptions: true,
      followRedirects: false,
      timeoutSeconds: 30,
    });
    expect(response).toEqual({
      status: 201,
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":"c-1"}',
    });
  });

  it('sends no payload and no content type for a request without a body', () => {
    const fetch = stubFetch(httpResponse(204));
    new UrlFetchHttpTransport({ fetch }).send({ method: 'DELETE', url: `${URL}/c-1`, headers: {} });
    const params = fetch.mock.calls[0][1];
    expect(params.method).toBe('delete');
    expect(params).not.toHaveProperty('payload');
    expect(params).not.toHaveProperty('contentType');
  });

  it.each([400, 401, 404, 429, 500, 503])('returns a %i as a response instead of throwing', (status) => {
    const transport = new UrlFetchHttpTransport({ fetch: stubFetch(httpResponse(status, 'x')) });
    expect(transport.send({ method: 'GET', url: URL, headers: {} }).status).toBe(status);
  });

  it.each([
    ['Address unavailable: https://conf.example.com/api/v1/conferences', true],
    ['DNS error: https://conf.example.com/api/v1/conferences', true],
    ['Timeout: https://conf.example.com/api/v1/conferences', true],
    [
      'Service invoked too many times in a short time: urlfetch. Try Utilities.sleep(1000) between calls.',
      true,
    ],
    ['UrlFetch calls to https://conf.example.com/api/v1/conferences are not permitted by your admin', false],
    ['Invalid argument: https://conf.example.com/api/v1/conferences', false],
    ['Service invoked too many times for one day: urlfetch.', true],
  ])('turns the UrlFetchApp exception "%s" into a transport error (retryable=%s)', (message, retryable) => {
    const transport = new UrlFetchHttpTransport({ fetch: stubFetch(fetchException(message)) });
    const error = thrownBy(
      () => transport.send({ method: 'GET', url: URL, headers: {} }),
      HttpTransportError,
    );
    expect(error).toMatchObject({ message, retryable });
  });

  it('keeps a change that hit the daily UrlFetch quota for a retry hours later, not sooner', () => {
    const transport = new UrlFetchHttpTransport({
      fetch: stubFetch(fetchException('Service invoked too many times for one day: urlfetch.')),
    });
    const error = thrownBy(
      () => transport.send({ method: 'GET', url: URL, headers: {} }),
      HttpTransportError,
    );
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(60 * 60);
  });

  it('lets the provider keep a 503 Retry-After hint that came through UrlFetchApp', () => {
    const fetch = stubFetch(apiError(503, 'UNAVAILABLE', 'down for maintenance', { 'Retry-After': '120' }));
    const provider = new ReferenceConferenceProvider(
      { baseUrl: 'https://conf.example.com/api/', apiKey: 'k' },
      new UrlFetchHttpTransport({ fetch }),
    );
    expect(thrownBy(() => provider.delete('c-1'), ProviderError)).toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
      retryable: true,
      retryAfterSeconds: 120,
    });
  });
});
