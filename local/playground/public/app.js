// The playground page's script (plain ES module, no build step): renders /api/state, follows the live log over
// server-sent events (/api/log) and sends what Calendar's UI would do to the playground's API. Everything shown
// is set with textContent, except the homepage card, whose HTML the runtime's CardService rendered and escaped.

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
};

let refreshTimer;
let refreshing = false;
let again = false;

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function toast(text, isError = false) {
  const t = $('#toast');
  t.textContent = text;
  t.className = isError ? 'toast error' : 'toast';
  t.hidden = false;
  clearTimeout(t.timer);
  t.timer = setTimeout(() => {
    t.hidden = true;
  }, 4000);
}

async function act(label, fn) {
  try {
    const said = await fn();
    toast(typeof said === 'string' ? said : `${label}: done — the trigger fires within a few seconds`);
  } catch (e) {
    toast(`${label}: ${e.message}`, true);
  }
  scheduleRefresh(300);
}

const fmt = (s) => {
  if (!s) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  return new Date(s).toLocaleString([], {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
};

function eventRow(user, r) {
  const tr = el('tr', {
    className: r.inSync === null ? 'no-conference' : r.inSync ? 'in-sync' : 'out-of-sync',
  });
  tr.dataset.eventId = r.eventId;
  const what = el(
    'td',
    {},
    el('div', { className: 'summary', textContent: r.summary || '(no title)' }),
    el('div', { className: 'when', textContent: `${fmt(r.start)} – ${fmt(r.end)}` }),
  );
  if (r.recurrence.length) what.append(el('div', { className: 'when', textContent: r.recurrence.join(' ') }));
  for (const x of r.exceptions) {
    what.append(
      el('div', {
        className: 'exception',
        textContent: x.cancelled
          ? `occurrence ${x.key} cancelled`
          : `occurrence ${x.key} moved to ${fmt(x.start)}`,
      }),
    );
  }
  if (r.organizer !== user)
    what.append(el('div', { className: 'when', textContent: `organizer: ${r.organizer}` }));
  const conf = el('td');
  if (r.conferenceId) {
    conf.append(
      el('div', {
        className: 'summary conference-title',
        textContent: r.conferenceTitle ?? '(missing on the server)',
      }),
    );
    conf.append(el('div', { className: 'when', textContent: r.conferenceId }));
    if (r.joinUrl)
      conf.append(el('a', { href: r.joinUrl, textContent: 'join link', target: '_blank', rel: 'noopener' }));
  } else conf.append(el('span', { className: 'when', textContent: 'no conference' }));
  const sync = el('td', { className: 'sync' });
  sync.append(
    el('span', {
      className: 'badge',
      textContent: r.inSync === null ? '—' : r.inSync ? '✓ in sync' : '✗ out of sync',
      title: r.problems.join('\n'),
    }),
  );
  for (const p of r.problems) sync.append(el('div', { className: 'problem', textContent: p }));
  const buttons = el('td', { className: 'actions' });
  const own = r.organizer === user;
  const button = (text, fn, cls = '') => {
    const b = el('button', { type: 'button', textContent: text, className: cls });
    b.addEventListener('click', fn);
    buttons.append(b);
    return b;
  };
  if (own) {
    button(
      'Rename',
      () => {
        const summary = prompt('New title', r.summary);
        if (summary) act('rename', () => api('PATCH', `/api/events/${user}/${r.eventId}`, { summary }));
      },
      'rename',
    );
    button(
      'Move +1 h',
      () => act('move', () => api('PATCH', `/api/events/${user}/${r.eventId}`, { moveMinutes: 60 })),
      'move',
    );
    if (r.recurrence.length)
      button(
        'Cancel one occurrence',
        () =>
          act('cancel occurrence', () =>
            api('POST', `/api/events/${user}/${r.eventId}/cancel-occurrence`, {}),
          ),
        'cancel-occurrence',
      );
    if (r.conferenceId)
      button(
        'Remove conference',
        () =>
          act('remove conference', () => api('POST', `/api/events/${user}/${r.eventId}/remove-conference`)),
        'remove-conference',
      );
    button(
      'Delete',
      () => act('delete', () => api('DELETE', `/api/events/${user}/${r.eventId}`)),
      'delete danger',
    );
  }
  tr.append(what, conf, sync, buttons);
  return tr;
}

function render(state) {
  $('#clock').textContent = new Date(state.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const host = $('#users');
  const fresh = [];
  for (const u of state.users) {
    const node = $('#user-template').content.firstElementChild.cloneNode(true);
    node.dataset.user = u.user;
    $('.user-name', node).textContent = u.user;
    const tbody = $('tbody', node);
    if (u.rows.length === 0)
      tbody.append(el('tr', {}, el('td', { colSpan: 4, className: 'when', textContent: 'No events.' })));
    for (const r of u.rows) tbody.append(eventRow(u.user, r));
    const card = $('.card-host', node);
    if (u.card)
      card.innerHTML = u.card; // HTML from the runtime's CardService, which escapes all card text.
    else card.textContent = u.cardError ?? '';
    if (u.user === state.users[0].user && state.gone.length) {
      const gone = state.gone.filter((g) => g.inSync).length;
      $('.gone', node).textContent =
        `${gone} of ${state.gone.length} conferences of deleted events or removed conferences are gone from the server${gone === state.gone.length ? ' ✓' : ' ✗'}`;
    }
    fresh.push(node);
  }
  host.replaceChildren(...fresh);
}

async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    render(await api('GET', '/api/state'));
  } catch (e) {
    toast(`could not read the state: ${e.message}`, true);
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      scheduleRefresh(200);
    }
  }
}

function scheduleRefresh(ms = 500) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, ms);
}

function follow() {
  const log = $('#log');
  const source = new EventSource('/api/log');
  source.onmessage = (m) => {
    const e = JSON.parse(m.data);
    const who = e.user ? `${e.user.split('@')[0]} ` : '';
    const li = el(
      'li',
      { className: `log-${e.kind}` },
      el('time', { textContent: e.at.slice(11, 19) }),
      ` ${who}${e.text}`,
    );
    log.append(li);
    while (log.children.length > 400) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
    if (e.kind !== 'fetch') scheduleRefresh(400);
  };
}

async function start() {
  const info = await api('GET', '/api/info');
  $('#urls').replaceChildren(
    el('span', { textContent: 'Calendar emulator: ' }),
    el('code', { textContent: info.emulatorUrl }),
    el('span', { textContent: ' · conference server: ' }),
    el('code', { textContent: info.conferenceBaseUrl }),
  );
  for (const u of info.users) $('#new-user').append(el('option', { value: u, textContent: u }));
  const startInput = $('#new-event [name=start]');
  const t = new Date(Date.now() + 24 * 3600_000);
  t.setMinutes(0, 0, 0);
  startInput.value = new Date(t.getTime() - t.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  $('#new-event').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const start = new Date(f.get('start'));
    const end = new Date(start.getTime() + Number(f.get('minutes')) * 60_000);
    const attendees = String(f.get('attendees'))
      .split(/[\s,]+/)
      .filter(Boolean);
    act('new event', () =>
      api('POST', '/api/events', {
        user: f.get('user'),
        summary: f.get('summary'),
        start: start.toISOString(),
        end: end.toISOString(),
        attendees,
        weekly: Number(f.get('weekly')),
      }),
    );
  });
  $('#fast-forward').addEventListener('click', () =>
    act('fast-forward', async () => {
      const r = await api('POST', '/api/fast-forward');
      return `clock now ${r.clock}; ${r.fired} time-driven trigger run(s)`;
    }),
  );
  follow();
  await refresh();
  setInterval(() => scheduleRefresh(0), 5000);
}

start();
