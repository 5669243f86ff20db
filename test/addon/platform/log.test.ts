/** ConsoleLog: one line per entry (message + JSON data) at the right console level, errors made readable. */
import { ConsoleLog, describeError } from '../../../src/platform/log';
import { ConsoleStub } from './stubs';

describe('ConsoleLog', () => {
  it('writes the message and its data as one JSON line, at the matching level', () => {
    const console = new ConsoleStub();
    const log = new ConsoleLog(console);
    log.info('sync report', { calendarId: 'a@example.com', pages: 2 });
    log.warn('lock busy');
    log.error('failed', { error: new TypeError('boom') });
    expect(console.lines).toEqual([
      { level: 'log', text: 'sync report {"calendarId":"a@example.com","pages":2}' },
      { level: 'warn', text: 'lock busy' },
      { level: 'error', text: 'failed {"error":{"name":"TypeError","message":"boom"}}' },
    ]);
  });

  it('keeps the typed fields of an error (status, code, retryable)', () => {
    const error = Object.assign(new Error('x'), {
      name: 'ProviderError',
      status: 503,
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(describeError(error)).toEqual({
      name: 'ProviderError',
      message: 'x',
      status: 503,
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(describeError('plain')).toEqual({ message: 'plain' });
  });

  it('does not crash on data that cannot be serialised', () => {
    const console = new ConsoleStub();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    new ConsoleLog(console).info('odd', cyclic);
    expect(console.lines[0].text).toBe('odd "<unserialisable log data>"');
  });

  it('ignores empty secrets instead of redacting everything', () => {
    const console = new ConsoleStub();
    new ConsoleLog(console, ['', null, undefined, '  ']).info('hello');
    expect(console.lines[0].text).toBe('hello');
  });
});
