/// The dashboard's HTML shell: landmarks, the token form, the jobs view, the job detail view, the new-job form and
/// the dialogs. `DashboardScript` fills it from `/v1`.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BulkOps</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1 class="brand"><span aria-hidden="true">▦</span> BulkOps</h1>
  <nav class="top-nav" aria-label="Main" id="top-nav" hidden>
    <a href="#/jobs" id="nav-jobs">Jobs</a>
    <a href="#/new" id="nav-new" class="button primary">New job</a>
  </nav>
  <div class="conn" id="conn" role="status" aria-live="polite" data-conn="offline">
    <span class="dot" aria-hidden="true"></span><span id="conn-text">Not connected</span>
  </div>
  <button type="button" id="sign-out" class="link" hidden>Sign out</button>
</header>

<div class="notices">
<div id="banner" class="banner" role="alert" hidden>
  <p><strong id="banner-title">Error</strong> <span id="banner-text"></span></p>
  <button type="button" id="banner-close" class="link" aria-label="Dismiss error">Dismiss</button>
</div>
<p id="stale-note" class="stale" hidden></p>
</div>
<div id="announce" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>

<main id="main" tabindex="-1">
  <section id="view-login" class="view card narrow" aria-labelledby="login-title" hidden>
    <h2 id="login-title">Sign in</h2>
    <p>Enter an API token. It is kept in this browser tab only (session storage).</p>
    <form id="login-form" novalidate>
      <label for="token-input">Access token</label>
      <input id="token-input" name="token" type="password" autocomplete="off" spellcheck="false" required>
      <p id="login-error" class="field-error" role="alert" hidden></p>
      <button type="submit" class="primary" id="login-submit">Connect</button>
    </form>
  </section>

  <section id="view-jobs" class="view" aria-labelledby="jobs-title" hidden>
    <div class="view-head">
      <h2 id="jobs-title">Jobs</h2>
      <div class="filters" role="group" aria-label="Filter jobs">
        <label for="filter-state">State</label>
        <select id="filter-state">
          <option value="">All states</option>
          <option value="@active">Active</option>
          <option value="@finished">Finished</option>
        </select>
        <label for="filter-kind">Kind</label>
        <select id="filter-kind"><option value="">All kinds</option></select>
      </div>
    </div>
    <p id="jobs-count" class="muted" aria-live="polite"></p>
    <div class="table-wrap">
      <table id="jobs-table" class="jobs">
        <caption class="visually-hidden">Jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th><th scope="col">Selection</th><th scope="col">Started by</th>
            <th scope="col">State</th><th scope="col" class="col-progress">Progress</th>
            <th scope="col">OK / failed</th><th scope="col">Rate</th><th scope="col">ETA</th>
            <th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody id="jobs-body"></tbody>
      </table>
    </div>
    <p id="jobs-empty" class="empty" hidden>No jobs match. <a href="#/new">Start a new job</a>.</p>
    <p class="more"><button type="button" id="load-older" class="secondary">Load older jobs</button></p>
  </section>

  <section id="view-detail" class="view" aria-labelledby="detail-title" hidden>
    <p><a href="#/jobs" id="detail-back">← All jobs</a></p>
    <div class="view-head">
      <h2 id="detail-title">Job</h2>
      <span id="detail-state" class="badge"></span>
    </div>
    <div id="detail-missing" class="card" hidden><p>This job is not known (yet). It may still be loading.</p></div>
    <div id="detail-body">
      <div class="card">
        <div id="detail-progress" class="progress-block"></div>
        <div id="detail-actions" class="actions" role="group" aria-label="Job actions"></div>
      </div>
      <div class="detail-grid">
        <div class="card">
          <h3>Parameters</h3>
          <dl id="detail-params" class="facts"></dl>
        </div>
        <div class="card">
          <h3>Timeline</h3>
          <p id="timeline-source" class="muted small"></p>
          <ol id="detail-timeline" class="timeline"></ol>
        </div>
      </div>
      <div class="card">
        <div class="view-head">
          <h3 id="failed-title">Failed items</h3>
          <button type="button" id="detail-report" class="secondary">Download failure report (CSV)</button>
        </div>
        <p id="failed-summary" class="muted"></p>
        <div class="table-wrap">
          <table class="items" id="failed-table" aria-labelledby="failed-title">
            <thead><tr><th scope="col">Item</th><th scope="col">Reason</th></tr></thead>
            <tbody id="failed-body"></tbody>
          </table>
        </div>
      </div>
    </div>
  </section>

  <section id="view-new" class="view" aria-labelledby="new-title" hidden>
    <h2 id="new-title">New job</h2>
    <form id="new-form" novalidate>
      <div class="card">
        <label for="new-kind">Kind</label>
        <select id="new-kind" required></select>
        <p id="new-kind-help" class="muted"></p>
        <fieldset id="new-params">
          <legend>Parameters</legend>
          <div id="new-params-fields"></div>
        </fieldset>
      </div>

      <fieldset class="card" id="new-selection">
        <legend>Selection</legend>
        <p>Entity: <strong id="new-entity">—</strong> <span class="muted" id="new-limit"></span></p>
        <div class="radio-row" role="radiogroup" aria-label="Select items by">
          <label><input type="radio" name="selmode" value="filter" id="selmode-filter" checked>
            Every item matching a filter</label>
          <label><input type="radio" name="selmode" value="ids" id="selmode-ids"> These ids</label>
        </div>
        <div id="sel-filter-part">
          <p class="muted small">Field equals value, e.g. status = draft. No rows selects every item.</p>
          <div id="filter-rows"></div>
          <button type="button" id="add-filter" class="secondary">Add filter field</button>
          <label for="sel-exclude">Exclude ids <span class="muted">(comma or newline separated)</span></label>
          <textarea id="sel-exclude" rows="2" spellcheck="false"></textarea>
        </div>
        <div id="sel-ids-part" hidden>
          <label for="sel-ids">Ids <span class="muted">(comma or newline separated)</span></label>
          <textarea id="sel-ids" rows="3" spellcheck="false"></textarea>
        </div>
      </fieldset>

      <fieldset class="card" id="new-options">
        <legend>Options</legend>
        <div class="option-grid">
          <div><label for="opt-chunk">Chunk size</label>
            <input id="opt-chunk" type="number" min="1" step="1" inputmode="numeric"></div>
          <div><label for="opt-rate">Max items per second</label>
            <input id="opt-rate" type="number" min="0" step="any" inputmode="decimal"></div>
          <div><label for="opt-scheduled">Scheduled for <span class="muted">(local time)</span></label>
            <input id="opt-scheduled" type="datetime-local"></div>
          <div><label for="opt-conflict">If items are busy</label>
            <select id="opt-conflict">
              <option value="reject">Reject the job</option><option value="queue">Queue until free</option>
            </select></div>
        </div>
      </fieldset>

      <div class="form-actions">
        <button type="submit" class="primary" id="preview-button">Preview</button>
        <a href="#/jobs" class="button secondary">Cancel</a>
      </div>
    </form>

    <section id="preview" class="card preview" aria-labelledby="preview-title" hidden tabindex="-1">
      <h3 id="preview-title">Preview</h3>
      <p id="preview-total" class="big"></p>
      <ul id="preview-warnings" class="warnings"></ul>
      <p id="preview-estimate" class="muted"></p>
      <h4>First changes</h4>
      <div class="table-wrap">
        <table class="items">
          <thead><tr><th scope="col">Item</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
          <tbody id="preview-sample"></tbody></table>
      </div>
      <h4 id="preview-conflicts-title">Conflicts</h4>
      <ul id="preview-conflicts" class="conflicts"></ul>
      <div id="confirm-box" class="confirm-box" hidden>
        <p id="confirm-text"></p>
        <label for="confirm-input">Type <strong id="confirm-phrase"></strong> to confirm</label>
        <input id="confirm-input" type="text" autocomplete="off" spellcheck="false">
      </div>
      <div class="form-actions">
        <button type="button" class="primary" id="create-button">Create job</button>
        <button type="button" class="secondary" id="edit-button">Change the job</button>
      </div>
    </section>
  </section>
</main>

<dialog id="cancel-dialog" aria-labelledby="cancel-title" aria-describedby="cancel-text">
  <form method="dialog">
    <h2 id="cancel-title">Cancel job?</h2>
    <p id="cancel-text"></p>
    <div class="form-actions">
      <button type="button" class="secondary" id="cancel-keep">Keep it running</button>
      <button value="confirm" class="danger" id="cancel-confirm">Cancel job</button>
    </div>
  </form>
</dialog>

<dialog id="phrase-dialog" aria-labelledby="phrase-title">
  <form method="dialog" id="phrase-form">
    <h2 id="phrase-title">Confirm</h2>
    <p id="phrase-text"></p>
    <label for="phrase-input">Type <strong id="phrase-phrase"></strong> to confirm</label>
    <input id="phrase-input" type="text" autocomplete="off" spellcheck="false">
    <div class="form-actions">
      <button value="confirm" class="primary" id="phrase-confirm">Confirm</button>
      <button type="button" class="secondary" id="phrase-back">Back</button>
    </div>
  </form>
</dialog>
<noscript><p class="banner">The BulkOps dashboard needs JavaScript.</p></noscript>
</body>
</html>
"""#
}
