/**
 * Durability: the real CLI on a database file takes a burst of concurrent writes (creates, patches, deletes),
 * is killed with SIGKILL in the middle of it, and is restarted on the same --db. Every write that was
 * acknowledged with a 2xx before the kill must be there; unacknowledged ones may or may not be (a delete cut off
 * by the kill may have committed, so a conference whose delete was sent may be gone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConferenceApiError, ConferenceClient } from '../../local/conference-server/client';
import { spawnConferenceServer } from '../../local/conference-server/spawn';
import { API_KEY, SAMPLE } from './helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'conference-durability-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('every write acknowledged before a kill -9 mid-burst is there after a restart on the same --db', async () => {
  const db = path.join(dir, 'burst.db');
  const server = await spawnConferenceServer({ apiKey: API_KEY, db });
  const client = new ConferenceClient({ baseUrl: server.baseUrl, apiKey: API_KEY });

  // What the server acknowledged: per conference, the lowest version it must have now, or that it is deleted.
  const ackedVersion = new Map<string, number>();
  const ackedDeleted = new Set<string>();
  const deleteSent = new Set<string>();
  let acknowledged = 0;
  let killed = false;
  const KILL_AFTER = 150;

  const kill = () => {
    if (!killed) {
      killed = true;
      server.child.kill('SIGKILL');
    }
  };

  async function worker(w: number): Promise<void> {
    for (let i = 0; !killed; i++) {
      try {
        const { conference } = await client.createConference(
          { ...SAMPLE, calendarId: 'burst@example.com', eventId: `w${w}-${i}` },
          `burst-${w}-${i}`,
        );
        ackedVersion.set(conference.id, conference.version);
        acknowledged++;
        const patched = await client.updateConference(conference.id, { title: `patched ${w}-${i}` });
        ackedVersion.set(conference.id, Math.max(ackedVersion.get(conference.id)!, patched.version));
        acknowledged++;
        if (i % 3 === 0) {
          // A delete cut off by the kill may still have committed: then the conference is rightly gone.
          deleteSent.add(conference.id);
          await client.deleteConference(conference.id);
          ackedDeleted.add(conference.id);
          acknowledged++;
        }
      } catch (error) {
        // After the kill, requests in flight fail at the socket: those writes were never acknowledged.
        if (killed) return;
        kill();
        throw new Error(
          `worker ${w}, step ${i}, before the kill: ${(error as Error).message}; ${server.stderr()}`,
        );
      }
      if (acknowledged >= KILL_AFTER) kill();
    }
  }

  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  const exit = await server.exited;
  expect(exit.signal).toBe('SIGKILL');
  expect(acknowledged).toBeGreaterThanOrEqual(KILL_AFTER);

  const restarted = await spawnConferenceServer({ apiKey: API_KEY, db });
  try {
    const again = new ConferenceClient({ baseUrl: restarted.baseUrl, apiKey: API_KEY });
    const missing: string[] = [];
    for (const [id, version] of ackedVersion) {
      if (ackedDeleted.has(id)) {
        const gone = await again.getConference(id).then(
          () => false,
          (e: unknown) => e instanceof ConferenceApiError && e.status === 404,
        );
        if (!gone) missing.push(`${id}: acknowledged delete not applied`);
        continue;
      }
      const conference = await again.getConference(id).catch(() => undefined);
      if (!conference && !deleteSent.has(id)) missing.push(`${id}: acknowledged conference lost`);
      if (conference && conference.version < version) {
        missing.push(`${id}: version ${conference.version} < ${version}`);
      }
    }
    expect(missing).toEqual([]);
    // The server still takes writes on the recovered database.
    expect((await again.createConference(SAMPLE, 'after-restart')).created).toBe(true);
  } finally {
    await restarted.stop();
  }
});
