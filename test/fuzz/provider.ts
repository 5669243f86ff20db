/**
 * In-memory conference provider for the model-based test, following shared/spec/conference-api.md: server ids,
 * idempotency keys (a key whose conference was deleted creates a new one), 404 semantics (DELETE and
 * clearOccurrence of something gone are done; PATCH/PUT/GET of an unknown conference → NOT_FOUND), occurrences,
 * versions, GET of one conference and the listing by event. Every call is recorded with the acting user (`write`
 * tells the calls that change something from the reads). Faults: 429 with Retry-After, 5xx, timeouts (a retryable
 * transport error), 401 windows, and lost conferences (deleted behind the add-on's back).
 */
import type { Conference, OccurrenceOverride } from '../../contracts/conference-api';
import { ProviderError } from '../../src/core/errors';
import type { ConferenceFields } from '../../src/core/model';
import type {
  Clock,
  ConferenceProvider,
  CreateConferenceInput,
  ProviderCall,
  ProviderOutcome,
} from '../../src/core/ports';

export type Fault = 'rate-limited' | 'unavailable' | 'timeout';

export interface RecordedCall {
  user: string;
  kind: ProviderCall['kind'];
  conferenceId?: string;
  ok: boolean;
  /** False for GET and the listing by event, which change nothing. */
  write: boolean;
}

const READ_KINDS: ReadonlySet<ProviderCall['kind']> = new Set(['get', 'findByEvent']);

export class FuzzProvider {
  readonly conferences = new Map<string, Conference & { owner: string }>();
  /** Every conference id ever issued, with the user whose add-on created it. */
  readonly issued = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  readonly calls: RecordedCall[] = [];
  private ids = 0;
  /** The next N calls fail with this fault. */
  private faults: Fault[] = [];
  /** 401 for every call until the key is fixed. */
  unauthenticated = false;

  constructor(private readonly clock: Clock) {}

  injectFaults(faults: Fault[]): void {
    this.faults.push(...faults);
  }
  clearFaults(): void {
    this.faults = [];
    this.unauthenticated = false;
  }

  /** An administrator deletes the conference at the provider. */
  lose(conferenceId: string): void {
    this.forget(conferenceId);
  }

  live(): Array<Conference & { owner: string }> {
    return [...this.conferences.values()];
  }

  /** The calls that changed (or tried to change) something, optionally only one user's: reads left out. */
  writes(user?: string): RecordedCall[] {
    return this.calls.filter((c) => c.write && (user === undefined || c.user === user));
  }

  /** The ConferenceProvider port as one user's add-on sees it. */
  portFor(user: string): ConferenceProvider {
    return {
      create: (input) => this.run(user, 'create', undefined, () => this.create(user, input)),
      executeAll: (calls) =>
        calls.map((call): ProviderOutcome => {
          try {
            return { ok: true, ...this.execute(user, call) };
          } catch (error) {
            return { ok: false, error };
          }
        }),
    };
  }

  private execute(user: string, call: ProviderCall): { conference?: Conference; conferences?: Conference[] } {
    switch (call.kind) {
      case 'create':
        return { conference: this.run(user, 'create', undefined, () => this.create(user, call.input)) };
      case 'update':
        return {
          conference: this.run(user, 'update', call.conferenceId, () =>
            this.update(call.conferenceId, call.changes),
          ),
        };
      case 'delete':
        this.run(user, 'delete', call.conferenceId, () => this.forget(call.conferenceId));
        return {};
      case 'setOccurrence':
        return {
          conference: this.run(user, 'setOccurrence', call.conferenceId, () =>
            this.setOccurrence(call.conferenceId, call.occurrenceKey, call.override),
          ),
        };
      case 'clearOccurrence':
        this.run(user, 'clearOccurrence', call.conferenceId, () =>
          this.clearOccurrence(call.conferenceId, call.occurrenceKey),
        );
        return {};
      case 'get':
        return {
          conference: this.run(user, 'get', call.conferenceId, () =>
            strip(this.mustExist(call.conferenceId)),
          ),
        };
      case 'findByEvent':
        return {
          conferences: this.run(user, 'findByEvent', undefined, () =>
            this.findByEvent(call.calendarId, call.eventId),
          ),
        };
    }
  }

  private run<T>(user: string, kind: ProviderCall['kind'], conferenceId: string | undefined, fn: () => T): T {
    const record: RecordedCall = { user, kind, conferenceId, ok: false, write: !READ_KINDS.has(kind) };
    this.calls.push(record);
    if (process.env.FUZZ_LOG) console.log(`  provider ${user} ${kind} ${conferenceId ?? ''}`);
    if (this.unauthenticated) {
      throw new ProviderError('provider answered 401 UNAUTHENTICATED', {
        status: 401,
        code: 'UNAUTHENTICATED',
        retryable: false,
      });
    }
    const fault = this.faults.shift();
    if (fault === 'rate-limited') {
      throw new ProviderError('provider answered 429 RESOURCE_EXHAUSTED', {
        status: 429,
        code: 'RESOURCE_EXHAUSTED',
        retryable: true,
        retryAfterSeconds: 30,
      });
    }
    if (fault === 'unavailable') {
      throw new ProviderError('provider answered 503 UNAVAILABLE', {
        status: 503,
        code: 'UNAVAILABLE',
        retryable: true,
      });
    }
    if (fault === 'timeout') {
      // The request may or may not have reached the server: here it did, and the answer was lost.
      fn();
      throw new ProviderError('timeout', { status: 0, code: 'UNAVAILABLE', retryable: true });
    }
    const result = fn();
    record.ok = true;
    return result;
  }

  private create(user: string, input: CreateConferenceInput): Conference {
    const existing = this.keys.get(input.idempotencyKey);
    if (existing !== undefined) return copy(this.conferences.get(existing)!);
    const id = `fz${String(++this.ids).padStart(5, '0')}`;
    const now = new Date(this.clock.now()).toISOString();
    const conference = {
      ...copy(input.fields),
      id,
      calendarId: input.calendarId,
      eventId: input.eventId,
      joinUrl: `https://conference.example.com/j/${id}`,
      occurrences: {},
      version: 1,
      createdAt: now,
      updatedAt: now,
      owner: user,
    };
    this.conferences.set(id, conference);
    this.issued.set(id, user);
    this.keys.set(input.idempotencyKey, id);
    return strip(conference);
  }

  private update(id: string, changes: Partial<ConferenceFields>): Conference {
    const conference = this.mustExist(id);
    const before = JSON.stringify(conference);
    Object.assign(conference, copy(changes));
    if (JSON.stringify(conference) !== before) this.touch(conference);
    return strip(conference);
  }

  private setOccurrence(id: string, key: string, override: OccurrenceOverride): Conference {
    const conference = this.mustExist(id);
    if (JSON.stringify(conference.occurrences[key]) !== JSON.stringify(override)) {
      conference.occurrences[key] = copy(override);
      this.touch(conference);
    }
    return strip(conference);
  }

  private clearOccurrence(id: string, key: string): void {
    const conference = this.conferences.get(id);
    if (conference && key in conference.occurrences) {
      delete conference.occurrences[key];
      this.touch(conference);
    }
  }

  /** The live conferences made for this event, newest first (the API's order). */
  private findByEvent(calendarId: string, eventId: string): Conference[] {
    return this.live()
      .filter((c) => c.calendarId === calendarId && c.eventId === eventId)
      .reverse()
      .slice(0, 1000)
      .map(strip);
  }

  private mustExist(id: string): Conference & { owner: string } {
    const conference = this.conferences.get(id);
    if (conference) return conference;
    throw new ProviderError('provider answered 404 NOT_FOUND', {
      status: 404,
      code: 'NOT_FOUND',
      retryable: false,
    });
  }

  private touch(conference: Conference): void {
    conference.version++;
    conference.updatedAt = new Date(this.clock.now()).toISOString();
  }

  private forget(id: string): void {
    this.conferences.delete(id);
    for (const [key, cid] of this.keys) if (cid === id) this.keys.delete(key);
  }
}

function strip(conference: Conference & { owner?: string }): Conference {
  const { owner: _owner, ...rest } = copy(conference);
  return rest;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
