/// The dashboard's stylesheet: system fonts, visible focus, colour-blind-safe state badges with text, and a card
/// layout for the jobs table below 760 px.
enum DashboardStyle {
    static let css = #"""
:root {
  --bg: #f5f6f8; --fg: #1b1f24; --muted: #57606a; --card: #fff; --line: #d0d7de; --accent: #0b57d0;
  --accent-fg: #fff; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --idle: #6e7781;
  --focus: #ff9f1c; --radius: 8px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 15px;
  color: var(--fg); background: var(--bg); line-height: 1.4;
}
* { box-sizing: border-box; }
body { margin: 0; }
[hidden] { display: none !important; }
a { color: var(--accent); }
h1, h2, h3, h4 { margin: 0 0 .5rem; line-height: 1.2; }
h2 { font-size: 1.35rem; } h3 { font-size: 1.1rem; } h4 { font-size: 1rem; margin-top: 1rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.muted { color: var(--muted); } .small { font-size: .85rem; }

.top { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; padding: .6rem 1.25rem;
  background: #14213d; color: #fff; }
.brand { font-size: 1.2rem; margin: 0; margin-right: auto; }
.top a { color: #fff; }
.top-nav { display: flex; gap: .75rem; align-items: center; }
.top .link { color: #fff; }
.conn { display: inline-flex; align-items: center; gap: .4rem; font-size: .9rem; padding: .2rem .6rem;
  border-radius: 999px; background: rgba(255,255,255,.12); }
.conn .dot { width: .6rem; height: .6rem; border-radius: 50%; background: var(--idle); }
.conn[data-conn="live"] .dot { background: #3fb950; }
.conn[data-conn="connecting"] .dot, .conn[data-conn="reconnecting"] .dot { background: #f0b72f;
  animation: pulse 1s ease-in-out infinite alternate; }
.conn[data-conn="reconnecting"] { background: #9a6700; font-weight: 600; }
@keyframes pulse { from { opacity: .35; } to { opacity: 1; } }
@media (prefers-reduced-motion: reduce) {
  .conn .dot { animation: none !important; }
  .bar > span { transition: none !important; }
}

.notices { position: sticky; top: 0; z-index: 5; }
.notices > * { box-shadow: 0 2px 8px rgba(0,0,0,.12); }
.banner { display: flex; align-items: flex-start; gap: 1rem; justify-content: space-between; margin: .75rem 1.25rem 0;
  padding: .75rem 1rem; border-radius: var(--radius); background: #ffebe9; border: 1px solid var(--bad);
  color: #82071e; }
.banner p { margin: 0; }
.banner .link { color: #82071e; }

main { padding: 1rem 1.25rem 3rem; max-width: 1500px; margin: 0 auto; }
main:focus { outline: none; }
.view-head { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; justify-content: space-between;
  margin-bottom: .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem;
  margin: 0 0 1rem; }
.narrow { max-width: 30rem; margin: 2rem auto; }
fieldset.card { min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin: .6rem 0 .25rem; }
.radio-row label, label.check { display: flex; align-items: center; gap: .4rem; font-weight: 400; }
.radio-row { display: flex; gap: 1.25rem; flex-wrap: wrap; }
input, select, textarea, button, .button { font: inherit; }
input[type="text"], input[type="password"], input[type="number"], input[type="datetime-local"], select, textarea {
  width: 100%; max-width: 32rem; padding: .45rem .55rem; border: 1px solid #8c959f; border-radius: 6px;
  background: #fff; color: var(--fg); }
textarea { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
button, .button { display: inline-flex; align-items: center; justify-content: center; gap: .3rem; min-height: 2.25rem;
  padding: .35rem .8rem; border-radius: 6px; border: 1px solid #8c959f; background: #f6f8fa; color: var(--fg);
  cursor: pointer; text-decoration: none; white-space: nowrap; }
button:hover, .button:hover { background: #eaeef2; }
button:disabled { opacity: .55; cursor: not-allowed; }
.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
.primary:hover { background: #0842a0; }
.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
.danger:hover { background: #a40e26; }
.danger-outline { background: #fff; border-color: var(--bad); color: var(--bad); }
.danger-outline:hover { background: #ffebe9; }
.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: .2rem;
  min-height: 0; }
.link:hover { background: none; }
.actions { display: flex; gap: .4rem; flex-wrap: wrap; }
.actions button { min-height: 2rem; padding: .2rem .6rem; font-size: .9rem; }
.form-actions { display: flex; gap: .6rem; flex-wrap: wrap; margin-top: 1rem; }
.field-error { color: var(--bad); margin: .3rem 0; }
.filters { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
.filters label { margin: 0; }
.filters select { width: auto; }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: .5rem .45rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); background: #f6f8fa; }
table.jobs { border: 1px solid var(--line); border-radius: var(--radius); }
table.jobs td { font-size: .9rem; }
tr.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: #fff8c5; } to { background: transparent; } }
.kind-link { font-weight: 600; background: none; border: none; padding: 0; color: var(--accent);
  text-decoration: underline; min-height: 0; white-space: normal; text-align: left; }
.kind-link:hover { background: none; }
.col-progress { min-width: 8.5rem; }
table.jobs .badge { white-space: normal; border-radius: .7rem; text-align: center; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.sel { min-width: 9rem; max-width: 15rem; overflow-wrap: break-word; }
.block { display: block; }
.c-started .cell, .c-finished .cell, .c-rate .cell, .c-eta .cell { white-space: nowrap; }
.stale { margin: .75rem 1.25rem 0; padding: .6rem 1rem; border-radius: var(--radius); background: #fff8c5;
  border: 1px solid #d4a72c; color: #4d2d00; font-weight: 600; }
body[data-conn="reconnecting"] #jobs-body, body[data-conn="reconnecting"] #detail-body { opacity: .6; }

.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.badge[data-state="running"] { color: var(--info); background: #ddf4ff; }
.badge[data-state="queued"], .badge[data-state="scheduled"] { color: #57606a; background: #f6f8fa; }
.badge[data-state="awaitingApproval"] { color: #8250df; background: #fbefff; }
.badge[data-state="pausing"], .badge[data-state="paused"], .badge[data-state="cancelling"] {
  color: var(--warn); background: #fff8c5; }
.badge[data-state="succeeded"] { color: var(--ok); background: #dafbe1; }
.badge[data-state="completedWithErrors"] { color: #bc4c00; background: #fff1e5; }
.badge[data-state="failed"], .badge[data-state="rejected"] { color: var(--bad); background: #ffebe9; }
.badge[data-state="cancelled"] { color: #57606a; background: #eaeef2; }

.bar { position: relative; height: .7rem; border-radius: 999px; background: #eaeef2; overflow: hidden;
  border: 1px solid #d0d7de; }
.bar > span { position: absolute; inset: 0 auto 0 0; width: 0; background: var(--info); transition: width .15s linear; }
.bar[data-state="succeeded"] > span { background: var(--ok); }
.bar[data-state="completedWithErrors"] > span { background: #bc4c00; }
.bar[data-state="failed"] > span, .bar[data-state="cancelled"] > span, .bar[data-state="rejected"] > span {
  background: var(--idle); }
.bar[data-state="paused"] > span, .bar[data-state="pausing"] > span { background: var(--warn); }
.progress-text { font-size: .8rem; color: var(--muted); margin-top: .15rem; }
.progress-block .bar { height: 1rem; }
.progress-block .stats { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: .6rem 0; }
.progress-block .stats div { display: flex; flex-direction: column; }
.progress-block .stats dt { font-size: .8rem; color: var(--muted); }
.progress-block .stats dd { margin: 0; font-weight: 600; }
.failed-count { color: var(--bad); font-weight: 600; }

.detail-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.facts code, .timeline code { font-size: .85rem; }
.timeline { list-style: none; margin: 0; padding: 0; border-left: 2px solid var(--line); }
.timeline li { position: relative; padding: .2rem 0 .6rem 1rem; overflow-wrap: anywhere; }
#detail-body, #detail-body code, #detail-body td { overflow-wrap: anywhere; }
.timeline li::before { content: ""; position: absolute; left: -.4rem; top: .45rem; width: .6rem; height: .6rem;
  border-radius: 50%; background: var(--accent); }
.timeline time { display: block; font-size: .8rem; color: var(--muted); }
.more { margin-top: 1rem; text-align: center; }
.empty { padding: 2rem; text-align: center; color: var(--muted); background: var(--card);
  border: 1px dashed var(--line);
  border-radius: var(--radius); }

.option-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 0 1rem; }
.filter-row { max-width: 44rem; display: flex; gap: .4rem; align-items: flex-end; flex-wrap: wrap;
  margin-bottom: .3rem; }
.filter-row > div { flex: 1 1 9rem; }
.filter-row label { margin-top: .2rem; }
.preview .big { font-size: 1.3rem; font-weight: 600; }
.warnings { padding-left: 1.2rem; color: var(--warn); }
.conflicts { padding-left: 1.2rem; color: var(--bad); max-height: 14rem; overflow: auto; }
.confirm-box { margin-top: 1rem; padding: .75rem 1rem; border: 2px solid var(--bad); border-radius: var(--radius);
  background: #fff5f5; }
.confirm-box p { margin-top: 0; font-weight: 600; }

dialog { border: 1px solid var(--line); border-radius: var(--radius); padding: 1.25rem; max-width: min(32rem, 92vw);
  box-shadow: 0 10px 40px rgba(0,0,0,.25); }
dialog::backdrop { background: rgba(20,33,61,.45); }

@media (max-width: 760px) {
  html { font-size: 15px; }
  .top { padding: .5rem .75rem; gap: .5rem; }
  main { padding: .75rem .6rem 2rem; }
  .banner { margin: .5rem .6rem 0; }
  .detail-grid { grid-template-columns: 1fr; }
  table.jobs, table.jobs tbody, table.jobs tr, table.jobs td { display: block; width: 100%; }
  table.jobs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.jobs { border: none; background: none; }
  table.jobs tr { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
    margin-bottom: .75rem; padding: .4rem .6rem; }
  .sel { min-width: 0; max-width: none; }
  .stale { margin: .5rem .6rem 0; }
  table.jobs td { border: none; padding: .2rem 0; display: grid; grid-template-columns: 6.5rem 1fr; gap: .5rem;
    align-items: center; }
  table.jobs td::before { content: attr(data-label); font-size: .75rem; text-transform: uppercase;
    color: var(--muted); letter-spacing: .03em; }
  table.jobs td.c-kind { grid-template-columns: 1fr; font-size: 1rem; }
  table.jobs td.c-kind::before { display: none; }
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: .35rem; }
}
"""#
}
