// The moderation console (/mod): login with password + TOTP, the live queue (server-sent events), the
// case view (frozen evidence, timeline, earlier cases, linked sessions) and the actions of the API
// (docs/moderation.md). Every string comes from static/mod/i18n; every user-supplied text is inserted as
// text through h(). The console cookie is HttpOnly; the CSRF token lives only in memory.
import { $, $$, clear, h } from '/static/js/dom.js';
import {
  applyI18n, getLang, loadCatalogues, onLanguageChange, preferredLanguage, serverText, setLang, t,
} from '/static/js/i18n.js';

const CATEGORIES = ['sexual_minor', 'solicitation', 'drugs', 'hate', 'harassment', 'threat', 'scam', 'contact',
  'sexual_explicit', 'ban_evasion', 'other'];
const TIMEOUTS = [600, 3600, 86400, 604800];
const BANS = [86400, 604800, 2592000, null];

const console_ = {
  me: null, // {id, name, roles, csrf}
  cases: [],
  current: null, // case id shown
  view: null, // the case view from the API
  bundle: null, // the evidence bundle of the case shown, once prepared (its preparation is audited)
  events: null, // EventSource
};

class ModError extends Error {
  constructor(status, code, message) {
    super(code);
    this.status = status;
    this.code = code;
    this.serverMessage = message;
  }
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && console_.me) headers['X-CSRF-Token'] = console_.me.csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ModError(0, 'network', null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const error = data && data.error;
    const err = new ModError(res.status, error?.code || `http_${res.status}`, error?.message || null);
    if (err.code === 'mod_not_authenticated' && console_.me) loggedOut();
    throw err;
  }
  return data;
}

function errorText(err) {
  return err.serverMessage ? serverText(err.serverMessage) : t('error.generic');
}

function announce(text) {
  const el = $('#announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

function formatDate(ms) {
  if (!ms) return '';
  return new Intl.DateTimeFormat(getLang(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(ms));
}

function durationLabel(seconds) {
  if (seconds == null) return t('duration.for_good');
  if (seconds % 86400 === 0) return t('duration.days', { count: seconds / 86400 });
  if (seconds % 3600 === 0) return t('duration.hours', { count: seconds / 3600 });
  return t('duration.minutes', { count: Math.round(seconds / 60) });
}

const category = (c) => t(`category.${CATEGORIES.includes(c) ? c : 'other'}`);

// A moderator by login name (the API gives `<field>_name` beside each moderator id).
function who(modId, name) {
  if (modId == null) return t('case.nobody');
  if (console_.me && modId === console_.me.id) return t('case.you');
  return name || t('case.moderator', { id: modId });
}

function actor(value, name) {
  if (console_.me && value === `mod:${console_.me.id}`) return t('case.you');
  if (value.startsWith('mod:')) return name || t('case.moderator', { id: value.slice(4) });
  if (value.startsWith('session:')) return t('actor.session');
  return t(`actor.${value}`);
}

// --- login ------------------------------------------------------------------------------------

function showLogin() {
  $('#login').hidden = false;
  $('#console').hidden = true;
  $('#logout').hidden = true;
  $('#me').hidden = true;
  $('#login-name').focus();
}

function loggedIn(me) {
  console_.me = me;
  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#logout').hidden = false;
  $('#audit-tool').hidden = !hasRole('admin');
  $('#legal-tool').hidden = !hasRole('legal');
  $('#search-tool').hidden = !['moderator', 'child_safety', 'admin'].some(hasRole); // the legal officer has no queue
  clear($('#audit-result'));
  clear($('#legal-result'));
  renderMe();
  startEvents();
  loadQueue();
  $('#queue-title').focus?.();
}

function loggedOut() {
  console_.me = null;
  console_.current = null;
  console_.view = null;
  if (console_.events) console_.events.close();
  console_.events = null;
  clear($('#queue'));
  clear($('#case-body'));
  auditResult = null;
  legalResult = null;
  clear($('#audit-result'));
  clear($('#legal-result'));
  searchResult = null;
  clear($('#search-result'));
  showLogin();
}

function renderMe() {
  const me = console_.me;
  const el = $('#me');
  if (!me) return;
  el.hidden = false;
  el.textContent = t('me.line', { name: me.name, roles: me.roles.map((r) => t(`role.${r}`)).join(', ') });
}

async function submitLogin(event) {
  event.preventDefault();
  const error = $('#login-error');
  error.hidden = true;
  const body = { name: $('#login-name').value.trim(), password: $('#login-password').value,
    code: $('#login-code').value.replace(/\s+/g, '') };
  if (!body.name || !body.password || !/^\d{6}$/.test(body.code)) {
    error.textContent = t('login.incomplete');
    error.hidden = false;
    return;
  }
  $('#login-submit').disabled = true;
  try {
    const me = await call('POST', '/api/mod/login', body);
    $('#login-password').value = '';
    $('#login-code').value = '';
    loggedIn(me);
  } catch (err) {
    error.textContent = errorText(err);
    error.hidden = false;
    $('#login-code').value = '';
    $('#login-code').focus();
  } finally {
    $('#login-submit').disabled = false;
  }
}

async function logout() {
  try { await call('POST', '/api/mod/logout'); } catch { /* the session ends anyway */ }
  loggedOut();
}

// --- live feed and queue ----------------------------------------------------------------------

function setLive(on) {
  const el = $('#live');
  el.classList.toggle('on', on);
  el.textContent = t(on ? 'live.on' : 'live.off');
}

function startEvents() {
  if (console_.events) console_.events.close();
  const source = new EventSource('/api/mod/events');
  console_.events = source;
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', async () => {
    setLive(false);
    try { await call('GET', '/api/mod/me'); } catch { /* loggedOut() ran if the session is gone */ }
  });
  source.addEventListener('case', (event) => onCaseEvent(JSON.parse(event.data)));
  source.addEventListener('urgent', (event) => {
    const data = JSON.parse(event.data);
    announce(t('live.urgent', { id: data.case_id }));
    onCaseEvent(data);
  });
  setLive(false);
}

async function onCaseEvent(data) {
  await loadQueue();
  if (console_.current != null && data.case_id === console_.current) await loadCase(console_.current, { focus: false });
}

async function loadQueue() {
  try {
    const data = await call('GET', '/api/mod/cases');
    console_.cases = data.cases || [];
  } catch {
    return;
  }
  renderQueue();
}

function renderQueue() {
  const list = $('#queue');
  clear(list);
  $('#queue-empty').hidden = console_.cases.length > 0;
  for (const c of console_.cases) {
    const target = c.pseudo || (c.target_kind === 'room' ? t('queue.room', { room: c.target }) : t('queue.unknown'));
    list.append(h('li', {}, h('button', {
      type: 'button', class: 'case-link', dataset: { case: String(c.id) },
      'aria-current': c.id === console_.current ? 'true' : 'false',
      onclick: () => loadCase(c.id),
    },
    h('span', { class: 'case-line' },
      c.urgent ? h('span', { class: 'badge-urgent' }, t('queue.urgent')) : null, c.urgent ? ' ' : null,
      c.queue === 'child_safety' ? h('span', { class: 'badge-child' }, t('queue.child_safety')) : null,
      c.queue === 'child_safety' ? ' ' : null,
      t('queue.line', { id: c.id, kind: t(`kind.${c.kind}`), category: category(c.category), target })),
    h('span', { class: 'case-meta' }, t('queue.meta', {
      priority: Math.round(c.priority * 10) / 10, claimed: who(c.claimed_by, c.claimed_by_name), since: formatDate(c.created_at),
    })))));
  }
}

// --- a case -----------------------------------------------------------------------------------

async function loadCase(id, { focus = true } = {}) {
  if (console_.current !== id) console_.bundle = null;
  console_.current = id;
  try {
    console_.view = await call('GET', `/api/mod/cases/${id}`);
  } catch (err) {
    console_.view = null;
    clear($('#case-body'));
    $('#case-title').textContent = t('case.title', { id });
    $('#case-status').textContent = errorText(err);
    renderQueue();
    return;
  }
  $('#case-status').textContent = '';
  renderCase();
  renderQueue();
  if (focus) $('#case-title').focus();
}

function claimedByMe(c) {
  return console_.me && c.claimed_by === console_.me.id;
}

function renderCase() {
  const view = console_.view;
  const body = $('#case-body');
  const draft = formDraft(view);
  clear(body);
  if (!view) {
    $('#case-title').textContent = t('case.none');
    return;
  }
  const c = view.case;
  $('#case-title').textContent = t('case.title', { id: c.id });
  body.append(h('dl', { class: 'facts' },
    h('dt', {}, t('case.kind')), h('dd', {}, t(`kind.${c.kind}`)),
    h('dt', {}, t('case.category')), h('dd', {}, category(c.category)),
    h('dt', {}, t('case.queue')), h('dd', {}, t(`role.${c.queue}`)),
    h('dt', {}, t('case.priority')), h('dd', {}, String(Math.round(c.priority * 10) / 10),
      c.urgent ? ` · ${t('queue.urgent')}` : ''),
    h('dt', {}, t('case.status')), h('dd', { id: 'case-state' }, t(`status.${c.status}`),
      c.outcome ? ` · ${t('case.outcome', { outcome: c.outcome })}` : ''),
    h('dt', {}, t('case.claimed_by')), h('dd', { id: 'case-claimed' }, who(c.claimed_by, c.claimed_by_name)),
    h('dt', {}, t('case.opened')), h('dd', {}, formatDate(c.created_at))));

  if (c.status === 'open') {
    const bar = h('div', { class: 'row' });
    if (c.claimed_by == null) {
      bar.append(h('button', { type: 'button', class: 'btn-primary', id: 'claim', onclick: claim }, t('case.claim')));
    } else if (claimedByMe(c)) {
      bar.append(h('button', { type: 'button', class: 'btn-small', id: 'unclaim', onclick: unclaim }, t('case.unclaim')));
    }
    body.append(bar);
  }

  if (view.person) body.append(personSection(view.person));
  const items = h('section', { 'aria-labelledby': 'items-title' }, h('h3', { id: 'items-title' }, t('case.items')));
  view.items.forEach((item, index) => items.append(itemView(item, index, c)));
  body.append(items);
  if (view.room_activity) body.append(roomActivity(view.room_activity));
  if (view.room_people) body.append(roomPeople(view.room_people));
  if (view.items.some((i) => i.kind === 'report')) body.append(bundleSection(c));
  if (c.status === 'open' && claimedByMe(c) && c.kind !== 'appeal') body.append(restoreDraft(actionsForm(c), draft));
  body.append(listSection('decisions', view.decisions, (d) => t('case.decision_line', {
    action: t(`action.${d.action}`), category: category(d.category), who: who(d.moderator, d.moderator_name),
    duration: d.duration_s != null ? durationLabel(d.duration_s) : '', at: formatDate(d.created_at),
  })));
  body.append(listSection('timeline', view.timeline, (e) => t('case.timeline_line', {
    at: formatDate(e.ts), actor: actor(e.actor, e.actor_name), action: actionLabel(e.action),
  })));
  body.append(listSection('earlier', view.earlier, (e) => t('case.earlier_line', {
    id: e.id, kind: t(`kind.${e.kind}`), category: category(e.category), status: t(`status.${e.status}`),
    outcome: e.outcome || '', at: formatDate(e.created_at),
  })));
  body.append(listSection('linked', view.linked, (l) => t('case.linked_line', {
    pseudo: l.pseudo, age: l.age, by: t(`linked.${l.by}`), at: formatDate(l.started_at),
  })));
}

function listSection(name, rows, line) {
  const id = `${name}-title`;
  const section = h('section', { 'aria-labelledby': id }, h('h3', { id }, t(`case.${name}`)));
  if (!rows || !rows.length) section.append(h('p', { class: 'hint' }, t(`case.${name}_none`)));
  else section.append(h('ul', { class: 'plain', id: `case-${name}` }, rows.map((r) => h('li', {}, line(r)))));
  return section;
}

function personSection(p) {
  return h('section', { 'aria-labelledby': 'person-title' },
    h('h3', { id: 'person-title' }, t('case.person')),
    h('dl', { class: 'facts', id: 'case-person' },
      h('dt', {}, t('person.pseudo')), h('dd', {}, p.pseudo),
      h('dt', {}, t('person.declared')), h('dd', {}, t('person.declared_line', {
        age: p.age, gender: t(`gender.${p.gender}`), band: t(`band.${p.band}`),
      })),
      h('dt', {}, t('person.place')), h('dd', {}, `${p.commune} (${p.departement})`),
      h('dt', {}, t('person.session')), h('dd', {}, t('person.session_line', {
        start: formatDate(p.started_at), state: p.online ? t('person.online') : t('person.offline'),
      }))));
}

function evidenceList(messages, label) {
  return h('ol', { class: 'evidence', 'aria-label': label, tabindex: '0' }, messages.map((m) => h('li', {
    class: m.reported ? 'reported' : null, dataset: { seq: String(m.seq) },
  },
  h('span', { class: 'ev-time' }, formatDate(m.ts)), ' ',
  h('span', { class: 'ev-seq' }, `#${m.seq}`), ' ',
  h('span', { class: 'ev-from' }, m.from), ' : ',
  h('span', { class: 'ev-text' }, m.text),
  m.reported ? h('span', { class: 'ev-flag' }, ` — ${t('evidence.reported')}`) : null)));
}

function itemView(item, index, c) {
  const box = h('article', { class: `item item-${item.kind}`, 'aria-labelledby': `item-${index}` });
  if (item.kind === 'report') {
    box.append(h('h4', { id: `item-${index}` }, t('item.report', { id: item.id, category: category(item.category) })));
    box.append(h('p', {}, t('item.reported_at', { at: formatDate(item.ts), kind: t(`target.${item.target_kind}`) })));
    if (item.text) box.append(h('p', {}, t('item.reporter_text'), ' ', h('q', { class: 'quoted' }, item.text)));
    box.append(reporterLine(item));
    const ev = item.evidence || {};
    box.append(h('p', {},
      item.evidence_intact
        ? h('span', { class: 'intact' }, t('evidence.intact'))
        : h('span', { class: 'altered' }, t('evidence.altered')),
      ' ', t('evidence.frozen', { at: formatDate(ev.frozen_at) }), ' ',
      h('span', { class: 'digest' }, `SHA-256 ${item.evidence_sha256}`)));
    if (ev.messages && ev.messages.length) {
      box.append(evidenceList(ev.messages, t('evidence.label', { id: item.id })));
    } else {
      box.append(h('p', { class: 'hint' }, t('evidence.no_messages')));
    }
    if (ev.people && ev.people.length) {
      box.append(h('details', {}, h('summary', {}, t('evidence.people')),
        h('ul', { class: 'plain' }, ev.people.map((p) => h('li', {}, t('evidence.person_line', {
          pseudo: p.pseudo, age: p.age, gender: t(`gender.${p.gender}`), band: t(`band.${p.band}`),
          commune: p.commune, dep: p.departement,
        }))))));
    }
  } else if (item.kind === 'screened') {
    box.append(h('h4', { id: `item-${index}` }, t('item.screened', { id: item.id, category: category(item.category) })));
    box.append(h('p', {}, t('item.screened_line', {
      action: t(`screen.${item.action}`), status: t(`held.${item.status}`),
      confidence: Math.round((item.confidence || 0) * 100), where: item.room ? item.room : t('item.pm'),
    })));
    box.append(h('p', {}, h('q', { class: 'quoted held-text' }, item.text)));
    if (item.status === 'pending' && c.status === 'open' && claimedByMe(c)) {
      box.append(h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn-primary', onclick: () => act({ action: 'release', screened: item.id }) },
          t('held.release')),
        h('button', { type: 'button', class: 'btn-danger', onclick: () => act({ action: 'delete_held', screened: item.id }) },
          t('held.delete'))));
    }
  } else if (item.kind === 'appeal') {
    box.append(h('h4', { id: `item-${index}` }, t('item.appeal', { id: item.id })));
    if (item.decision) {
      const d = item.decision;
      box.append(h('p', {}, t('item.appeal_decision', {
        action: t(`action.${d.action}`), category: category(d.category), at: formatDate(d.created_at),
        who: d.automated ? t('actor.screening') : who(d.moderator, d.moderator_name),
        duration: d.duration_s != null ? durationLabel(d.duration_s) : '',
      })));
      if (d.reason) box.append(h('p', {}, t('item.decision_reason'), ' ', h('q', { class: 'quoted' }, d.reason)));
    }
    box.append(h('p', {}, t('item.appeal_text'), ' ', h('q', { class: 'quoted' }, item.text || '')));
    if (c.status === 'open' && claimedByMe(c)) box.append(appealForm());
  } else if (item.kind === 'signal') {
    box.append(h('h4', { id: `item-${index}` }, t('item.signal', {
      signal: item.signal ? t(`signal.${item.signal}`) : item.id, category: category(item.category),
    })));
    box.append(h('p', {}, t('item.signal_line', {
      at: formatDate(item.ts), confidence: Math.round((item.confidence || 0) * 100),
    })));
    const facts = Object.entries(item.data || {}).filter(([, v]) => v !== null && typeof v !== 'object');
    if (facts.length) {
      box.append(h('ul', { class: 'plain signal-data' }, facts.map(([k, v]) => h('li', {}, `${k} : ${v}`))));
    }
  } else {
    box.append(h('h4', { id: `item-${index}` }, t('item.other', { kind: item.kind, category: category(item.category) })));
  }
  return box;
}

// Who reported, whether they are a trusted flagger, and for admins the control to change it.
function reporterLine(item) {
  const line = h('p', { class: 'reporter' }, t('item.reporter', { pseudo: item.reporter_pseudo || t('queue.unknown') }),
    ' ', item.reporter_trusted ? h('span', { class: 'badge-trusted' }, t('trusted.badge')) : null,
    item.trusted ? ` ${t('trusted.at_report')}` : '');
  if (item.reporter && hasRole('admin')) {
    const trusted = item.reporter_trusted;
    line.append(' ', h('button', {
      type: 'button', class: 'btn-small', dataset: { trust: item.reporter },
      onclick: () => setTrusted(item.reporter, !trusted),
    }, t(trusted ? 'trusted.unset' : 'trusted.set')));
  }
  return line;
}

function hasRole(role) {
  return !!(console_.me && console_.me.roles.includes(role));
}

async function setTrusted(session, trusted) {
  try {
    await call(trusted ? 'PUT' : 'DELETE', `/api/mod/trusted-flaggers/${encodeURIComponent(session)}`);
  } catch (err) {
    $('#case-status').textContent = errorText(err);
    return;
  }
  await loadCase(console_.current, { focus: false });
  $('#case-status').textContent = t(trusted ? 'trusted.done_set' : 'trusted.done_unset');
}

function roomActivity(messages) {
  return h('section', { 'aria-labelledby': 'room-activity-title' },
    h('h3', { id: 'room-activity-title' }, t('case.room_activity')),
    evidenceList(messages.map((m) => ({ ...m, reported: false })), t('case.room_activity')));
}

// The evidence bundle (for the authorities): every report's frozen evidence with the SHA-256 stored at
// freezing and the one the server recomputes now, the people and their session times, and the chain of
// custody. Preparing it is recorded in the audit log, so it is loaded on request only.
function bundleSection(c) {
  const section = h('section', { 'aria-labelledby': 'bundle-title', id: 'bundle' },
    h('h3', { id: 'bundle-title' }, t('bundle.title')));
  const b = console_.bundle && console_.bundle.case.case.id === c.id ? console_.bundle : null;
  if (!b) {
    section.append(h('p', { class: 'hint', id: 'bundle-hint' }, t('bundle.hint')),
      h('button', { type: 'button', class: 'btn-small', id: 'bundle-open', 'aria-describedby': 'bundle-hint',
        onclick: openBundle }, t('bundle.open')));
    return section;
  }
  section.append(h('p', { id: 'bundle-verified', class: b.verified ? 'intact' : 'altered' },
    t(b.verified ? 'bundle.verified_all' : 'bundle.not_verified_all')));
  section.append(h('p', {}, t('bundle.prepared', {
    at: formatDate(b.prepared_at), who: b.prepared_by_name || b.prepared_by, authority: b.authority,
  })));
  b.evidence.forEach((ev, index) => section.append(bundleEvidence(ev, index)));
  section.append(h('h4', { id: 'custody-title' }, t('bundle.custody')),
    h('ol', { class: 'plain custody', 'aria-labelledby': 'custody-title' }, b.custody.map((e) => h('li', {},
      t('bundle.custody_line', { seq: e.seq, at: formatDate(e.ts), actor: actor(e.actor, e.actor_name),
        action: actionLabel(e.action) }), ' ', h('span', { class: 'digest' }, e.hash)))));
  return section;
}

function bundleEvidence(ev, index) {
  const id = `bundle-ev-${index}`;
  const reported = ev.messages.findIndex((m) => m.reported);
  const before = reported < 0 ? ev.messages.length : reported;
  const after = reported < 0 ? 0 : ev.messages.length - reported - 1;
  const box = h('article', { class: 'item bundle-evidence', 'aria-labelledby': id, dataset: { report: String(ev.report) } },
    h('h4', { id }, t('bundle.report', { id: ev.report, category: category(ev.category) })),
    h('p', { class: ev.verified ? 'intact' : 'altered' }, t(ev.verified ? 'bundle.verified' : 'bundle.not_verified')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('bundle.sha_stored')), h('dd', { class: 'digest' }, ev.sha256),
      h('dt', {}, t('bundle.sha_computed')), h('dd', { class: 'digest' }, ev.sha256_computed),
      h('dt', {}, t('bundle.frozen_at')), h('dd', {}, formatDate(ev.frozen_at)),
      h('dt', {}, t('bundle.reporter')), h('dd', {}, ev.reporter_pseudo || t('queue.unknown')),
      h('dt', {}, t('bundle.where')), h('dd', {}, ev.room ? t('queue.room', { room: ev.room })
        : (ev.pm != null ? t('item.pm') : '—')),
      h('dt', {}, t('bundle.window')), h('dd', {}, reported < 0
        ? t('bundle.window_all', { count: ev.messages.length })
        : t('bundle.window_line', { before, after, seq: ev.seq }))));
  if (ev.messages.length) box.append(evidenceList(ev.messages, t('evidence.label', { id: ev.report })));
  else box.append(h('p', { class: 'hint' }, t('evidence.no_messages')));
  box.append(h('h5', {}, t('evidence.people')), h('ul', { class: 'plain' }, ev.people.map((p) => h('li', {},
    t('evidence.person_line', { pseudo: p.pseudo, age: p.age, gender: t(`gender.${p.gender}`),
      band: t(`band.${p.band}`), commune: p.commune, dep: p.departement }), ' · ',
    t('bundle.session_times', { start: formatDate(p.started_at),
      end: p.ended_at ? formatDate(p.ended_at) : t('legal.not_ended') })))));
  return box;
}

async function openBundle() {
  const id = console_.current;
  try {
    console_.bundle = await call('GET', `/api/mod/cases/${id}/bundle`);
  } catch (err) {
    $('#case-status').textContent = errorText(err);
    return;
  }
  renderCase();
  $('#case-status').textContent = t(console_.bundle.verified ? 'bundle.verified_all' : 'bundle.not_verified_all');
  $('#bundle-title').setAttribute('tabindex', '-1');
  $('#bundle-title').focus();
}

function actionLabel(action) {
  return t(`action.${action}`) === `action.${action}` ? action : t(`action.${action}`);
}

// A room case: the people seen in its evidence, whom the moderator may act on (the server checks it).
function roomPeople(people) {
  const section = h('section', { 'aria-labelledby': 'room-people-title' },
    h('h3', { id: 'room-people-title' }, t('case.room_people')));
  if (!people.length) {
    section.append(h('p', { class: 'hint' }, t('case.room_people_none')));
    return section;
  }
  section.append(h('ul', { class: 'plain', id: 'case-room-people' }, people.map((p) => h('li', {}, t('case.room_person_line', {
    pseudo: p.pseudo, age: p.age, band: t(`band.${p.band}`),
    seen: p.seen.map((s) => t(`seen.${s}`)).join(', '),
    state: p.ended ? t('person.ended') : (p.online ? t('person.online') : t('person.offline')),
  })))));
  return section;
}

function appealForm() {
  const form = h('form', { class: 'row', id: 'appeal-decide', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'appeal-reason' }, t('appeal.reason')),
      h('textarea', { id: 'appeal-reason', rows: '2', maxlength: '1000' })),
    h('button', { type: 'button', class: 'btn-primary', onclick: () => act({ action: 'uphold', reason: reason() }) },
      t('appeal.uphold')),
    h('button', { type: 'button', class: 'btn-danger', onclick: () => act({ action: 'reverse', reason: reason() }) },
      t('appeal.reverse')));
  const reason = () => $('#appeal-reason').value.trim();
  form.addEventListener('submit', (event) => event.preventDefault());
  return form;
}

// The actions form: one select for the action, the fields it needs shown below it.
const ACTIONS = ['dismiss', 'close', 'warn', 'delete_message', 'timeout', 'kick', 'ban', 'sanction', 'slow_mode',
  'lock_room', 'unlock_room', 'urgent'];
const ROOM_CASE_ACTIONS = ['dismiss', 'close', 'slow_mode', 'lock_room', 'unlock_room'];
const PERSON_IN_ROOM_ACTIONS = ['warn', 'timeout', 'kick', 'ban'];
const FIELDS = {
  warn: ['reason', 'ground'], delete_message: ['room', 'seq', 'reason', 'ground'],
  timeout: ['timeout', 'reason', 'ground'], kick: ['room', 'reason', 'ground'],
  ban: ['scope', 'ban', 'reason', 'ground'], sanction: ['reason', 'ground'], slow_mode: ['room', 'seconds'],
  lock_room: ['room'], unlock_room: ['room'],
  dismiss: ['reason'], close: ['reason'], urgent: [],
};

function reportedMessage() {
  for (const item of console_.view.items) {
    const ev = item.evidence;
    if (ev && ev.seq != null && ev.room) return { room: ev.room, seq: ev.seq };
  }
  const held = console_.view.items.find((i) => i.kind === 'screened' && i.room);
  return held ? { room: held.room, seq: null } : { room: null, seq: null };
}

function field(name, label, control) {
  return h('div', { class: 'field', dataset: { field: name } }, h('label', { for: control.id }, label), control);
}

// A live event for the open case re-renders it (onCaseEvent): what the moderator has chosen and typed in
// the actions form is kept, so a colleague's note or the echo of one's own claim never wipes a decision
// half made.
function formDraft(view) {
  const form = $('#actions-form');
  if (!form || !view || Number(form.dataset.case) !== view.case.id) return null;
  const values = {};
  for (const el of $$('select, input, textarea', form)) values[el.id] = el.value;
  const focused = form.contains(document.activeElement) ? document.activeElement.id : null;
  return { values, focused };
}

function restoreDraft(form, draft) {
  if (!draft) return form;
  for (const el of $$('select, input, textarea', form)) {
    const value = draft.values[el.id];
    if (value === undefined) continue;
    if (el.tagName === 'SELECT' && !$$('option', el).some((o) => o.value === value)) continue;
    el.value = value;
  }
  $('#act-action', form).dispatchEvent(new Event('change'));
  if (draft.focused) queueMicrotask(() => document.getElementById(draft.focused)?.focus());
  return form;
}

function actionsForm(c) {
  const person = c.target_kind === 'session';
  const people = person ? [] : (console_.view.room_people || []);
  const available = ACTIONS.filter((a) => {
    if (a === 'urgent') return c.category === 'threat';
    if (person) return a !== 'close';
    return ROOM_CASE_ACTIONS.includes(a) || (people.length > 0 && PERSON_IN_ROOM_ACTIONS.includes(a));
  });
  const ref = reportedMessage();
  if (!person && !ref.room) ref.room = c.target;
  const form = h('form', {
    class: 'actions-form', id: 'actions-form', 'aria-labelledby': 'actions-title', novalidate: true,
    dataset: { case: String(c.id) },
  },
    h('h3', { id: 'actions-title' }, t('actions.title')),
    field('action', t('actions.action'), h('select', { id: 'act-action', name: 'action' },
      available.map((a) => h('option', { value: a }, t(`action.${a}`))))),
    h('div', { class: 'row' },
      people.length ? field('person', t('actions.person'), h('select', { id: 'act-person' },
        people.map((p) => h('option', { value: p.session }, t('actions.person_option', { pseudo: p.pseudo, age: p.age }))))) : null,
      field('scope', t('actions.scope'), h('select', { id: 'act-scope' },
        ['session', 'device', 'network'].map((s) => h('option', { value: s }, t(`scope.${s}`))))),
      field('ban', t('actions.ban_duration'), h('select', { id: 'act-ban-duration' },
        BANS.map((s) => h('option', { value: s == null ? '' : String(s) }, durationLabel(s))))),
      field('timeout', t('actions.timeout_duration'), h('select', { id: 'act-timeout-duration' },
        TIMEOUTS.map((s) => h('option', { value: String(s) }, durationLabel(s))))),
      field('room', t('actions.room'), h('input', { id: 'act-room', value: ref.room || '' })),
      field('seq', t('actions.seq'), h('input', { id: 'act-seq', inputmode: 'numeric', value: ref.seq ?? '' })),
      field('seconds', t('actions.seconds'), h('input', { id: 'act-seconds', inputmode: 'numeric', value: '30' })),
      field('ground', t('actions.ground'), h('select', { id: 'act-ground' },
        CATEGORIES.map((g) => h('option', { value: g, selected: g === c.category }, category(g)))))),
    field('reason', t('actions.reason'), h('textarea', {
      id: 'act-reason', rows: '2', maxlength: '1000', 'aria-describedby': 'act-reason-hint',
    })),
    h('p', { id: 'act-reason-hint', class: 'hint', dataset: { field: 'reason' } }, t('actions.reason_hint')),
    h('button', { type: 'submit', class: 'btn-primary', id: 'act-submit' }, t('actions.apply')));
  const wantedFor = (action) => {
    const wanted = new Set(FIELDS[action] || []);
    if (!person && PERSON_IN_ROOM_ACTIONS.includes(action)) wanted.add('person');
    return wanted;
  };
  const sync = () => {
    const wanted = wantedFor($('#act-action', form).value);
    for (const el of $$('[data-field]', form)) {
      if (el.dataset.field !== 'action') el.hidden = !wanted.has(el.dataset.field);
    }
  };
  $('#act-action', form).addEventListener('change', sync);
  sync();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = $('#act-action', form).value;
    const wanted = wantedFor(action);
    const body = { action };
    if (wanted.has('person')) body.session = $('#act-person', form).value;
    if (wanted.has('reason')) body.reason = $('#act-reason', form).value.trim();
    if (wanted.has('ground')) body.category = $('#act-ground', form).value;
    if (wanted.has('room')) body.room = $('#act-room', form).value.trim() || null;
    if (wanted.has('seq')) body.seq = Number($('#act-seq', form).value) || null;
    if (wanted.has('seconds')) body.seconds = Number($('#act-seconds', form).value) || 0;
    if (wanted.has('timeout')) body.duration_s = Number($('#act-timeout-duration', form).value);
    if (wanted.has('scope')) body.scope = $('#act-scope', form).value;
    if (wanted.has('ban')) {
      const v = $('#act-ban-duration', form).value;
      body.duration_s = v ? Number(v) : null;
    }
    act(body);
  });
  return form;
}

async function claim() {
  const id = console_.current;
  try {
    await call('POST', `/api/mod/cases/${id}/claim`);
    announce(t('case.claimed_now', { id }));
  } catch (err) {
    $('#case-status').textContent = errorText(err);
    return;
  }
  await loadCase(id, { focus: false });
  $('#case-status').textContent = t('case.claimed_now', { id });
  ($('#act-action') || $('#appeal-reason') || $('#case-title')).focus();
}

async function unclaim() {
  const id = console_.current;
  try {
    await call('DELETE', `/api/mod/cases/${id}/claim`);
  } catch (err) {
    $('#case-status').textContent = errorText(err);
    return;
  }
  await loadCase(id, { focus: false });
  $('#case-title').focus();
}

async function act(body) {
  const id = console_.current;
  let result;
  try {
    result = await call('POST', `/api/mod/cases/${id}/actions`, body);
  } catch (err) {
    $('#case-status').textContent = errorText(err);
    return;
  }
  await loadCase(id, { focus: false });
  await loadQueue();
  const done = t('actions.done', { action: t(`action.${result.action || result.outcome || body.action}`) });
  $('#case-status').textContent = done;
  $('#case-title').focus();
}

// --- admin: audit verification; legal officer: identification look-up ---------------------------

let auditResult = null; // {data} or {error}
let legalResult = null; // {data}, {error} or {local}
let searchResult = null; // {data}, {error} or {local}

// GET `path` with `button` disabled meanwhile: {data} or {error}, for a screen's render function.
async function fetchResult(button, path) {
  $(button).disabled = true;
  try {
    return { data: await call('GET', path) };
  } catch (err) {
    return { error: err };
  } finally {
    $(button).disabled = false;
  }
}

// A result that is a problem (a local check's message key, or the server's error) is shown as a form
// error; returns whether it was one.
function showProblem(out, result) {
  if (!result.local && !result.error) return false;
  out.append(h('p', { class: 'form-error' }, result.local ? t(result.local) : errorText(result.error)));
  return true;
}

// --- closed cases: search by target pseudonym (or room), category and closing date ---------------

function fillSearchCategories() {
  const select = $('#search-category');
  const value = select.value;
  clear(select);
  select.append(h('option', { value: '' }, t('search.any_category')),
    ...CATEGORIES.map((c) => h('option', { value: c }, category(c))));
  select.value = value;
}

// A date input's day, as the local midnight in milliseconds (the day after for an end bound).
function dayStart(value, plusDays = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
}

async function searchClosed(event) {
  event.preventDefault();
  const params = new URLSearchParams();
  const target = $('#search-target').value.trim();
  if (target) params.set('target', target);
  if ($('#search-category').value) params.set('category', $('#search-category').value);
  const from = dayStart($('#search-from').value);
  const to = dayStart($('#search-to').value, 1);
  if (from != null) params.set('from', String(from));
  if (to != null) params.set('to', String(to));
  if (from != null && to != null && from >= to) {
    searchResult = { local: 'search.bad_dates' };
    renderSearch();
    $('#search-from').focus();
    return;
  }
  searchResult = await fetchResult('#search-submit', `/api/mod/closed-cases?${params}`);
  renderSearch();
}

function renderSearch() {
  const out = $('#search-result');
  clear(out);
  if (!searchResult) return;
  if (showProblem(out, searchResult)) return;
  const { cases, more } = searchResult.data;
  out.append(h('p', {}, t(cases.length ? 'search.count' : 'search.none', { count: cases.length })));
  if (cases.length) {
    out.append(h('ul', { class: 'queue', id: 'search-cases' }, cases.map((c) => h('li', {}, h('button', {
      type: 'button', class: 'case-link', dataset: { case: String(c.id) }, onclick: () => loadCase(c.id),
    },
    h('span', { class: 'case-line' }, t('queue.line', {
      id: c.id, kind: t(`kind.${c.kind}`), category: category(c.category),
      target: c.pseudo || (c.target_kind === 'room' ? t('queue.room', { room: c.target }) : t('queue.unknown')),
    })),
    h('span', { class: 'case-meta' }, t('search.meta', {
      outcome: c.outcome || '', by: who(c.claimed_by, c.claimed_by_name), at: formatDate(c.closed_at),
    })))))));
  }
  if (more) out.append(h('p', { class: 'hint' }, t('search.more')));
}

async function verifyAudit() {
  auditResult = await fetchResult('#audit-verify', '/api/mod/audit/verify');
  renderAudit();
}

function renderAudit() {
  const out = $('#audit-result');
  clear(out);
  if (!auditResult) return;
  if (auditResult.error) {
    out.append(h('p', { class: 'altered' }, errorText(auditResult.error)));
    return;
  }
  const r = auditResult.data;
  if (r.ok) {
    out.append(h('p', { class: 'intact' }, t('audit.ok', { count: r.count })),
      h('p', {}, t('audit.head'), ' ', h('span', { class: 'digest', id: 'audit-head' }, r.head)),
      h('p', { class: 'hint' }, t('audit.copy_head')));
  } else {
    out.append(h('p', { class: 'altered' }, t('audit.broken', { problem: t(`audit.problem.${r.problem}`), seq: r.seq })),
      h('p', {}, r.detail));
  }
}

async function lookUpSession(event) {
  event.preventDefault();
  const id = $('#legal-session').value.trim();
  if (!id) {
    legalResult = { local: 'legal.empty' };
    renderLegal();
    $('#legal-session').focus();
    return;
  }
  legalResult = await fetchResult('#legal-submit', `/api/mod/legal/sessions/${encodeURIComponent(id)}`);
  renderLegal();
}

function renderLegal() {
  const out = $('#legal-result');
  clear(out);
  if (!legalResult) return;
  if (showProblem(out, legalResult)) return;
  const d = legalResult.data;
  out.append(h('dl', { class: 'facts', id: 'legal-facts' },
    h('dt', {}, t('legal.pseudo')), h('dd', {}, d.pseudo),
    h('dt', {}, t('legal.ip')), h('dd', {}, d.ip || '—'),
    h('dt', {}, t('legal.port')), h('dd', {}, d.port ? String(d.port) : '—'),
    h('dt', {}, t('legal.user_agent')), h('dd', {}, d.user_agent || '—'),
    h('dt', {}, t('legal.postal_code')), h('dd', {}, d.postal_code || '—'),
    h('dt', {}, t('legal.started')), h('dd', {}, formatDate(d.started_at)),
    h('dt', {}, t('legal.ended')), h('dd', {}, d.ended_at ? formatDate(d.ended_at) : t('legal.not_ended'))),
  h('p', { class: 'hint' }, t('legal.audited')));
}

// --- boot -------------------------------------------------------------------------------------

async function boot() {
  await loadCatalogues('/static/mod/i18n');
  setLang(preferredLanguage(), { remember: false });
  applyI18n(document);
  $('#login-form').addEventListener('submit', submitLogin);
  $('#logout').addEventListener('click', logout);
  $('#audit-verify').addEventListener('click', verifyAudit);
  $('#legal-form').addEventListener('submit', lookUpSession);
  $('#search-form').addEventListener('submit', searchClosed);
  fillSearchCategories();
  $('#lang-toggle').addEventListener('click', () => setLang(getLang() === 'fr' ? 'en' : 'fr'));
  onLanguageChange(() => {
    renderMe();
    renderQueue();
    renderCase();
    renderAudit();
    renderLegal();
    fillSearchCategories();
    renderSearch();
    if (console_.me) setLive($('#live').classList.contains('on'));
  });
  try {
    loggedIn(await call('GET', '/api/mod/me'));
  } catch {
    showLogin();
  }
  document.body.dataset.ready = 'true';
}

boot();
