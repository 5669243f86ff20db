/**
 * The port contract suites run against the Apps Script adapters (over stubbed services) and against the core's
 * FakeCalendar, so both sides are held to the same behaviour (MemoryStateStore runs the StateStore suite in
 * test/addon/core/memoryStateStoreContract.test.ts).
 */
import { AppsScriptCalendarPort } from '../../../src/platform/calendarPort';
import { UserPropertiesPort } from '../../../src/platform/stateStore';
import { FakeCalendar } from '../fakes/FakeCalendar';
import { CalendarServiceStub, type ErrorForm, PropertiesStub } from '../platform/stubs';
import { describeCalendarPortContract } from './calendarPortContract';
import { describeStateStoreContract } from './stateStoreContract';

describeStateStoreContract(
  'UserPropertiesPort over Properties',
  () => new UserPropertiesPort(new PropertiesStub()),
);

for (const form of ['prefixed', 'bare'] as ErrorForm[]) {
  describeCalendarPortContract(`AppsScriptCalendarPort over the advanced service (${form} errors)`, () => {
    const fake = new FakeCalendar();
    return {
      port: new AppsScriptCalendarPort(new CalendarServiceStub(fake, form)),
      put: (c, raw) => fake.put(c, raw),
      remove: (c, id) => fake.remove(c, id),
      expireTokens: (c) => fake.expireTokens(c),
    };
  });
}

describeCalendarPortContract('FakeCalendar (core fake)', () => {
  const fake = new FakeCalendar();
  return {
    port: fake,
    put: (c, raw) => fake.put(c, raw),
    remove: (c, id) => fake.remove(c, id),
    expireTokens: (c) => fake.expireTokens(c),
  };
});
