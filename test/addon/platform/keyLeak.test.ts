/**
 * The API key never leaves the Authorization header: not through a 401 (even one whose body echoes the key), a
 * transport failure, a configuration error, or any log line.
 */
import { placeholderFields } from '../../../src/core/conferenceFields';
import { ConsoleLog, describeError } from '../../../src/platform/log';
import { UrlFetchHttpTransport } from '../../../src/platform/urlFetchTransport';
import { readProviderConfig } from '../../../src/provider/config';
import { ReferenceConferenceProvider } from '../../../src/provider/referenceProvider';
import { apiError, ConsoleStub, fetchException, thrownBy } from './stubs';

const KEY = 'sk_live_SECRET_0123456789';
const FIELDS = placeholderFields();

function everything(console: ConsoleStub, ...errors: Error[]): string {
  return [
    console.text(),
    ...errors.flatMap((e) => [e.message, String(e), JSON.stringify(describeError(e))]),
  ].join('\n');
}

describe('the API key', () => {
  it('is absent from the error and the logs of a 401 whose body echoes it', () => {
    const console = new ConsoleStub();
    const log = new ConsoleLog(console, [KEY]);
    const fetch = jest.fn(() => apiError(401, 'UNAUTHENTICATED', `key ${KEY} is not valid`));
    const provider = new ReferenceConferenceProvider(
      { baseUrl: 'https://conf.example.com/', apiKey: KEY },
      new UrlFetchHttpTransport({ fetch }),
    );
    const error = thrownBy(() =>
      provider.create({ idempotencyKey: 'k1', calendarId: 'c', eventId: 'e', fields: FIELDS }),
    );
    log.error('create failed', { error });
    log.warn(`raw text ${KEY}`);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(fetch.mock.calls[0]).toEqual(expect.anything());
    expect(everything(console, error)).not.toContain(KEY);
    expect(console.text()).toContain('[redacted]');
  });

  it('is absent from a transport failure whose message echoes it', () => {
    const fetch = jest.fn(() => {
      throw fetchException(`Address unavailable: https://conf.example.com/?k=${KEY}`);
    });
    const provider = new ReferenceConferenceProvider(
      { baseUrl: 'https://conf.example.com/', apiKey: KEY },
      new UrlFetchHttpTransport({ fetch }),
    );
    const error = thrownBy(() => provider.delete('c-1'));
    expect(error.message).not.toContain(KEY);
  });

  it('is absent from configuration errors and their logs', () => {
    const console = new ConsoleStub();
    const log = new ConsoleLog(console, [KEY]);
    const badBase = thrownBy(() =>
      readProviderConfig((n) => (n === 'CONFERENCE_API_KEY' ? KEY : 'http://localhost.example.com')),
    );
    const badKey = thrownBy(() =>
      readProviderConfig((n) =>
        n === 'CONFERENCE_API_KEY' ? `${KEY}\r\n` + '\u0000' : 'https://conf.example.com',
      ),
    );
    log.error('config', { badBase, badKey });
    expect(badBase.message).toContain('CONFERENCE_API_BASE_URL');
    expect(badKey.message).toContain('CONFERENCE_API_KEY');
    expect(everything(console, badBase, badKey)).not.toContain(KEY);
  });
});
