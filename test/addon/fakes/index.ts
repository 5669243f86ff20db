/** The in-memory fakes of the sync core's ports, and the builders and world the core tests start from. */
export { anEvent, EventBuilder, ORGANIZER, SOLUTION_NAME } from './eventBuilder';
export { FakeCalendar } from './FakeCalendar';
export { FakeClock, START_TIME } from './FakeClock';
export { FAILURES, FakeConferenceProvider, type InjectedFailure } from './FakeConferenceProvider';
export { MemoryLog } from './MemoryLog';
export { MemoryStateStore } from './MemoryStateStore';
export { CAL, makeWorld, OTHER_CAL, type World } from './world';
