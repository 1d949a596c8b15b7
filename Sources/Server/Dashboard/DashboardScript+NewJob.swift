extension DashboardScript {
    /// The new-job form (kinds, parameters from each kind's `paramsSchema`, selection builder, preview and
    /// confirmation), sign-in, hash routing and start-up.
    static let newJob = #"""
// ---- new job form ---------------------------------------------------------------------------------------------

const newJob = { body: null, phrase: null, count: null, kindsKey: null };

function currentKind() { return app.kindByName.get($('new-kind').value) || null; }

async function loadKinds(quiet) {
  const answer = await api('GET', '/v1/kinds', undefined, { quiet401: quiet });
  app.kinds = (answer && answer.kinds) || [];
  app.kindByName = new Map(app.kinds.map((k) => [k.kind, k]));
  for (const kind of app.kinds) ensureKindOption(kind.kind);
  return app.kinds;
}

function prepareNewForm() {
  const select = $('new-kind');
  const key = app.kinds.map((k) => k.kind + ':' + JSON.stringify(k.paramsSchema)).join('|');
  if (newJob.kindsKey !== key) {
    const previous = select.value;
    newJob.kindsKey = key;
    select.replaceChildren(...app.kinds.map((k) => el('option', { value: k.kind, text: k.kind })));
    if (app.kinds.some((k) => k.kind === previous)) select.value = previous;
    onKindChange();
  }
  if (!app.kinds.length) {
    $('new-kind-help').textContent = 'The server offers no job kinds to this token.';
  }
}

function onKindChange() {
  const kind = currentKind();
  hidePreview();
  clearFieldErrors();
  if (!kind) { $('new-params-fields').replaceChildren(); return; }
  const notes = [kind.description || ''];
  if (kind.role && kind.role !== 'staff') notes.push('Needs the ' + kind.role + ' role.');
  if (kind.approvalBelowRole) {
    notes.push('Jobs by roles below ' + kind.approvalBelowRole + ' wait for a manager’s approval.');
  }
  if (kind.confirmationPhrase) notes.push('Some changes cannot be undone and need you to type a confirmation phrase.');
  $('new-kind-help').textContent = notes.filter(Boolean).join(' ');
  $('new-entity').textContent = kind.entity;
  $('new-limit').textContent = kind.selectionLimit ? '(at most ' + fmt(kind.selectionLimit) + ' items per job)' : '';
  renderParamFields(kind.paramsSchema || {});
}

function paramId(name) { return 'param-' + name.replace(/[^A-Za-z0-9_-]/g, '_'); }

function renderParamFields(schema) {
  const box = $('new-params-fields');
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const names = Object.keys(properties);
  if (!names.length) {
    box.replaceChildren(el('p', { class: 'muted', text: 'This kind takes no parameters.' }));
    return;
  }
  box.replaceChildren(...names.map((name) => paramField(name, properties[name] || {}, required.has(name))));
}

function paramField(name, spec, required) {
  const id = paramId(name);
  const type = Array.isArray(spec.type) ? spec.type.find((t) => t !== 'null') : spec.type;
  const title = (spec.title || name) + (required ? ' (required)' : ' (optional)');
  const help = spec.description ? el('p', { class: 'muted small', id: id + '-help', text: spec.description }) : null;
  const describedBy = help ? id + '-help' : null;
  const ptype = Array.isArray(spec.enum) ? 'enum' : (type || 'string');
  const wrap = el('div', { class: 'param', dataset: { param: name, ptype } });
  if (Array.isArray(spec.enum)) {
    const select = el('select', { id, name, required: required, 'aria-describedby': describedBy });
    if (!required || spec.default === undefined) {
      select.append(el('option', { value: '', text: required ? 'Choose…' : '(not set)' }));
    }
    for (const value of spec.enum) {
      select.append(el('option', { value: JSON.stringify(value), text: valueText(value) }));
    }
    if (spec.default !== undefined) select.value = JSON.stringify(spec.default);
    appendAll(wrap, el('label', { for: id, text: title }), select, help);
  } else if (type === 'boolean') {
    const box = el('input', { type: 'checkbox', id, name, 'aria-describedby': describedBy });
    box.checked = spec.default === true;
    appendAll(wrap, el('label', { class: 'check', for: id }, box, ' ' + (spec.title || name)), help);
  } else if (type === 'integer' || type === 'number') {
    const input = el('input', { type: 'number', id, name, step: type === 'integer' ? '1' : 'any',
                                min: spec.minimum, max: spec.maximum, required: required,
                                inputmode: type === 'integer' ? 'numeric' : 'decimal',
                                'aria-describedby': describedBy });
    if (spec.default !== undefined) input.value = String(spec.default);
    appendAll(wrap, el('label', { for: id, text: title }), input, help);
  } else if (type === 'array') {
    const items = spec.items || {};
    if (Array.isArray(items.enum)) {
      const group = el('fieldset', { class: 'checks', id, 'aria-describedby': describedBy },
                       el('legend', { text: title }));
      items.enum.forEach((value, index) => {
        const box = el('input', { type: 'checkbox', id: id + '-' + index, value: JSON.stringify(value) });
        if (Array.isArray(spec.default) && spec.default.includes(value)) box.checked = true;
        group.append(el('label', { class: 'check', for: id + '-' + index }, box, ' ' + valueText(value)));
      });
      wrap.dataset.ptype = 'enum-array';
      appendAll(wrap, group, help);
    } else {
      const area = el('textarea', { id, name, rows: '3', spellcheck: 'false', required: required,
                                    'aria-describedby': (id + '-list') + (describedBy ? ' ' + describedBy : '') });
      if (Array.isArray(spec.default)) area.value = spec.default.join('\n');
      appendAll(wrap, el('label', { for: id, text: title }), area,
                  el('p', { class: 'muted small', id: id + '-list', text: 'One value per line (or comma separated).' }),
                  help);
    }
  } else if (type === 'object') {
    const area = el('textarea', { id, name, rows: '3', spellcheck: 'false', 'aria-describedby': describedBy });
    if (spec.default !== undefined) area.value = JSON.stringify(spec.default, null, 2);
    appendAll(wrap, el('label', { for: id, text: title + ' — JSON' }), area, help);
  } else {
    const long = (spec.maxLength || 0) > 200 || spec.format === 'textarea';
    const input = long ? el('textarea', { id, name, rows: '4', maxlength: spec.maxLength,
                                          'aria-describedby': describedBy })
                       : el('input', { type: spec.format === 'date-time' ? 'datetime-local' : 'text', id, name,
                                       maxlength: spec.maxLength, required: required,
                                       'aria-describedby': describedBy });
    if (spec.default !== undefined) input.value = String(spec.default);
    appendAll(wrap, el('label', { for: id, text: title }), input, help);
  }
  return wrap;
}

class FieldError extends Error {
  constructor(fieldId, message) { super(message); this.fieldId = fieldId; }
}

function splitList(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

function localToRFC3339(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readParams(kind) {
  const schema = kind.paramsSchema || {};
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const params = {};
  for (const [name, spec] of Object.entries(properties)) {
    const id = paramId(name);
    const wrap = document.querySelector('#new-params-fields [data-param="' + CSS.escape(name) + '"]');
    if (!wrap) continue;
    const ptype = wrap.dataset.ptype;
    const field = $(id);
    let value;
    if (ptype === 'enum') {
      if (field.value !== '') value = JSON.parse(field.value);
    } else if (ptype === 'boolean') {
      value = field.checked;
    } else if (ptype === 'integer' || ptype === 'number') {
      if (field.value.trim() !== '') {
        value = Number(field.value);
        if (!Number.isFinite(value) || (ptype === 'integer' && !Number.isInteger(value))) {
          const what = ptype === 'integer' ? 'a whole number' : 'a number';
          throw new FieldError(id, (spec.title || name) + ' must be ' + what + '.');
        }
      }
    } else if (ptype === 'enum-array') {
      value = Array.from(field.querySelectorAll('input:checked')).map((b) => JSON.parse(b.value));
      if (!value.length && !required.has(name)) value = undefined;
    } else if (ptype === 'array') {
      const list = field.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
      const itemType = (spec.items || {}).type;
      value = itemType === 'integer' || itemType === 'number' ? list.map(Number) : list;
      if (!list.length && !required.has(name)) value = undefined;
    } else if (ptype === 'object') {
      if (field.value.trim() !== '') {
        try { value = JSON.parse(field.value); } catch (error) {
          throw new FieldError(id, (spec.title || name) + ' must be JSON.');
        }
      }
    } else if (field.value !== '') {
      value = spec.format === 'date-time' ? localToRFC3339(field.value) : field.value;
    }
    if (value === undefined || value === '' || (Array.isArray(value) && !value.length && required.has(name))) {
      if (required.has(name)) {
        throw new FieldError(ptype === 'enum-array' ? id + '-0' : id, (spec.title || name) + ' is required.');
      }
      continue;
    }
    params[name] = value;
  }
  return params;
}

function addFilterRow(key, value) {
  const rows = $('filter-rows');
  const n = rows.children.length + 1;
  const keyId = 'filter-key-' + n + '-' + Date.now();
  const valueId = 'filter-value-' + n + '-' + Date.now();
  const row = el('div', { class: 'filter-row' },
    el('div', {}, el('label', { for: keyId, text: 'Field' }),
       el('input', { type: 'text', id: keyId, class: 'filter-key', value: key || '', spellcheck: 'false',
                     autocomplete: 'off', placeholder: 'status' })),
    el('div', {}, el('label', { for: valueId, text: 'equals' }),
       el('input', { type: 'text', id: valueId, class: 'filter-value', value: value || '', spellcheck: 'false',
                     autocomplete: 'off', placeholder: 'draft' })));
  const remove = el('button', { type: 'button', class: 'secondary', text: 'Remove',
                                'aria-label': 'Remove filter field ' + n,
                                onclick: () => { row.remove(); hidePreview(); } });
  row.append(remove);
  rows.append(row);
  return row;
}

function selectionMode() { return $('selmode-ids').checked ? 'ids' : 'filter'; }

function onSelectionMode() {
  const ids = selectionMode() === 'ids';
  $('sel-ids-part').hidden = !ids;
  $('sel-filter-part').hidden = ids;
  hidePreview();
}

function buildBody() {
  const kind = currentKind();
  if (!kind) throw new FieldError('new-kind', 'Choose a kind.');
  const body = { kind: kind.kind, selection: { entity: kind.entity }, params: readParams(kind) };
  if (selectionMode() === 'ids') {
    const ids = splitList($('sel-ids').value);
    if (!ids.length) throw new FieldError('sel-ids', 'Enter at least one id.');
    body.selection.ids = ids;
  } else {
    const filter = {};
    for (const row of document.querySelectorAll('#filter-rows .filter-row')) {
      const keyInput = row.querySelector('.filter-key');
      const key = keyInput.value.trim();
      const value = row.querySelector('.filter-value').value.trim();
      if (!key && !value) continue;
      if (!key) throw new FieldError(keyInput.id, 'Enter the field name for the value “' + value + '”.');
      if (Object.prototype.hasOwnProperty.call(filter, key)) {
        throw new FieldError(keyInput.id, 'The field ' + key + ' is used twice.');
      }
      filter[key] = value;
    }
    body.selection.filter = filter;
    const exclude = splitList($('sel-exclude').value);
    if (exclude.length) body.selection.exclude = exclude;
  }
  const chunk = $('opt-chunk').value.trim();
  if (chunk) {
    const n = Number(chunk);
    if (!Number.isInteger(n) || n < 1) {
      throw new FieldError('opt-chunk', 'Chunk size must be a whole number of at least 1.');
    }
    body.chunkSize = n;
  }
  const rate = $('opt-rate').value.trim();
  if (rate) {
    const n = Number(rate);
    if (!Number.isFinite(n) || n <= 0) {
      throw new FieldError('opt-rate', 'Max items per second must be a number above 0.');
    }
    body.maxItemsPerSecond = n;
  }
  const scheduled = $('opt-scheduled').value;
  if (scheduled) {
    const at = localToRFC3339(scheduled);
    if (!at) throw new FieldError('opt-scheduled', 'Enter a valid date and time.');
    body.scheduledFor = at;
  }
  if ($('opt-conflict').value === 'queue') body.onConflict = 'queue';
  return body;
}

function clearFieldErrors() {
  for (const node of document.querySelectorAll('#view-new .field-error.generated')) node.remove();
  for (const node of document.querySelectorAll('#view-new [aria-invalid="true"]')) {
    node.removeAttribute('aria-invalid');
    const described = (node.getAttribute('aria-describedby') || '').split(' ').filter((d) => !d.endsWith('-error'));
    if (described.length) node.setAttribute('aria-describedby', described.join(' '));
    else node.removeAttribute('aria-describedby');
  }
}

function showFieldError(error) {
  const field = $(error.fieldId);
  if (!field) { showError(error, 'Check the form'); return; }
  const message = el('p', { class: 'field-error generated', id: error.fieldId + '-error', text: error.message });
  field.setAttribute('aria-invalid', 'true');
  field.setAttribute('aria-describedby', ((field.getAttribute('aria-describedby') || '') + ' ' + message.id).trim());
  field.insertAdjacentElement('afterend', message);
  field.focus();
  announce(error.message);
}

function hidePreview() {
  newJob.body = null;
  newJob.phrase = null;
  $('preview').hidden = true;
  $('confirm-box').hidden = true;
  $('confirm-input').value = '';
}

function renderPreview(answer, body) {
  const kind = currentKind();
  const entity = (kind && kind.entity) || 'items';
  $('preview-total').textContent = fmt(answer.total) + ' ' + entity + ' selected';
  $('preview-total').dataset.total = String(answer.total);
  $('preview-warnings').replaceChildren(...(answer.warnings || []).map((w) => el('li', { text: w })));
  const estimate = answer.estimate || {};
  const parts = Object.entries(estimate).map(([key, value]) =>
    key === 'seconds' ? 'about ' + fmtEta(value) + ' unthrottled' : key + ': ' + valueText(value));
  if (body.maxItemsPerSecond) {
    const rate = body.maxItemsPerSecond;
    parts.push('about ' + fmtEta(answer.total / rate) + ' at ' + fmt1(rate) + ' items/s');
  }
  $('preview-estimate').textContent = parts.length ? 'Estimate: ' + parts.join('; ') + '.' : '';
  const describe = (object) => object && typeof object === 'object'
    ? Object.entries(object).map(([k, v]) => k + ': ' + valueText(v)).join(', ') : valueText(object);
  const sample = answer.sample || [];
  const sampleRows = sample.map((change) => el('tr', { dataset: { itemId: change.itemId } },
    el('td', {}, el('code', { text: change.itemId })), el('td', { text: describe(change.before) }),
    el('td', { text: describe(change.after) })));
  if (!sampleRows.length) {
    sampleRows.push(el('tr', {}, el('td', { colspan: '3', class: 'muted', text: 'No item would change.' })));
  }
  $('preview-sample').replaceChildren(...sampleRows);
  const conflicts = answer.conflicts || [];
  $('preview-conflicts-title').textContent =
    conflicts.length ? 'Conflicts (' + fmt(conflicts.length) + ')' : 'Conflicts: none';
  const shown = conflicts.slice(0, 100).map((c) => el('li', { dataset: { itemId: c.itemId } },
    el('code', { text: c.itemId }), ': ' + c.reason + (c.jobId ? ' (job ' + c.jobId + ')' : '') +
    (c.suggestion ? ' — ' + c.suggestion : '')));
  if (conflicts.length > 100) shown.push(el('li', { text: '… and ' + fmt(conflicts.length - 100) + ' more' }));
  $('preview-conflicts').replaceChildren(...shown);
  $('confirm-box').hidden = true;
  $('preview').hidden = false;
  $('preview').focus();
  announce('Preview: ' + fmt(answer.total) + ' ' + entity + ' selected, ' + fmt(conflicts.length) + ' conflicts.');
}

async function onPreview(event) {
  event.preventDefault();
  clearError();
  clearFieldErrors();
  let body;
  try { body = buildBody(); } catch (error) {
    if (error instanceof FieldError) { showFieldError(error); return; }
    throw error;
  }
  const button = $('preview-button');
  button.disabled = true;
  try {
    const answer = await api('POST', '/v1/jobs/preview', body);
    renderPreview(answer, body);
    newJob.body = body;
  } catch (error) {
    showError(error, 'Preview failed');
  } finally {
    button.disabled = false;
  }
}

function showConfirmation(phrase, count, message) {
  newJob.phrase = phrase;
  newJob.count = count;
  const kind = currentKind();
  $('confirm-text').textContent = (message ? message + ' ' : '') + 'This job changes ' + fmt(count) + ' ' +
    ((kind && kind.entity) || 'items') + ' and cannot be undone.';
  $('confirm-phrase').textContent = phrase;
  $('confirm-box').hidden = false;
  $('confirm-box').dataset.count = String(count);
  $('confirm-input').value = '';
  $('confirm-input').focus();
  $('create-button').textContent = 'Confirm and create job';
  announce('Confirmation needed: type ' + phrase + ' to create the job over ' + fmt(count) + ' items.');
}

async function onCreate() {
  if (!newJob.body) return;
  clearError();
  clearFieldErrors();
  const body = Object.assign({}, newJob.body);
  if (!$('confirm-box').hidden && newJob.phrase) {
    const typed = $('confirm-input').value.trim();
    if (typed !== newJob.phrase) {
      showFieldError(new FieldError('confirm-input', 'Type ' + newJob.phrase + ' exactly to confirm.'));
      return;
    }
    body.confirm = typed;
  }
  const button = $('create-button');
  button.disabled = true;
  try {
    const job = await api('POST', '/v1/jobs', body);
    app.highlight = job.id;
    upsert(job, 'created', null);
    announce('Created ' + job.kind + ' job over ' + fmt(job.progress.total) + ' items; it is ' +
             (STATE_LABEL[job.state] || job.state) + '.');
    hidePreview();
    $('create-button').textContent = 'Create job';
    location.hash = '#/jobs';
  } catch (error) {
    if (error.code === 'confirmation_required' && error.details.phrase) {
      showConfirmation(error.details.phrase, error.details.count, null);
    } else {
      showError(error, 'Could not create the job');
    }
  } finally {
    button.disabled = false;
  }
}

// ---- sign in, routing, start ----------------------------------------------------------------------------------

function showView(name) {
  for (const view of ['login', 'jobs', 'detail', 'new']) $('view-' + view).hidden = view !== name;
  $('top-nav').hidden = name === 'login';
  $('sign-out').hidden = name === 'login';
  $('nav-jobs').toggleAttribute('aria-current', name === 'jobs');
  if (name === 'jobs') $('nav-jobs').setAttribute('aria-current', 'page');
  $('nav-new').toggleAttribute('aria-current', name === 'new');
  if (name === 'new') $('nav-new').setAttribute('aria-current', 'page');
}

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'new') return { name: 'new' };
  if (parts[0] === 'jobs' && parts[1]) return { name: 'detail', id: decodeURIComponent(parts[1]) };
  return { name: 'jobs' };
}

function onRoute(moveFocus) {
  if (!app.token) {
    showView('login');
    document.title = 'Sign in · BulkOps';
    $('token-input').focus();
    return;
  }
  const route = parseRoute();
  let heading;
  if (route.name === 'detail') {
    app.detailId = route.id;
    $('detail-params').dataset.jobId = '';
    $('detail-timeline').dataset.key = '';
    $('failed-body').dataset.key = '';
    showView('detail');
    renderDetail(true);
    document.title = 'Job ' + shortId(route.id) + ' · BulkOps';
    heading = $('detail-title');
  } else if (route.name === 'new') {
    app.detailId = null;
    showView('new');
    prepareNewForm();
    document.title = 'New job · BulkOps';
    heading = $('new-title');
  } else {
    app.detailId = null;
    showView('jobs');
    syncTable();
    document.title = 'Jobs · BulkOps';
    heading = $('jobs-title');
  }
  if (moveFocus && heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

function signOut(message) {
  app.token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  const socket = app.ws;
  app.ws = null;
  if (socket) socket.close(1000, 'signed out');
  clearTimeout(app.retryTimer);
  app.retryTimer = null;
  app.everLive = false;
  app.retry = 0;
  app.jobs.clear();
  app.rows.clear();
  app.olderCursor = null;
  $('load-older').hidden = false;
  app.seen.clear();
  app.dirty.clear();
  $('jobs-body').replaceChildren();
  setConn('offline');
  const error = $('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  onRoute(false);
}

async function loadOlderJobs() {
  const button = $('load-older');
  button.disabled = true;
  try {
    let path = '/v1/jobs?limit=50';
    if (app.olderCursor) path += '&cursor=' + encodeURIComponent(app.olderCursor);
    const answer = await api('GET', path);
    for (const job of answer.items || []) upsert(job, null, null);
    app.olderCursor = answer.nextCursor;
    button.hidden = !answer.nextCursor;
    announce('Loaded ' + fmt((answer.items || []).length) + ' more jobs.');
  } catch (error) {
    showError(error, 'Could not load older jobs');
  } finally {
    button.disabled = false;
  }
}

async function probeRole() {
  try {
    const me = await api('GET', '/v1/me', undefined, { quiet401: true });
    app.role = me.role || null;
  } catch (error) {
    app.role = null;
  }
}

async function start() {
  $('login-error').hidden = true;
  onRoute(false);
  connect();
  probeRole();
  try {
    await loadKinds(false);
    if (!$('view-new').hidden) prepareNewForm();
  } catch (error) {
    if (error.status !== 401) showError(error, 'Could not load the job kinds');
  }
}

function init() {
  const stateSelect = $('filter-state');
  for (const [state, label] of Object.entries(STATE_LABEL)) {
    stateSelect.append(el('option', { value: state, text: label }));
  }
  stateSelect.addEventListener('change', syncTable);
  $('filter-kind').addEventListener('change', syncTable);
  $('banner-close').addEventListener('click', clearError);
  $('load-older').addEventListener('click', loadOlderJobs);
  $('phrase-back').addEventListener('click', () => $('phrase-dialog').close('cancel'));
  $('cancel-keep').addEventListener('click', () => $('cancel-dialog').close('keep'));
  $('sign-out').addEventListener('click', () => signOut(null));
  $('new-kind').addEventListener('change', onKindChange);
  $('selmode-filter').addEventListener('change', onSelectionMode);
  $('selmode-ids').addEventListener('change', onSelectionMode);
  $('add-filter').addEventListener('click', () => {
    addFilterRow('', '').querySelector('input').focus();
    hidePreview();
  });
  $('new-form').addEventListener('submit', onPreview);
  $('new-form').addEventListener('input', () => { if (!$('preview').hidden) hidePreview(); });
  $('create-button').addEventListener('click', onCreate);
  $('edit-button').addEventListener('click', () => { hidePreview(); $('new-kind').focus(); });
  $('confirm-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); onCreate(); }
  });
  $('detail-report').addEventListener('click', (event) => {
    if (app.detailId) runAction(app.detailId, 'report', event.currentTarget);
  });
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    const error = $('login-error');
    if (!token) { error.textContent = 'Enter a token.'; error.hidden = false; return; }
    const button = $('login-submit');
    button.disabled = true;
    app.token = token;
    try {
      await loadKinds(true);
    } catch (failure) {
      app.token = '';
      error.textContent = failure.status === 401 ? 'That token was not accepted.' : describeError(failure);
      error.hidden = false;
      button.disabled = false;
      return;
    }
    button.disabled = false;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token-input').value = '';
    start();
  });
  addFilterRow('', '');
  window.addEventListener('hashchange', () => onRoute(true));
  window.addEventListener('online', () => { if (app.token && !app.ws) connect(); });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !$('banner').hidden && !document.querySelector('dialog[open]')) clearError();
  });
  if (app.token) start(); else onRoute(false);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
"""#
}
