/**
 * The playground page's server (fastify, 127.0.0.1 only): the static page (no build step), its JSON API (the
 * snapshot of every event beside its conference, the homepage cards the runtime renders, and the actions of
 * Calendar's UI), and the live log as server-sent events. Bad input gets a 400 with a message saying what is wrong.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CalendarApiError } from './calendar-client';
import { type LogEntry, type Playground, USERS } from './playground';

const PUBLIC = join(__dirname, 'public');
const FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

class BadRequest extends Error {}

function str(body: Record<string, unknown>, name: string, optional = false): string | undefined {
  const v = body[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(`"${name}" must be a non-empty string`);
  return v;
}

function user(value: unknown): string {
  if (typeof value !== 'string' || !USERS.includes(value))
    throw new BadRequest(`user must be one of ${USERS.join(', ')}`);
  return value;
}

function rfc3339(body: Record<string, unknown>, name: string): string {
  const v = str(body, name)!;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ||
    Number.isNaN(Date.parse(v))
  ) {
    throw new BadRequest(
      `"${name}" must be an RFC 3339 date-time with an offset, e.g. 2026-12-03T10:00:00+01:00`,
    );
  }
  return v;
}

export interface PageInfo {
  emulatorUrl: string;
  conferenceBaseUrl: string;
}

export function buildPageServer(p: Playground, info: () => PageInfo): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const streams = new Set<FastifyReply>();

  app.setErrorHandler((thrown, _req, reply) => {
    const error = thrown as Error;
    if (error instanceof BadRequest) return reply.code(400).send({ error: error.message });
    if (error instanceof CalendarApiError)
      return reply.code(error.status >= 500 ? 502 : error.status).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: error.message });
    p.emit('error', `page action failed: ${error.message}`);
    return reply.code(500).send({ error: error.message });
  });

  for (const [path, file] of Object.entries(FILES)) {
    app.get(path, async (_req, reply) => {
      const text = await readFile(join(PUBLIC, file), 'utf8');
      return reply
        .type(TYPES[file.split('.').pop() as string])
        .header('Cache-Control', 'no-store')
        .send(text);
    });
  }

  app.get('/api/info', async () => ({ ...info(), users: USERS }));
  app.get('/api/state', async () => p.snapshot(true));

  app.get('/api/log', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    const send = (e: LogEntry) => res.write(`id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`);
    for (const e of p.log.slice(-300)) send(e);
    const unsubscribe = p.subscribe(send);
    streams.add(reply);
    req.raw.on('close', () => {
      unsubscribe();
      streams.delete(reply);
    });
  });

  app.post<{ Body: Record<string, unknown> }>('/api/events', async (req) => {
    const body = req.body ?? {};
    const who = user(body.user);
    const start = rfc3339(body, 'start');
    const end = rfc3339(body, 'end');
    if (Date.parse(end) <= Date.parse(start)) throw new BadRequest('"end" must be after "start"');
    const attendees = body.attendees === undefined ? [] : body.attendees;
    if (
      !Array.isArray(attendees) ||
      attendees.some((a) => typeof a !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(a))
    ) {
      throw new BadRequest('"attendees" must be a list of e-mail addresses');
    }
    const weekly = body.weekly === undefined ? 0 : Number(body.weekly);
    if (!Number.isInteger(weekly) || weekly < 0 || weekly > 52)
      throw new BadRequest('"weekly" must be a whole number of meetings, 0–52');
    p.emit('action', `page: ${who} creates "${body.summary}" with Conference Sync`, who);
    const { event, conferenceId } = await p.createEventWithConference(who, {
      summary: str(body, 'summary')!,
      start,
      end,
      attendees: attendees as string[],
      ...(weekly > 1 ? { recurrence: [`RRULE:FREQ=WEEKLY;COUNT=${weekly}`] } : {}),
    });
    return { eventId: event.id, conferenceId };
  });

  app.patch<{ Params: { user: string; id: string }; Body: Record<string, unknown> }>(
    '/api/events/:user/:id',
    async (req) => {
      const who = user(req.params.user);
      const body = req.body ?? {};
      const patch: Record<string, unknown> = {};
      if (body.summary !== undefined) patch.summary = str(body, 'summary');
      if (Object.keys(patch).length === 0 && body.moveMinutes === undefined)
        throw new BadRequest('nothing to change: give "summary" or "moveMinutes"');
      if (Object.keys(patch).length) {
        p.emit('action', `page: ${who} edits ${req.params.id}: ${JSON.stringify(patch)}`, who);
        await p.edit(who, req.params.id, patch);
      }
      if (body.moveMinutes !== undefined) {
        const minutes = Number(body.moveMinutes);
        if (!Number.isInteger(minutes) || minutes === 0 || Math.abs(minutes) > 60 * 24 * 366)
          throw new BadRequest('"moveMinutes" must be a non-zero whole number of minutes');
        p.emit('action', `page: ${who} moves ${req.params.id} by ${minutes} min`, who);
        await p.move(who, req.params.id, minutes);
      }
      return { ok: true };
    },
  );

  app.post<{ Params: { user: string; id: string }; Body: Record<string, unknown> }>(
    '/api/events/:user/:id/cancel-occurrence',
    async (req) => {
      const who = user(req.params.user);
      const instances = (await p.instances(who, req.params.id)).filter((i) => i.status !== 'cancelled');
      const wanted = req.body?.instanceId;
      const target =
        wanted === undefined ? (instances[1] ?? instances[0]) : instances.find((i) => i.id === wanted);
      if (!target)
        throw new BadRequest(
          wanted === undefined
            ? 'the event has no occurrence left to cancel'
            : `no occurrence ${String(wanted)}`,
        );
      p.emit('action', `page: ${who} cancels occurrence ${target.id}`, who);
      await p.cancelOccurrence(who, target.id as string);
      return { cancelled: target.id };
    },
  );

  app.delete<{ Params: { user: string; id: string } }>('/api/events/:user/:id', async (req) => {
    const who = user(req.params.user);
    p.emit('action', `page: ${who} deletes ${req.params.id}`, who);
    await p.remove(who, req.params.id);
    return { ok: true };
  });

  app.post<{ Params: { user: string; id: string } }>(
    '/api/events/:user/:id/remove-conference',
    async (req) => {
      const who = user(req.params.user);
      p.emit('action', `page: ${who} removes the conference from ${req.params.id}`, who);
      await p.removeConference(who, req.params.id);
      return { ok: true };
    },
  );

  app.post('/api/fast-forward', async () => ({
    fired: p.fastForward(60 * 60_000),
    clock: new Date(p.runtime.clock.now()).toISOString(),
  }));

  app.addHook('onClose', async () => {
    for (const s of streams) s.raw.end();
  });
  return app;
}
