/**
 * Issue 9, cases 3, 4 and 10: a retryable failure never becomes a loss. A provider outage of about a day (every
 * request answered 503 while it lasts, hourly sweeps on the virtual clock), a key the provider rejects (401 after a
 * wrong key was put in Script Properties, 403), and a 412 answered to a PATCH: what was changed or deleted in
 * Calendar meanwhile lands once the provider (or the configuration) is right again.
 */
import { saveNewEventWithConference } from './events';
import {
  ALICE,
  API_KEY,
  BOB,
  type ConferenceServer,
  conferenceOrNull,
  type E2EWorld,
  useE2E,
} from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const alice = () => world.addOn(ALICE);
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** Every conference API request (not the admin endpoints) fails with `status` until the faults are cleared. */
async function providerDown(status = 503): Promise<void> {
  await server.client.injectFault({ pathPattern: '^/api/v1/conferences', status, count: 1_000_000 });
}

const deletes = (conferenceId: string) =>
  world.fetches.filter((f) => f.method === 'DELETE' && f.url.endsWith(`/v1/conferences/${conferenceId}`));
const patches = (conferenceId: string) =>
  world.fetches.filter((f) => f.method === 'PATCH' && f.url.endsWith(`/v1/conferences/${conferenceId}`));

describe('a provider outage of about a day (issue 9, case 3)', () => {
  it('an edit and a deletion made during a 26-hour outage both reach the provider once it is back', async () => {
    const edited = saveNewEventWithConference(alice(), {
      id: 'outagedit01',
      summary: 'Board prep',
      start: '2026-12-08T10:00:00+01:00',
      end: '2026-12-08T11:00:00+01:00',
      attendees: [BOB],
    });
    const deleted = saveNewEventWithConference(alice(), {
      id: 'outagedel01',
      summary: 'Sales kick-off',
      start: '2026-12-09T10:00:00+01:00',
      end: '2026-12-09T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);

    await providerDown();
    world.engine.patch(ALICE, ALICE, 'outagedit01', { summary: 'Board prep (final)' });
    alice().fireTrigger(ALICE);
    world.advance(HOUR);
    world.engine.delete(ALICE, ALICE, 'outagedel01');
    alice().fireTrigger(ALICE);
    // The rest of the outage: only the hourly sweeps run.
    world.advance(25 * HOUR);
    expect(patches(edited.conferenceId).length).toBeGreaterThan(0);

    await server.client.clearFaults();
    // Within a few hours of the provider's return, both have landed.
    world.advance(4 * HOUR);
    expect(await server.client.getConference(edited.conferenceId)).toMatchObject({
      title: 'Board prep (final)',
    });
    expect(await conferenceOrNull(server.client, deleted.conferenceId)).toBeNull();

    // Nothing said it gave up, neither the log nor the card.
    expect(world.logs.filter((l) => /gave up|giving up|give up|abandon/i.test(l.text))).toEqual([]);
    expect(world.homepage(ALICE).html).not.toMatch(/gave up|giving up|give up|abandon/i);
  });
});

describe('a key the provider rejects (issue 9, case 4)', () => {
  it('a deletion refused with 401 lands once the key is fixed, and the card says the key was rejected', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'badcreddel01',
      summary: 'Quarterly review',
      start: '2026-12-10T10:00:00+01:00',
      end: '2026-12-10T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);

    // An administrator pastes a wrong key; the user deletes the event.
    world.setScriptProperties({ CONFERENCE_API_KEY: 'sk_wrong_000000000000' });
    world.engine.delete(ALICE, ALICE, 'badcreddel01');
    alice().fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(deletes(conferenceId).map((f) => f.status)).toContain(401);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    // While the key is wrong, the card says so.
    expect(world.homepage(ALICE).html).toMatch(/conference API rejected the key/i);

    // The key is fixed: the next run deletes the conference.
    world.setScriptProperties({ CONFERENCE_API_KEY: API_KEY });
    alice().fireTrigger(ALICE);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
    expect(world.homepage(ALICE).html).not.toMatch(/rejected the key/i);
  });

  it('a deletion refused with 403 is sent again later and lands', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'forbiddel01',
      summary: 'Offsite planning',
      start: '2026-12-11T10:00:00+01:00',
      end: '2026-12-11T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);

    await server.client.injectFault({
      method: 'DELETE',
      pathPattern: '/v1/conferences/',
      status: 403,
      count: 1,
    });
    world.engine.delete(ALICE, ALICE, 'forbiddel01');
    alice().fireTrigger(ALICE);
    // Up to the first DELETE (after the grace period), with the due time-driven triggers.
    for (let waited = 0; waited < 2 * HOUR && deletes(conferenceId).length === 0; waited += 5 * MINUTE)
      world.advance(5 * MINUTE);
    expect(deletes(conferenceId).map((f) => f.status)).toEqual([403]);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    expect(world.homepage(ALICE).html).toMatch(/conference API rejected the key/i);

    // The provider accepts the key again (the 403 was answered once): at the slow cadence, it lands.
    world.advance(24 * HOUR);
    expect(deletes(conferenceId).map((f) => f.status)).toEqual(expect.arrayContaining([403, 204]));
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });

  it('an update refused with 401 lands once the key is fixed', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'badcredupd01',
      summary: 'Hiring committee',
      start: '2026-12-12T10:00:00+01:00',
      end: '2026-12-12T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);

    world.setScriptProperties({ CONFERENCE_API_KEY: 'sk_wrong_000000000000' });
    world.engine.patch(ALICE, ALICE, 'badcredupd01', { summary: 'Hiring committee (moved)' });
    alice().fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(patches(conferenceId).map((f) => f.status)).toContain(401);
    expect(await server.client.getConference(conferenceId)).toMatchObject({ title: 'Hiring committee' });
    expect(world.homepage(ALICE).html).toMatch(/conference API rejected the key/i);

    world.setScriptProperties({ CONFERENCE_API_KEY: API_KEY });
    alice().fireTrigger(ALICE);
    expect(await server.client.getConference(conferenceId)).toMatchObject({
      title: 'Hiring committee (moved)',
    });
  });
});

describe('a 412 answered to a PATCH (issue 9, case 10)', () => {
  it('a change answered 412 by the provider is re-read and lands', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'precond01',
      summary: 'Architecture review',
      start: '2026-12-14T10:00:00+01:00',
      end: '2026-12-14T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    const before = await server.client.getConference(conferenceId);

    await server.client.injectFault({
      method: 'PATCH',
      pathPattern: '/v1/conferences/',
      status: 412,
      count: 1,
    });
    world.engine.patch(ALICE, ALICE, 'precond01', { summary: 'Architecture review (v2)' });
    alice().fireTrigger(ALICE);
    // In the same run, or the next one.
    alice().fireTrigger(ALICE);
    expect(patches(conferenceId).map((f) => f.status)).toEqual(expect.arrayContaining([412, 200]));
    expect(await server.client.getConference(conferenceId)).toMatchObject({
      title: 'Architecture review (v2)',
      version: before.version + 1,
    });
  });
});
