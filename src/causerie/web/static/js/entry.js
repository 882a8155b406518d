// The entry screen: pseudonym, age, gender, postal code (the commune appears as it is typed).
import { api } from './api.js';
import { $, clear, h } from './dom.js';
import { serverText, t } from './i18n.js';
import { onStatement } from './moderation.js';

let lookupAbort = null;
let lookupTimer = null;
let lastError = null; // {field, code, message} kept to re-render on language change

const FIELDS = {
  pseudo: { input: '#entry-pseudo', error: '#entry-pseudo-error' },
  age: { input: '#entry-age', error: '#entry-age-error' },
  gender: { input: '#entry-gender', error: '#entry-gender-error' },
  postal: { input: '#entry-postal', error: '#entry-postal-error' },
};

// Which field an error code belongs to (codes from src/causerie/errors.py).
function fieldOf(code) {
  if (code.startsWith('pseudo')) return 'pseudo';
  if (code.startsWith('age')) return 'age';
  if (code.startsWith('gender')) return 'gender';
  if (code.startsWith('postal') || code.startsWith('insee') || code.startsWith('commune')) return 'postal';
  return null;
}

export function initEntry({ onEntered }) {
  const form = $('#entry-form');
  $('#entry-postal').addEventListener('input', onPostalInput);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const data = new FormData(form);
    const pseudo = String(data.get('pseudo') || '').trim();
    const ageText = String(data.get('age') || '').trim();
    const gender = data.get('gender');
    const postal = String(data.get('postal_code') || '').trim();
    let missing = false;
    if (!pseudo) { showError('pseudo', { local: 'entry.missing_pseudo' }); missing = true; }
    if (!ageText) { showError('age', { local: 'entry.missing_age' }); missing = true; }
    if (!gender) { showError('gender', { local: 'entry.missing_gender' }); missing = true; }
    if (!postal) { showError('postal', { local: 'entry.missing_postal' }); missing = true; }
    if (missing) {
      focusFirstError();
      return;
    }
    const body = {
      pseudo, age: Number(ageText), gender, postal_code: postal,
      insee: $('#entry-commune-choice').hidden ? null : ($('#entry-insee').value || null),
      lang: document.documentElement.lang === 'en' ? 'en' : 'fr',
    };
    const submit = $('#entry-submit');
    submit.disabled = true;
    try {
      const created = await api.createSession(body);
      onEntered(created);
    } catch (err) {
      // a refused entry (a ban) may bring the statements of reasons that never reached this device
      for (const statement of err.data?.statements || []) onStatement(statement);
      const field = err.code ? fieldOf(err.code) : null;
      showError(field, err.serverMessage ? { server: err.serverMessage } : { local: 'entry.network_error' });
      focusFirstError();
    } finally {
      submit.disabled = false;
    }
  });
}

export function showEntryMessage(localKey, serverMessage = null) {
  clearErrors();
  showError(null, serverMessage ? { server: serverMessage } : { local: localKey });
}

function onPostalInput() {
  const code = $('#entry-postal').value.trim();
  clearTimeout(lookupTimer);
  if (lookupAbort) lookupAbort.abort();
  setCommunes([]);
  if (!/^\d{5}$/.test(code)) return;
  lookupTimer = setTimeout(() => lookup(code), 150);
}

async function lookup(code) {
  lookupAbort = new AbortController();
  try {
    const data = await api.postalCode(code, lookupAbort.signal);
    const communes = Array.isArray(data) ? data : (data?.communes || []);
    setCommunes(communes);
    if (!communes.length) $('#entry-commune').textContent = t('entry.postal_unknown');
  } catch (err) {
    if (err.name === 'AbortError') return;
    $('#entry-commune').textContent = err.serverMessage ? serverText(err.serverMessage) : t('entry.postal_unknown');
  }
}

function communeName(c) {
  return c.name || c.commune || c.nom || '';
}

function setCommunes(communes) {
  const out = $('#entry-commune');
  const choice = $('#entry-commune-choice');
  const select = $('#entry-insee');
  clear(select);
  out.textContent = '';
  choice.hidden = true;
  if (communes.length === 1) {
    out.textContent = t('entry.commune_found', { commune: communeName(communes[0]) });
  } else if (communes.length > 1) {
    out.textContent = t('entry.commune_several', { count: communes.length });
    for (const c of communes) select.append(h('option', { value: c.insee || '' }, communeName(c)));
    choice.hidden = false;
  }
}

function clearErrors() {
  lastError = null;
  const general = $('#entry-error');
  general.hidden = true;
  general.textContent = '';
  for (const f of Object.values(FIELDS)) {
    const err = $(f.error);
    err.hidden = true;
    err.textContent = '';
    markInvalid(f, false);
  }
}

function showError(field, { local = null, server = null }) {
  lastError = lastError || [];
  lastError.push({ field, local, server });
  const text = server ? serverText(server) : t(local);
  if (field && FIELDS[field]) {
    const err = $(FIELDS[field].error);
    err.textContent = text;
    err.hidden = false;
    markInvalid(FIELDS[field], true);
  } else {
    const general = $('#entry-error');
    general.textContent = text;
    general.hidden = false;
  }
}

// aria-invalid goes on the inputs themselves (for the gender fieldset: on each radio).
function inputsOf(f) {
  const el = $(f.input);
  return el.tagName === 'FIELDSET' ? [...el.querySelectorAll('input')] : [el];
}

function markInvalid(f, invalid) {
  for (const input of inputsOf(f)) {
    if (invalid) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function focusFirstError() {
  for (const f of Object.values(FIELDS)) {
    const first = inputsOf(f)[0];
    if (first.getAttribute('aria-invalid') === 'true') {
      first.focus();
      return;
    }
  }
  if (!$('#entry-error').hidden) $('#entry-pseudo').focus();
}

export function relocalizeEntry() {
  const errors = lastError;
  clearErrors();
  for (const e of errors || []) showError(e.field, e);
  const code = $('#entry-postal').value.trim();
  if (/^\d{5}$/.test(code)) lookup(code);
}
