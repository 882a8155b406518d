// Entry point: loads the catalogues, shows the entry screen or resumes a session, runs the WebSocket
// and dispatches the server's frames to the screens.
import { api, listOf } from './api.js';
import {
  activate, addMessage, applyIgnored, ensurePmConv, ensureRoomConv, failPending, initChat, onAck, onRead,
  onTyping, openPmWith, openRoom, personMenuItems, renderHead, renderRooms, renderTabs, rerenderAll,
  resendPending, resetChat, roomLeft,
} from './chat.js';
import { Connection } from './connection.js';
import { $, $$, clear, h } from './dom.js';
import { initEntry, relocalizeEntry, showEntryMessage } from './entry.js';
import { ageLabel, bandLabel, genderBadge, place } from './format.js';
import {
  applyI18n, getLang, loadCatalogues, onLanguageChange, preferredLanguage, serverText, setLang, storage, t,
} from './i18n.js';
import {
  initModeration, onReportOutcome, onStatement, openReport, relocalizeModeration,
} from './moderation.js';
import { diffPeople, initPeople, renderPeople, requestPresence, setPeople } from './people.js';
import { findPmByPeer, isMe, pmKey, roomKey, state } from './state.js';

const TOKEN_KEY = 'causerie.token';
let conn = null;
let everWelcomed = false;
let bannerTimer = null;
let roomsTimer = null;
const resumeFrom = new Map(); // conv key -> last seq sent in hello.resume

// --- context handed to the screens ------------------------------------------------------------

const ctx = {
  send: (frame) => (conn ? conn.send(frame) : false),
  ignore: (pseudo) => ctx.send({ type: 'ignore', pseudo }),
  unignore: (pseudo) => ctx.send({ type: 'unignore', pseudo }),
  report: (target) => openReport(target), // shown only when welcome.features includes "report"
  openPm: (person) => openPmWith(person),
  personMenuItems,
  setView,
  toast,
};

// --- screens ----------------------------------------------------------------------------------

function showScreen(name) {
  const main = name === 'main';
  document.body.classList.toggle('screen-entry', !main);
  document.body.classList.toggle('screen-main', main);
  $('#entry').hidden = main;
  $('#chat').hidden = !main;
  $('#rooms-pane').hidden = !main;
  $('#people-pane').hidden = !main;
  $('#mobile-tabs').hidden = !main;
  $('#me').hidden = !main;
  $('#open-settings').hidden = !main;
  $('#leave').hidden = !main;
  if (!main) $('#conn-banner').hidden = true;
}

function setView(view) {
  state.view = view;
  for (const v of ['rooms', 'chat', 'people']) document.body.classList.toggle(`view-${v}`, v === view);
  for (const btn of $$('#mobile-tabs button')) {
    btn.setAttribute('aria-current', btn.dataset.view === view ? 'true' : 'false');
  }
}

function renderMe() {
  const me = $('#me');
  clear(me);
  const s = state.session;
  if (!s) return;
  me.append(h('span', { class: 'me-pseudo' }, s.pseudo), ' · ', genderBadge(s.gender), ' · ', ageLabel(s.age),
    ' · ', place(s), ' · ', bandLabel(s.band));
}

// action: optional {label, onClick}, a button in the toast (e.g. to contest an automated decision)
function toast(text, ms = 6000, action = null) {
  const box = $('#toasts');
  const item = h('p', { class: 'toast' }, text);
  if (action) {
    item.append(' ', h('button', { type: 'button', class: 'btn-small toast-action', onclick: () => {
      item.remove();
      action.onClick();
    } }, action.label));
  }
  box.append(item);
  setTimeout(() => item.remove(), ms);
}

// --- session ----------------------------------------------------------------------------------

function entered(created) {
  state.token = created.token;
  state.session = created.session;
  try { sessionStorage.setItem(TOKEN_KEY, created.token); } catch { /* private mode */ }
  startMain();
  // statements of reasons that never reached this device (offline, or the tab closed) come with the entry
  for (const statement of created.statements || []) onStatement(statement);
}

function startMain() {
  resetChat();
  state.people.clear();
  renderPeople({ force: true });
  everWelcomed = false;
  showScreen('main');
  setView('chat');
  renderMe();
  renderHead();
  conn = new Connection({ hello, onFrame, onStatus });
  conn.start();
}

function endSession(localKey, serverMessage = null) {
  if (conn) conn.stop();
  conn = null;
  clearInterval(roomsTimer);
  state.token = null;
  state.session = null;
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
  resetChat();
  state.people.clear();
  renderPeople({ force: true });
  showScreen('entry');
  if (localKey || serverMessage) showEntryMessage(localKey, serverMessage);
  $('#entry-pseudo').focus();
}

async function leave() {
  const token = state.token;
  endSession(null);
  try { await api.endSession(token); } catch { /* the session ends by itself after the grace period */ }
}

function hello() {
  const frame = { type: 'hello', token: state.token };
  const rooms = {};
  const pms = {};
  resumeFrom.clear();
  for (const conv of state.convs.values()) {
    if (!conv.loaded || !conv.lastSeq) continue;
    if (conv.kind === 'room') rooms[conv.id] = conv.lastSeq;
    else if (conv.kind === 'pm') pms[String(conv.id)] = conv.lastSeq;
    else continue;
    resumeFrom.set(conv.key, conv.lastSeq);
  }
  if (Object.keys(rooms).length || Object.keys(pms).length) frame.resume = { rooms, pms };
  return frame;
}

// --- connection status ------------------------------------------------------------------------

function onStatus(status, info) {
  const banner = $('#conn-banner');
  const text = $('#conn-banner-text');
  clearInterval(bannerTimer);
  if (status === 'connecting') return;
  if (status === 'open') {
    banner.hidden = true;
    return;
  }
  banner.hidden = false;
  if (status === 'waiting') {
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((info.at - Date.now()) / 1000));
      text.textContent = t('conn.lost', { seconds });
    };
    tick();
    bannerTimer = setInterval(tick, 1000);
  } else if (status === 'reconnecting') {
    text.textContent = t('conn.reconnecting');
  } else {
    text.textContent = t('conn.lost_now');
  }
}

// --- frames -----------------------------------------------------------------------------------

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome': return onWelcome(frame);
    case 'joined': return onJoined(frame);
    case 'left': return roomLeft(frame.room);
    case 'ack': return onAck(frame);
    case 'message': return onRoomMessage(frame);
    case 'pm_message': return onPmMessage(frame);
    case 'pm_opened': return onPmOpened(frame);
    case 'typing': return onTyping(frame);
    case 'read': return onRead(frame);
    case 'members': return onMembers(frame);
    case 'room_lock': return onRoomLock(frame);
    case 'presence': return setPeople(frame.people || []);
    case 'presence_diff': return diffPeople(frame.added, frame.removed);
    case 'ignored': return onIgnored(frame.pseudos || []);
    case 'settings': return onSettings(frame.pm_policy);
    case 'invitation': return onInvitation(frame);
    case 'truncated': return onTruncated(frame);
    case 'session_ended': return endSession(frame.reason === 'banned' ? 'session.banned' : 'session.ended');
    case 'statement': return onStatement(frame);
    case 'report_outcome': return onReportOutcome(frame);
    case 'error': return onError(frame);
    default: return undefined;
  }
}

function onWelcome(frame) {
  const reconnect = everWelcomed;
  everWelcomed = true;
  state.session = frame.session;
  state.features = new Set(Array.isArray(frame.features) ? frame.features : []);
  renderMe();
  onSettings(frame.session.pm_policy);
  onIgnored(frame.ignored || []);
  onStatus('open');
  if (reconnect) toast(t('conn.back'));
  const joinedNow = new Set(frame.rooms || []);
  for (const id of [...state.joined]) if (!joinedNow.has(id)) roomLeft(id);
  for (const id of joinedNow) {
    state.joined.add(id);
    const conv = ensureRoomConv(id);
    if (!conv.loaded) loadHistory(conv);
  }
  for (const obj of frame.pms || []) {
    const conv = ensurePmConv(obj);
    if (!conv.loaded) loadHistory(conv);
  }
  resendPending();
  requestPresence();
  refreshRooms().then(() => {
    if (!state.joined.size && !state.wantActive) {
      const general = [...state.rooms.values()].find((r) => r.kind === 'general') || [...state.rooms.values()][0];
      if (general) openRoom(general.id);
    }
  });
  clearInterval(roomsTimer);
  roomsTimer = setInterval(refreshRooms, 60000);
  if (!state.active && state.order.length) activate(state.order[0]);
  renderTabs();
  renderHead();
}

async function refreshRooms() {
  if (!state.token) return;
  try {
    const data = await api.rooms(state.token);
    for (const room of listOf(data, 'rooms')) state.rooms.set(room.id, room);
    renderRooms();
    renderTabs();
    renderHead();
  } catch {
    // kept from the last answer; the live `members` frames keep counts fresh
  }
}

async function loadHistory(conv, before = null, stopAt = 0) {
  if (!state.token) return;
  try {
    let cursor = before;
    for (let page = 0; page < 10; page += 1) {
      const data = conv.kind === 'room'
        ? await api.roomHistory(state.token, conv.id, cursor)
        : await api.pmHistory(state.token, conv.id, cursor);
      const messages = listOf(data, 'messages', 'history');
      for (const m of messages) addMessage(conv, m);
      if (!messages.length || before == null) break;
      const oldest = Math.min(...messages.map((m) => m.seq));
      if (oldest <= stopAt + 1) break;
      cursor = oldest;
    }
  } catch {
    // history is best effort; live messages keep arriving
  }
  conv.loaded = true;
}

function onJoined(frame) {
  const room = frame.room;
  state.rooms.set(room.id, room);
  state.joined.add(room.id);
  const conv = ensureRoomConv(room.id);
  for (const m of frame.history || []) addMessage(conv, { ...m, room: room.id });
  conv.loaded = true;
  renderRooms();
  if (state.wantActive === conv.key || !state.active) {
    state.wantActive = null;
    activate(conv.key);
  } else {
    renderTabs();
  }
}

function onRoomMessage(frame) {
  const conv = state.convs.get(roomKey(frame.room));
  if (!conv) return;
  addMessage(conv, frame, { live: true });
}

function peerOf(frame) {
  const pseudo = isMe(frame.from) ? frame.to : frame.from;
  return state.people.get(pseudo) || { pseudo, age: null, gender: 'other', commune: '', departement: '', distance: null };
}

function onPmOpened(frame) {
  const obj = frame.pm;
  const existed = state.convs.has(pmKey(obj.id));
  const draft = obj.peer && state.convs.get(`draft:${obj.peer.pseudo.toLowerCase()}`);
  const conv = ensurePmConv(obj, { firstWriter: draft ? state.session.pseudo : obj.peer.pseudo });
  conv.loaded = true;
  if (!existed && !draft) {
    toast(t('chat.pm_opened_toast', { pseudo: obj.peer.pseudo, age: obj.peer.age }));
  }
}

function onPmMessage(frame) {
  let conv = state.convs.get(pmKey(frame.pm));
  if (!conv) {
    conv = ensurePmConv({ id: frame.pm, peer: peerOf(frame), unread: 0 }, { firstWriter: frame.from });
    conv.loaded = true;
  }
  addMessage(conv, frame, { live: true });
}

function onMembers(frame) {
  const room = state.rooms.get(frame.room);
  if (!room) return;
  room.members = frame.count;
  renderRooms();
  if (state.active === roomKey(frame.room)) renderHead();
}

// A moderator locked or unlocked a room: sends to it are refused (`room_locked`) until it reopens.
function onRoomLock(frame) {
  const room = state.rooms.get(frame.room);
  if (room) room.locked = frame.locked;
  if (state.active === roomKey(frame.room)) renderHead();
  toast(serverText(frame.message), 15000);
}

function onIgnored(pseudos) {
  state.ignored = new Set(pseudos);
  applyIgnored();
  renderPeople();
  renderIgnoredSettings();
}

function onSettings(policy) {
  if (!policy) return;
  state.pmPolicy = policy;
  for (const radio of $$('#settings-form input[name="pm_policy"]')) radio.checked = radio.value === policy;
}

function onInvitation(frame) {
  state.rooms.set(frame.room.id, frame.room);
  renderRooms();
  toast(t('rooms.invited', { pseudo: frame.by, room: frame.room.name?.[getLang()] ?? frame.room.id }));
}

function onTruncated(frame) {
  const key = frame.room != null ? roomKey(frame.room) : pmKey(frame.pm);
  const conv = state.convs.get(key);
  if (conv) loadHistory(conv, frame.before, resumeFrom.get(key) || 0);
}

function onError(frame) {
  const text = serverText(frame.message);
  if (!everWelcomed && ['token_invalid', 'not_authenticated'].includes(frame.code)) {
    endSession(null, frame.message);
    return;
  }
  if (frame.ref && failPending(frame.ref, text)) return;
  if (frame.code === 'already_joined') return;
  if (frame.code === 'pm_refused' || frame.code === 'user_unknown') {
    const conv = state.convs.get(state.active);
    if (conv && conv.kind === 'draft') {
      toast(text);
      return;
    }
  }
  toast(text);
}

// --- settings ---------------------------------------------------------------------------------

function initSettings() {
  const dialog = $('#settings');
  $('#open-settings').addEventListener('click', () => {
    $('#settings-sound').checked = state.sound;
    $('#settings-lang').value = getLang();
    onSettings(state.pmPolicy);
    renderIgnoredSettings();
    dialog.showModal();
  });
  dialog.addEventListener('close', () => $('#open-settings').focus());
  for (const radio of $$('#settings-form input[name="pm_policy"]')) {
    radio.addEventListener('change', () => {
      if (radio.checked) ctx.send({ type: 'settings', pm_policy: radio.value });
    });
  }
  $('#settings-sound').addEventListener('change', (event) => {
    state.sound = event.target.checked;
    storage.set('causerie.sound', state.sound ? '1' : '0');
  });
  $('#settings-lang').addEventListener('change', (event) => setLang(event.target.value));
}

function renderIgnoredSettings() {
  const list = $('#settings-ignored');
  clear(list);
  for (const pseudo of [...state.ignored].sort()) {
    list.append(h('li', {}, h('span', {}, pseudo), ' ', h('button', {
      type: 'button', class: 'btn-small', 'aria-label': t('menu.unignore', { pseudo }),
      onclick: () => ctx.unignore(pseudo),
    }, t('settings.unignore'))));
  }
  $('#settings-ignored-empty').hidden = state.ignored.size > 0;
}

// --- boot -------------------------------------------------------------------------------------

async function boot() {
  await loadCatalogues();
  setLang(preferredLanguage(), { remember: false });
  state.sound = storage.get('causerie.sound') !== '0';
  initEntry({ onEntered: entered });
  initChat(ctx);
  initPeople(ctx);
  initSettings();
  initModeration(ctx);
  $('#lang-toggle').addEventListener('click', () => setLang(getLang() === 'fr' ? 'en' : 'fr'));
  $('#leave').addEventListener('click', leave);
  $('#conn-retry').addEventListener('click', () => conn && conn.retryNow());
  for (const btn of $$('#mobile-tabs button')) btn.addEventListener('click', () => setView(btn.dataset.view));
  window.addEventListener('online', () => conn && conn.retryNow());
  onLanguageChange(() => {
    relocalizeEntry();
    renderMe();
    rerenderAll();
    renderPeople({ force: true });
    renderIgnoredSettings();
    relocalizeModeration();
    if (conn && !conn.ready && state.session) onStatus('reconnecting');
  });
  applyI18n(document);
  showScreen('entry');
  setView('chat');
  let token = null;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch { /* ignore */ }
  if (token) {
    state.token = token;
    startMain();
  } else {
    $('#entry-pseudo').focus();
  }
  document.body.dataset.ready = 'true';
}

// A test hook: drop the socket as a network failure would (the client then resumes by itself).
window.causerieDebug = { dropSocket: () => conn && conn.drop(), state };

boot();
