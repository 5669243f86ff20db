/**
 * Synchronous HTTP for the runtime: Apps Script's UrlFetchApp and advanced services block, Node's fetch does not.
 * A worker thread does the real `fetch`; the caller posts a batch of requests, then sleeps in `Atomics.wait` on a
 * SharedArrayBuffer until the worker flags the answers, and takes them with `receiveMessageOnPort`. A batch runs
 * concurrently in the worker (that is what makes `fetchAll` parallel). Only loopback URLs are ever fetched,
 * redirects included: the runtime reaches the local stand-ins and nothing else.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Already encoded body, or undefined for none. */
  body?: Uint8Array;
  followRedirects: boolean;
  timeoutMs: number;
}

export interface SyncResponse {
  status: number;
  /** Lower-case names (as fetch gives them), each with every value it had. */
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The URL that answered (differs from the request's after followed redirects). */
  url: string;
}

/** What the worker reports when no HTTP answer came back. */
export interface SyncFailure {
  failure: 'refused' | 'timeout' | 'network' | 'too-many-redirects';
  message: string;
  url: string;
}

export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

// Plain JS (the worker is not compiled by ts-jest). Redirects are followed by hand so that each hop is checked
// against the same loopback rule as the first URL.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { port, signal } = workerData;
const flags = new Int32Array(signal);
const MAX_REDIRECTS = 20;
function isLoopback(url) {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '' &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch { return false; }
}
async function run(req) {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      if (!isLoopback(url)) return { failure: 'refused', message: 'not a loopback URL', url };
      let res;
      try {
        res = await fetch(url, { method, headers: req.headers, body, redirect: 'manual', signal: controller.signal });
      } catch (e) {
        const timedOut = controller.signal.aborted;
        return { failure: timedOut ? 'timeout' : 'network', message: String(e && e.cause ? e.cause : e), url };
      }
      const location = res.headers.get('location');
      if (req.followRedirects && location && [301, 302, 303, 307, 308].includes(res.status)) {
        await res.arrayBuffer();
        if (hop >= MAX_REDIRECTS) return { failure: 'too-many-redirects', message: 'too many redirects', url };
        url = new URL(location, url).toString();
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const headers = [];
      res.headers.forEach((value, name) => { if (name !== 'set-cookie') headers.push([name, value]); });
      for (const cookie of res.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
      return { status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()), url };
    }
  } finally {
    clearTimeout(timer);
  }
}
async function settle(req) {
  try {
    return await run(req);
  } catch (e) {
    return { failure: 'network', message: String(e), url: req.url };
  }
}
// A batch is fetched concurrently (UrlFetchApp.fetchAll); its answers keep the request order.
parentPort.on('message', async ({ id, reqs }) => {
  const results = await Promise.all(reqs.map(settle));
  port.postMessage({ id, results });
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
});
`;

export type SyncResult = SyncResponse | SyncFailure;

export class SyncHttp {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flags: Int32Array;
  private nextId = 1;
  /** Once closed (the worker terminating or gone), a request fails at once instead of waiting out its timeout. */
  private closed = false;
  /** Time spent blocked in requests, and how many were sent. */
  totalMs = 0;
  requests = 0;

  constructor() {
    const signal = new SharedArrayBuffer(4);
    this.flags = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal },
      transferList: [port2],
    });
    this.worker.unref();
    this.worker.once('exit', () => {
      this.closed = true;
    });
  }

  /** One request; see `requestAll`. */
  request(req: SyncRequest, maxWaitMs = Number.POSITIVE_INFINITY): SyncResult {
    return this.requestAll([req], maxWaitMs)[0];
  }

  /**
   * Blocks until the worker answered every request of the batch (sent concurrently), or until the longest request
   * timeout plus a second of grace (for the worker itself), or `maxWaitMs` (the caller's execution deadline)
   * passed; requests without an answer by then come back as timeouts.
   */
  requestAll(reqs: SyncRequest[], maxWaitMs = Number.POSITIVE_INFINITY): SyncResult[] {
    if (reqs.length === 0) return [];
    if (this.closed) {
      return reqs.map((r) => ({ failure: 'network', message: 'the runtime is closed', url: r.url }));
    }
    const id = this.nextId++;
    const started = Date.now();
    Atomics.store(this.flags, 0, 0);
    this.worker.postMessage({ id, reqs });
    const longest = Math.max(...reqs.map((r) => r.timeoutMs));
    const deadline = started + Math.min(longest + 1000, maxWaitMs);
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.account(started, reqs.length);
        return reqs.map((r) => ({
          failure: 'timeout',
          message: 'no answer from the fetch worker',
          url: r.url,
        }));
      }
      Atomics.wait(this.flags, 0, 0, left);
      Atomics.store(this.flags, 0, 0);
      // Drain: answers to earlier, timed-out batches are dropped.
      for (let msg = receiveMessageOnPort(this.port); msg; msg = receiveMessageOnPort(this.port)) {
        const { id: answered, results } = msg.message as { id: number; results: SyncResult[] };
        if (answered === id) {
          this.account(started, reqs.length);
          return results;
        }
      }
    }
  }

  private account(started: number, count: number): void {
    this.totalMs += Date.now() - started;
    this.requests += count;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.port.close();
    await this.worker.terminate();
  }
}
