/**
 * End to end, a provider outage: the conference server's fault injection makes the next PATCH fail with 503.
 * The change is kept and retried by a later run once its backoff has passed (the bundle reads the test's clock),
 * and lands exactly once.
 */
import { saveNewEventWithConference } from './events';
import { ALICE, BOB, type ConferenceServer, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

it('a provider outage is retried on the next run', async () => {
  const alice = world.addOn(ALICE);
  const { conferenceId } = saveNewEventWithConference(alice, {
    id: 'outage08',
    summary: 'Budget',
    start: '2026-12-11T10:00:00+01:00',
    end: '2026-12-11T11:00:00+01:00',
    attendees: [BOB],
  });
  alice.fireTrigger(ALICE);
  const before = await server.client.getConference(conferenceId);
  const patches = () =>
    world.fetches.filter((f) => f.method === 'PATCH' && f.url.endsWith(`/v1/conferences/${conferenceId}`));
  const patchesBefore = patches().length;

  await server.client.injectFault({
    method: 'PATCH',
    pathPattern: '/v1/conferences/',
    status: 503,
    count: 1,
  });
  world.engine.patch(ALICE, ALICE, 'outage08', { summary: 'Budget (final)' });
  const failed = alice.fireTrigger(ALICE);
  expect(failed).toMatchObject({ updated: 0, failures: [{ eventId: 'outage08', willRetry: true }] });
  expect(
    patches()
      .slice(patchesBefore)
      .map((f) => f.status),
  ).toEqual([503]);
  expect(await server.client.getConference(conferenceId)).toMatchObject({
    title: 'Budget',
    version: before.version,
  });

  // A run before the backoff has passed leaves it waiting.
  world.clock.advance(10 * 1000);
  expect(alice.fireTrigger(ALICE)).toMatchObject({ retried: 0, updated: 0 });
  expect(patches().slice(patchesBefore)).toHaveLength(1);

  // Once the backoff (at most 72 s for a first retry) has passed, the next run applies it.
  world.clock.advance(2 * 60 * 1000);
  expect(alice.fireTrigger(ALICE)).toMatchObject({ retried: 1, updated: 1, failures: [] });
  expect(
    patches()
      .slice(patchesBefore)
      .map((f) => f.status),
  ).toEqual([503, 200]);
  const after = await server.client.getConference(conferenceId);
  expect(after).toMatchObject({ title: 'Budget (final)', version: before.version + 1 });

  // And only once: later runs have nothing left to retry.
  world.clock.advance(60 * 60 * 1000);
  alice.fireTrigger(ALICE);
  expect(patches().slice(patchesBefore)).toHaveLength(2);
  expect((await server.client.getConference(conferenceId)).version).toBe(after.version);
});

it('a rate limit is waited out as the provider says, and the latest state of the event is what lands', async () => {
  const alice = world.addOn(ALICE);
  const { conferenceId } = saveNewEventWithConference(alice, {
    id: 'ratelimit01',
    summary: 'Roadmap',
    start: '2026-12-18T10:00:00+01:00',
    end: '2026-12-18T11:00:00+01:00',
    attendees: [BOB],
  });
  alice.fireTrigger(ALICE);
  const before = await server.client.getConference(conferenceId);
  await server.client.injectFault({
    method: 'PATCH',
    pathPattern: '/v1/conferences/',
    status: 429,
    count: 1,
    retryAfterSeconds: 30,
  });
  world.engine.patch(ALICE, ALICE, 'ratelimit01', { summary: 'Roadmap v1' });
  expect(alice.fireTrigger(ALICE)).toMatchObject({ failures: [{ eventId: 'ratelimit01', willRetry: true }] });

  // Edited again while waiting: nothing is sent before Retry-After has passed.
  world.clock.advance(5 * 1000);
  world.engine.patch(ALICE, ALICE, 'ratelimit01', { summary: 'Roadmap v2' });
  alice.fireTrigger(ALICE);
  expect((await server.client.getConference(conferenceId)).title).toBe('Roadmap');

  world.clock.advance(30 * 1000);
  expect(alice.fireTrigger(ALICE)).toMatchObject({ retried: 1, updated: 1, failures: [] });
  expect(await server.client.getConference(conferenceId)).toMatchObject({
    title: 'Roadmap v2',
    version: before.version + 1,
  });
});

it('createConference during an outage returns TEMPORARY, and a later attempt creates the conference', async () => {
  const alice = world.addOn(ALICE);
  await server.client.injectFault({
    method: 'POST',
    pathPattern: '/v1/conferences$',
    status: 503,
    count: 10,
  });
  const refused = JSON.parse(alice.createConference(ALICE, 'outage13').printJson());
  expect(refused).toEqual({
    conferenceSolutionId: 'conference-sync',
    error: { conferenceErrorType: 'TEMPORARY' },
  });
  expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'outage13' })).toEqual([]);

  await server.client.clearFaults();
  const made = JSON.parse(alice.createConference(ALICE, 'outage13').printJson());
  expect(made.conferenceId).toEqual(expect.any(String));
  expect(
    (await server.client.listConferences({ calendarId: ALICE, eventId: 'outage13' })).map((c) => c.id),
  ).toEqual([made.conferenceId]);
});
