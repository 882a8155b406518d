// The people online (right column): cards with pseudonym, age, gender, city and distance band, and the
// filters sent to the server as the `presence` frame's filters.
import { $, h } from './dom.js';
import { ageLabel, distanceLabel, genderBadge, place } from './format.js';
import { t } from './i18n.js';
import { toggleMenu } from './menu.js';
import { isMe, state } from './state.js';

let ctx = null; // {send(frame), openPm(person), personMenuItems(pseudo)}
const cards = new Map(); // pseudo -> li
let filterTimer = null;

export function initPeople(context) {
  ctx = context;
  const form = $('#filters');
  form.addEventListener('input', scheduleFilters);
  form.addEventListener('change', scheduleFilters);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('reset', () => setTimeout(scheduleFilters, 0));
}

function scheduleFilters() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilters, 250);
}

export function readFilters() {
  const form = $('#filters');
  const data = new FormData(form);
  const filters = {};
  const genders = data.getAll('gender');
  if (genders.length) filters.gender = genders;
  const distances = data.getAll('distance');
  if (distances.length) filters.distance = distances;
  const ageMin = parseInt(data.get('age_min'), 10);
  const ageMax = parseInt(data.get('age_max'), 10);
  if (Number.isFinite(ageMin)) filters.age_min = ageMin;
  if (Number.isFinite(ageMax)) filters.age_max = ageMax;
  const dep = String(data.get('departement') || '').trim().toUpperCase();
  if (/^(\d{2,3}|2A|2B)$/.test(dep)) filters.departement = dep;
  return filters;
}

function applyFilters() {
  state.filters = readFilters();
  requestPresence();
  renderPeople();
}

export function requestPresence() {
  const frame = { type: 'presence' };
  if (Object.keys(state.filters).length) frame.filters = state.filters;
  ctx.send(frame);
}

// The server filters; the client applies the same rules so diffs never show someone filtered out.
function matches(person) {
  const f = state.filters;
  if (f.gender && !f.gender.includes(person.gender)) return false;
  if (f.age_min != null && person.age < f.age_min) return false;
  if (f.age_max != null && person.age > f.age_max) return false;
  if (f.departement && person.departement !== f.departement) return false;
  if (f.distance && !f.distance.includes(person.distance)) return false;
  return true;
}

export function setPeople(list) {
  state.people.clear();
  for (const person of list) state.people.set(person.pseudo, person);
  renderPeople();
}

export function diffPeople(added, removed) {
  for (const pseudo of removed || []) state.people.delete(pseudo);
  for (const person of added || []) state.people.set(person.pseudo, person);
  renderPeople();
}

function card(person) {
  const me = isMe(person.pseudo);
  const ignored = state.ignored.has(person.pseudo);
  const li = h('li', { class: `person${me ? ' is-me' : ''}${ignored ? ' ignored' : ''}` },
    h('p', { class: 'person-line' },
      h('span', { class: 'person-pseudo' }, person.pseudo),
      me ? h('span', { class: 'person-tag' }, t('people.you')) : null,
      ignored ? h('span', { class: 'person-tag' }, t('people.ignored')) : null),
    h('p', { class: 'person-meta' }, genderBadge(person.gender), ' · ', ageLabel(person.age)),
    h('p', { class: 'person-meta' }, place(person), person.commune ? ' · ' : '', distanceLabel(person.distance)));
  if (!me) {
    const actions = h('div', { class: 'person-actions' });
    if (!ignored) {
      actions.append(h('button', {
        type: 'button', class: 'btn-small', onclick: () => ctx.openPm(person),
      }, t('people.pm'), h('span', { class: 'sr-only' }, t('people.pm_to', { pseudo: person.pseudo }))));
    }
    actions.append(h('button', {
      type: 'button', class: 'btn-small msg-menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
      'aria-label': t('menu.person_actions', { pseudo: person.pseudo }),
      onclick: (event) => toggleMenu(event.currentTarget, ctx.personMenuItems(person.pseudo),
        t('menu.person_actions', { pseudo: person.pseudo })),
    }, t('menu.symbol')));
    li.append(actions);
  }
  li.dataset.pseudo = person.pseudo;
  li.dataset.version = cardVersion(person);
  return li;
}

function cardVersion(person) {
  return JSON.stringify([person.age, person.gender, person.commune, person.distance,
    state.ignored.has(person.pseudo), isMe(person.pseudo)]);
}

export function renderPeople({ force = false } = {}) {
  const list = $('#people-list');
  if (force) cards.clear();
  const people = [...state.people.values()].filter(matches);
  people.sort((a, b) => (isMe(b.pseudo) - isMe(a.pseudo)) || a.pseudo.localeCompare(b.pseudo, 'fr'));
  const wanted = new Set(people.map((p) => p.pseudo));
  for (const [pseudo, li] of cards) {
    if (!wanted.has(pseudo)) {
      li.remove();
      cards.delete(pseudo);
    }
  }
  let cursor = list.firstElementChild;
  for (const person of people) {
    let li = cards.get(person.pseudo);
    if (!li || li.dataset.version !== cardVersion(person)) {
      const fresh = card(person);
      const hadFocus = li && li.contains(document.activeElement);
      if (li) li.replaceWith(fresh);
      if (li && cursor === li) cursor = fresh;
      li = fresh;
      cards.set(person.pseudo, li);
      if (hadFocus) li.querySelector('button')?.focus();
    }
    if (li !== cursor) list.insertBefore(li, cursor);
    else cursor = cursor.nextElementSibling;
  }
  while (list.lastElementChild && !cards.has(list.lastElementChild.dataset.pseudo)) list.lastElementChild.remove();
  $('#people-title').textContent = t('people.title', { count: people.length });
  $('#people-empty').hidden = people.length > 0;
}
