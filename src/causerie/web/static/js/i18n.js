// String catalogues (static/i18n/<lang>.json). French is the default; English is chosen from the
// browser's language or by the user. Nothing user-facing is written in the markup or the scripts.

export const LANGS = ['fr', 'en'];
const catalogues = {};
let current = 'fr';
const listeners = new Set();

// base: where <lang>.json live (the moderation console has its own catalogues under static/mod/i18n)
export async function loadCatalogues(base = '/static/i18n') {
  await Promise.all(LANGS.map(async (lang) => {
    const res = await fetch(`${base}/${lang}.json`, { cache: 'no-cache' });
    catalogues[lang] = await res.json();
  }));
}

export function preferredLanguage() {
  const saved = safeGet('causerie.lang');
  if (LANGS.includes(saved)) return saved;
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || 'fr';
  return browser.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

export function getLang() {
  return current;
}

export function setLang(lang, { remember = true } = {}) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  if (remember) safeSet('causerie.lang', lang);
  document.documentElement.lang = lang;
  applyI18n(document);
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
}

function lookup(key) {
  return catalogues[current]?.[key] ?? catalogues.fr?.[key];
}

// t('people.count', {count: 3}) picks people.count_one / people.count_other when they exist.
export function t(key, vars = {}) {
  let template;
  if (typeof vars.count === 'number') {
    const rule = new Intl.PluralRules(current).select(vars.count);
    template = lookup(`${key}_${rule}`) ?? lookup(`${key}_other`);
  }
  template = template ?? lookup(key);
  if (template == null) return key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// A server message object {fr, en} in the current language.
export function serverText(message) {
  if (!message) return '';
  if (typeof message === 'string') return message;
  return message[current] ?? message.fr ?? message.en ?? '';
}

export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

function safeGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function safeSet(key, value) {
  try { localStorage.setItem(key, value); } catch { /* storage may be disabled */ }
}

export const storage = { get: safeGet, set: safeSet };
