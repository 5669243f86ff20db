/**
 * HTTP front of the Calendar emulator (fastify): the Calendar API v3 events REST surface and the
 * `/emulator/v1/` control endpoints of spec/local-tools.md. It only translates HTTP to engine calls:
 * bearer token → acting user, query strings → typed parameters, GoogleApiError → Google's error
 * body. Any bad input becomes a Google-shaped 400; nothing a client sends can crash the process.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CalendarEngine } from '../engine/engine';
import { Errors, faultError, GoogleApiError } from '../engine/errors';
import {
  applyFieldMask,
  EVENT_SHAPE,
  EVENTS_SHAPE,
  type FieldMask,
  parseFieldMask,
} from '../engine/fieldMask';
import type { EngineOptions } from '../engine/types';
import { Notifier } from './push';
import { METHODS, type MethodSpec, type Params, STANDARD } from './surface';

export interface ServerOptions {
  /** The engine to serve; default a new one built from `engineOptions`. */
  engine?: CalendarEngine;
  engineOptions?: EngineOptions;
  /** Largest accepted request body in bytes; larger ones get a 400. Default 1 MiB. */
  bodyLimit?: number;
  /** A query parameter outside the method's discovery parameters is a 400 (default: ignored). */
  strictParameters?: boolean;
}

interface Fault {
  method?: string;
  pathPattern?: RegExp;
  status: number;
  reason?: string;
  remaining: number;
}

/**
 * Converts a raw query to typed parameters; malformed values are a 400. A name outside the method's
 * discovery parameters is dropped, or a 400 in strict mode (`strictParameters`).
 */
function parseQuery(raw: unknown, allowed: Params, strict: boolean): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, string | string[]>)) {
    const type = allowed[name] ?? STANDARD[name];
    if (!type) {
      if (strict) throw Errors.invalidParameter(name, `Unknown parameter: ${name}`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (type === 'strings') {
      out[name] = values;
      continue;
    }
    if (values.length > 1) throw Errors.invalidParameter(name, `Parameter ${name} must not be repeated.`);
    const v = values[0];
    if (type === 'boolean') {
      if (v !== 'true' && v !== 'false')
        throw Errors.invalidParameter(name, `Invalid boolean value: '${v}'.`);
      out[name] = v === 'true';
    } else if (type === 'integer') {
      if (!/^-?\d{1,9}$/.test(v)) throw Errors.invalidParameter(name, `Invalid integer value: '${v}'.`);
      out[name] = Number(v);
    } else out[name] = v;
  }
  for (const k of Object.keys(STANDARD)) delete out[k];
  return out;
}

function bearer(req: FastifyRequest): string {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S.*)$/i.exec(h.trim()) : null;
  if (m) return m[1].trim();
  const q = req.query as Record<string, unknown> | undefined;
  const t = q?.access_token ?? q?.oauth_token;
  if (typeof t === 'string' && t) return t;
  throw Errors.authError();
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function sendError(reply: FastifyReply, e: GoogleApiError) {
  if (e.code === 304) return reply.code(304).send();
  return reply.code(e.code).header('content-type', 'application/json; charset=UTF-8').send(e.toBody());
}

/** Builds the fastify app (not listening). `app.engine` is the engine it serves. */
export function buildServer(
  options: ServerOptions = {},
): FastifyInstance & { engine: CalendarEngine; notifier: Notifier } {
  const engine = options.engine ?? new CalendarEngine(options.engineOptions);
  const notifier = new Notifier(engine);
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = Fastify({
    logger: false,
    bodyLimit,
    routerOptions: { maxParamLength: 2048 },
    // Errors raised before routing (a malformed %-escape in the path, …) get Google's body too.
    frameworkErrors: (_error, _req, reply) => {
      sendError(reply as FastifyReply, Errors.badRequest());
    },
  });
  let faults: Fault[] = [];
  let latencyMs = 0;

  // JSON bodies: our own parser so that malformed JSON gives Google's parseError body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      // `__proto__` keys are dropped so that no body can reach an object's prototype downstream.
      done(
        null,
        JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v)),
      );
    } catch {
      done(Errors.parseError(), undefined);
    }
  });

  app.setErrorHandler((error: any, _req, reply) => {
    if (error instanceof GoogleApiError) return sendError(reply, error);
    if (error?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, Errors.badRequest('Request payload size exceeds the limit.'));
    if (typeof error?.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
      return sendError(reply, Errors.badRequest());
    return sendError(reply, faultError(500, 'backendError'));
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, Errors.notFound()));

  // Partial responses (`fields`): checked before the request runs, applied to what it returns.
  const masks = new WeakMap<FastifyRequest, FieldMask>();
  app.addHook('preHandler', async (req) => {
    const fields = (req.query as Record<string, unknown> | undefined)?.fields;
    if (!req.url.startsWith('/calendar/v3/') || typeof fields !== 'string') return;
    const collection = /\/(events|instances)$/.test(req.url.split('?')[0]) && req.method === 'GET';
    masks.set(req, parseFieldMask(fields, collection ? EVENTS_SHAPE : EVENT_SHAPE));
  });
  app.addHook('preSerialization', async (req, reply, payload) => {
    const mask = masks.get(req);
    return mask && reply.statusCode < 400 ? applyFieldMask(payload, mask) : payload;
  });

  // Fault and latency injection apply to the Google API surface only, never to the control endpoints.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/calendar/v3/')) return;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const path = req.url.split('?')[0];
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // a malformed escape: the router answers it with a 400 below
    }
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === req.method) &&
        (!f.pathPattern || f.pathPattern.test(path) || f.pathPattern.test(decoded)),
    );
    if (fault) {
      fault.remaining--;
      faults = faults.filter((f) => f.remaining > 0);
      return sendError(reply, faultError(fault.status, fault.reason));
    }
  });

  type Req = FastifyRequest<{ Params: Record<string, string> }>;
  type Handler = (req: Req, reply: FastifyReply, q: Record<string, any>) => unknown;
  const conds = (req: FastifyRequest) => ({
    ifMatch: header(req, 'if-match'),
    ifNoneMatch: header(req, 'if-none-match'),
  });
  const strict = options.strictParameters ?? false;

  /** The methods the emulator serves; every other one of the 38 answers 501 naming itself. */
  const handlers: Record<string, Handler> = {
    'events.list': (req, _r, q) => engine.list(bearer(req), req.params.calendarId, q),
    'events.insert': (req, _r, q) => engine.insert(bearer(req), req.params.calendarId, req.body, q),
    'events.get': (req, _r, q) =>
      engine.get(bearer(req), req.params.calendarId, req.params.eventId, q, conds(req)),
    'events.update': (req, _r, q) =>
      engine.update(bearer(req), req.params.calendarId, req.params.eventId, req.body, q, conds(req)),
    'events.patch': (req, _r, q) =>
      engine.patch(bearer(req), req.params.calendarId, req.params.eventId, req.body, q, conds(req)),
    'events.delete': (req, reply, q) => {
      engine.delete(bearer(req), req.params.calendarId, req.params.eventId, q, conds(req));
      return reply.code(204).send();
    },
    'events.instances': (req, _r, q) =>
      engine.instances(bearer(req), req.params.calendarId, req.params.eventId, q),
    'events.move': (req, _r, q) => {
      const { destination, ...rest } = q;
      return engine.move(bearer(req), req.params.calendarId, req.params.eventId, destination, rest);
    },
    'calendars.get': (req) => engine.getCalendar(bearer(req), req.params.calendarId),
    'calendars.insert': (req) => engine.insertCalendar(bearer(req), req.body),
    'calendars.update': (req) => engine.updateCalendar(bearer(req), req.params.calendarId, req.body),
    'calendars.patch': (req) => engine.patchCalendar(bearer(req), req.params.calendarId, req.body),
    'calendars.delete': (req, reply) => {
      engine.deleteCalendar(bearer(req), req.params.calendarId);
      return reply.code(204).send();
    },
    'calendars.clear': (req, reply) => {
      engine.clearCalendar(bearer(req), req.params.calendarId);
      return reply.code(204).send();
    },
    'acl.list': (req, _r, q) => engine.listAcl(bearer(req), req.params.calendarId, q),
    'acl.get': (req) => engine.getAcl(bearer(req), req.params.calendarId, req.params.ruleId),
    'acl.insert': (req) => engine.insertAcl(bearer(req), req.params.calendarId, req.body),
    'acl.update': (req) => engine.updateAcl(bearer(req), req.params.calendarId, req.params.ruleId, req.body),
    'acl.patch': (req) => engine.patchAcl(bearer(req), req.params.calendarId, req.params.ruleId, req.body),
    'acl.delete': (req, reply) => {
      engine.deleteAcl(bearer(req), req.params.calendarId, req.params.ruleId);
      return reply.code(204).send();
    },
    'calendarList.list': (req, _r, q) => engine.listCalendarList(bearer(req), q),
    'calendarList.get': (req) => engine.getCalendarListEntry(bearer(req), req.params.calendarId),
    'calendarList.insert': (req) => engine.insertCalendarListEntry(bearer(req), req.body),
    'calendarList.update': (req) =>
      engine.updateCalendarListEntry(bearer(req), req.params.calendarId, req.body),
    'calendarList.patch': (req) =>
      engine.patchCalendarListEntry(bearer(req), req.params.calendarId, req.body),
    'calendarList.delete': (req, reply) => {
      engine.deleteCalendarListEntry(bearer(req), req.params.calendarId);
      return reply.code(204).send();
    },
    'events.watch': (req) =>
      watch(
        req,
        'events',
        req.params.calendarId,
        `calendars/${encodeURIComponent(req.params.calendarId)}/events`,
      ),
    'acl.watch': (req) =>
      watch(req, 'acl', req.params.calendarId, `calendars/${encodeURIComponent(req.params.calendarId)}/acl`),
    'calendarList.watch': (req) => watch(req, 'calendarList', undefined, 'users/me/calendarList'),
    'settings.watch': (req) => watch(req, 'settings', undefined, 'users/me/settings'),
    'events.import': (req, _r, q) => engine.importEvent(bearer(req), req.params.calendarId, req.body, q),
    'events.quickAdd': (req, _r, q) => {
      const { text, ...rest } = q;
      return engine.quickAdd(bearer(req), req.params.calendarId, text, rest);
    },
    'colors.get': (req) => {
      bearer(req);
      return engine.getColors();
    },
    'settings.list': (req, _r, q) => engine.listSettings(bearer(req), q),
    'settings.get': (req) => engine.getSetting(bearer(req), req.params.setting),
    'freebusy.query': (req) => engine.freeBusy(bearer(req), req.body),
    'channels.stop': (req, reply) => {
      engine.stopChannel(bearer(req), req.body);
      return reply.code(204).send();
    },
  };

  /** A watch call: the channel, then (once the answer is on its way) the `sync` message. */
  function watch(
    req: Req,
    resource: 'events' | 'acl' | 'calendarList' | 'settings',
    calendarId: string | undefined,
    path: string,
  ) {
    const root = `${req.protocol}://${req.headers.host ?? '127.0.0.1'}/`;
    const channel = engine.watch(
      bearer(req),
      resource,
      calendarId,
      req.body,
      `${root}calendar/v3/${path}?alt=json`,
    );
    setImmediate(() => notifier.opened(channel.id));
    return channel;
  }

  const register = (m: MethodSpec) => {
    const handler = handlers[m.name];
    app.route({
      method: m.verb,
      url: `/calendar/v3${m.path}`,
      handler: async (req, reply) => {
        if (!handler) throw Errors.notImplemented(m.name);
        return handler(req as Req, reply, parseQuery(req.query, m.params, strict));
      },
    });
  };
  for (const m of METHODS) register(m);

  // ---- control endpoints (not part of Google's API)
  app.post('/emulator/v1/reset', async () => {
    engine.reset();
    notifier.reset();
    faults = [];
    latencyMs = 0;
    return { ok: true };
  });
  app.post<{ Params: { calendarId: string } }>(
    '/emulator/v1/calendars/:calendarId/invalidate-sync-tokens',
    async (req) => {
      const auth = header(req, 'authorization');
      const actor = auth ? bearer(req) : '';
      if (req.params.calendarId === 'primary' && !actor)
        throw Errors.badRequest('primary needs a bearer token');
      engine.invalidateSyncTokens(actor, req.params.calendarId);
      return { ok: true };
    },
  );
  app.post('/emulator/v1/faults', async (req) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw Errors.badRequest('Expected a JSON object.');
    const { method, pathPattern, status, reason, count } = b;
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
      throw Errors.invalid('status must be an HTTP status code', 'status');
    if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1))
      throw Errors.invalid('count must be a positive integer', 'count');
    if (method !== undefined && typeof method !== 'string')
      throw Errors.invalid('method must be a string', 'method');
    if (reason !== undefined && typeof reason !== 'string')
      throw Errors.invalid('reason must be a string', 'reason');
    let pattern: RegExp | undefined;
    if (pathPattern !== undefined) {
      try {
        pattern = new RegExp(pathPattern as string);
      } catch {
        throw Errors.invalid('pathPattern must be a regular expression', 'pathPattern');
      }
    }
    faults.push({
      method: method as string | undefined,
      pathPattern: pattern,
      status: status as number,
      reason: reason as string | undefined,
      remaining: (count as number | undefined) ?? 1,
    });
    return { ok: true, pending: faults.length };
  });
  app.delete('/emulator/v1/faults', async () => {
    faults = [];
    return { ok: true };
  });
  app.post('/emulator/v1/latency', async (req) => {
    const ms = (req.body as { ms?: unknown } | undefined)?.ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600_000)
      throw Errors.invalid('ms must be a number between 0 and 600000', 'ms');
    latencyMs = ms;
    return { ok: true };
  });
  app.post<{ Params: { calendarId: string; eventId: string } }>(
    '/emulator/v1/calendars/:calendarId/events/:eventId/split',
    async (req) =>
      engine.splitSeries(
        bearer(req),
        req.params.calendarId,
        req.params.eventId,
        (req.body ?? {}) as object as Record<string, unknown>,
      ),
  );

  // Push delivery control: drop, delay or duplicate the next notifications; read what was delivered.
  app.post('/emulator/v1/notifications', async (req) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw Errors.badRequest('Expected a JSON object.');
    const { action, count, delayMs, channelId } = b;
    if (action !== 'drop' && action !== 'delay' && action !== 'duplicate')
      throw Errors.invalid('action must be drop, delay or duplicate', 'action');
    if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1))
      throw Errors.invalid('count must be a positive integer', 'count');
    if (action === 'delay' && (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 600_000))
      throw Errors.invalid('delayMs must be a number between 0 and 600000', 'delayMs');
    if (channelId !== undefined && typeof channelId !== 'string')
      throw Errors.invalid('channelId must be a string', 'channelId');
    notifier.addRule({
      action,
      channelId: channelId as string | undefined,
      remaining: (count as number | undefined) ?? 1,
      delayMs: (delayMs as number | undefined) ?? 0,
    });
    return { ok: true };
  });
  app.delete('/emulator/v1/notifications', async () => {
    notifier.clearRules();
    return { ok: true };
  });
  app.get('/emulator/v1/notifications', async () => {
    await notifier.idle();
    return { channels: engine.listChannels(), deliveries: notifier.deliveries() };
  });
  app.addHook('onClose', async () => notifier.close());

  // Time and size.
  app.get('/emulator/v1/clock', async () => ({ now: new Date(engine.options.now()).toISOString() }));
  app.post('/emulator/v1/clock', async (req) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw Errors.badRequest('Expected a JSON object.');
    const { advanceMs, now } = b;
    if (
      advanceMs !== undefined &&
      (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0)
    )
      throw Errors.invalid('advanceMs must be a non-negative number (time only moves forward)', 'advanceMs');
    let to: number | undefined;
    if (now !== undefined) {
      to = typeof now === 'string' ? Date.parse(now) : Number.NaN;
      if (Number.isNaN(to)) throw Errors.invalid('now must be an RFC 3339 date-time', 'now');
      if (to < engine.options.now())
        throw Errors.invalid('now must not be in the past (time only moves forward)', 'now');
    }
    if (advanceMs === undefined && to === undefined)
      throw Errors.invalid('give advanceMs or now', 'advanceMs');
    return {
      now: new Date(engine.moveClock({ advanceMs: advanceMs as number | undefined, to })).toISOString(),
    };
  });
  app.get('/emulator/v1/stats', async () => {
    const mem = process.memoryUsage();
    return { ...engine.detailedStats(), heapUsedBytes: mem.heapUsed, rssBytes: mem.rss };
  });

  // The whole state, to share a reproduction: export from one run, import into another (same --secret).
  app.get('/emulator/v1/export', async () => engine.exportState());
  app.post('/emulator/v1/import', async (req) => {
    engine.importState(req.body as Parameters<CalendarEngine['importState']>[0]);
    return { ok: true, ...engine.stats() };
  });

  return Object.assign(app, { engine, notifier });
}

/** Starts a server on 127.0.0.1 (port 0 = any free port). */
export async function startServer(
  port: number,
  options: ServerOptions = {},
): Promise<{
  app: FastifyInstance;
  engine: CalendarEngine;
  notifier: Notifier;
  port: number;
  url: string;
  close: () => Promise<void>;
}> {
  const app = buildServer(options);
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    app,
    engine: app.engine,
    notifier: app.notifier,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () => app.close(),
  };
}
