/**
 * Stops calling the provider for the rest of a run once it failed with a retryable error. A provider that hangs
 * costs a whole request timeout per call, and a trigger run has six minutes: a dozen calls into a dead provider
 * would kill the run before it saved anything. After the first retryable failure every further call fails at once
 * with the same kind of error, so the sync parks those changes as retries and finishes (the token advances,
 * nothing is lost). Permanent errors (one bad request) say nothing about the provider's health and do not trip it.
 */
import type { Conference, OccurrenceOverride } from '../../contracts/conference-api';
import { ProviderError } from './errors';
import type { ConferenceFields } from './model';
import type { ConferenceProvider, CreateConferenceInput } from './ports';

export class ProviderCircuit implements ConferenceProvider {
  private tripped: ProviderError | undefined;

  constructor(private readonly provider: ConferenceProvider) {}

  create(input: CreateConferenceInput): Conference {
    return this.call(() => this.provider.create(input));
  }
  update(conferenceId: string, changes: Partial<ConferenceFields>): Conference {
    return this.call(() => this.provider.update(conferenceId, changes));
  }
  delete(conferenceId: string): void {
    this.call(() => this.provider.delete(conferenceId));
  }
  setOccurrence(conferenceId: string, occurrenceKey: string, override: OccurrenceOverride): void {
    this.call(() => this.provider.setOccurrence(conferenceId, occurrenceKey, override));
  }
  clearOccurrence(conferenceId: string, occurrenceKey: string): void {
    this.call(() => this.provider.clearOccurrence(conferenceId, occurrenceKey));
  }

  private call<T>(fn: () => T): T {
    if (this.tripped) {
      throw new ProviderError(
        `not tried: the conference API failed earlier in this run (${this.tripped.message})`,
        {
          status: this.tripped.status,
          code: this.tripped.code,
          retryable: true,
          retryAfterSeconds: this.tripped.retryAfterSeconds,
        },
      );
    }
    try {
      return fn();
    } catch (error) {
      if (error instanceof ProviderError && error.retryable) this.tripped = error;
      throw error;
    }
  }
}
