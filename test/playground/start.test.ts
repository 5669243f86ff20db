/**
 * `npm start` as local-tools.md ("Local playground") fixes it: the contract's lines, each exactly once and in
 * order, the demo's verdict, exit codes and flag validation; and, while it runs, a title change made with
 * Google's own client (`@googleapis/calendar`) against the printed emulator URL reaches the conference within
 * seconds, with nothing else called. Ctrl-C stops every child process and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { auth, type calendar_v3, calendar as googleCalendar } from '@googleapis/calendar';
import { ConferenceClient } from '../../local/conference-server/client';
import { descendants, freshStateDir, interrupt, isAlive, REPO_ROOT, startPlayground } from './helpers';

jest.setTimeout(120_000);

const CLI = ['--import', 'tsx', 'local/playground/main.ts'];

it('npm start -- --once --port 0 prints the contract lines once each, in order, and ends with the demo verdict, exit 0', async () => {
  const started = await startPlayground(
    ['--once', '--port', '0', '--quiet', '--state-dir', freshStateDir()],
    true,
  );
  const { code } = await started.exited;
  const contract = started.lines.filter((l) =>
    /^(calendar emulator|conference server|conference api key|playground|demo): /.test(l),
  );
  expect(contract.map((l) => l.split(':')[0])).toEqual([
    'calendar emulator',
    'conference server',
    'conference api key',
    'playground',
    'demo',
  ]);
  expect(contract[4]).toMatch(/^demo: \d+ conferences, all in sync$/);
  expect(Number(/^demo: (\d+)/.exec(contract[4])?.[1])).toBeGreaterThanOrEqual(4);
  expect(started.lines.at(-1)).toBe(contract[4]);
  expect(code).toBe(0);
});

it('refuses bad flags with a clear message and exit 2', () => {
  for (const [args, message] of [
    [['--port', 'eighty'], /--port needs a port number 0–65535, not "eighty"/],
    [['--port', '70000'], /--port needs a port number/],
    [['--colour'], /Unknown option '--colour'/],
    [['extra'], /Unexpected argument 'extra'/],
  ] as const) {
    const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^usage: npm start/m);
  }
});

it('says so when the page port is taken, stops what it started, and exits 1', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as AddressInfo).port;
  try {
    const r = spawnSync(
      process.execPath,
      [...CLI, '--port', String(port), '--no-demo', '--state-dir', freshStateDir()],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stderr).toContain(
      `npm start: port ${port} is in use; pick another with --port <port> (0 = any free port)`,
    );
    expect(r.status).toBe(1);
  } finally {
    blocker.close();
  }
});

it("moves the conference's title within seconds after a rename made with @googleapis/calendar, and Ctrl-C leaves no process behind", async () => {
  const started = await startPlayground(['--port', '0', '--quiet', '--state-dir', freshStateDir()], true);
  try {
    await started.waitForLine(/^demo: \d+ conferences, all in sync$/, 90_000);
    const tree = descendants(started.child.pid as number);
    // npm's shell exec's node, which runs the emulator and the conference server.
    expect(tree.length).toBeGreaterThanOrEqual(2);

    // Google's client exactly as a developer would point it at the printed URL (the token's text is the user).
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: 'alice@example.com' });
    const calendar = googleCalendar({
      version: 'v3',
      rootUrl: started.emulatorUrl,
      auth: oauth,
      retry: false,
      // jest's VM cannot run gaxios's dynamic import of node-fetch; Node's own fetch is what it would use anyway.
      fetchImplementation: fetch,
    } as calendar_v3.Options);
    const { data } = await calendar.events.list({ calendarId: 'alice@example.com', singleEvents: false });
    const event = (data.items ?? []).find(
      (e) => e.conferenceData?.conferenceSolution?.key?.type === 'addOn' && !e.recurrence,
    );
    expect(event).toBeDefined();
    const conferenceId = event?.conferenceData?.conferenceId as string;
    const title = `Renamed with Google's client ${Date.now()}`;
    const changedAt = Date.now();
    await calendar.events.patch({
      calendarId: 'alice@example.com',
      eventId: event?.id as string,
      requestBody: { summary: title },
    });

    const conferences = new ConferenceClient({ baseUrl: started.conferenceBaseUrl, apiKey: started.apiKey });
    let seen = '';
    while (Date.now() - changedAt < 10_000) {
      seen = (await conferences.getConference(conferenceId)).title;
      if (seen === title) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen).toBe(title);

    interrupt(started);
    const exit = await started.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(tree.filter(isAlive)).toEqual([]);
  } finally {
    if (started.child.exitCode === null) interrupt(started, 'SIGKILL');
  }
});
