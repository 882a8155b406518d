// Formatting of people, rooms and times, always through the catalogue.
import { h } from './dom.js';
import { getLang, t } from './i18n.js';

const GENDERS = ['woman', 'man', 'other'];

export function genderClass(gender) {
  return GENDERS.includes(gender) ? `g-${gender}` : 'g-other';
}

// Gender is shown by a symbol and a word, never by colour alone.
export function genderBadge(gender) {
  const g = GENDERS.includes(gender) ? gender : 'other';
  return h('span', { class: `gender ${genderClass(g)}` },
    h('span', { class: 'gender-symbol', 'aria-hidden': 'true' }, t(`gender.${g}_symbol`)),
    ' ',
    h('span', { class: 'gender-label' }, t(`gender.${g}`)));
}

export function distanceLabel(distance) {
  return distance ? t(`distance.${distance}`) : t('distance.unknown');
}

export function bandLabel(band) {
  return t(band === 'teen' ? 'band.teen' : 'band.adult');
}

export function roomName(room) {
  if (!room) return '';
  if (typeof room.name === 'string') return room.name;
  return room.name?.[getLang()] ?? room.name?.fr ?? room.id;
}

export function ageLabel(age) {
  return t('person.age', { age });
}

export function place(person) {
  return person.commune ? t('person.place', { commune: person.commune, dep: person.departement }) : '';
}

export function formatTime(ts) {
  if (!ts) return '';
  return new Intl.DateTimeFormat(getLang(), { hour: '2-digit', minute: '2-digit' }).format(new Date(ts));
}
