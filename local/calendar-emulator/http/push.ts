/**
 * Push notification delivery (Google's push guide): for each live channel, a `sync` message right
 * after the watch call, then an `exists` message after every change to the watched resource, each an
 * empty-bodied POST to the channel's (loopback) address with Google's headers — X-Goog-Channel-ID,
 * X-Goog-Channel-Token (when set), X-Goog-Channel-Expiration (RFC 1123), X-Goog-Resource-ID,
 * X-Goog-Resource-URI, X-Goog-Resource-State, X-Goog-Message-Number. Changes made by one API call
 * are one message. A test can drop, delay or duplicate the next notifications (real push is neither
 * exactly-once nor prompt), and read the delivery log.
 */
import type { CalendarEngine } from '../engine/engine';
import type { Channel } from '../engine/types';

export interface DeliveryRule {
  action: 'drop' | 'delay' | 'duplicate';
  /** only this channel's notifications (default: any) */
  channelId?: string;
  /** how many notifications it applies to (default 1) */
  remaining: number;
  delayMs: number;
}

export interface Delivery {
  channelId: string;
  messageNumber: number;
  state: 'sync' | 'exists';
  address: string;
  /** `dropped` (by a rule), the webhook's HTTP status, or a network error */
  outcome: 'dropped' | number | string;
  /** when the POST was made (or dropped), ms by the engine clock */
  at: number;
}

const LOG_LIMIT = 500;

export class Notifier {
  private rules: DeliveryRule[] = [];
  private readonly log: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly engine: CalendarEngine) {
    this.unsubscribe = engine.onChange((keys) => {
      for (const key of keys) for (const ch of engine.channelsFor(key)) this.send(ch, 'exists');
    });
  }

  /** The `sync` message that opens a channel. */
  opened(channelId: string): void {
    const ch = this.engine.listChannels().find((c) => c.id === channelId);
    if (ch) this.send(ch, 'sync');
  }

  addRule(rule: DeliveryRule): void {
    this.rules.push(rule);
  }

  clearRules(): void {
    this.rules = [];
  }

  deliveries(): Delivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  reset(): void {
    this.rules = [];
    this.log.length = 0;
  }

  /** Resolves once every POST started so far (delayed ones included) has been answered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private send(ch: Channel, state: 'sync' | 'exists'): void {
    if (this.closed) return;
    // A dropped message still uses its number, so a receiver can see the gap, as with Google.
    const number = this.engine.nextMessageNumber(ch.id);
    const rule = this.rules.find((r) => r.remaining > 0 && (!r.channelId || r.channelId === ch.id));
    if (rule) {
      rule.remaining--;
      this.rules = this.rules.filter((r) => r.remaining > 0);
    }
    const record = (outcome: Delivery['outcome']) => {
      this.log.push({
        channelId: ch.id,
        messageNumber: number,
        state,
        address: ch.address,
        outcome,
        at: this.engine.options.now(),
      });
      if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    };
    if (rule?.action === 'drop') {
      record('dropped');
      return;
    }
    const post = () => this.post(ch, state, number, record);
    if (rule?.action === 'delay') {
      const t = setTimeout(() => {
        this.timers.delete(t);
        post();
      }, rule.delayMs);
      this.timers.add(t);
      return;
    }
    post();
    if (rule?.action === 'duplicate') post();
  }

  private post(ch: Channel, state: string, number: number, record: (o: Delivery['outcome']) => void): void {
    if (this.closed) return;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': ch.id,
      'X-Goog-Channel-Expiration': new Date(ch.expiration).toUTCString(),
      'X-Goog-Resource-ID': ch.resourceId,
      'X-Goog-Resource-URI': ch.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(number),
    };
    if (ch.token !== undefined) headers['X-Goog-Channel-Token'] = ch.token;
    const p = fetch(ch.address, {
      method: 'POST',
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
      .then(
        async (res) => {
          await res.arrayBuffer().catch(() => undefined);
          record(res.status);
        },
        (e: Error) => record(`error: ${e.message}`),
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
