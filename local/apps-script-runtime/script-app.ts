/**
 * ScriptApp and installable triggers (apps-script-services.md §5): per-user triggers (at most 20 per user per
 * script, verbatim error past it), `EventUpdated` triggers for a user's calendar, and time-driven triggers
 * scheduled on the runtime's clock. The runtime owns the list (it outlives executions and may be persisted);
 * firing is the runtime's job (runtime.ts), never the script's.
 */
import { createHash } from 'node:crypto';
import { appsScriptException, placeholderException, strictService } from './errors';
import type { ExecutionContext } from './execution';

export const EventType = {
  CLOCK: 'CLOCK',
  ON_CHANGE: 'ON_CHANGE',
  ON_EDIT: 'ON_EDIT',
  ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
  ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
  ON_OPEN: 'ON_OPEN',
} as const;
export const TriggerSource = {
  CALENDAR: 'CALENDAR',
  CLOCK: 'CLOCK',
  DOCUMENTS: 'DOCUMENTS',
  FORMS: 'FORMS',
  SPREADSHEETS: 'SPREADSHEETS',
} as const;
export const AuthMode = {
  CUSTOM_FUNCTION: 'CUSTOM_FUNCTION',
  FULL: 'FULL',
  LIMITED: 'LIMITED',
  NONE: 'NONE',
} as const;
const WeekDay = {
  MONDAY: 'MONDAY',
  TUESDAY: 'TUESDAY',
  WEDNESDAY: 'WEDNESDAY',
  THURSDAY: 'THURSDAY',
  FRIDAY: 'FRIDAY',
  SATURDAY: 'SATURDAY',
  SUNDAY: 'SUNDAY',
} as const;

export const MAX_TRIGGERS_PER_USER = 20;
export const TOO_MANY_TRIGGERS =
  'This script has too many triggers. Triggers must be deleted from the script before more can be added.';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A trigger as the runtime keeps (and persists) it. */
export interface TriggerRecord {
  uid: string;
  user: string;
  handler: string;
  source: 'CALENDAR' | 'CLOCK';
  /** The calendar id of an EventUpdated trigger; null for a time-driven one. */
  sourceId: string | null;
  /** Time-driven: when it runs next (runtime clock, ms), and every how long after (absent: runs once). */
  nextRunAt?: number;
  everyMs?: number;
}

/** What `ScriptApp` returns for a trigger: read-only views over the runtime's record. */
export class Trigger {
  constructor(readonly record: TriggerRecord) {}
  getHandlerFunction(): string {
    return this.record.handler;
  }
  getTriggerSourceId(): string | null {
    return this.record.sourceId;
  }
  getUniqueId(): string {
    return this.record.uid;
  }
  getEventType(): string {
    return this.record.source === 'CALENDAR' ? EventType.ON_EVENT_UPDATED : EventType.CLOCK;
  }
  getTriggerSource(): string {
    return this.record.source;
  }
}

export interface TriggerRegistry {
  list(): TriggerRecord[];
  add(record: Omit<TriggerRecord, 'uid'>): TriggerRecord;
  remove(uid: string): void;
}

export interface ScriptAppOptions {
  registry: TriggerRegistry;
  now: () => number;
  scriptId: string;
  /** Workspace add-ons may run time-driven triggers at most once an hour (§5.1). */
  isAddOn: boolean;
}

export function scriptApp(options: ScriptAppOptions, execution: ExecutionContext) {
  const user = execution.user;
  const mine = () => options.registry.list().filter((t) => t.user === user);
  const create = (record: Omit<TriggerRecord, 'uid' | 'user'>): Trigger => {
    execution.checkTime();
    if (mine().length >= MAX_TRIGGERS_PER_USER) throw appsScriptException(TOO_MANY_TRIGGERS);
    return strictService('Trigger', new Trigger(options.registry.add({ ...record, user })));
  };
  const clockBuilder = (handler: string) => {
    let everyMs: number | undefined;
    let firstAt: number | undefined;
    let hour: number | undefined;
    let minute = 0;
    const builder = {
      after(durationMilliseconds: number) {
        firstAt = options.now() + Number(durationMilliseconds);
        return builder;
      },
      at(date: Date) {
        firstAt = new Date(date).getTime();
        return builder;
      },
      everyMinutes(n: number) {
        if (![1, 5, 10, 15, 30].includes(n))
          throw placeholderException('everyMinutes(n): n must be 1, 5, 10, 15 or 30');
        if (options.isAddOn) {
          throw placeholderException('Add-ons can only use time-driven triggers once per hour at most');
        }
        everyMs = n * MINUTE;
        return builder;
      },
      everyHours(n: number) {
        if (!(Number.isInteger(n) && n >= 1))
          throw placeholderException(`everyHours(${n}): n must be a positive integer`);
        everyMs = n * HOUR;
        return builder;
      },
      everyDays(n: number) {
        everyMs = n * DAY;
        return builder;
      },
      everyWeeks(n: number) {
        everyMs = n * 7 * DAY;
        return builder;
      },
      atHour(h: number) {
        hour = h;
        return builder;
      },
      nearMinute(m: number) {
        minute = m;
        return builder;
      },
      onWeekDay(_day: string) {
        everyMs ??= 7 * DAY;
        return builder;
      },
      inTimezone(_tz: string) {
        return builder;
      },
      create(): Trigger {
        if (everyMs === undefined && firstAt === undefined) {
          throw placeholderException('a time-driven trigger needs after(), at() or an every…() interval');
        }
        let nextRunAt = firstAt ?? options.now() + (everyMs ?? 0);
        if (hour !== undefined && firstAt === undefined) {
          // The next time the (UTC) clock shows hour:minute, at least `everyMs` from now for weekly ones.
          const d = new Date(options.now());
          d.setUTCHours(hour, minute, 0, 0);
          if (d.getTime() <= options.now()) d.setUTCDate(d.getUTCDate() + 1);
          nextRunAt = d.getTime();
        }
        return create({
          handler,
          source: 'CLOCK',
          sourceId: null,
          nextRunAt,
          ...(everyMs === undefined ? {} : { everyMs }),
        });
      },
    };
    return builder;
  };
  return strictService('ScriptApp', {
    EventType,
    TriggerSource,
    AuthMode,
    WeekDay,
    AuthorizationStatus: { NOT_REQUIRED: 'NOT_REQUIRED', REQUIRED: 'REQUIRED' },
    InstallationSource: {
      APPS_MARKETPLACE_DOMAIN_ADD_ON: 'APPS_MARKETPLACE_DOMAIN_ADD_ON',
      NONE: 'NONE',
      WEB_STORE_ADD_ON: 'WEB_STORE_ADD_ON',
    },
    getProjectTriggers: (): Trigger[] => {
      execution.checkTime();
      return mine().map((r) => strictService('Trigger', new Trigger(r)));
    },
    deleteTrigger(trigger: Trigger) {
      execution.checkTime();
      const uid = trigger?.getUniqueId?.();
      if (mine().some((r) => r.uid === uid)) options.registry.remove(uid);
    },
    getScriptId: () => options.scriptId,
    /** Not a Google token: the emulator takes any bearer token's text as the acting user. */
    getOAuthToken: () => user,
    getIdentityToken: () => null,
    newTrigger(functionName: string) {
      const handler = String(functionName);
      return {
        forUserCalendar(emailId: string) {
          return {
            onEventUpdated() {
              return {
                create: () => create({ handler, source: 'CALENDAR', sourceId: String(emailId) }),
              };
            },
          };
        },
        timeBased: () => clockBuilder(handler),
      };
    },
  });
}

/** The time-driven trigger's event object (§5.2), in the script's time zone (UTC here). */
export function clockEvent(uid: string, at: number) {
  const d = new Date(at);
  const firstOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    authMode: AuthMode.FULL,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    'day-of-month': d.getUTCDate(),
    'day-of-week': d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    'week-of-year': Math.floor((at - firstOfYear) / (7 * DAY)) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    timezone: 'UTC',
    triggerUid: uid,
  };
}

/** A stable script id for the local project (Apps Script's are 57 characters). */
export function localScriptId(seed: string): string {
  return `1${createHash('sha256').update(seed).digest('base64url')}`.slice(0, 57);
}
