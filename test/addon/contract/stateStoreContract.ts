/**
 * What every property store port must do, whatever holds the data: the Apps Script adapter (over a Properties
 * double with the real limits) and the core's in-memory fake run the same suite, so the core's tests on the fake
 * say something about production. Also the core's state round trip through each: what a run commits is what the
 * next run reads.
 */
import type { ConferenceRecord } from '../../../src/core/model';
import { eventKey, type PropertyStorePort, StateStoreFullError, UserState } from '../../../src/core/state';

export const record = (
  calendarId: string,
  eventId: string,
  extra: Partial<ConferenceRecord> = {},
): ConferenceRecord => ({
  calendarId,
  eventId,
  conferenceId: `conf_${eventId.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  digest: 'AbCdEf1',
  lastEnd: Date.parse('2026-12-02T00:00:00Z'),
  occurrences: {},
  attached: true,
  ...extra,
});

function commit(port: PropertyStorePort, change: (state: UserState) => void): void {
  const state = new UserState(port.readAll());
  change(state);
  state.commit(port);
}

export function describeStateStoreContract(name: string, make: () => PropertyStorePort): void {
  describe(`property store contract: ${name}`, () => {
    it('reads back what was written, in one call each way', () => {
      const port = make();
      port.writeAll({ a: '1', b: 'two' });
      port.writeAll({ b: '' });
      expect(port.readAll()).toMatchObject({ a: '1', b: '' });
    });

    it('refuses a value over 9 KB with a typed error and writes nothing of that call', () => {
      const port = make();
      port.writeAll({ kept: 'yes' });
      expect(() => port.writeAll({ small: 'x', big: 'x'.repeat(9000) })).toThrow(StateStoreFullError);
      expect(port.readAll()).not.toHaveProperty('small');
      expect(port.readAll()).toMatchObject({ kept: 'yes' });
    });

    it('refuses a write past 500 KB with a typed error and keeps what it had', () => {
      const port = make();
      const values: Record<string, string> = {};
      for (let n = 0; n < 70; n++) values[`v${n}`] = 'x'.repeat(7900);
      expect(() => port.writeAll(values)).toThrow(StateStoreFullError);
      expect(Object.keys(port.readAll())).toHaveLength(0);
    });

    it("round-trips a calendar's state: token, records by event, retries and failures", () => {
      const port = make();
      commit(port, (state) => {
        const cal = state.edit('alice@example.com');
        cal.token = 'tok-1';
        cal.records.set(eventKey('ev1'), record('alice@example.com', 'ev1', { spanMs: 30 * 60000 }));
        cal.records.set(
          eventKey('b:c;é'),
          record('alice@example.com', 'b:c;é', {
            attached: false,
            createdAt: '2026-11-25T12:00:00.000Z',
            occurrences: { '20261201T090000Z': 'XyZ0123' },
          }),
        );
        cal.retries.set('ev2', {
          calendarId: 'alice@example.com',
          eventId: 'ev2',
          attempts: 2,
          notBefore: '2026-11-25T12:05:00.000Z',
          lastError: 'ProviderError: 503',
        });
        cal.failures.set('ev3', {
          calendarId: 'alice@example.com',
          eventId: 'ev3',
          at: '2026-11-25T12:00:00.000Z',
          kind: 'provider-rejected',
          message: 'bad',
          summary: 'Réunion',
        });
        state.edit('team@example.com').token = 'tok-team';
      });
      const state = new UserState(port.readAll());
      const cal = state.peek('alice@example.com');
      expect(state.calendarIds()).toEqual(['alice@example.com', 'team@example.com']);
      expect(cal.token).toBe('tok-1');
      expect(cal.records.get(eventKey('ev1'))).toEqual({
        ...record('alice@example.com', 'ev1'),
        eventId: '',
        spanMs: 30 * 60000,
      });
      expect(cal.records.get(eventKey('b:c;é'))).toMatchObject({
        eventId: 'b:c;é',
        attached: false,
        createdAt: '2026-11-25T12:00:00.000Z',
        occurrences: { '20261201T090000Z': 'XyZ0123' },
      });
      expect([...cal.retries.values()]).toMatchObject([{ eventId: 'ev2', attempts: 2 }]);
      expect([...cal.failures.values()]).toMatchObject([{ eventId: 'ev3', summary: 'Réunion' }]);
      expect(state.peek('team@example.com').records.size).toBe(0);
    });

    it('keeps 10,000 conferences in under 450 KB, spread over values under 9 KB', () => {
      const port = make();
      commit(port, (state) => {
        const cal = state.edit('alice@example.com');
        for (let n = 0; n < 10_000; n++) {
          const id = `${n.toString(32).padStart(6, '0')}aaaaaaaaaaaaaaaaaaaa`;
          cal.records.set(
            eventKey(id),
            record('alice@example.com', id, { conferenceId: `Q${n.toString(36).padStart(21, '0')}` }),
          );
        }
        state.edit('alice@example.com').token = 'x'.repeat(120);
      });
      const stored = port.readAll();
      const bytes = Object.entries(stored).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
      expect(bytes).toBeLessThan(450 * 1024);
      expect(Math.max(...Object.entries(stored).map(([k, v]) => k.length + v.length))).toBeLessThanOrEqual(
        8066,
      );
      expect(new UserState(stored).peek('alice@example.com').records.size).toBe(10_000);
    });

    it('a shrinking state empties the values it no longer needs instead of deleting them', () => {
      const port = make();
      commit(port, (state) => {
        const cal = state.edit('alice@example.com');
        for (let n = 0; n < 600; n++)
          cal.records.set(eventKey(`e${n}`), record('alice@example.com', `e${n}`));
      });
      const before = Object.keys(port.readAll()).length;
      commit(port, (state) => state.edit('alice@example.com').records.clear());
      const after = port.readAll();
      expect(Object.keys(after)).toHaveLength(before);
      expect(Object.values(after).filter((v) => v !== '')).toHaveLength(1);
      expect(new UserState(after).peek('alice@example.com').records.size).toBe(0);
    });
  });
}
