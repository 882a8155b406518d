// The middle of the main screen: conversation tabs (rooms and PMs), message logs, composer, and the
// rooms list on the left. Every message is inserted with textContent: user text is never HTML.
import { $, clear, h } from './dom.js';
import { ageLabel, bandLabel, distanceLabel, formatTime, genderBadge, genderClass, place, roomName } from './format.js';
import { serverText, t } from './i18n.js';
import { toggleMenu } from './menu.js';
import { beep, updateTitle } from './notify.js';
import { bandOfAge, draftKey, findPmByPeer, isMe, newConv, pmKey, roomKey, state } from './state.js';

let ctx = null; // {send(frame) -> bool, ignore(pseudo), unignore(pseudo), setView(view), toast(text)}
let clientCounter = 0;
const clientPrefix = Math.random().toString(36).slice(2, 8);
let lastTypingSent = 0;
let typingTimer = null;

export function initChat(context) {
  ctx = context;
  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submitComposer();
  });
  $('#composer-input').addEventListener('input', onComposerInput);
  $('#conv-close').addEventListener('click', closeActive);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) markActiveSeen();
  });
}

export function resetChat() {
  state.rooms.clear();
  state.joined.clear();
  state.convs.clear();
  state.order = [];
  state.active = null;
  clear($('#logs'));
  clear($('#rooms-list'));
  renderTabs();
  renderHead();
  updateUnread();
}

// --- conversations ----------------------------------------------------------------------------

function createLog(conv) {
  conv.log = h('div', {
    class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0', hidden: true,
    'aria-label': logLabel(conv),
  });
  $('#logs').append(conv.log);
}

function logLabel(conv) {
  return t('chat.log_label', { name: convName(conv) });
}

export function convName(conv) {
  if (conv.kind === 'room') return roomName(state.rooms.get(conv.id)) || conv.id;
  return conv.peer ? conv.peer.pseudo : '';
}

export function ensureRoomConv(roomId) {
  const key = roomKey(roomId);
  let conv = state.convs.get(key);
  if (!conv) {
    conv = newConv(key, { kind: 'room', id: roomId });
    state.convs.set(key, conv);
    createLog(conv);
  }
  if (!state.order.includes(key)) state.order.push(key);
  return conv;
}

// A conversation object from the server (welcome.pms or pm_opened). A draft opened locally for the same
// peer becomes this conversation, keeping its pending messages and its log.
export function ensurePmConv(obj, { firstWriter = null } = {}) {
  const key = pmKey(obj.id);
  let conv = state.convs.get(key);
  if (!conv) {
    const draft = obj.peer ? state.convs.get(draftKey(obj.peer.pseudo)) : null;
    if (draft) {
      state.convs.delete(draft.key);
      const oldKey = draft.key;
      conv = Object.assign(draft, { key, kind: 'pm', id: obj.id });
      state.convs.set(key, conv);
      const index = state.order.indexOf(oldKey);
      if (index >= 0) state.order[index] = key;
      if (state.active === oldKey) state.active = key;
    } else {
      conv = newConv(key, { kind: 'pm', id: obj.id });
      state.convs.set(key, conv);
      createLog(conv);
      conv.unread = obj.unread || 0;
    }
  }
  if (obj.peer) conv.peer = obj.peer;
  if (typeof obj.read_seq === 'number') conv.readSent = Math.max(conv.readSent, obj.read_seq);
  if (firstWriter && !conv.firstWriter) conv.firstWriter = firstWriter;
  if (!state.order.includes(key)) state.order.push(key);
  conv.log.setAttribute('aria-label', logLabel(conv));
  renderTabs();
  if (state.active === key) renderHead();
  updateUnread();
  return conv;
}

export function openPmWith(person) {
  if (isMe(person.pseudo)) return;
  let conv = findPmByPeer(person.pseudo);
  if (!conv) {
    const key = draftKey(person.pseudo);
    conv = state.convs.get(key);
    if (!conv) {
      conv = newConv(key, { kind: 'draft', peer: person, loaded: true });
      state.convs.set(key, conv);
      createLog(conv);
    }
  }
  if (!state.order.includes(conv.key)) state.order.push(conv.key);
  activate(conv.key, { focusComposer: true });
}

export function activate(key, { focusComposer = false } = {}) {
  const conv = state.convs.get(key);
  if (!conv) return;
  state.active = key;
  for (const other of state.convs.values()) if (other.log) other.log.hidden = other !== conv;
  conv.unread = 0;
  renderTabs();
  renderHead();
  renderRooms();
  renderTyping();
  scrollToEnd(conv);
  markActiveSeen();
  updateUnread();
  ctx.setView('chat');
  if (focusComposer) $('#composer-input').focus();
}

function closeActive() {
  const conv = state.convs.get(state.active);
  if (!conv) return;
  if (conv.kind === 'room') {
    ctx.send({ type: 'leave', room: conv.id });
    return;
  }
  removeTab(conv.key);
}

function removeTab(key) {
  const index = state.order.indexOf(key);
  if (index >= 0) state.order.splice(index, 1);
  const conv = state.convs.get(key);
  if (conv && conv.kind === 'draft' && conv.pending.size === 0) {
    conv.log.remove();
    state.convs.delete(key);
  }
  if (state.active === key) {
    state.active = null;
    const next = state.order[Math.min(index, state.order.length - 1)];
    if (next) activate(next);
    else {
      for (const other of state.convs.values()) if (other.log) other.log.hidden = true;
      renderTabs();
      renderHead();
      renderRooms();
    }
  } else {
    renderTabs();
  }
}

export function roomLeft(roomId) {
  state.joined.delete(roomId);
  removeTab(roomKey(roomId));
  renderRooms();
}

// --- messages ---------------------------------------------------------------------------------

// m: {seq, from, text, ts, client_id}. Returns true if the message is new (deduplicated by seq).
export function addMessage(conv, m, { live = false } = {}) {
  if (m.seq != null && conv.messages.has(m.seq)) return false;
  if (m.client_id && isMe(m.from) && conv.pending.has(m.client_id)) {
    conv.pending.get(m.client_id).el.remove();
    conv.pending.delete(m.client_id);
  }
  conv.messages.set(m.seq, m);
  conv.lastSeq = Math.max(conv.lastSeq, m.seq);
  const el = messageElement(conv, m);
  insertSorted(conv.log, el, m.seq);
  if (!state.order.includes(conv.key)) {
    state.order.push(conv.key);
    renderTabs();
  }
  if (conv.kind !== 'room' && !conv.firstWriter && m.seq === 1) conv.firstWriter = m.from;
  if (live && !isMe(m.from)) {
    const seen = state.active === conv.key && !document.hidden;
    if (!seen) conv.unread += 1;
    if (conv.kind === 'pm') {
      if (conv.peer && m.from === conv.peer.pseudo) conv.typingUntil = 0;
      if (state.sound && !seen) beep();
    }
    renderTyping();
    updateUnread();
    renderTabs();
  }
  if (state.active === conv.key) {
    stickToEnd(conv);
    if (conv.kind === 'pm') markActiveSeen();
  }
  if (conv.kind === 'pm') renderReadMark(conv);
  return true;
}

function insertSorted(log, el, seq) {
  let before = null;
  for (let node = log.lastElementChild; node; node = node.previousElementSibling) {
    if (node.dataset.seq === undefined) { before = node; continue; } // pending messages stay last
    if (Number(node.dataset.seq) > seq) before = node;
    else break;
  }
  log.insertBefore(el, before);
}

function messageElement(conv, m) {
  const mine = isMe(m.from);
  const person = state.people.get(m.from) || (conv.peer && conv.peer.pseudo === m.from ? conv.peer : null);
  const el = h('div', {
    class: `msg${mine ? ' mine' : ''}`,
    dataset: m.seq != null ? { seq: String(m.seq), from: m.from } : { from: m.from },
  },
  h('span', { class: 'msg-time' }, formatTime(m.ts)), ' ',
  h('span', { class: `msg-from ${person ? genderClass(person.gender) : ''}` }, m.from),
  h('span', { class: 'sr-only' }, t('chat.said')), ' ',
  h('span', { class: 'msg-text' }, m.text));
  if (!mine) {
    el.append(' ', h('button', {
      type: 'button', class: 'msg-menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
      'aria-label': t('menu.message_actions', { pseudo: m.from }),
      onclick: (event) => toggleMenu(event.currentTarget, personMenuItems(m.from, messageRef(conv, m)),
        t('menu.message_actions', { pseudo: m.from })),
    }, t('menu.symbol')));
  }
  if (state.ignored.has(m.from)) el.hidden = true;
  return el;
}

function messageRef(conv, m) {
  if (m.seq == null) return null;
  if (conv.kind === 'room') return { room: conv.id, seq: m.seq };
  if (conv.kind === 'pm') return { pm: conv.id, seq: m.seq };
  return null;
}

// Actions on a person (from a message or from the people list). Reporting appears only when the
// server announces the feature; until then it is absent, not faked. From a message (`message`:
// {room | pm, seq}) the message itself can be reported, with the conversation around it.
export function personMenuItems(pseudo, message = null) {
  const items = [];
  if (isMe(pseudo)) return items;
  const person = state.people.get(pseudo);
  if (!state.ignored.has(pseudo) && (person || findPmByPeer(pseudo))) {
    items.push({ label: t('menu.pm', { pseudo }), action: () => openPmWith(person || findPmByPeer(pseudo).peer) });
  }
  if (state.ignored.has(pseudo)) items.push({ label: t('menu.unignore', { pseudo }), action: () => ctx.unignore(pseudo) });
  else items.push({ label: t('menu.ignore', { pseudo }), action: () => ctx.ignore(pseudo) });
  if (state.features.has('report')) {
    if (message) {
      items.push({ label: t('menu.report_message', { pseudo }), action: () => ctx.report({ pseudo, ...message }) });
    }
    items.push({ label: t('menu.report', { pseudo }), action: () => ctx.report({ pseudo }) });
  }
  return items;
}

function nextClientId() {
  clientCounter += 1;
  return `c-${clientPrefix}-${clientCounter}`;
}

function submitComposer() {
  const input = $('#composer-input');
  const text = input.value.trim();
  const conv = state.convs.get(state.active);
  if (!text || !conv) return;
  const clientId = nextClientId();
  let frame;
  if (conv.kind === 'room') frame = { type: 'send', room: conv.id, text, client_id: clientId };
  else if (conv.kind === 'pm') frame = { type: 'pm', pm: conv.id, text, client_id: clientId };
  else frame = { type: 'pm', to: conv.peer.pseudo, text, client_id: clientId };
  const el = h('div', { class: 'msg mine pending', dataset: { from: state.session.pseudo, client: clientId } },
    h('span', { class: 'msg-time' }, ''), ' ',
    h('span', { class: `msg-from ${genderClass(state.session.gender)}` }, state.session.pseudo),
    h('span', { class: 'sr-only' }, t('chat.said')), ' ',
    h('span', { class: 'msg-text' }, text), ' ',
    h('span', { class: 'msg-status' }, t('chat.sending')));
  conv.log.append(el);
  conv.pending.set(clientId, { frame, el, failed: false });
  if (conv.kind === 'draft' && !conv.firstWriter) conv.firstWriter = state.session.pseudo;
  input.value = '';
  lastTypingSent = 0; // the peer's indicator ends with this message: the next keystroke starts it again
  stickToEnd(conv, true);
  ctx.send(frame);
}

// Re-send what was not acknowledged before the connection dropped (same client_id: stored once).
export function resendPending() {
  for (const conv of state.convs.values()) {
    for (const pending of conv.pending.values()) {
      if (pending.failed) continue;
      const frame = { ...pending.frame };
      if (conv.kind === 'pm' && frame.to) {
        delete frame.to;
        frame.pm = conv.id;
      }
      ctx.send(frame);
    }
  }
}

export function onAck(frame) {
  let conv = null;
  if (frame.room != null) conv = state.convs.get(roomKey(frame.room));
  else if (frame.pm != null) conv = state.convs.get(pmKey(frame.pm));
  if (!conv) conv = findPendingConv(frame.client_id);
  if (!conv) return;
  const pending = conv.pending.get(frame.client_id);
  if (!pending) return;
  conv.pending.delete(frame.client_id);
  const known = conv.messages.get(frame.seq);
  if (known && known.client_id !== frame.client_id) {
    // The seq belongs to another message (the server acknowledged without storing, e.g. a shadowed
    // message): keep the local echo where it is, looking sent, without claiming that seq.
    pending.el.classList.remove('pending');
    pending.el.dataset.seq = String(frame.seq);
    pending.el.querySelector('.msg-time').textContent = formatTime(frame.ts);
    pending.el.querySelector('.msg-status').remove();
    return;
  }
  pending.el.remove();
  addMessage(conv, {
    seq: frame.seq, ts: frame.ts, from: state.session.pseudo, text: pending.frame.text, client_id: frame.client_id,
  });
  if (frame.notice && frame.notice.message) {
    const el = conv.log.querySelector(`.msg[data-seq="${frame.seq}"]`);
    if (el) el.append(' ', h('span', { class: 'msg-notice' }, serverText(frame.notice.message)));
  }
}

function findPendingConv(clientId) {
  for (const conv of state.convs.values()) if (conv.pending.has(clientId)) return conv;
  return null;
}

// An error frame whose ref is one of our messages: show it on the message, which was not delivered.
export function failPending(clientId, text) {
  const conv = findPendingConv(clientId);
  if (!conv) return false;
  const pending = conv.pending.get(clientId);
  pending.failed = true;
  pending.el.classList.add('failed');
  pending.el.querySelector('.msg-status').textContent = t('chat.not_delivered', { reason: text });
  return true;
}

export function onTyping(frame) {
  const conv = state.convs.get(pmKey(frame.pm));
  if (!conv || isMe(frame.from)) return;
  conv.typingUntil = Date.now() + 5000;
  renderTyping();
  clearTimeout(typingTimer);
  typingTimer = setTimeout(renderTyping, 5100);
}

export function onRead(frame) {
  const conv = state.convs.get(pmKey(frame.pm));
  if (!conv) return;
  if (isMe(frame.by)) {
    conv.readSent = Math.max(conv.readSent, frame.seq);
    return;
  }
  conv.peerRead = Math.max(conv.peerRead, frame.seq);
  renderReadMark(conv);
}

function renderReadMark(conv) {
  for (const old of conv.log.querySelectorAll('.read-mark')) old.remove();
  if (!conv.peerRead) return;
  const mine = conv.log.querySelectorAll('.msg.mine[data-seq]');
  for (let i = mine.length - 1; i >= 0; i -= 1) {
    if (Number(mine[i].dataset.seq) <= conv.peerRead) {
      mine[i].append(' ', h('span', { class: 'read-mark' }, t('chat.read')));
      return;
    }
  }
}

function markActiveSeen() {
  const conv = state.convs.get(state.active);
  if (!conv || document.hidden) return;
  if (conv.unread) {
    conv.unread = 0;
    renderTabs();
    updateUnread();
  }
  if (conv.kind === 'pm' && conv.lastSeq > conv.readSent) {
    if (ctx.send({ type: 'read', pm: conv.id, seq: conv.lastSeq })) conv.readSent = conv.lastSeq;
  }
}

function onComposerInput() {
  const conv = state.convs.get(state.active);
  if (!conv || conv.kind !== 'pm') return;
  const now = Date.now();
  if (now - lastTypingSent > 3000) {
    lastTypingSent = now;
    ctx.send({ type: 'typing', pm: conv.id });
  }
}

export function applyIgnored() {
  for (const conv of state.convs.values()) {
    for (const el of conv.log.querySelectorAll('.msg[data-from]')) {
      el.hidden = state.ignored.has(el.dataset.from);
    }
  }
}

// --- rendering --------------------------------------------------------------------------------

function scrollToEnd(conv) {
  conv.log.scrollTop = conv.log.scrollHeight;
}

function stickToEnd(conv, force = false) {
  const log = conv.log;
  const near = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
  if (force || near) log.scrollTop = log.scrollHeight;
}

export function updateUnread() {
  let total = 0;
  for (const conv of state.convs.values()) total += conv.unread;
  updateTitle(total);
  const chatBadge = document.querySelector('[data-badge="chat"]');
  if (chatBadge) {
    chatBadge.hidden = total === 0;
    chatBadge.textContent = t('tabs.unread', { count: total });
  }
}

export function renderTabs() {
  const list = $('#conv-tabs');
  const focusedKey = document.activeElement?.closest?.('#conv-tabs li')?.dataset.key;
  const focusedClose = document.activeElement?.classList?.contains('tab-close');
  clear(list);
  for (const key of state.order) {
    const conv = state.convs.get(key);
    if (!conv) continue;
    const active = key === state.active;
    const label = conv.kind === 'room' ? convName(conv) : t('tabs.pm', { pseudo: convName(conv) });
    const tab = h('button', {
      type: 'button', class: `tab${active ? ' active' : ''}${conv.kind !== 'room' ? ' tab-pm' : ''}`,
      'aria-current': active ? 'true' : null, onclick: () => activate(key),
    }, label);
    if (conv.unread) tab.append(' ', h('span', { class: 'badge' }, t('tabs.unread', { count: conv.unread })));
    const li = h('li', { dataset: { key } }, tab);
    if (conv.kind !== 'room') {
      li.append(h('button', {
        type: 'button', class: 'tab-close', 'aria-label': t('tabs.close', { name: convName(conv) }),
        onclick: () => removeTab(key),
      }, t('tabs.close_symbol')));
    }
    list.append(li);
    if (focusedKey === key) (focusedClose ? li.querySelector('.tab-close') : tab)?.focus();
  }
}

export function renderHead() {
  const conv = state.convs.get(state.active);
  const title = $('#conv-title');
  const details = $('#conv-details');
  const closeBtn = $('#conv-close');
  const input = $('#composer-input');
  const send = $('#composer-send');
  clear(details);
  $('#conv-empty').hidden = !!conv;
  if (!conv) {
    title.textContent = t('chat.no_conversation');
    closeBtn.hidden = true;
    input.disabled = true;
    send.disabled = true;
    input.removeAttribute('placeholder');
    return;
  }
  input.disabled = false;
  send.disabled = false;
  closeBtn.hidden = false;
  title.textContent = conv.kind === 'room' ? convName(conv) : t('chat.pm_title', { pseudo: convName(conv) });
  if (conv.kind === 'room') {
    const room = state.rooms.get(conv.id);
    if (room) {
      details.append(bandLabel(room.band), ' · ', t('rooms.members', { count: room.members ?? 0 }));
      if (room.locked) details.append(' · ', h('span', { class: 'room-locked' }, t('rooms.locked')));
    }
    closeBtn.textContent = t('rooms.leave');
    input.setAttribute('placeholder', t('chat.placeholder_room', { name: convName(conv) }));
  } else {
    const peer = conv.peer;
    if (peer) {
      details.append(genderBadge(peer.gender), ' · ', ageLabel(peer.age), ' · ',
        bandLabel(bandOfAge(peer.age)));
      if (peer.commune) details.append(' · ', place(peer));
      details.append(' · ', distanceLabel(peer.distance));
    }
    if (conv.firstWriter && peer && conv.firstWriter === peer.pseudo) {
      details.append(h('span', { class: 'first-writer' }, t('chat.first_writer', {
        pseudo: peer.pseudo, age: peer.age, band: bandLabel(bandOfAge(peer.age)),
      })));
    }
    closeBtn.textContent = t('tabs.close_short');
    input.setAttribute('placeholder', t('chat.placeholder_pm', { pseudo: convName(conv) }));
  }
  $('#composer-input').setAttribute('aria-label', t('chat.composer_for', { name: convName(conv) }));
}

export function renderTyping() {
  const conv = state.convs.get(state.active);
  const el = $('#typing');
  const text = conv && conv.kind === 'pm' && conv.typingUntil > Date.now()
    ? t('chat.typing', { pseudo: convName(conv) }) : '';
  if (el.textContent !== text) el.textContent = text;
}

export function renderRooms() {
  const list = $('#rooms-list');
  const focusedId = document.activeElement?.closest?.('#rooms-list li')?.dataset.room;
  clear(list);
  const rooms = [...state.rooms.values()];
  const kindOrder = { general: 0, theme: 1, region: 2, private: 3 };
  rooms.sort((a, b) => (kindOrder[a.kind] ?? 9) - (kindOrder[b.kind] ?? 9) || roomName(a).localeCompare(roomName(b)));
  for (const room of rooms) {
    const joined = state.joined.has(room.id);
    const active = state.active === roomKey(room.id);
    const btn = h('button', {
      type: 'button', class: `room${joined ? ' joined' : ''}${active ? ' active' : ''}`,
      'aria-current': active ? 'true' : null,
      onclick: () => openRoom(room.id),
    },
    h('span', { class: 'room-name' }, roomName(room)),
    joined ? h('span', { class: 'sr-only' }, t('rooms.joined_sr')) : null,
    h('span', { class: 'room-count' },
      h('span', { 'aria-hidden': 'true' }, String(room.members ?? 0)),
      h('span', { class: 'sr-only' }, t('rooms.members', { count: room.members ?? 0 }))));
    const li = h('li', { dataset: { room: room.id } }, btn);
    list.append(li);
    if (focusedId === room.id) btn.focus();
  }
}

export function openRoom(roomId) {
  if (state.joined.has(roomId)) activate(roomKey(roomId));
  else {
    state.wantActive = roomKey(roomId);
    ctx.send({ type: 'join', room: roomId });
  }
}

export function rerenderAll() {
  for (const conv of state.convs.values()) {
    conv.log.setAttribute('aria-label', logLabel(conv));
    for (const el of conv.log.querySelectorAll('.msg')) {
      const m = conv.messages.get(Number(el.dataset.seq));
      if (m) el.querySelector('.msg-time').textContent = formatTime(m.ts);
      const menu = el.querySelector('.msg-menu');
      if (menu) menu.setAttribute('aria-label', t('menu.message_actions', { pseudo: el.dataset.from }));
      const said = el.querySelector('.sr-only');
      if (said) said.textContent = t('chat.said');
      if (el.classList.contains('pending') && !el.classList.contains('failed')) {
        el.querySelector('.msg-status').textContent = t('chat.sending');
      }
    }
    if (conv.kind === 'pm') renderReadMark(conv);
  }
  renderTabs();
  renderHead();
  renderRooms();
  renderTyping();
  updateUnread();
}
