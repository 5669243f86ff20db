/**
 * This user's installable triggers: the calendar's EventUpdated trigger, and one hourly sweep. One per calendar per user is enough (and a user may have at
 * most 20 per script), so it is created only when this user has none with the same handler and source id.
 * `getProjectTriggers()` returns only the current user's triggers.
 */

export interface ScriptAppLike {
  getProjectTriggers(): Array<{ getHandlerFunction(): string; getTriggerSourceId(): string | null }>;
  newTrigger(functionName: string): {
    forUserCalendar(calendarId: string): { onEventUpdated(): { create(): unknown } };
    timeBased(): { everyHours(hours: number): { create(): unknown } };
  };
}

/** The global that the trigger calls; must stay exported from src/index.ts under this name. */
export const SYNC_HANDLER = 'syncEvents';

/** Creates the trigger when missing; returns true when it created one. */
export function ensureEventUpdatedTrigger(scriptApp: ScriptAppLike, calendarId: string): boolean {
  const exists = scriptApp
    .getProjectTriggers()
    .some((t) => t.getHandlerFunction() === SYNC_HANDLER && t.getTriggerSourceId() === calendarId);
  if (exists) return false;
  // The handler name is written out literally so the bundle test can find every trigger target in src.
  scriptApp.newTrigger('syncEvents').forUserCalendar(calendarId).onEventUpdated().create();
  return true;
}

/** The global the hourly sweep calls; must stay exported from src/index.ts under this name. */
export const SWEEP_HANDLER = 'sweepCalendars';

/**
 * One hourly time-driven trigger per user (add-ons may not run time-driven triggers more often), installed once a
 * sync leaves work pending: it lets parked retries run on a calendar that stays quiet, and is a safety net for an
 * EventUpdated trigger that did not fire.
 */
export function ensureHourlySweepTrigger(scriptApp: ScriptAppLike): boolean {
  if (scriptApp.getProjectTriggers().some((t) => t.getHandlerFunction() === SWEEP_HANDLER)) return false;
  scriptApp.newTrigger('sweepCalendars').timeBased().everyHours(1).create();
  return true;
}
