/**
 * Fault injection for tests: rules that make the next N matching API requests fail with a given status (and the
 * spec's error body), or wait before being served. Off unless the server is started with --enable-admin.
 */
import { ApiError } from './errors';

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** JavaScript regular expression searched in the request path, e.g. `/v1/conferences$` (any when absent). */
  pathPattern?: string;
  /** Status to answer with; absent means "only delay, then serve normally". */
  status?: number;
  /** How many matching requests this rule affects. */
  count: number;
  /** Retry-After seconds; defaults to 1 for 429 so the spec's header is always there. */
  retryAfterSeconds?: number;
  /** Wait this long before failing or serving. */
  delayMs?: number;
}

interface ActiveRule extends FaultRule {
  id: number;
  remaining: number;
  regex?: RegExp;
}

export interface FaultOutcome {
  delayMs: number;
  error?: ApiError;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): { id: number } & FaultRule {
    let regex: RegExp | undefined;
    if (rule.pathPattern !== undefined) {
      try {
        regex = new RegExp(rule.pathPattern);
      } catch {
        throw ApiError.invalid('pathPattern is not a valid regular expression');
      }
    }
    const active: ActiveRule = { ...rule, id: this.nextId++, remaining: rule.count, regex };
    this.rules.push(active);
    return this.describe(active);
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<{ id: number; remaining: number } & FaultRule> {
    return this.rules.map((r) => ({ ...this.describe(r), remaining: r.remaining }));
  }

  /**
   * Consumes one use of the first rule (in the order they were added) that matches this request, and says
   * what to do. Rules are consumed synchronously, so N concurrent requests take exactly N uses.
   */
  take(method: string, path: string): FaultOutcome | undefined {
    const index = this.rules.findIndex(
      (r) =>
        r.remaining > 0 &&
        (r.method === undefined || r.method.toUpperCase() === method.toUpperCase()) &&
        (r.regex === undefined || r.regex.test(path)),
    );
    if (index < 0) return undefined;
    const rule = this.rules[index];
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(index, 1);
    const outcome: FaultOutcome = { delayMs: rule.delayMs ?? 0 };
    if (rule.status !== undefined) {
      const headers: Record<string, string> = {};
      const retryAfter = rule.retryAfterSeconds ?? (rule.status === 429 ? 1 : undefined);
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      outcome.error = new ApiError(rule.status, `injected fault (HTTP ${rule.status})`, headers);
    }
    return outcome;
  }

  private describe(r: ActiveRule): { id: number } & FaultRule {
    const { regex: _regex, remaining: _remaining, ...rest } = r;
    return rest;
  }
}
