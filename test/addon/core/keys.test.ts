/** The idempotency key of a create and the occurrence key of an instance. */
import { CONFERENCE_LIMITS, OCCURRENCE_KEY_PATTERN } from '../../../contracts/conference-api';
import { idempotencyKey } from '../../../src/core/idempotencyKey';
import { occurrenceKey } from '../../../src/core/occurrenceKey';

describe('idempotencyKey', () => {
  it('is the same for the same calendar and event', () => {
    expect(idempotencyKey('a@example.com', 'evt1')).toBe(idempotencyKey('a@example.com', 'evt1'));
  });

  it('differs for different pairs, even when a naive join would collide', () => {
    const keys = new Set([
      idempotencyKey('a:b', 'c'),
      idempotencyKey('a', 'b:c'),
      idempotencyKey('a@example.com', 'evt1'),
      idempotencyKey('b@example.com', 'evt1'),
    ]);
    expect(keys.size).toBe(4);
  });

  it('fits in 255 characters and stays distinct for long ids', () => {
    const long = 'v'.repeat(1024);
    const a = idempotencyKey('a@example.com', long);
    const b = idempotencyKey('a@example.com', `${long.slice(1)}w`);
    expect(a.length).toBeLessThanOrEqual(CONFERENCE_LIMITS.maxIdempotencyKeyLength);
    expect(b.length).toBeLessThanOrEqual(CONFERENCE_LIMITS.maxIdempotencyKeyLength);
    expect(a).not.toBe(b);
    expect(idempotencyKey('a@example.com', long)).toBe(a);
  });

  it('holds only characters safe in an HTTP header', () => {
    expect(idempotencyKey('zoë@example.com', 'évt 1')).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('occurrenceKey', () => {
  it('is the original start in UTC for a timed instance', () => {
    expect(occurrenceKey({ dateTime: '2025-03-24T07:30:00-05:00', timeZone: 'America/Chicago' })).toBe(
      '20250324T123000Z',
    );
  });

  it('is the date for an all-day instance', () => {
    expect(occurrenceKey({ date: '2020-05-13' })).toBe('20200513');
  });

  it('matches the provider pattern', () => {
    expect(occurrenceKey({ dateTime: '2020-05-11T20:00:00-07:00' })).toMatch(OCCURRENCE_KEY_PATTERN);
  });
});
