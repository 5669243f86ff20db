/**
 * By hand, against a running `npm start`: renames one of alice's events with Google's own client
 * (`@googleapis/calendar`, pointed at the printed emulator URL) and waits for the conference's title to follow on
 * the conference server.
 *
 *   node --import tsx local/playground/try-rename.ts <calendar emulator URL> <conference server URL> <api key>
 *
 * Prints the event, the new title and how long the conference took to follow; exit 0 when it followed within
 * 10 s, 1 otherwise.
 */
import { auth, calendar as googleCalendar } from '@googleapis/calendar';
import { ConferenceClient } from '../conference-server/client';

async function main(): Promise<number> {
  const [rootUrl, conferenceBaseUrl, apiKey] = process.argv.slice(2);
  if (!rootUrl || !conferenceBaseUrl || !apiKey) {
    process.stderr.write(
      'usage: node --import tsx local/playground/try-rename.ts <calendar emulator URL> <conference server URL> <api key>\n',
    );
    return 2;
  }
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: 'alice@example.com' });
  const cal = googleCalendar({ version: 'v3', rootUrl, auth: oauth });
  const { data } = await cal.events.list({ calendarId: 'alice@example.com' });
  const event = (data.items ?? []).find((e) => e.conferenceData?.conferenceSolution?.key?.type === 'addOn');
  if (!event?.id || !event.conferenceData?.conferenceId) {
    process.stderr.write('alice has no event with a Conference Sync conference (start without --no-demo)\n');
    return 1;
  }
  const conferenceId = event.conferenceData.conferenceId;
  const title = `Renamed with Google's client at ${new Date().toISOString()}`;
  const changedAt = Date.now();
  await cal.events.patch({
    calendarId: 'alice@example.com',
    eventId: event.id,
    requestBody: { summary: title },
  });
  process.stdout.write(`event ${event.id}: "${event.summary}" → "${title}"\n`);
  const conferences = new ConferenceClient({ baseUrl: conferenceBaseUrl, apiKey });
  while (Date.now() - changedAt < 10_000) {
    const seen = (await conferences.getConference(conferenceId)).title;
    if (seen === title) {
      process.stdout.write(`conference ${conferenceId} followed in ${Date.now() - changedAt} ms\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`conference ${conferenceId} did not follow within 10 s\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
