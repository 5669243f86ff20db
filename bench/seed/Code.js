/**
 * The seed's sync procedure, ported literally for the benchmark (bench/sync.bench.ts): Google's "Sync calendar
 * conference changes" sample as a conferencing add-on would first ship it. One sync token per user, pages of 250,
 * and for every listed event that carries the solution's conference one sequential UrlFetchApp.fetch PATCH of its
 * title and times, with no change detection and no records. Only the sample's crash on events without
 * conferenceData (defect B1) is guarded, so that it runs at all.
 */
const SOLUTION_NAME = 'Conference Sync';

// Called by name, as Apps Script calls a trigger handler.
// biome-ignore lint/correctness/noUnusedVariables: a global of the script
function syncEvents(e) {
  const calendarId = e.calendarId;
  const properties = PropertiesService.getUserProperties();
  const script = PropertiesService.getScriptProperties();
  const baseUrl = script.getProperty('CONFERENCE_API_BASE_URL');
  const apiKey = script.getProperty('CONFERENCE_API_KEY');
  const options = { maxResults: 250 };
  const syncToken = properties.getProperty('syncToken');
  if (syncToken) {
    options.syncToken = syncToken;
  } else {
    options.timeMin = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  }
  let events;
  let pageToken;
  let patched = 0;
  do {
    if (pageToken) options.pageToken = pageToken;
    events = Calendar.Events.list(calendarId, options);
    const items = events.items || [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const data = item.conferenceData;
      if (!data?.conferenceSolution || data.conferenceSolution.name !== SOLUTION_NAME) continue;
      if (item.status === 'cancelled') continue;
      UrlFetchApp.fetch(baseUrl + 'v1/conferences/' + encodeURIComponent(data.conferenceId), {
        method: 'patch',
        contentType: 'application/json',
        headers: { Authorization: 'Bearer ' + apiKey },
        payload: JSON.stringify({
          title: item.summary || '',
          startTime: item.start?.dateTime ? item.start.dateTime : null,
          endTime: item.end?.dateTime ? item.end.dateTime : null,
        }),
        muteHttpExceptions: true,
      });
      patched++;
    }
    pageToken = events.nextPageToken;
  } while (pageToken);
  if (events.nextSyncToken) properties.setProperty('syncToken', events.nextSyncToken);
  return { patched: patched };
}
