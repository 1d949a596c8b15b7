/// The dashboard's script: token sign-in, the live stream with reconnect and `since` replay, the jobs table with
/// frame-batched updates, job controls and downloads, and the job detail view. `DashboardScript+NewJob` adds the
/// new-job form, routing and start-up. Plain JavaScript in one strict-mode closure; no dependencies.
enum DashboardScript {
    static let source = "(() => {\n'use strict';\n" + core + newJob + "})();\n"

    static let core = #"""
// BulkOps dashboard: token, live stream, jobs table, job detail. Plain JavaScript, no dependencies.
const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'bulkops.token';
const TERMINAL = new Set(['succeeded', 'completedWithErrors', 'failed', 'cancelled', 'rejected']);
const CANCELLABLE = new Set(['running', 'paused', 'queued', 'scheduled', 'awaitingApproval']);
const STATE_LABEL = {
  awaitingApproval: 'Awaiting approval', scheduled: 'Scheduled', queued: 'Queued', running: 'Running',
  pausing: 'Pausing…', paused: 'Paused', cancelling: 'Cancelling…', succeeded: 'Succeeded',
  completedWithErrors: 'Completed with errors', failed: 'Failed', cancelled: 'Cancelled', rejected: 'Rejected'
};
// why: the stream already coalesces to 10 progress events per second, but several jobs and bursts of state
// changes still arrive together; a job's row is redrawn at most this often, inside an animation frame
const MIN_RENDER_MS = 100;
const MAX_RECONNECT_MS = 5000;
const FAILED_ITEMS_SHOWN = 200;

const app = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  role: null,
  kinds: [],
  kindByName: new Map(),
  jobs: new Map(),
  seen: new Map(),
  lastEventAt: new Map(),
  audit: new Map(),
  auditState: new Map(),
  failed: new Map(),
  ws: null,
  conn: 'offline',
  everLive: false,
  retry: 0,
  retryTimer: null,
  dirty: new Set(),
  lastRender: new Map(),
  framePending: false,
  rows: new Map(),
  detailId: null,
  highlight: null,
  olderCursor: null
};

const numberFormat = new Intl.NumberFormat();
const fmt = (n) => (n === null || n === undefined || Number.isNaN(n)) ? '—' : numberFormat.format(n);
const fmt1 = (n) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(n);
const shortId = (id) => id.length > 14 ? id.slice(0, 8) + '…' + id.slice(-4) : id;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function appendAll(node, ...children) {
  node.append(...children.filter((child) => child !== null && child !== undefined));
}

// ---- API ----------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

async function api(method, path, body, options) {
  const opts = options || {};
  const headers = { 'Authorization': 'Bearer ' + app.token, 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store',
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, 'network_error', 'Could not reach the server (' + error.message + ').', {});
  }
  if (!response.ok) {
    let error = {};
    try { error = (await response.json()).error || {}; } catch (ignored) { error = {}; }
    const failure = new ApiError(response.status, error.code || ('http_' + response.status),
                                 error.message || ('The server answered ' + response.status + '.'), error.details);
    if (response.status === 401 && !opts.quiet401) signOut('Your token was not accepted (401). Enter a valid token.');
    throw failure;
  }
  if (opts.raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

function describeError(error) {
  if (!(error instanceof ApiError)) return String((error && error.message) || error);
  let text = error.message;
  if (!/[.!?]$/.test(text)) text += '.';
  const details = error.details || {};
  if (Array.isArray(details.allowed)) text += ' Allowed: ' + details.allowed.join(', ') + '.';
  if (Array.isArray(details.jobs) && details.jobs.length) text += ' Held by job(s): ' + details.jobs.join(', ') + '.';
  if (details.state) text += ' The job is ' + (STATE_LABEL[details.state] || details.state) + '.';
  if (details.limit !== undefined && details.count !== undefined) {
    text += ' Limit ' + fmt(details.limit) + ', selected ' + fmt(details.count) + '.';
  }
  if (error.status) text += ' [' + error.status + ' ' + error.code + ']';
  return text;
}

function showError(error, context) {
  $('banner-title').textContent = (context || 'Error') + ':';
  $('banner-text').textContent = describeError(error);
  $('banner').hidden = false;
}

function clearError() { $('banner').hidden = true; }

function announce(text) {
  const region = $('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// ---- formatting -----------------------------------------------------------------------------------------------

function fmtTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
                 : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
                                             hour12: false });
}

function setTime(container, iso) {
  if (container.dataset.iso === (iso || '')) return;
  container.dataset.iso = iso || '';
  container.replaceChildren(timeNode(iso));
  container.classList.add('num');
}

function timeNode(iso) {
  if (!iso) return document.createTextNode('—');
  return el('time', { datetime: iso, title: new Date(iso).toLocaleString() }, fmtTime(iso));
}

function fmtEta(seconds, job) {
  if (job && job.state !== 'running') return '—';
  if (seconds === null || seconds === undefined) return '—';
  if (seconds <= 0) return 'done';
  const s = Math.ceil(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function fmtRate(job) {
  const rate = job.progress.itemsPerSecond;
  if (!['running', 'pausing', 'cancelling'].includes(job.state) || !rate) return '—';
  return fmt1(rate) + '/s';
}

function valueText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(valueText).join('|');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function selectionSummary(job) {
  return selectionText(job) + ' · ' + fmt(job.progress.total) + ' items';
}

function selectionText(job) {
  const sel = job.selection || {};
  const entity = sel.entity || 'items';
  let text;
  if (Array.isArray(sel.ids)) {
    text = fmt(sel.ids.length) + ' ' + entity + ' by id';
  } else {
    const filter = sel.filter || {};
    const keys = Object.keys(filter).sort();
    text = keys.length ? entity + ' where ' + keys.map((k) => k + '=' + valueText(filter[k])).join(', ')
                       : 'all ' + entity;
    if (Array.isArray(sel.exclude) && sel.exclude.length) text += ', except ' + fmt(sel.exclude.length);
  }
  return text;
}

function percentOf(job) {
  const p = job.progress;
  if (!p.total) return TERMINAL.has(job.state) ? 100 : 0;
  return Math.min(100, (p.processed / p.total) * 100);
}

// ---- connection state and the live stream -------------------------------------------------------------------

function setConn(state, detail) {
  app.conn = state;
  const box = $('conn');
  box.dataset.conn = state;
  const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…',
                 offline: 'Not connected' }[state];
  $('conn-text').textContent = detail ? text + ' ' + detail : text;
  document.body.dataset.conn = state;
  const stale = $('stale-note');
  if (state === 'reconnecting') {
    if (stale.hidden) {
      stale.textContent = 'Connection to the server lost; reconnecting… What is shown is from ' +
        fmtTime(new Date().toISOString()) + ' and may be out of date.';
    }
    stale.hidden = false;
  } else {
    stale.hidden = true;
  }
}

function streamURL() {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  return scheme + location.host + '/v1/stream?access_token=' + encodeURIComponent(app.token);
}

function connect() {
  clearTimeout(app.retryTimer);
  app.retryTimer = null;
  if (!app.token) return;
  setConn(app.everLive ? 'reconnecting' : 'connecting', app.retry > 0 ? '(attempt ' + (app.retry + 1) + ')' : '');
  let socket;
  try {
    socket = new WebSocket(streamURL());
  } catch (error) {
    scheduleReconnect();
    return;
  }
  app.ws = socket;
  socket.onmessage = (event) => {
    if (app.ws !== socket) return;
    let message;
    try { message = JSON.parse(event.data); } catch (ignored) { return; }
    onStreamMessage(socket, message);
  };
  socket.onclose = () => {
    if (app.ws !== socket) return;
    app.ws = null;
    if (app.token) scheduleReconnect();
  };
  socket.onerror = () => { /* onclose follows and reconnects */ };
}

function scheduleReconnect() {
  if (app.retryTimer) return;
  const delay = Math.min(MAX_RECONNECT_MS, 300 * Math.pow(2, app.retry)) * (0.8 + Math.random() * 0.4);
  app.retry += 1;
  setConn(app.everLive ? 'reconnecting' : 'connecting', '(next try in ' + Math.ceil(delay / 1000) + ' s)');
  if (app.everLive && app.retry === 1) announce('Connection lost; reconnecting…');
  app.retryTimer = setTimeout(async () => {
    app.retryTimer = null;
    if (app.retry % 3 === 0) {
      // why: a refused upgrade looks like any other drop to a browser; ask now and then whether the token works
      try { await api('GET', '/v1/kinds', undefined, { quiet401: true }); } catch (error) {
        if (error.status === 401) { signOut('Your token is no longer accepted. Enter a valid token.'); return; }
      }
    }
    connect();
  }, delay);
}

function onStreamMessage(socket, message) {
  switch (message.type) {
    case 'hello': {
      const since = {};
      for (const job of app.jobs.values()) if (!TERMINAL.has(job.state)) since[job.id] = job.seq;
      const subscribe = { op: 'subscribe', jobs: ['*'] };
      if (Object.keys(since).length) subscribe.since = since;
      socket.send(JSON.stringify(subscribe));
      break;
    }
    case 'snapshot': {
      const wasReconnect = app.everLive;
      for (const job of message.jobs || []) upsert(job, null, null, 'snapshot');
      app.retry = 0;
      app.everLive = true;
      setConn('live');
      if (wasReconnect) {
        announce('Reconnected; jobs are up to date.');
        loadKinds(true).catch(() => {});
      }
      scheduleFrame(0);
      break;
    }
    case 'job':
      if (message.job) upsert(message.job, message.event, message.at);
      break;
    case 'error':
      console.warn('stream:', message.message);
      break;
    default:
      break;
  }
}

// A job from the stream (`event` and server time `at`), a snapshot (`source` 'snapshot') or an API answer.
function upsert(job, event, at, source) {
  const old = app.jobs.get(job.id);
  // why: an API answer (pause, resume…) can overtake the stream's event of the same seq; the timeline is built
  // from the stream's events with the server's times, keyed by seq, so neither order loses or reorders a change
  if (event && event !== 'progress') noteSeen(job, event, at);
  if (old && (job.seq < old.seq || (job.seq === old.seq && event))) return;
  if (!event && source === 'snapshot' && old && old.state !== job.state) noteSeen(job, 'observed', null);
  app.jobs.set(job.id, job);
  if (at) app.lastEventAt.set(job.id, at);
  ensureKindOption(job.kind);
  if (event === 'finished') {
    announce(job.kind + ' ' + shortId(job.id) + ' finished: ' + (STATE_LABEL[job.state] || job.state) + '.');
  }
  app.dirty.add(job.id);
  scheduleFrame(0);
}

function noteSeen(job, event, at) {
  const seen = app.seen.get(job.id) || [];
  if (seen.some((entry) => entry.seq === job.seq)) return;
  seen.push({ at: at || new Date().toISOString(), state: job.state, event, seq: job.seq });
  seen.sort((a, b) => a.seq - b.seq);
  app.seen.set(job.id, seen);
}

// ---- batched rendering ----------------------------------------------------------------------------------------

function scheduleFrame(delay) {
  if (app.framePending) return;
  app.framePending = true;
  const go = () => requestAnimationFrame(flushFrame);
  if (delay > 0) setTimeout(go, delay); else go();
}

function flushFrame() {
  app.framePending = false;
  const now = performance.now();
  let wait = Infinity;
  let changedShape = false;
  for (const id of Array.from(app.dirty)) {
    const last = app.lastRender.get(id);
    if (last !== undefined && now - last < MIN_RENDER_MS) {
      wait = Math.min(wait, MIN_RENDER_MS - (now - last));
      continue;
    }
    app.dirty.delete(id);
    app.lastRender.set(id, now);
    const job = app.jobs.get(id);
    if (!job) continue;
    if (updateRow(job)) changedShape = true;
    if (id === app.detailId && !$('view-detail').hidden) renderDetail(false);
  }
  if (changedShape) syncTable();
  if (wait !== Infinity) scheduleFrame(Math.ceil(wait));
}

// ---- jobs table -----------------------------------------------------------------------------------------------

const COLUMNS = [['kind', 'Kind'], ['sel', 'Selection'], ['by', 'Started by'], ['state', 'State'],
                 ['progress', 'Progress'], ['counts', 'OK / failed'], ['rate', 'Rate'], ['eta', 'ETA'],
                 ['started', 'Started'], ['finished', 'Finished'], ['actions', 'Actions']];

function matchesFilter(job) {
  const state = $('filter-state').value;
  const kind = $('filter-kind').value;
  if (state === '@active' && TERMINAL.has(job.state)) return false;
  if (state === '@finished' && !TERMINAL.has(job.state)) return false;
  if (state && state[0] !== '@' && job.state !== state) return false;
  if (kind && job.kind !== kind) return false;
  return true;
}

function createdTime(job) {
  const t = Date.parse(job.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

function sortedJobs() {
  return Array.from(app.jobs.values()).sort((a, b) => (createdTime(b) - createdTime(a)) || (a.id < b.id ? 1 : -1));
}

function rowFor(job) {
  let row = app.rows.get(job.id);
  if (row) return row;
  const tr = el('tr', { dataset: { jobId: job.id } });
  const cells = {};
  for (const [key, label] of COLUMNS) {
    const inner = el('div', { class: 'cell' });
    tr.append(el('td', { class: 'c-' + key, dataset: { label } }, inner));
    cells[key] = inner;
  }
  const kindButton = el('button', { type: 'button', class: 'kind-link',
                                    onclick: () => { location.hash = '#/jobs/' + encodeURIComponent(job.id); } });
  cells.kind.append(kindButton, el('div', { class: 'muted small', text: shortId(job.id), title: job.id }));
  const progress = progressBar();
  cells.progress.append(progress.bar, progress.text);
  const actions = el('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' });
  cells.actions.append(actions);
  row = { tr, cells, kindButton, progress, actions, visible: null };
  app.rows.set(job.id, row);
  return row;
}

function progressBar() {
  const fill = el('span');
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0' }, fill);
  const text = el('div', { class: 'progress-text num' });
  return { bar, fill, text };
}

function updateProgress(progress, job) {
  const p = job.progress;
  const pct = percentOf(job);
  progress.fill.style.width = pct.toFixed(2) + '%';
  progress.bar.dataset.state = job.state;
  progress.bar.dataset.processed = String(p.processed);
  progress.bar.dataset.total = String(p.total);
  progress.bar.setAttribute('aria-valuemax', String(Math.max(p.total, 1)));
  progress.bar.setAttribute('aria-valuenow', String(p.processed));
  progress.bar.setAttribute('aria-valuetext', fmt(p.processed) + ' of ' + fmt(p.total) + ' items (' + fmt1(pct) + '%)');
  progress.bar.setAttribute('aria-label', 'Progress of ' + job.kind + ' ' + shortId(job.id));
  progress.text.textContent = fmt(p.processed) + ' / ' + fmt(p.total) + ' · ' + fmt1(pct) + '%';
}

function badge(state) {
  return el('span', { class: 'badge', dataset: { state }, text: STATE_LABEL[state] || state });
}

function setBadge(container, state) {
  const current = container.firstElementChild;
  if (current && current.dataset.state === state) return;
  container.replaceChildren(badge(state));
}

function updateRow(job) {
  const isNew = !app.rows.has(job.id);
  const row = rowFor(job);
  const c = row.cells;
  row.tr.dataset.state = job.state;
  row.kindButton.textContent = job.kind;
  row.kindButton.setAttribute('aria-label', 'Details of ' + job.kind + ' job ' + job.id);
  const summary = selectionText(job);
  if (c.sel.dataset.text !== summary) {
    c.sel.dataset.text = summary;
    c.sel.replaceChildren(el('span', { text: summary }),
                          el('span', { class: 'muted small block', text: fmt(job.progress.total) + ' items' }));
  }
  c.sel.classList.add('sel');
  c.by.textContent = job.createdBy || '—';
  setBadge(c.state, job.state);
  updateProgress(row.progress, job);
  const p = job.progress;
  const counts = [el('span', { class: 'num', text: fmt(p.succeeded) + ' ok' }), ' · ',
                  el('span', { class: p.failed > 0 ? 'num failed-count' : 'num', text: fmt(p.failed) + ' failed' })];
  if (p.skipped) counts.push(el('span', { class: 'num muted', text: ' · ' + fmt(p.skipped) + ' skipped' }));
  c.counts.replaceChildren(...counts);
  c.rate.textContent = fmtRate(job);
  c.rate.classList.add('num');
  c.eta.textContent = fmtEta(p.etaSeconds, job);
  c.eta.classList.add('num');
  if (!job.startedAt && job.scheduledFor && !TERMINAL.has(job.state)) {
    if (c.started.dataset.iso !== 'at' + job.scheduledFor) {
      c.started.dataset.iso = 'at' + job.scheduledFor;
      c.started.replaceChildren(el('span', { class: 'muted' }, 'at ', timeNode(job.scheduledFor)));
    }
  } else {
    setTime(c.started, job.startedAt);
  }
  setTime(c.finished, job.finishedAt);
  renderActions(row.actions, job, false);
  if (app.highlight === job.id) {
    row.tr.classList.add('fresh');
    app.highlight = null;
    // why: an animation restarts whenever the row is re-laid out (filters, phone layout); play it once only
    setTimeout(() => row.tr.classList.remove('fresh'), 2500);
  }
  const visible = matchesFilter(job);
  const changed = isNew || visible !== row.visible;
  row.visible = visible;
  return changed;
}

function syncTable() {
  const body = $('jobs-body');
  const jobs = sortedJobs();
  const shown = [];
  for (const job of jobs) {
    const row = app.rows.get(job.id);
    if (!row) { updateRow(job); }
    const r = app.rows.get(job.id);
    r.visible = matchesFilter(job);
    if (r.visible) shown.push(r.tr);
  }
  let cursor = body.firstElementChild;
  for (const tr of shown) {
    if (tr === cursor) { cursor = cursor.nextElementSibling; continue; }
    body.insertBefore(tr, cursor);
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
  $('jobs-empty').hidden = shown.length > 0;
  $('jobs-table').hidden = shown.length === 0;
  $('jobs-count').textContent = jobs.length === 0 ? 'No jobs yet.'
    : 'Showing ' + fmt(shown.length) + ' of ' + fmt(jobs.length) + ' jobs, newest first.';
}

function ensureKindOption(kind) {
  const select = $('filter-kind');
  if (Array.from(select.options).some((o) => o.value === kind)) return;
  select.append(el('option', { value: kind, text: kind }));
}

// ---- actions --------------------------------------------------------------------------------------------------

function hasArtifact(job) {
  if (job.artifact || job.hasArtifact || job.artifactName) return true;
  const kind = app.kindByName.get(job.kind);
  const produces = kind && (kind.producesArtifact || kind.artifact || kind.producesFile);
  return Boolean(produces) && (job.state === 'succeeded' || job.state === 'completedWithErrors');
}

function allowedActions(job) {
  const list = [];
  const s = job.state;
  if (s === 'running') list.push('pause');
  if (s === 'paused') list.push('resume');
  if (s === 'awaitingApproval' && app.role !== 'staff') list.push('approve', 'reject');
  if (CANCELLABLE.has(s)) list.push('cancel');
  if (TERMINAL.has(s) && job.progress.failed > 0) list.push('retry');
  if (job.progress.failed > 0) list.push('report');
  if (hasArtifact(job)) list.push('artifact');
  return list;
}

const ACTION_LABEL = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel…', approve: 'Approve', reject: 'Reject…',
                       retry: 'Retry failed', report: 'Failures (CSV)', artifact: 'Download artifact' };
const ACTION_ARIA = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', approve: 'Approve', reject: 'Reject',
                      retry: 'Retry the failed items of', report: 'Download the failure report (CSV) of',
                      artifact: 'Download the artifact of' };
const ACTION_CLASS = { cancel: 'danger-outline', reject: 'danger-outline', approve: 'primary' };

function renderActions(container, job, detail) {
  const actions = allowedActions(job).filter((a) => !(detail && a === 'report'));
  const key = actions.join(',');
  if (container.dataset.key === key) return;
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  container.dataset.key = key;
  container.replaceChildren(...actions.map((action) => el('button', {
    type: 'button', class: ACTION_CLASS[action] || '', dataset: { action },
    'aria-label': ACTION_ARIA[action] + ' ' + job.kind + ' job ' + job.id,
    text: ACTION_LABEL[action],
    onclick: (event) => runAction(job.id, action, event.currentTarget)
  })));
  if (!actions.length) {
    container.append(el('span', { class: 'muted small', text: detail ? 'No actions in this state.' : '—' }));
  }
  if (focused) {
    const again = container.querySelector('[data-action="' + focused + '"]');
    if (again) again.focus();
  }
}

async function runAction(id, action, button) {
  const job = app.jobs.get(id);
  if (!job) return;
  clearError();
  const label = job.kind + ' ' + shortId(id);
  try {
    if (button) button.disabled = true;
    switch (action) {
      case 'pause': case 'resume': case 'approve': {
        const updated = await api('POST', '/v1/jobs/' + encodeURIComponent(id) + '/' + action);
        if (updated && updated.id) upsert(updated, null, null);
        announce({ pause: 'Pause requested for ', resume: 'Resumed ', approve: 'Approved ' }[action] + label + '.');
        break;
      }
      case 'cancel': {
        const left = Math.max(0, job.progress.total - job.progress.processed);
        const ok = await confirmDialog({
          title: 'Cancel this job?',
          text: 'Cancel ' + job.kind + ' (' + shortId(id) + ') started by ' + (job.createdBy || 'someone') + '? ' +
                fmt(left) + ' of ' + fmt(job.progress.total) + ' items are left and will not be processed. ' +
                'Items already processed stay as they are.',
          confirm: 'Cancel job (' + fmt(left) + ' left)', keep: 'Keep the job'
        });
        if (!ok) break;
        const updated = await api('POST', '/v1/jobs/' + encodeURIComponent(id) + '/cancel');
        if (updated && updated.id) upsert(updated, null, null);
        announce('Cancel requested for ' + label + '.');
        break;
      }
      case 'reject': {
        const ok = await confirmDialog({
          title: 'Reject this job?',
          text: 'Reject ' + job.kind + ' (' + shortId(id) + ') started by ' + (job.createdBy || 'someone') + '? ' +
                'None of its ' + fmt(job.progress.total) + ' items will be processed.',
          confirm: 'Reject job', keep: 'Back'
        });
        if (!ok) break;
        const updated = await api('POST', '/v1/jobs/' + encodeURIComponent(id) + '/reject');
        if (updated && updated.id) upsert(updated, null, null);
        announce('Rejected ' + label + '.');
        break;
      }
      case 'retry': await retryFailed(job); break;
      case 'report':
        await download('/v1/jobs/' + encodeURIComponent(id) + '/items?status=failed&format=csv', id + '-failed.csv');
        break;
      case 'artifact':
        await download('/v1/jobs/' + encodeURIComponent(id) + '/artifact', id + '-artifact');
        break;
      default: break;
    }
  } catch (error) {
    if ((action === 'approve' || action === 'reject') && error.status === 403) {
      // why: the API has no "who am I"; once the server says this token may not approve, stop offering it
      app.role = 'staff';
      for (const other of app.jobs.values()) if (other.state === 'awaitingApproval') app.dirty.add(other.id);
      scheduleFrame(0);
    }
    showError(error, (ACTION_LABEL[action] || action).replace('…', '') + ' failed');
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

async function retryFailed(job) {
  const path = '/v1/jobs/' + encodeURIComponent(job.id) + '/retry-failed';
  let created;
  try {
    created = await api('POST', path, {});
  } catch (error) {
    if (error.code !== 'confirmation_required') throw error;
    const phrase = error.details.phrase;
    const typed = await phraseDialog({
      title: 'Retry failed items?',
      text: 'This creates a new ' + job.kind + ' job over ' + fmt(error.details.count) + ' failed items. ' +
            error.message,
      phrase
    });
    if (typed === null) return;
    created = await api('POST', path, { confirm: typed });
  }
  if (created && created.id) {
    app.highlight = created.id;
    upsert(created, 'created', null);
    announce('Created a retry job over ' + fmt(created.progress.total) + ' failed items.');
  }
}

function filenameFrom(disposition) {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) { try { return decodeURIComponent(star[1]); } catch (ignored) { /* fall through */ } }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

async function download(path, fallbackName) {
  const response = await api('GET', path, undefined, { raw: true });
  const blob = await response.blob();
  const name = filenameFrom(response.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  announce('Downloaded ' + name + '.');
}

function confirmDialog(options) {
  const dialog = $('cancel-dialog');
  $('cancel-title').textContent = options.title;
  $('cancel-text').textContent = options.text;
  $('cancel-confirm').textContent = options.confirm;
  $('cancel-keep').textContent = options.keep;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
    $('cancel-keep').focus();
  });
}

function phraseDialog(options) {
  const dialog = $('phrase-dialog');
  $('phrase-title').textContent = options.title;
  $('phrase-text').textContent = options.text;
  $('phrase-phrase').textContent = options.phrase;
  const input = $('phrase-input');
  input.value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm' && input.value.trim() === options.phrase ? input.value.trim() : null);
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
}

// ---- job detail -----------------------------------------------------------------------------------------------

const detailProgress = (() => {
  const parts = progressBar();
  return parts;
})();

async function fetchJob(id) {
  try {
    const job = await api('GET', '/v1/jobs/' + encodeURIComponent(id));
    upsert(job, null, null);
  } catch (error) {
    if (error.status === 404) {
      $('detail-missing').hidden = false;
      $('detail-missing').firstElementChild.textContent = 'There is no job ' + id + '.';
    } else {
      showError(error, 'Could not load the job');
    }
  }
}

function fact(list, term, value) {
  if (value === null || value === undefined || value === '') return;
  list.append(el('dt', { text: term }), el('dd', {}, typeof value === 'string' ? value : value));
}

function renderDetail(full) {
  const id = app.detailId;
  const job = app.jobs.get(id);
  if (!job) {
    $('detail-title').textContent = 'Job ' + id;
    $('detail-state').hidden = true;
    $('detail-missing').hidden = false;
    $('detail-body').hidden = true;
    if (full) fetchJob(id);
    return;
  }
  $('detail-missing').hidden = true;
  $('detail-body').hidden = false;
  $('detail-title').textContent = job.kind + ' · ' + shortId(job.id);
  const state = $('detail-state');
  state.hidden = false;
  state.dataset.state = job.state;
  state.textContent = STATE_LABEL[job.state] || job.state;

  const block = $('detail-progress');
  if (!block.firstElementChild) {
    block.append(detailProgress.bar, detailProgress.text, el('dl', { class: 'stats', id: 'detail-stats' }));
  }
  updateProgress(detailProgress, job);
  const p = job.progress;
  const stats = [['Processed', fmt(p.processed) + ' of ' + fmt(p.total)], ['Succeeded', fmt(p.succeeded)],
                 ['Failed', fmt(p.failed)], ['Skipped', fmt(p.skipped)], ['Rate', fmtRate(job)],
                 ['ETA', fmtEta(p.etaSeconds, job)], ['Last event', fmtTime(app.lastEventAt.get(job.id))]];
  $('detail-stats').replaceChildren(...stats.map(([term, value]) =>
    el('div', { dataset: { stat: term.toLowerCase().replace(' ', '-') } },
       el('dt', { text: term }), el('dd', { text: value }))));
  renderActions($('detail-actions'), job, true);

  if (full || $('detail-params').dataset.jobId !== job.id || $('detail-params').dataset.state !== job.state) {
    renderParams(job);
  }
  renderTimeline(job);
  if (full || app.auditState.get(job.id) !== job.state) {
    app.auditState.set(job.id, job.state);
    loadAudit(job.id);
  }
  const report = $('detail-report');
  report.disabled = p.failed === 0;
  report.setAttribute('aria-label', 'Download failure report (CSV) of job ' + job.id);
  const loaded = app.failed.get(job.id);
  if (full || !loaded || (loaded.count !== p.failed && Date.now() - loaded.loadedAt > 2000)) {
    loadFailed(job.id, p.failed);
  } else {
    renderFailed(job.id);
  }
}

function renderParams(job) {
  const list = $('detail-params');
  list.dataset.jobId = job.id;
  list.dataset.state = job.state;
  list.replaceChildren();
  fact(list, 'Job id', el('code', { text: job.id }));
  fact(list, 'Kind', job.kind);
  fact(list, 'Started by', job.createdBy);
  fact(list, 'Selection', el('span', {}, selectionSummary(job), el('br'),
                             el('code', { text: JSON.stringify(job.selection) })));
  const params = job.params && typeof job.params === 'object' ? Object.entries(job.params) : [];
  fact(list, 'Parameters', params.length ? el('span', {}, ...params.flatMap(([k, v], i) =>
    [i ? el('br') : null, el('code', { text: k + ' = ' + valueText(v) })])) : 'none');
  fact(list, 'Chunk size', fmt(job.chunkSize));
  fact(list, 'Max items/s', job.maxItemsPerSecond ? fmt1(job.maxItemsPerSecond) : 'unthrottled');
  if (job.scheduledFor) fact(list, 'Scheduled for', timeNode(job.scheduledFor));
  fact(list, 'Created', timeNode(job.createdAt));
  fact(list, 'Started', timeNode(job.startedAt));
  fact(list, 'Finished', timeNode(job.finishedAt));
  if (job.retryOf) {
    fact(list, 'Retry of', el('a', { href: '#/jobs/' + encodeURIComponent(job.retryOf), text: job.retryOf }));
  }
  if (job.error) fact(list, 'Error', job.error);
}

async function loadAudit(id) {
  const entries = [];
  let cursor = null;
  try {
    for (let page = 0; page < 5; page++) {
      let path = '/v1/audit?jobId=' + encodeURIComponent(id) + '&limit=1000';
      if (cursor) path += '&cursor=' + encodeURIComponent(cursor);
      const answer = await api('GET', path);
      // why: item-level entries (one per changed record) are not state changes; operator actions are entries on
      // the "jobs" entity (older servers wrote them without an itemId)
      for (const entry of answer.items || []) if (!entry.itemId || entry.entity === 'jobs') entries.push(entry);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
  } catch (error) {
    if (error.status === 401) return;
  }
  app.audit.set(id, entries);
  const job = app.jobs.get(id);
  if (job && app.detailId === id) renderTimeline(job);
}

function auditValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') {
    if ('state' in value) return value.state === null ? '—' : String(value.state);
    const keys = Object.keys(value);
    return keys.length === 1 ? String(value[keys[0]]) : JSON.stringify(value);
  }
  return String(value);
}

function renderTimeline(job) {
  const audit = app.audit.get(job.id) || [];
  const items = [];
  items.push({ at: job.createdAt, text: 'Created by ' + (job.createdBy || 'unknown') });
  if (job.scheduledFor) items.push({ at: job.scheduledFor, text: 'Scheduled start' });
  if (job.startedAt) items.push({ at: job.startedAt, text: 'Started running' });
  for (const entry of audit) {
    let text = (entry.actor ? entry.actor + ': ' : '') + entry.action;
    if (entry.before || entry.after) text += ' (' + auditValue(entry.before) + ' → ' + auditValue(entry.after) + ')';
    items.push({ at: entry.at, text });
  }
  // why: the audit holds what operators asked for; the states the engine reached (paused at a chunk boundary,
  // finished) come from the live events this page saw
  {
    let startSkipped = false;
    for (const seen of app.seen.get(job.id) || []) {
      if (seen.event === 'created' || seen.event === 'finished') continue;
      // why: the first running and the terminal state are already there as "Started running" and "Finished"
      if (TERMINAL.has(seen.state) && job.finishedAt) continue;
      if (seen.state === 'running' && !startSkipped && job.startedAt
          && Math.abs(Date.parse(seen.at) - Date.parse(job.startedAt)) < 2000) { startSkipped = true; continue; }
      const verb = seen.event === 'finished' ? 'Finished: ' : 'State: ';
      items.push({ at: seen.at, text: verb + (STATE_LABEL[seen.state] || seen.state) });
    }
  }
  if (job.finishedAt) items.push({ at: job.finishedAt, text: 'Finished: ' + (STATE_LABEL[job.state] || job.state) });
  const unique = new Map();
  for (const item of items) if (item.at) unique.set(item.at + '|' + item.text, item);
  const sorted = Array.from(unique.values()).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  $('timeline-source').textContent = audit.length
    ? 'From the audit log, the job’s own times and the live events this page has seen.'
    : 'From the job’s times and the live events this page has seen (the audit log has no operator entries for it).';
  const key = sorted.map((i) => i.at + i.text).join('\n');
  const list = $('detail-timeline');
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...sorted.map((item) => el('li', {}, timeNode(item.at), item.text)));
}

async function loadFailed(id, count) {
  app.failed.set(id, { count, loadedAt: Date.now(), items: (app.failed.get(id) || {}).items || [], total: count });
  if (count === 0) { renderFailed(id); return; }
  try {
    const path = '/v1/jobs/' + encodeURIComponent(id) + '/items?status=failed&limit=' + FAILED_ITEMS_SHOWN;
    const answer = await api('GET', path);
    app.failed.set(id, { count, loadedAt: Date.now(), items: answer.items || [], total: answer.total });
  } catch (error) {
    if (error.status !== 401) showError(error, 'Could not load the failed items');
  }
  if (app.detailId === id) renderFailed(id);
}

function renderFailed(id) {
  const data = app.failed.get(id) || { items: [], total: 0 };
  const body = $('failed-body');
  const key = id + ':' + data.total + ':' + data.items.length;
  if (body.dataset.key === key) return;
  body.dataset.key = key;
  $('failed-table').hidden = data.items.length === 0;
  $('failed-summary').textContent = data.total === 0 ? 'No item has failed.'
    : (data.items.length < data.total
      ? 'Showing the first ' + fmt(data.items.length) + ' of ' + fmt(data.total) + ' failed items.'
      : fmt(data.total) + ' failed item' + (data.total === 1 ? '' : 's') + '.');
  body.replaceChildren(...data.items.map((item) =>
    el('tr', { dataset: { itemId: item.itemId } }, el('td', {}, el('code', { text: item.itemId })),
       el('td', { text: item.reason || '' }))));
}
"""#
}
