// The person's side of moderation: the report dialog (POST /api/reports), the outcome of a report, and
// statements of reasons (DSA art. 17) with the appeal form (POST /api/appeals, no session needed).
// Every server-supplied or user-supplied string is inserted as text.
import { api, ApiError } from './api.js';
import { $, $$, clear, h } from './dom.js';
import { getLang, serverText, t } from './i18n.js';
import { state } from './state.js';

export const CATEGORIES = ['sexual_minor', 'solicitation', 'drugs', 'hate', 'harassment', 'threat', 'scam',
  'contact', 'sexual_explicit', 'other'];

let ctx = null;
let reportTarget = null; // {pseudo, room?, pm?, seq?}
let reportReturnFocus = null;
let statement = null; // the last statement frame shown
let appealSent = null; // server message of the appeal just sent

export function initModeration(context) {
  ctx = context;
  const dialog = $('#report-dialog');
  const list = $('#report-categories');
  for (const category of CATEGORIES) {
    list.append(h('label', { class: 'block' },
      h('input', { type: 'radio', name: 'category', value: category, required: true }), ' ',
      h('span', { dataset: { i18n: `category.${category}` } }, t(`category.${category}`))));
  }
  $('#report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitReport();
  });
  $('#report-cancel').addEventListener('click', () => dialog.close());
  $('#report-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (reportReturnFocus && reportReturnFocus.isConnected) reportReturnFocus.focus();
    reportReturnFocus = null;
  });

  $('#appeal-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitAppeal();
  });
  $('#appeal-check').addEventListener('click', checkAppeal);
  $('#statement-close').addEventListener('click', () => $('#statement-dialog').close());
  $('#last-statement-open').addEventListener('click', () => {
    const kept = keptStatements();
    if (kept.length) showStatement(kept[kept.length - 1]);
  });
  renderLastStatement();
}

// --- statements kept in localStorage ------------------------------------------------------------
// A statement (with its appeal token) is kept on this device for as long as it can be appealed, so that
// "Where is my appeal?" still works after a reload or a closed tab.
const KEPT_KEY = 'causerie.statements';
const KEPT_MAX = 10;

function keptStatements() {
  try {
    const list = JSON.parse(localStorage.getItem(KEPT_KEY) || '[]');
    const now = Date.now();
    return Array.isArray(list) ? list.filter((s) => s && s.decision && (s.appeal_until || 0) > now) : [];
  } catch {
    return [];
  }
}

function keepStatement(frame) {
  const kept = keptStatements();
  const earlier = kept.find((s) => s.decision === frame.decision && s.appeal_token);
  let entry = { ...frame, receipt: undefined };
  if (frame.action.startsWith('appeal_')) {
    // the outcome of an appeal: keep it with the decision's token and deadline
    if (!earlier) return;
    entry = { ...earlier, outcome: frame };
  } else if (!frame.appeal_token) {
    return;
  } else if (earlier && earlier.appealed) {
    entry.appealed = true;
  }
  const rest = kept.filter((s) => s.decision !== frame.decision);
  rest.push(entry);
  try { localStorage.setItem(KEPT_KEY, JSON.stringify(rest.slice(-KEPT_MAX))); } catch { /* private mode */ }
  renderLastStatement();
}

function markAppealed(decision) {
  const kept = keptStatements();
  for (const s of kept) if (s.decision === decision) s.appealed = true;
  try { localStorage.setItem(KEPT_KEY, JSON.stringify(kept)); } catch { /* private mode */ }
}

function renderLastStatement() {
  $('#last-statement').hidden = keptStatements().length === 0;
}

// --- reports ----------------------------------------------------------------------------------

// target: {pseudo} for a person, plus {room | pm, seq} for a message
export function openReport(target) {
  reportTarget = target;
  reportReturnFocus = document.activeElement;
  const dialog = $('#report-dialog');
  $('#report-form').reset();
  $('#report-form').hidden = false;
  $('#report-done').hidden = true;
  $('#report-error').hidden = true;
  renderReportHead();
  $('#report-submit').disabled = false;
  dialog.showModal();
  $('#report-categories input').focus();
}

function renderReportHead() {
  if (!reportTarget) return;
  const { pseudo, seq } = reportTarget;
  if (!$('#report-done').hidden) {
    $('#report-title').textContent = t('report.done_title');
    return;
  }
  $('#report-title').textContent = seq != null ? t('report.title_message', { pseudo }) : t('report.title_person', { pseudo });
  const line = $('#report-target');
  clear(line);
  if (seq != null) {
    const conv = [...state.convs.values()].find((c) => (reportTarget.room != null
      ? c.kind === 'room' && c.id === reportTarget.room : c.kind === 'pm' && c.id === reportTarget.pm));
    const message = conv && conv.messages.get(seq);
    if (message) line.append(h('q', { class: 'report-quote' }, message.text));
  }
  line.append(h('span', { class: 'hint block' }, t('report.frozen')));
}

async function submitReport() {
  const form = $('#report-form');
  const category = form.elements.category.value;
  const error = $('#report-error');
  if (!category) {
    error.textContent = t('report.choose_category');
    error.hidden = false;
    $('#report-categories input').focus();
    return;
  }
  const body = { category, text: $('#report-text').value.trim() };
  if (reportTarget.seq != null) {
    if (reportTarget.room != null) body.room = reportTarget.room;
    else body.pm = reportTarget.pm;
    body.seq = reportTarget.seq;
  } else {
    body.pseudo = reportTarget.pseudo;
  }
  $('#report-submit').disabled = true;
  try {
    const ack = await api.report(state.token, body);
    form.hidden = true;
    $('#report-done').hidden = false;
    $('#report-title').textContent = t('report.done_title');
    const text = $('#report-ack');
    clear(text);
    text.append(h('span', {}, serverText(ack.message)), ' ',
      h('span', { class: 'hint block' }, t('report.reference', { id: ack.id })));
    $('#report-close').focus();
  } catch (err) {
    error.textContent = err instanceof ApiError && err.serverMessage ? serverText(err.serverMessage) : t('report.failed');
    error.hidden = false;
    $('#report-submit').disabled = false;
  }
}

export function onReportOutcome(frame) {
  ctx.toast(`${t('report.outcome_prefix', { id: frame.report })} ${serverText(frame.message)}`, 30000);
}

// --- statements of reasons and appeals ---------------------------------------------------------

export function onStatement(frame) {
  if (frame.receipt) api.statementReceipt(frame.receipt).catch(() => { /* it comes again at the next entry */ });
  keepStatement(frame);
  if (frame.automated && frame.action === 'block') {
    // a message blocked by screening: the refusal is already shown on the message; the statement waits
    // behind a button instead of interrupting the conversation with a dialog
    ctx.toast(serverText(frame.message), 30000, { label: t('statement.contest'), onClick: () => showStatement(frame) });
    return;
  }
  showStatement(frame);
}

function showStatement(frame) {
  statement = frame;
  appealSent = frame.appealed ? {} : null;
  renderStatement();
  const dialog = $('#statement-dialog');
  if (!dialog.open) dialog.showModal();
  $('#statement-title').focus();
}

function formatDate(ms) {
  return new Intl.DateTimeFormat(getLang(), { dateStyle: 'long', timeStyle: 'short' }).format(new Date(ms));
}

function durationText(s) {
  if (s.action === 'warn' || s.action === 'delete_message' || s.action === 'kick' || s.action === 'block'
    || s.action.startsWith('appeal_')) return null;
  if (s.duration_s == null) return t('statement.for_good');
  return t('statement.until', { date: formatDate(s.expires_at ?? Date.now() + s.duration_s * 1000) });
}

function renderStatement() {
  const s = statement;
  if (!s) return;
  const body = $('#statement-body');
  clear(body);
  body.append(h('p', { class: 'statement-message' }, serverText(s.message)));
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('statement.decision')), h('dd', {}, t(`statement.action.${s.action}`)),
    h('dt', {}, t('statement.ground')), h('dd', {}, serverText(s.ground)),
    h('dt', {}, t('statement.how')), h('dd', {}, t(s.automated ? 'statement.automated' : 'statement.human')));
  const duration = durationText(s);
  if (duration) facts.append(h('dt', {}, t('statement.duration')), h('dd', {}, duration));
  if (s.appeal_until) facts.append(h('dt', {}, t('statement.appeal_until')), h('dd', {}, formatDate(s.appeal_until)));
  body.append(facts);
  const canAppeal = !!s.appeal_token;
  $('#appeal-form').hidden = !canAppeal || !!appealSent;
  $('#appeal-check').hidden = !canAppeal || !appealSent;
  $('#appeal-error').hidden = true;
  $('#appeal-result').textContent = appealSent && appealSent.fr ? serverText(appealSent) : '';
}

async function submitAppeal() {
  const text = $('#appeal-text').value.trim();
  const error = $('#appeal-error');
  if (!text) {
    error.textContent = t('appeal.empty');
    error.hidden = false;
    $('#appeal-text').focus();
    return;
  }
  $('#appeal-submit').disabled = true;
  try {
    const created = await api.appeal(statement.appeal_token, text);
    appealSent = created.message;
    markAppealed(statement.decision);
    renderStatement();
    $('#appeal-check').focus();
  } catch (err) {
    error.textContent = err instanceof ApiError && err.serverMessage ? serverText(err.serverMessage) : t('appeal.failed');
    error.hidden = false;
  } finally {
    $('#appeal-submit').disabled = false;
  }
}

async function checkAppeal() {
  const out = $('#appeal-result');
  try {
    const status = await api.appealStatus(statement.appeal_token);
    out.textContent = t(`appeal.status.${status.status}`);
  } catch (err) {
    out.textContent = err instanceof ApiError && err.serverMessage ? serverText(err.serverMessage) : t('appeal.failed');
  }
}

export function relocalizeModeration() {
  renderStatement();
  renderReportHead();
  for (const el of $$('#report-categories [data-i18n]')) el.textContent = t(el.dataset.i18n);
}
