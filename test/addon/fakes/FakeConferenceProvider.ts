/**
 * An in-memory conference provider with the reference API's semantics (shared/spec/conference-api.md):
 * idempotent create by key (until that conference is deleted), 404 on PATCH of an unknown conference surfaced as
 * ProviderError NOT_FOUND, delete and clearOccurrence that resolve when already gone, GET of one conference and
 * the listing by event. Failures can be injected per method (status, code, retryable, Retry-After), before the
 * call takes effect or after it (a lost answer), and every call is counted and logged.
 */
import type { Conference, ConferenceErrorCode, OccurrenceOverride } from '../../../contracts/conference-api';
import { ProviderError } from '../../../src/core/errors';
import type { ConferenceFields } from '../../../src/core/model';
import type {
  Clock,
  ConferenceProvider,
  CreateConferenceInput,
  ProviderCall,
  ProviderOutcome,
} from '../../../src/core/ports';

export type ProviderMethod =
  | 'create'
  | 'update'
  | 'delete'
  | 'setOccurrence'
  | 'clearOccurrence'
  | 'get'
  | 'findByEvent';

/** The methods that change something at the provider (GET and the listing do not). */
export const WRITE_METHODS: readonly ProviderMethod[] = [
  'create',
  'update',
  'delete',
  'setOccurrence',
  'clearOccurrence',
];

export interface InjectedFailure {
  status: number;
  code: ConferenceErrorCode;
  retryable: boolean;
  retryAfterSeconds?: number;
}

/** Shorthands for the failures tests inject most. */
export const FAILURES = {
  unavailable: { status: 503, code: 'UNAVAILABLE', retryable: true },
  rateLimited: (retryAfterSeconds: number): InjectedFailure => ({
    status: 429,
    code: 'RESOURCE_EXHAUSTED',
    retryable: true,
    retryAfterSeconds,
  }),
  invalid: { status: 400, code: 'INVALID_ARGUMENT', retryable: false },
  /** No answer within the deadline (a transport failure: retryable, no status). */
  timeout: { status: 0, code: 'UNAVAILABLE', retryable: true },
  unauthenticated: { status: 401, code: 'UNAUTHENTICATED', retryable: false },
} satisfies Record<string, InjectedFailure | ((s: number) => InjectedFailure)>;

export class FakeConferenceProvider implements ConferenceProvider {
  readonly conferences = new Map<string, Conference>();
  /** Idempotency key → conference id, forgotten when that conference is deleted (the spec's rule). */
  private readonly keys = new Map<string, string>();
  private readonly injected = new Map<ProviderMethod, Array<InjectedFailure | Error>>();
  /** Failures raised after the call took effect: the provider did it, the answer was lost. */
  private readonly lostAnswers = new Map<ProviderMethod, Array<InjectedFailure | Error>>();
  private idCount = 0;
  private outage: { down: () => boolean; failure: InjectedFailure } | null = null;
  readonly calls: Array<{ method: ProviderMethod; args: unknown[] }> = [];
  /** Every executeAll wave, as the conference ids and methods of its calls, in order. */
  readonly waves: Array<Array<{ method: ProviderMethod; conferenceId: string }>> = [];

  constructor(private readonly clock: Clock) {}

  /** The next `times` calls of `method` fail with this failure (a ProviderError) or this exact error. */
  failNext(method: ProviderMethod, failure: InjectedFailure | Error, times = 1): void {
    const queue = this.injected.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.injected.set(method, queue);
  }

  /**
   * The next `times` calls of `method` take effect (a create creates, a delete deletes) and then fail with this
   * failure or error: the answer was lost on the way back (a timeout, a 5xx from a proxy after the write).
   */
  loseAnswerNext(method: ProviderMethod, failure: InjectedFailure | Error, times = 1): void {
    const queue = this.lostAnswers.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.lostAnswers.set(method, queue);
  }

  /** Every call fails with this failure while `down()` holds (an outage of some length on the test's clock). */
  failWhile(down: () => boolean, failure: InjectedFailure): void {
    this.outage = { down, failure };
  }

  /** How many times `method` was called (failed calls included). */
  count(method: ProviderMethod): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** The calls that change something (GETs and listings left out). */
  writes(): Array<{ method: ProviderMethod; args: unknown[] }> {
    return this.calls.filter((c) => WRITE_METHODS.includes(c.method));
  }

  /** Forgets the calls so far, so a test can assert on what one step did. */
  resetCalls(): void {
    this.calls.length = 0;
    this.waves.length = 0;
  }

  /** One wave: each call on its own, in order, the way the reference API answers requests sent in parallel. */
  executeAll(calls: ProviderCall[]): ProviderOutcome[] {
    this.waves.push(
      calls.map((call) => ({
        method: call.kind,
        conferenceId:
          call.kind === 'create'
            ? `(new for ${call.input.eventId})`
            : call.kind === 'findByEvent'
              ? `(for ${call.eventId})`
              : call.conferenceId,
      })),
    );
    return calls.map((call): ProviderOutcome => {
      try {
        switch (call.kind) {
          case 'create':
            return { ok: true, conference: this.create(call.input) };
          case 'update':
            return { ok: true, conference: this.update(call.conferenceId, call.changes) };
          case 'delete':
            this.delete(call.conferenceId);
            return { ok: true };
          case 'setOccurrence':
            this.setOccurrence(call.conferenceId, call.occurrenceKey, call.override);
            return { ok: true };
          case 'clearOccurrence':
            this.clearOccurrence(call.conferenceId, call.occurrenceKey);
            return { ok: true };
          case 'get':
            return { ok: true, conference: this.fetch(call.conferenceId) };
          default:
            return { ok: true, conferences: this.findByEvent(call.calendarId, call.eventId) };
        }
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  /** The conference disappears on the provider's side (an administrator deleted it). */
  deleteOnProviderSide(conferenceId: string): void {
    this.forget(conferenceId);
  }

  /** The stored conference itself (for a test's inspection: no call is recorded, no failure applies). */
  get(conferenceId: string): Conference | undefined {
    return this.conferences.get(conferenceId);
  }

  /** GET /v1/conferences/{id}, as the port's `get` call: a copy, or ProviderError NOT_FOUND. */
  fetch(conferenceId: string): Conference {
    this.begin('get', [conferenceId]);
    return this.answer('get', copy(this.mustExist(conferenceId)));
  }

  /** GET /v1/conferences?calendarId&eventId, as the port's `findByEvent` call: the live ones, newest first. */
  findByEvent(calendarId: string, eventId: string): Conference[] {
    this.begin('findByEvent', [calendarId, eventId]);
    const found = [...this.conferences.values()]
      .filter((c) => c.calendarId === calendarId && c.eventId === eventId)
      .reverse()
      .slice(0, 1000)
      .map(copy);
    return this.answer('findByEvent', found);
  }

  create(input: CreateConferenceInput): Conference {
    this.begin('create', [input]);
    const existing = this.keys.get(input.idempotencyKey);
    if (existing !== undefined) return this.answer('create', copy(this.conferences.get(existing)!));
    const id = `conf-${String(++this.idCount).padStart(4, '0')}`;
    const now = new Date(this.clock.now()).toISOString();
    const conference: Conference = {
      ...copy(input.fields),
      id,
      calendarId: input.calendarId,
      eventId: input.eventId,
      joinUrl: `https://conference.example.com/j/${id}`,
      occurrences: {},
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    this.conferences.set(id, conference);
    this.keys.set(input.idempotencyKey, id);
    return this.answer('create', copy(conference));
  }

  update(conferenceId: string, changes: Partial<ConferenceFields>): Conference {
    this.begin('update', [conferenceId, changes]);
    const conference = this.mustExist(conferenceId);
    Object.assign(conference, copy(changes));
    return this.answer('update', copy(this.touch(conference)));
  }

  delete(conferenceId: string): void {
    this.begin('delete', [conferenceId]);
    this.forget(conferenceId);
    this.answer('delete', undefined);
  }

  setOccurrence(conferenceId: string, occurrenceKey: string, override: OccurrenceOverride): void {
    this.begin('setOccurrence', [conferenceId, occurrenceKey, override]);
    const conference = this.mustExist(conferenceId);
    conference.occurrences[occurrenceKey] = copy(override);
    this.touch(conference);
    this.answer('setOccurrence', undefined);
  }

  clearOccurrence(conferenceId: string, occurrenceKey: string): void {
    this.begin('clearOccurrence', [conferenceId, occurrenceKey]);
    const conference = this.conferences.get(conferenceId);
    if (conference) delete conference.occurrences[occurrenceKey];
    this.answer('clearOccurrence', undefined);
  }

  private begin(method: ProviderMethod, args: unknown[]): void {
    this.calls.push({ method, args: copy(args) });
    if (this.outage?.down()) {
      throw new ProviderError(`provider answered ${this.outage.failure.status}`, this.outage.failure);
    }
    const failure = this.injected.get(method)?.shift();
    if (failure === undefined) return;
    if (failure instanceof Error) throw failure;
    throw new ProviderError(`provider answered ${failure.status} ${failure.code}`, failure);
  }

  /** The call took effect; its answer comes back, unless a lost answer was injected for `method`. */
  private answer<T>(method: ProviderMethod, result: T): T {
    const failure = this.lostAnswers.get(method)?.shift();
    if (failure === undefined) return result;
    if (failure instanceof Error) throw failure;
    throw new ProviderError(`provider answer lost (${failure.status} ${failure.code})`, failure);
  }

  private mustExist(conferenceId: string): Conference {
    const conference = this.conferences.get(conferenceId);
    if (conference) return conference;
    throw new ProviderError('provider answered 404 NOT_FOUND', {
      status: 404,
      code: 'NOT_FOUND',
      retryable: false,
    });
  }

  private touch(conference: Conference): Conference {
    conference.version++;
    conference.updatedAt = new Date(this.clock.now()).toISOString();
    return conference;
  }

  private forget(conferenceId: string): void {
    this.conferences.delete(conferenceId);
    for (const [key, id] of this.keys) if (id === conferenceId) this.keys.delete(key);
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
