/**
 * The reference conference server as a fastify app (shared/spec/conference-api.md under `/api`), without
 * listening: `buildConferenceApp` wires routes, authentication, body parsing, errors and fault injection
 * around a ConferenceStore. `server.ts` listens; `main.ts` is the CLI.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, METHODS } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  CONFERENCE_ID_PATTERN,
  CONFERENCE_LIMITS,
  type Conference,
  type DialIn,
  type OccurrenceOverride,
} from '../../contracts/conference-api';
import { type ConferenceState, type ConferenceStore, stateOf } from './db';
import { ApiError, codeForStatus } from './errors';
import { FaultInjector, type FaultRule } from './faults';
import {
  checkRange,
  isOccurrenceKey,
  parseCreateBody,
  parseFaultBody,
  parseOccurrenceBody,
  parsePatchBody,
  SERVER_LIMITS,
} from './schemas';

export const API_PREFIX = '/api';
export const ADMIN_PREFIX = '/admin/v1';
export const DEFAULT_JOIN_BASE_URL = 'https://conference.example.test/j/';

export interface ConferenceAppOptions {
  store: ConferenceStore;
  apiKey: string;
  /** Prefix of every joinUrl; the conference id is appended. Must be https. */
  joinBaseUrl?: string;
  /** Serve the fault-injection endpoints under /admin/v1 (404 otherwise). */
  enableAdmin?: boolean;
  /** Give conferences a dial-in (deterministic per id). Default true. */
  dialIn?: boolean;
  /** Clock and id source, injectable for tests. */
  now?: () => Date;
  newId?: () => string;
  /** How long a client may take to send a request; see DEFAULT_TIMEOUTS. */
  timeouts?: Partial<ServerTimeouts>;
  /**
   * Fastify's request log, to stderr so stdout keeps its one listening line. Requests are logged without
   * headers (fastify's default serializer), and the Authorization header is redacted besides. Default off.
   */
  logger?: boolean;
}

/** Limits on slow clients (slow-loris): each one ends with the connection closed, not left open. */
export interface ServerTimeouts {
  /** From the connection's first byte (or the end of the previous request) to the end of the headers. */
  headersMs: number;
  /** From the same start to the last byte of the body. */
  requestMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveMs: number;
}
export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An answer written straight to the socket, for requests fastify never sees (parser errors, timeouts, CONNECT),
 * with the spec's error body; then the connection is closed. HTTP sockets are half-open, so end() alone would
 * keep the descriptor for as long as the client keeps its side open — exactly what a slow-loris client does —
 * hence the destroy once written, and after a second regardless.
 */
function rawErrorResponse(socket: Duplex, status: string, message: string): void {
  const body = JSON.stringify({ error: { code: 'INVALID_ARGUMENT', message } });
  const destroy = () => socket.destroy();
  setTimeout(destroy, 1_000).unref();
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    destroy,
  );
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A dial-in derived from the id: the same conference always gets the same one, across restarts and updates. */
export function dialInFor(id: string): DialIn {
  const digest = sha256(`dial-in:${id}`);
  // +1 202 555 01xx is a range reserved for fiction, so a test number can never ring a real phone.
  const line = String(digest.readUInt16BE(0) % 100).padStart(2, '0');
  const pin = String(digest.readUInt32BE(2) % 1_000_000_000).padStart(9, '0');
  return { number: `+120255501${line}`, pin };
}

/** `If-Match`: `"3"`, `3`, `W/"3"` or `*`; undefined when absent. */
function parseIfMatch(header: string | string[] | undefined): number | '*' | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return '*';
  const m = /^(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))$/.exec(value);
  if (!m) throw ApiError.invalid('If-Match must be a version: "3" (quoted) or 3');
  return Number(m[1] ?? m[2]);
}

function checkIfMatch(expected: number | '*' | undefined, current: Conference): void {
  if (expected === undefined || expected === '*') return;
  if (expected !== current.version) {
    throw new ApiError(
      412,
      `version mismatch: If-Match asked for version ${expected}, the conference is at version ${current.version}`,
    );
  }
}

function normaliseAttendees(attendees: string[]): string[] {
  // Lower-cased and de-duplicated, first occurrence wins, so the order a client sent is kept.
  return [...new Set(attendees.map((a) => a.toLowerCase()))];
}

function normaliseOverride(body: OccurrenceOverride): OccurrenceOverride {
  return {
    startTime: body.startTime ?? null,
    endTime: body.endTime ?? null,
    startDate: body.startDate ?? null,
    endDate: body.endDate ?? null,
    cancelled: body.cancelled ?? false,
  };
}

function sortedOccurrences(
  occurrences: Record<string, OccurrenceOverride>,
): Record<string, OccurrenceOverride> {
  // A fixed key order keeps the stored JSON canonical, so "did anything change" is a string comparison.
  const out: Record<string, OccurrenceOverride> = {};
  for (const key of Object.keys(occurrences).sort()) out[key] = occurrences[key];
  return out;
}

/** The canonical state (fixed key order) after applying a validated PATCH body to the current state. */
function applyPatch(current: ConferenceState, patch: Record<string, unknown>): ConferenceState {
  const next: ConferenceState = { ...current };
  const target = next as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) target[field] = value;
  next.attendees = normaliseAttendees(next.attendees);
  return {
    title: next.title,
    startTime: next.startTime,
    endTime: next.endTime,
    startDate: next.startDate,
    endDate: next.endDate,
    timeZone: next.timeZone,
    recurrence: next.recurrence,
    attendees: next.attendees,
    occurrences: sortedOccurrences(next.occurrences),
  };
}

/** How many times the client sent a header (rawHeaders keeps every occurrence, in name/value pairs). */
function headerCount(request: FastifyRequest, name: string): number {
  let count = 0;
  const raw = request.raw.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) count++;
  return count;
}

function apiKeyMatcher(apiKey: string): (header: string | undefined) => boolean {
  const expected = sha256(apiKey);
  return (header) => {
    const m = header === undefined ? null : /^Bearer +(.+)$/i.exec(header);
    // Comparing fixed-length digests in constant time: neither the key's content nor its length leaks through
    // response timing. Hash first even when the header is malformed, so that path costs the same.
    const presented = sha256(m ? m[1].trim() : '');
    return timingSafeEqual(presented, expected) && m !== null;
  };
}

export function buildConferenceApp(options: ConferenceAppOptions): FastifyInstance {
  const { store } = options;
  if (!options.apiKey) throw new Error('an API key is required');
  const joinBaseUrl = options.joinBaseUrl ?? DEFAULT_JOIN_BASE_URL;
  if (!/^https:\/\/[^/\s]+\/\S*$/.test(joinBaseUrl)) {
    throw new Error(`join base URL must be an https URL with a path, e.g. ${DEFAULT_JOIN_BASE_URL}`);
  }
  const withDialIn = options.dialIn ?? true;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? (() => randomBytes(16).toString('base64url'));
  const keyMatches = apiKeyMatcher(options.apiKey);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  if (!(timeouts.headersMs > 0 && timeouts.requestMs >= timeouts.headersMs && timeouts.keepAliveMs > 0)) {
    throw new Error('timeouts must be positive, and the request timeout at least the headers timeout');
  }
  const faults = new FaultInjector();

  const app = Fastify({
    logger: options.logger
      ? { level: 'info', stream: process.stderr, redact: ['req.headers.authorization'] }
      : false,
    bodyLimit: CONFERENCE_LIMITS.maxBodyBytes,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks both timeouts on this interval (default 30 s, which lets a stalled request live that much
      // longer than configured); a quarter of the headers timeout keeps the overshoot small and costs little.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
    // Errors fastify raises before routing (a bad %-escape in the URL) get the spec's body like any other.
    frameworkErrors: (_error, _request, reply) => {
      void sendError(reply, ApiError.invalid('the request URL is malformed'));
    },
    // Requests Node's HTTP parser rejects (broken syntax, headers over 16 KiB) never reach fastify; answer them
    // on the socket with the spec's body too, then close, since the stream can no longer be trusted.
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      // A request not received in time (Node's headersTimeout/requestTimeout) is 408; the spec has no code for
      // it, so it gets the one for client errors, like every other status the spec does not list.
      if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        rawErrorResponse(
          socket,
          '408 Request Timeout',
          `the request was not received in time (headers within ${timeouts.headersMs} ms, the whole request ` +
            `within ${timeouts.requestMs} ms)`,
        );
      } else {
        rawErrorResponse(socket, '400 Bad Request', 'malformed HTTP request');
      }
    },
  });

  // Every body is parsed as JSON whatever its Content-Type (the spec has only JSON, and a client that forgets
  // the header should get validation errors about its JSON, not an unlisted 415). An empty body is "no body".
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return done(
        ApiError.invalid('compressed request bodies are not supported; send plain JSON'),
        undefined,
      );
    }
    // Decoded strictly: a lenient decode would store U+FFFD in place of the bytes the client actually sent.
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      return done(ApiError.invalid('the request body is not valid UTF-8'), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    let lone = false;
    let parsed: unknown;
    try {
      // JSON's \uD800-style escapes can still spell a lone surrogate, which is no character at all (and not
      // storable as UTF-8): checked on every key and string value as they are parsed.
      parsed = JSON.parse(text, (key, value) => {
        if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value)))
          lone = true;
        return value;
      });
    } catch {
      return done(ApiError.invalid('the request body is not valid JSON'), undefined);
    }
    if (lone)
      return done(
        ApiError.invalid('the request body holds a lone UTF-16 surrogate (\\uD800–\\uDFFF)'),
        undefined,
      );
    done(null, parsed);
  });

  // Methods Node parses but fastify does not route (PROPFIND, SEARCH, …) would otherwise fail before routing;
  // registered here, they reach the 405 of a known path or the 404 of an unknown one like any other method.
  for (const method of METHODS) {
    if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method);
  }
  // CONNECT never reaches fastify: Node hands it to the server's 'connect' event and, with no listener, drops
  // the connection without a word. This is no proxy, so the answer is a 405 with the spec's body.
  app.server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    rawErrorResponse(
      socket,
      '405 Method Not Allowed',
      'CONNECT is not supported: this server is not a proxy',
    );
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else {
      const e = error as { statusCode?: number; code?: string; message?: string };
      const status = e.statusCode ?? 500;
      if (status === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        apiError = new ApiError(413, `the request body is over ${CONFERENCE_LIMITS.maxBodyBytes} bytes`);
      } else if (status >= 400 && status < 500) {
        // Fastify's own client errors (bad encodings, invalid headers): the spec has one code for them.
        apiError = new ApiError(400, 'the request is malformed', {}, 'INVALID_ARGUMENT');
      } else {
        request.log.error({ err: error }, 'unexpected error');
        apiError = new ApiError(500, 'internal error');
      }
    }
    void sendError(reply, apiError);
  });

  app.setNotFoundHandler((_request, reply) => {
    void sendError(reply, new ApiError(404, 'no such endpoint'));
  });

  function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
    return reply
      .code(error.status)
      .headers(error.headers)
      .header('content-type', JSON_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send({ error: { code: error.code, message: error.message } });
  }

  function pathOf(request: FastifyRequest): string {
    const q = request.url.indexOf('?');
    return q < 0 ? request.url : request.url.slice(0, q);
  }

  // Order matters: injected faults first (they stand for failures in front of the service, such as a rate
  // limiter), then authentication, for every path under /api including unknown ones, so a missing key never
  // learns which routes exist.
  app.addHook('onRequest', async (request) => {
    const path = pathOf(request);
    const isApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
    const isAdmin = options.enableAdmin && path.startsWith(`${ADMIN_PREFIX}/`);
    if (isApi) {
      const fault = faults.take(request.method, path);
      if (fault) {
        if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.error) throw fault.error;
      }
    }
    if ((isApi || isAdmin) && !keyMatches(request.headers.authorization)) {
      throw new ApiError(401, 'missing or invalid API key (expected Authorization: Bearer <key>)');
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  function sendConference(reply: FastifyReply, conference: Conference, status = 200): FastifyReply {
    return reply
      .code(status)
      .header('content-type', JSON_CONTENT_TYPE)
      .header('etag', `"${conference.version}"`)
      .send(conference);
  }

  function requireId(id: string): void {
    // An id the server could never have assigned is simply unknown.
    if (!CONFERENCE_ID_PATTERN.test(id)) throw ApiError.notFound();
  }

  function requireOccurrenceKey(key: string): void {
    if (!isOccurrenceKey(key)) {
      throw ApiError.invalid(
        `occurrence key "${key.slice(0, 64)}" must be the instance's original start as YYYYMMDDTHHMMSSZ (UTC) ` +
          'or YYYYMMDD (all-day)',
      );
    }
  }

  const timestamp = () => now().toISOString();

  /** Registers a path's handlers and answers 405 (with Allow) for the methods it does not serve. */
  function routes(
    url: string,
    handlers: Partial<
      Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (req: any, reply: FastifyReply) => unknown>
    >,
  ): void {
    const served = Object.keys(handlers);
    for (const [method, handler] of Object.entries(handlers)) {
      app.route({ method, url, handler: handler as any });
    }
    const allow = served.includes('GET') ? [...served, 'HEAD'] : served;
    const others = app.supportedMethods.filter((m) => !allow.includes(m));
    app.route({
      method: [...others],
      url,
      handler: async () => {
        throw new ApiError(
          405,
          `method not allowed here; allowed: ${allow.join(', ')}`,
          { allow: allow.join(', ') },
          'INVALID_ARGUMENT',
        );
      },
    });
  }

  routes(`${API_PREFIX}/v1/conferences`, {
    POST: async (request: FastifyRequest<{ Body: unknown }>, reply) => {
      // Node joins a repeated header into one "a, b" value, which would become a third key nobody sent.
      if (headerCount(request, 'idempotency-key') > 1) {
        throw ApiError.invalid('the Idempotency-Key header must be sent once');
      }
      const key = request.headers['idempotency-key'] as string | undefined;
      if (key === undefined || key.length === 0) {
        throw ApiError.invalid('the Idempotency-Key header is required (1-255 characters)');
      }
      if (key.length > CONFERENCE_LIMITS.maxIdempotencyKeyLength) {
        throw ApiError.invalid(
          `the Idempotency-Key header is ${key.length} characters; at most ` +
            `${CONFERENCE_LIMITS.maxIdempotencyKeyLength} are allowed`,
        );
      }
      // The body is validated even on a repeat: whether a request is well-formed must not depend on server state.
      const body = parseCreateBody(request.body);
      const state = applyPatch(
        {
          title: '',
          startTime: null,
          endTime: null,
          startDate: null,
          endDate: null,
          timeZone: null,
          recurrence: [],
          attendees: [],
          occurrences: {},
        },
        Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'calendarId' && k !== 'eventId')),
      );
      checkRange(state);
      const id = newId();
      const { conference, created } = store.createOrGet({
        id,
        idempotencyKey: key,
        calendarId: (body.calendarId as string | undefined) ?? '',
        eventId: (body.eventId as string | undefined) ?? '',
        joinUrl: joinBaseUrl + id,
        dialIn: withDialIn ? dialInFor(id) : null,
        state,
        now: timestamp(),
      });
      reply.header('location', `${API_PREFIX}/v1/conferences/${conference.id}`);
      return sendConference(reply, conference, created ? 201 : 200);
    },
    GET: async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
      const filter: { calendarId?: string; eventId?: string } = {};
      for (const [name, value] of Object.entries(request.query ?? {})) {
        if (name !== 'calendarId' && name !== 'eventId') {
          throw ApiError.invalid(
            `unknown query parameter "${name.slice(0, 64)}" (allowed: calendarId, eventId)`,
          );
        }
        if (typeof value !== 'string') throw ApiError.invalid(`query parameter "${name}" must be given once`);
        filter[name] = value;
      }
      const items = store.list(filter, CONFERENCE_LIMITS.maxListItems);
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send({ items });
    },
  });

  routes(`${API_PREFIX}/v1/conferences/:id`, {
    GET: async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      requireId(request.params.id);
      const conference = store.get(request.params.id);
      if (!conference) throw ApiError.notFound();
      return sendConference(reply, conference);
    },
    PATCH: async (request: FastifyRequest<{ Params: { id: string }; Body: unknown }>, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const patch = parsePatchBody(request.body);
      requireId(request.params.id);
      const result = store.update(request.params.id, timestamp(), (current) => {
        checkIfMatch(ifMatch, current);
        const next = applyPatch(stateOf(current), patch);
        checkRange(next);
        return next;
      });
      if (!result) throw ApiError.notFound();
      return sendConference(reply, result.conference);
    },
    DELETE: async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      requireId(request.params.id);
      const deleted = store.delete(request.params.id, (current) => checkIfMatch(ifMatch, current));
      if (!deleted) throw ApiError.notFound();
      return reply.code(204).send();
    },
  });

  routes(`${API_PREFIX}/v1/conferences/:id/occurrences/:key`, {
    PUT: async (request: FastifyRequest<{ Params: { id: string; key: string }; Body: unknown }>, reply) => {
      const { id, key } = request.params;
      requireOccurrenceKey(key);
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const override = normaliseOverride(parseOccurrenceBody(request.body));
      checkRange(override, 'occurrence ');
      requireId(id);
      const result = store.update(id, timestamp(), (current) => {
        checkIfMatch(ifMatch, current);
        if (
          !(key in current.occurrences) &&
          Object.keys(current.occurrences).length >= SERVER_LIMITS.maxOccurrenceOverrides
        ) {
          throw ApiError.invalid(
            `a conference holds at most ${SERVER_LIMITS.maxOccurrenceOverrides} overrides`,
          );
        }
        return applyPatch(stateOf(current), { occurrences: { ...current.occurrences, [key]: override } });
      });
      if (!result) throw ApiError.notFound();
      return sendConference(reply, result.conference);
    },
    DELETE: async (request: FastifyRequest<{ Params: { id: string; key: string } }>, reply) => {
      const { id, key } = request.params;
      requireOccurrenceKey(key);
      const ifMatch = parseIfMatch(request.headers['if-match']);
      requireId(id);
      const result = store.update(id, timestamp(), (current) => {
        if (!(key in current.occurrences)) throw ApiError.notFound(`no override for occurrence ${key}`);
        checkIfMatch(ifMatch, current);
        const occurrences = { ...current.occurrences };
        delete occurrences[key];
        return applyPatch(stateOf(current), { occurrences });
      });
      if (!result) throw ApiError.notFound();
      return reply.code(204).send();
    },
  });

  if (options.enableAdmin) {
    routes(`${ADMIN_PREFIX}/faults`, {
      POST: async (request: FastifyRequest<{ Body: unknown }>, reply) => {
        const rule = faults.add(parseFaultBody(request.body) as unknown as FaultRule);
        return reply.code(201).header('content-type', JSON_CONTENT_TYPE).send({ fault: rule });
      },
      GET: async (_request, reply) => {
        return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send({ items: faults.list() });
      },
      DELETE: async (_request, reply) => {
        faults.clear();
        return reply.code(204).send();
      },
    });
  }

  return app;
}

export { codeForStatus };
