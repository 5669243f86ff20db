/**
 * Starting the conference server in-process: opens the store, builds the app and listens on 127.0.0.1 only.
 * Used by main.ts (the CLI) and by tests that want a real HTTP server without a child process.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, buildConferenceApp, type ServerTimeouts } from './app';
import { ConferenceStore } from './db';

export const LOOPBACK_HOST = '127.0.0.1';

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** SQLite file, or ':memory:' (default). */
  db?: string;
  apiKey: string;
  enableAdmin?: boolean;
  joinBaseUrl?: string;
  dialIn?: boolean;
  logger?: boolean;
  /** Slow-client limits; defaults in app.ts (DEFAULT_TIMEOUTS). */
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningConferenceServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `http://127.0.0.1:<port>/api`, the spec's base URL. */
  baseUrl: string;
  port: number;
  app: FastifyInstance;
  store: ConferenceStore;
  /** Stops accepting, finishes in-flight requests, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Thrown when the port is taken, with a message that names it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} on ${LOOPBACK_HOST} is already in use; is another server running? Choose another --port.`,
    );
    this.name = 'PortInUseError';
  }
}

export async function startConferenceServer(options: StartOptions): Promise<RunningConferenceServer> {
  const store = new ConferenceStore(options.db ?? ':memory:');
  let app: FastifyInstance;
  try {
    app = buildConferenceApp({
      store,
      apiKey: options.apiKey,
      enableAdmin: options.enableAdmin,
      joinBaseUrl: options.joinBaseUrl,
      dialIn: options.dialIn,
      logger: options.logger,
      timeouts: options.timeouts,
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const requestedPort = options.port ?? 0;
  try {
    await app.listen({ host: LOOPBACK_HOST, port: requestedPort });
  } catch (error) {
    await app.close().catch(() => undefined);
    store.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(requestedPort);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const origin = `http://${LOOPBACK_HOST}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    origin,
    baseUrl: origin + API_PREFIX,
    port,
    app,
    store,
    close() {
      closing ??= app.close().finally(() => store.close());
      return closing;
    },
  };
}
