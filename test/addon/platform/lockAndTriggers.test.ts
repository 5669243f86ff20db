/** AppsScriptLock (user lock, always released) and ensureEventUpdatedTrigger (one trigger per calendar). */
import { AppsScriptLock } from '../../../src/platform/lock';
import { ensureEventUpdatedTrigger, ensureHourlySweepTrigger } from '../../../src/platform/triggers';
import { LockServiceStub, ScriptAppStub } from './stubs';

describe('AppsScriptLock', () => {
  it('runs the function holding the user lock and releases it', () => {
    const service = new LockServiceStub();
    expect(new AppsScriptLock(service).withLock(30000, () => 42)).toBe(42);
    expect(service.events).toEqual(['tryLock(30000)', 'releaseLock']);
  });

  it('returns undefined without running the function when the lock is busy', () => {
    const service = new LockServiceStub();
    service.busy = true;
    const fn = jest.fn();
    expect(new AppsScriptLock(service).withLock(10, fn)).toBeUndefined();
    expect(fn).not.toHaveBeenCalled();
    expect(service.events).toEqual(['tryLock(10)']);
  });

  it('releases the lock when the function throws', () => {
    const service = new LockServiceStub();
    expect(() =>
      new AppsScriptLock(service).withLock(10, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(service.held).toBe(false);
    expect(service.events).toEqual(['tryLock(10)', 'releaseLock']);
  });
});

describe('ensureEventUpdatedTrigger', () => {
  it('creates the syncEvents trigger for the calendar only the first time', () => {
    const scriptApp = new ScriptAppStub();
    expect(ensureEventUpdatedTrigger(scriptApp, 'alice@example.com')).toBe(true);
    expect(ensureEventUpdatedTrigger(scriptApp, 'alice@example.com')).toBe(false);
    expect(scriptApp.triggers).toEqual([{ handler: 'syncEvents', sourceId: 'alice@example.com' }]);
  });

  it("creates one per calendar: another calendar's trigger does not count", () => {
    const scriptApp = new ScriptAppStub();
    scriptApp.triggers.push({ handler: 'syncEvents', sourceId: 'team@group.calendar.google.com' });
    expect(ensureEventUpdatedTrigger(scriptApp, 'alice@example.com')).toBe(true);
    expect(scriptApp.created).toBe(1);
  });

  it('does not count a trigger of another handler on the same calendar', () => {
    const scriptApp = new ScriptAppStub();
    scriptApp.triggers.push({ handler: 'somethingElse', sourceId: 'alice@example.com' });
    expect(ensureEventUpdatedTrigger(scriptApp, 'alice@example.com')).toBe(true);
  });
});

describe('ensureHourlySweepTrigger', () => {
  it('creates one hourly sweepCalendars trigger per user, whatever the number of calendars', () => {
    const scriptApp = new ScriptAppStub();
    expect(ensureHourlySweepTrigger(scriptApp)).toBe(true);
    expect(ensureHourlySweepTrigger(scriptApp)).toBe(false);
    ensureEventUpdatedTrigger(scriptApp, 'team@group.calendar.google.com');
    expect(ensureHourlySweepTrigger(scriptApp)).toBe(false);
    expect(scriptApp.triggers.filter((t) => t.handler === 'sweepCalendars')).toEqual([
      { handler: 'sweepCalendars', sourceId: null, everyHours: 1 },
    ]);
  });
});
