#!/usr/bin/env python3
"""Browser test of the BulkOps dashboard (GET /), driven by Selenium in headless Chromium.

Starts the real `bulkops serve --demo` on 127.0.0.1 (a free port, a temporary data directory), signs in with the
admin token, creates jobs through the page's form (preview, confirmation phrase), watches a throttled job's bar
move, pauses, resumes, cancels another job through the confirmation dialog, downloads a failure report and checks
its rows, opens the detail view, takes screenshots at 1280x800 and 390x844, then restarts the server (SIGTERM,
same port and data directory) and checks that the page says "Reconnecting" and then shows the recovered jobs.

Every wait is bounded; the whole run is bounded by TEST_DEADLINE_SECONDS. The last line printed is
"N passed, N failed"; the exit status is non-zero when anything failed.

Environment: BULKOPS_BINARY (the server binary), BROWSER_TEST_SCREENSHOTS (a folder), CHROMIUM, CHROMEDRIVER.
"""

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for a driver on the network

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("BULKOPS_BINARY", os.path.join(ROOT, ".build/debug/bulkops"))
SCREENSHOTS = os.environ.get("BROWSER_TEST_SCREENSHOTS", os.path.join(ROOT, ".build/browser-screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
TEST_DEADLINE_SECONDS = int(os.environ.get("BROWSER_TEST_DEADLINE", "420"))
WAIT = 15  # seconds: the longest any single UI wait may take

RATE_A = 20  # items per second of the throttled job; with ~250 items it runs for ~12 s
CHUNK_A = 10


def log(message):
    print(message, flush=True)


# ---- the server -----------------------------------------------------------------------------------------------

class Server:
    """`bulkops serve --demo` on 127.0.0.1; first on port 0 (the kernel picks a free one), later on the same port."""

    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir
        self.port = 0
        self.process = None
        self.output_path = data_dir + ".log"
        self.token = None

    def start(self, timeout=60):
        output = open(self.output_path, "a")
        output.write("\n=== start on port %d ===\n" % self.port)
        output.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--demo", "--host", "127.0.0.1", "--port", str(self.port), "--data", self.data_dir],
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        output.close()
        deadline = time.time() + timeout
        pattern = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
        start_offset = 0
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited with %s:\n%s" % (self.process.returncode, self.log_tail()))
            with open(self.output_path) as handle:
                text = handle.read()
            marker = text.rfind("=== start on port")
            match = None
            for found in pattern.finditer(text, max(start_offset, marker)):
                match = found
            if match:
                self.port = int(match.group(1))
                with open(os.path.join(self.data_dir, "admin.token")) as handle:
                    self.token = handle.read().strip()
                return
            time.sleep(0.1)
        raise RuntimeError("the server did not listen within %d s:\n%s" % (timeout, self.log_tail()))

    def stop(self, timeout=30):
        """SIGTERM, then wait for a graceful exit (SIGKILL only after `timeout`)."""
        if not self.process or self.process.poll() is not None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise RuntimeError("the server did not stop within %d s of SIGTERM" % timeout)

    def log_tail(self, lines=30):
        try:
            with open(self.output_path) as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def api(self, method, path, body=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Authorization": "Bearer " + self.token,
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


# ---- the checks -----------------------------------------------------------------------------------------------

class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.started = time.time()

    def run(self, name, function):
        if time.time() - self.started > TEST_DEADLINE_SECONDS:
            self.failed += 1
            log("FAIL %s: skipped, the test ran out of time" % name)
            return False
        began = time.time()
        try:
            function()
        except Exception as error:  # noqa: BLE001 - every failure is reported and counted
            self.failed += 1
            detail = str(error) if isinstance(error, (Failed, TimeoutException)) else traceback.format_exc()
            log("FAIL %s (%.1f s): %s" % (name, time.time() - began, detail.strip() or type(error).__name__))
            return False
        self.passed += 1
        log("ok   %s (%.1f s)" % (name, time.time() - began))
        return True


class Dashboard:
    """The page, as a person uses it: through labelled controls, asserting on what the DOM shows."""

    def __init__(self, driver, server, downloads):
        self.driver = driver
        self.server = server
        self.downloads = downloads
        self.screenshot_confirmation = None

    def wait(self, condition, message, timeout=WAIT, poll=0.1):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=poll).until(lambda d: condition())
        except TimeoutException:
            raise Failed("timed out after %d s waiting for %s" % (timeout, message))

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def visible(self, element_id):
        elements = self.driver.find_elements(By.ID, element_id)
        return bool(elements) and elements[0].is_displayed()

    def conn(self):
        return self.js("const c = document.getElementById('conn'); return [c.dataset.conn, c.textContent.trim()];")

    def rows(self):
        """Every job row in the table, top to bottom: id, state, kind, selection, processed, total, width, failed."""
        return self.js("""
          return Array.from(document.querySelectorAll('#jobs-body tr')).map((tr) => {
            const bar = tr.querySelector('.bar');
            return { id: tr.dataset.jobId, state: tr.dataset.state,
                     kind: tr.querySelector('.kind-link').textContent,
                     selection: tr.querySelector('.c-sel').textContent,
                     counts: tr.querySelector('.c-counts').textContent,
                     processed: Number(bar.dataset.processed), total: Number(bar.dataset.total),
                     width: parseFloat(bar.firstElementChild.style.width),
                     actions: Array.from(tr.querySelectorAll('.c-actions button')).map((b) => b.dataset.action) };
          });""")

    def row(self, job_id):
        for row in self.rows():
            if row["id"] == job_id:
                return row
        return None

    def wait_row(self, job_id, predicate, message, timeout=WAIT):
        def check():
            row = self.row(job_id)
            return row if row and predicate(row) else None
        return self.wait(check, message, timeout)

    def click_action(self, job_id, action):
        button = self.driver.find_element(
            By.CSS_SELECTOR, '#jobs-body tr[data-job-id="%s"] button[data-action="%s"]' % (job_id, action))
        self.js("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()

    def go(self, route):
        self.js("location.hash = arguments[0];", route)

    def create_job(self, to, filters=None, ids=None, chunk=None, rate=None, phrase=None, expect_total=None,
                   keep_options=False):
        """Fills the new-job form, previews, creates (typing the phrase if asked) and returns (job id, preview)."""
        self.go("#/new")
        self.wait(lambda: self.visible("view-new") and len(Select(self.by_id("new-kind")).options) > 0,
                  "the new-job form with kinds")
        Select(self.by_id("new-kind")).select_by_value("records.setStatus")
        Select(self.by_id("param-to")).select_by_visible_text(to)
        if ids is not None:
            self.by_id("selmode-ids").click()
            box = self.by_id("sel-ids")
            box.clear()
            box.send_keys(", ".join(ids))
        else:
            self.by_id("selmode-filter").click()
            self.js("document.getElementById('filter-rows').replaceChildren();")
            for key, value in (filters or {}).items():
                self.by_id("add-filter").click()
                row = self.driver.find_elements(By.CSS_SELECTOR, "#filter-rows .filter-row")[-1]
                row.find_element(By.CSS_SELECTOR, ".filter-key").send_keys(key)
                row.find_element(By.CSS_SELECTOR, ".filter-value").send_keys(value)
            self.by_id("sel-exclude").clear()
        if not keep_options:
            self.js("document.getElementById('opt-scheduled').value = '';")
        for field, value in (("opt-chunk", chunk), ("opt-rate", rate)):
            element = self.by_id(field)
            element.clear()
            if value is not None:
                element.send_keys(str(value))
        before = set(r["id"] for r in self.rows())
        self.by_id("preview-button").click()
        self.wait(lambda: self.visible("preview"), "the preview")
        preview = self.js("""
          return { total: Number(document.getElementById('preview-total').dataset.total),
                   totalText: document.getElementById('preview-total').textContent,
                   sample: document.querySelectorAll('#preview-sample tr[data-item-id]').length,
                   conflicts: Array.from(document.querySelectorAll('#preview-conflicts li[data-item-id]'))
                                   .map((li) => [li.dataset.itemId, li.textContent]),
                   warnings: document.getElementById('preview-warnings').textContent };""")
        if expect_total is not None:
            expect(preview["total"] == expect_total,
                   "preview total %s, expected %s" % (preview["total"], expect_total))
        self.by_id("create-button").click()
        confirmation = None
        if phrase:
            self.wait(lambda: self.visible("confirm-box"), "the confirmation phrase box")
            confirmation = self.js("""
              return { phrase: document.getElementById('confirm-phrase').textContent,
                       count: Number(document.getElementById('confirm-box').dataset.count),
                       text: document.getElementById('confirm-text').textContent,
                       focused: document.activeElement && document.activeElement.id };""")
            expect(confirmation["phrase"] == phrase, "confirmation phrase %r" % confirmation["phrase"])
            expect(confirmation["focused"] == "confirm-input", "focus moves to the phrase input")
            if self.screenshot_confirmation:
                self.screenshot(self.screenshot_confirmation, 1280, 800)
                self.screenshot_confirmation = None
            self.by_id("confirm-input").send_keys(phrase)
            self.by_id("create-button").click()
        self.wait(lambda: self.visible("view-jobs"), "the jobs view after creating")
        new_row = self.wait(lambda: next((r for r in self.rows() if r["id"] not in before), None),
                            "the new job's row")
        expect(self.rows()[0]["id"] == new_row["id"], "the new job is the first row (newest first)")
        preview["confirmation"] = confirmation
        return new_row["id"], preview

    def screenshot(self, name, width, height):
        self.driver.set_window_size(width, height)
        # why: set_window_size sizes the window, not the viewport; make the viewport exactly width x height
        inner = self.js("return [window.innerWidth, window.innerHeight];")
        self.driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))
        time.sleep(0.4)
        path = os.path.join(SCREENSHOTS, name)
        self.driver.save_screenshot(path)
        return path


def free_download_files(directory):
    return [name for name in os.listdir(directory) if not name.endswith(".crdownload")]


def make_driver(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,800", "--lang=en-US", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(15)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def main():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    for name in os.listdir(SCREENSHOTS):
        if name.endswith(".png"):
            os.remove(os.path.join(SCREENSHOTS, name))
    work = tempfile.mkdtemp(prefix="bulkops-browser-")
    data_dir = os.path.join(work, "data")
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)
    suite = Suite()
    state = {}
    server = Server(BINARY, data_dir)
    driver = None
    def give_up():
        # why: a hung browser or driver call must not hang CI; leave nothing running behind
        log("FAIL the whole test did not finish within %d s" % (TEST_DEADLINE_SECONDS + 60))
        for process in (server.process, getattr(getattr(state.get("driver"), "service", None), "process", None)):
            try:
                if process and process.poll() is None:
                    process.kill()
            except Exception:  # noqa: BLE001
                pass
        log("%d passed, %d failed" % (suite.passed, suite.failed + 1))
        os._exit(1)

    watchdog = threading.Timer(TEST_DEADLINE_SECONDS + 60, give_up)
    watchdog.daemon = True
    watchdog.start()
    try:
        if not suite.run("server starts with --demo on 127.0.0.1", lambda: server.start()):
            raise Failed("no server")
        log("     server on %s, data %s" % (server.base, data_dir))
        if not suite.run("headless Chromium starts", lambda: state.update(driver=make_driver(downloads))):
            raise Failed("no browser")
        driver = state["driver"]
        page = Dashboard(driver, server, downloads)

        def records_total(query):
            status, answer = server.api("GET", "/v1/records?limit=1000&" + query)
            expect(status == 200, "GET /v1/records?%s answered %s" % (query, status))
            return answer

        def static_assets():
            for path, kind in (("/", "text/html"), ("/dashboard.js", "text/javascript"), ("/dashboard.css", "text/css")):
                with urllib.request.urlopen(server.base + path, timeout=10) as response:
                    expect(response.status == 200, "%s answered %s" % (path, response.status))
                    expect(response.headers["Content-Type"].startswith(kind), "%s type %s" % (path, response.headers["Content-Type"]))
                    expect("default-src 'self'" in response.headers.get("Content-Security-Policy", ""), "%s has a CSP" % path)
            status, _ = server.api("GET", "/v1/jobs")
            expect(status == 200, "the API still answers")
        suite.run("GET /, /dashboard.js and /dashboard.css are served without a token", static_assets)

        def sign_in():
            driver.get(server.base + "/")
            page.wait(lambda: page.visible("view-login"), "the sign-in form")
            label = page.js("return document.querySelector('label[for=token-input]').textContent;")
            expect("token" in label.lower(), "the token field is labelled")
            expect(page.js("return document.activeElement.id") == "token-input", "focus starts in the token field")
            page.by_id("token-input").send_keys("not-a-token" + Keys.ENTER)
            page.wait(lambda: page.visible("login-error"), "the rejected-token message")
            expect("not accepted" in page.by_id("login-error").text, "a wrong token is refused on the form")
            page.screenshot("sign-in-390x844.png", 390, 844)
            page.screenshot("sign-in-1280x800.png", 1280, 800)
            field = page.by_id("token-input")
            field.clear()
            field.send_keys(server.token + Keys.ENTER)
            page.wait(lambda: page.visible("view-jobs"), "the jobs view")
            page.wait(lambda: page.conn()[0] == "live", "the stream to be live")
            expect(page.conn()[1].startswith("Live"), "the status says Live: %r" % page.conn()[1])
            stored = page.js("return sessionStorage.getItem('bulkops.token');")
            expect(stored == server.token, "the token is kept in sessionStorage")
            driver.refresh()
            page.wait(lambda: page.visible("view-jobs") and page.conn()[0] == "live",
                      "the page to come back signed in after a reload (token from sessionStorage)")
        suite.run("sign in with a token (kept in sessionStorage), stream goes live", sign_in)

        def form_from_kinds():
            page.go("#/new")
            page.wait(lambda: page.visible("view-new") and len(Select(page.by_id("new-kind")).options) > 0,
                      "kinds in the form")
            status, kinds = server.api("GET", "/v1/kinds")
            expected = [k["kind"] for k in kinds["kinds"]]
            shown = [o.get_attribute("value") for o in Select(page.by_id("new-kind")).options]
            expect(shown == expected, "the kind choices %s are GET /v1/kinds %s" % (shown, expected))
            Select(page.by_id("new-kind")).select_by_value("records.setStatus")
            page.wait(lambda: page.visible("param-to"), "records.setStatus parameters")
            status_kind = next(k for k in kinds["kinds"] if k["kind"] == "records.setStatus")
            schema = status_kind["paramsSchema"]["properties"]["to"]["enum"]
            options = [o.text for o in Select(page.by_id("param-to")).options if o.get_attribute("value")]
            expect(options == schema, "the 'to' select offers the schema's enum %s, got %s" % (schema, options))
            expect(page.by_id("new-entity").text == "records", "the entity comes from the kind")
            unlabelled = page.js("""
              return Array.from(document.querySelectorAll('#view-new input, #view-new select, #view-new textarea'))
                .filter((e) => e.offsetParent !== null)
                .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                               && !e.getAttribute('aria-labelledby'))
                .map((e) => e.id || e.name);""")
            expect(not unlabelled, "every visible form control has a label, unlabelled: %s" % unlabelled)
            # keyboard: Tab from the kind select reaches the parameter select; focus is visible
            page.by_id("new-kind").click()
            page.by_id("new-kind").send_keys(Keys.ESCAPE)
            page.by_id("new-kind").send_keys(Keys.TAB)
            focused = page.js("return document.activeElement.id;")
            expect(focused == "param-to", "Tab moves from the kind to its parameter, got %r" % focused)
            outline = page.js("return getComputedStyle(document.activeElement).outlineStyle;")
            expect(outline not in ("none", ""), "the focused control shows an outline (%r)" % outline)
            page.screenshot("new-job-390x844.png", 390, 844)
            page.screenshot("new-job-1280x800.png", 1280, 800)
        suite.run("the new-job form is driven by GET /v1/kinds and is labelled", form_from_kinds)

        def api_error_banner():
            page.go("#/new")
            page.wait(lambda: page.visible("view-new"), "the form")
            Select(page.by_id("new-kind")).select_by_value("records.setStatus")
            page.wait(lambda: page.visible("param-to"), "records.setStatus parameters")
            Select(page.by_id("param-to")).select_by_visible_text("archived")
            page.by_id("selmode-filter").click()
            page.js("document.getElementById('filter-rows').replaceChildren();")
            page.by_id("add-filter").click()
            row = driver.find_elements(By.CSS_SELECTOR, "#filter-rows .filter-row")[-1]
            row.find_element(By.CSS_SELECTOR, ".filter-key").send_keys("colour")
            row.find_element(By.CSS_SELECTOR, ".filter-value").send_keys("red")
            page.by_id("preview-button").click()
            page.wait(lambda: page.visible("banner"), "the error banner")
            text = page.by_id("banner").text
            expect("unknown filter field" in text and "colour" in text, "the banner shows error.message: %r" % text)
            expect(page.by_id("banner").get_attribute("role") == "alert", "the banner is an alert")
            top = page.js("const r = document.getElementById('banner').getBoundingClientRect(); "
                          "return [r.top, r.bottom, window.innerHeight, window.scrollY];")
            expect(top[3] > 0 and 0 <= top[0] and top[1] <= top[2], "the banner is in view though the page is "
                   "scrolled to the Preview button: %s" % top)
            expect(not page.visible("preview"), "no preview after an error")
            page.screenshot("error-banner-1280x800.png", 1280, 800)
            page.by_id("banner-close").click()
            expect(not page.visible("banner"), "the banner can be dismissed")
        suite.run("an API error shows error.message in a banner", api_error_banner)

        drafts_a = records_total("status=draft&vetId=vet_chen")["total"]

        def create_throttled():
            page.screenshot_confirmation = "new-job-confirm-1280x800.png"
            job_id, preview = page.create_job("finalized", filters={"status": "draft", "vetId": "vet_chen"},
                                              chunk=CHUNK_A, rate=RATE_A, phrase="FINALIZE", expect_total=drafts_a)
            expect(preview["sample"] > 0, "the preview lists the first changes")
            expect("Finalize" in preview["warnings"], "the preview shows the kind's warnings")
            expect(preview["confirmation"]["count"] == drafts_a,
                   "the confirmation names the count %s" % preview["confirmation"]["count"])
            expect(str(drafts_a) in preview["confirmation"]["text"].replace(",", ""), "the count is in the text")
            row = page.row(job_id)
            expect(row["kind"] == "records.setStatus", "the row shows the kind")
            expect("vetId=vet_chen" in row["selection"] and "status=draft" in row["selection"],
                   "the row summarises the selection: %r" % row["selection"])
            expect(row["total"] == drafts_a, "the row's total is %s" % row["total"])
            status, job = server.api("GET", "/v1/jobs/" + job_id)
            expect(job["maxItemsPerSecond"] == RATE_A and job["chunkSize"] == CHUNK_A, "options reached the server")
            state["a"] = job_id
        suite.run("create a throttled finalize job through the form (preview, FINALIZE confirmation)",
                  create_throttled)

        def bar_moves():
            job_id = state["a"]
            first = page.wait_row(job_id, lambda r: r["state"] == "running" and r["processed"] > 0,
                                  "the job to run")
            later = page.wait_row(job_id, lambda r: r["processed"] >= first["processed"] + 2 * CHUNK_A,
                                  "the processed count to grow")
            expect(later["width"] > first["width"], "the bar widens (%s%% -> %s%%)" % (first["width"], later["width"]))
            cells = page.js("""const tr = document.querySelector('#jobs-body tr[data-job-id="%s"]');
                               return [tr.querySelector('.c-rate').textContent, tr.querySelector('.c-eta').textContent,
                                       tr.querySelector('.c-by').textContent, tr.querySelector('.c-started').textContent,
                                       tr.querySelector('.progress-text').textContent];""" % job_id)
            expect(cells[0].endswith("/s"), "items per second shown: %r" % cells[0])
            expect(re.search(r"\d+ (s|min)", cells[1]), "an ETA is shown: %r" % cells[1])
            expect(cells[2] == "admin", "who started it: %r" % cells[2])
            expect(cells[3] != "—", "the start time is shown")
            expect("/ %s" % drafts_a in cells[4].replace(",", ""), "processed/total shown: %r" % cells[4])
            expect(set(later["actions"]) >= {"pause", "cancel"} and "resume" not in later["actions"],
                   "a running job offers pause and cancel, not resume: %s" % later["actions"])
        suite.run("the throttled job's bar moves (processed and width grow)", bar_moves)

        def update_rate():
            # at most 10 renders a second per job: count DOM writes to the row's progress text for 2 s
            count = page.driver.execute_async_script("""
              const done = arguments[arguments.length - 1];
              const target = document.querySelector('#jobs-body tr[data-job-id="%s"] .progress-text');
              let n = 0;
              const observer = new MutationObserver(() => { n += 1; });
              observer.observe(target, { childList: true, characterData: true, subtree: true });
              setTimeout(() => { observer.disconnect(); done(n); }, 2000);""" % state["a"])
            expect(0 < count <= 22, "the row is redrawn at most ~10 times a second (%d in 2 s)" % count)
        suite.run("row updates are batched (at most ~10 per second per job)", update_rate)

        def pause():
            job_id = state["a"]
            page.click_action(job_id, "pause")
            paused = page.wait_row(job_id, lambda r: r["state"] == "paused", "the job to be paused")
            time.sleep(1.2)
            still = page.row(job_id)
            expect(still["processed"] == paused["processed"] and still["width"] == paused["width"],
                   "the bar stopped while paused (%s -> %s)" % (paused["processed"], still["processed"]))
            expect(still["processed"] < still["total"], "it paused before the end")
            expect("resume" in still["actions"] and "pause" not in still["actions"] and "cancel" in still["actions"],
                   "a paused job offers resume and cancel: %s" % still["actions"])
            badge = page.js("""return document.querySelector('#jobs-body tr[data-job-id="%s"] .badge').textContent"""
                            % job_id)
            expect(badge == "Paused", "the state badge says Paused: %r" % badge)
            state["paused_at"] = still["processed"]
        suite.run("pause: the state becomes paused and the bar stops", pause)

        def resume():
            job_id = state["a"]
            page.click_action(job_id, "resume")
            page.wait_row(job_id, lambda r: r["state"] in ("queued", "running", "succeeded")
                          and r["processed"] > state["paused_at"], "the job to run again and make progress")
        suite.run("resume: the job runs again and the bar moves", resume)

        def cancel_other():
            job_id, _ = page.create_job("archived", filters={"status": "finalized", "vetId": "vet_patel"},
                                        chunk=10, rate=10)
            expect(not page.visible("confirm-box"), "archiving needs no confirmation phrase")
            page.wait_row(job_id, lambda r: r["state"] == "running", "the second job to run")
            # first dismiss the dialog: the job keeps running
            page.click_action(job_id, "cancel")
            page.wait(lambda: page.js("return document.getElementById('cancel-dialog').open"), "the cancel dialog")
            text = page.by_id("cancel-text").text
            total = page.row(job_id)["total"]
            match = re.search(r"([\d,]+) of ([\d,]+) items are left", text)
            expect(match and int(match.group(2).replace(",", "")) == total, "the dialog names the count left: %r" % text)
            expect(0 < int(match.group(1).replace(",", "")) <= total, "a plausible count left: %r" % text)
            expect(page.js("return document.activeElement.id") == "cancel-keep", "focus starts on the safe choice")
            page.by_id("cancel-keep").click()
            page.wait(lambda: not page.js("return document.getElementById('cancel-dialog').open"), "the dialog to close")
            time.sleep(0.3)
            expect(page.row(job_id)["state"] == "running", "keeping the job leaves it running")
            page.click_action(job_id, "cancel")
            page.wait(lambda: page.js("return document.getElementById('cancel-dialog').open"), "the cancel dialog")
            expect("left" in page.by_id("cancel-confirm").text, "the confirm button names the count left")
            page.by_id("cancel-confirm").click()
            row = page.wait_row(job_id, lambda r: r["state"] == "cancelled", "the job to be cancelled")
            expect(row["processed"] < row["total"], "it stopped before the end")
            expect(row["actions"] == [] or set(row["actions"]) <= {"report", "retry"},
                   "a cancelled job offers no pause/resume/cancel: %s" % row["actions"])
            state["b"] = job_id
        suite.run("cancel another job through the confirmation dialog (names the count left)", cancel_other)

        def failure_report():
            archived = [r["id"] for r in records_total("status=archived&vetId=vet_wilson")["items"][:3]]
            drafts = [r["id"] for r in records_total("status=draft&vetId=vet_garcia")["items"][:2]]
            expect(len(archived) == 3 and len(drafts) == 2, "demo records to select")
            job_id, preview = page.create_job("finalized", ids=archived + drafts, phrase="FINALIZE", expect_total=5)
            conflict_ids = sorted(c[0] for c in preview["conflicts"])
            expect(conflict_ids == sorted(archived), "the preview lists the archived records as conflicts: %s"
                   % preview["conflicts"])
            expect(all("archived" in c[1] for c in preview["conflicts"]), "with the reason")
            row = page.wait_row(job_id, lambda r: r["state"] == "completedWithErrors", "the job to finish with errors")
            expect("3 failed" in row["counts"] and "2 ok" in row["counts"], "the counts say 2 ok, 3 failed: %r"
                   % row["counts"])
            expect("report" in row["actions"] and "retry" in row["actions"], "report and retry offered: %s"
                   % row["actions"])
            before = set(free_download_files(page.downloads))
            page.click_action(job_id, "report")
            files = page.wait(lambda: [n for n in free_download_files(page.downloads) if n not in before
                                       and n.endswith(".csv")], "the CSV download", timeout=10)
            with open(os.path.join(page.downloads, files[0]), newline="") as handle:
                rows = list(csv.DictReader(io.StringIO(handle.read())))
            expect(sorted(r["itemId"] for r in rows) == sorted(archived), "the CSV has the failed rows: %s" % rows)
            expect(all(r["status"] == "failed" and "archived" in r["reason"] for r in rows),
                   "each row says failed with the reason: %s" % rows)
            expect(job_id in files[0], "the file is named after the job: %s" % files[0])
            state["c"] = job_id
            state["c_failed"] = archived
        suite.run("download the failure report of a job with failed items (CSV rows checked)", failure_report)

        def retry_failed():
            job_id = state["c"]
            before = set(r["id"] for r in page.rows())
            page.click_action(job_id, "retry")
            page.wait(lambda: page.js("return document.getElementById('phrase-dialog').open"),
                      "the confirmation dialog of the retry (finalize needs the phrase)")
            expect(page.by_id("phrase-phrase").text == "FINALIZE", "the dialog names the phrase")
            expect("3" in page.by_id("phrase-text").text, "the dialog names the count: %r" % page.by_id("phrase-text").text)
            page.by_id("phrase-input").send_keys("FINALIZE" + Keys.ENTER)
            row = page.wait(lambda: next((r for r in page.rows() if r["id"] not in before), None), "the retry job's row")
            expect(row["total"] == 3 and "3 records by id" in row["selection"], "the retry covers the 3 failed items: %s"
                   % row["selection"])
            page.wait_row(row["id"], lambda r: r["state"] == "completedWithErrors", "the retry job to finish")
            status, job = server.api("GET", "/v1/jobs/" + row["id"])
            expect(job.get("retryOf") == job_id, "the server's job is a retry of the first: %s" % job.get("retryOf"))
        suite.run("retry failed: the phrase dialog, then a new job over exactly the failed items", retry_failed)

        def scheduled_job():
            page.go("#/new")
            page.wait(lambda: page.visible("view-new"), "the form")
            # a datetime-local field one hour ahead, set as a person's picker would (its text format depends on locale)
            page.js("""const d = new Date(Date.now() + 3600 * 1000); d.setSeconds(0, 0);
                       const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
                       const field = document.getElementById('opt-scheduled'); field.value = local;
                       field.dispatchEvent(new Event('input', { bubbles: true }));""")
            job_id, _ = page.create_job("archived", filters={"status": "finalized", "vetId": "vet_garcia"}, keep_options=True)
            page.js("document.getElementById('opt-scheduled').value = '';")
            row = page.wait_row(job_id, lambda r: r["state"] == "scheduled", "the job to be scheduled")
            expect(row["actions"] == ["cancel"], "a scheduled job offers only cancel: %s" % row["actions"])
            status, job = server.api("GET", "/v1/jobs/" + job_id)
            expect(job["scheduledFor"] and job["state"] == "scheduled", "the server has the time: %s" % job["scheduledFor"])
            page.click_action(job_id, "cancel")
            page.wait(lambda: page.js("return document.getElementById('cancel-dialog').open"), "the cancel dialog")
            page.by_id("cancel-confirm").click()
            page.wait_row(job_id, lambda r: r["state"] == "cancelled", "the scheduled job to be cancelled")
            state["scheduled"] = job_id
        suite.run("a scheduled job (scheduledFor from the form) offers only cancel", scheduled_job)

        def jobs_screenshots():
            page.go("#/jobs")
            page.wait(lambda: page.visible("view-jobs"), "the jobs view")
            desktop = page.screenshot("jobs-1280x800.png", 1280, 800)
            overflow = page.js("return document.documentElement.scrollWidth - window.innerWidth;")
            expect(overflow <= 0, "no sideways scrolling at 1280 px (%d px too wide)" % overflow)
            table = page.js("const w = document.querySelector('#view-jobs .table-wrap'); return w.scrollWidth - w.clientWidth;")
            expect(table <= 0, "the jobs table fits 1280 px without its own scroll bar (%d px too wide)" % table)
            phone = page.screenshot("jobs-390x844.png", 390, 844)
            overflow = page.js("return document.documentElement.scrollWidth - window.innerWidth;")
            expect(overflow <= 0, "no sideways scrolling at 390 px (%d px too wide)" % overflow)
            labels = page.js("""return getComputedStyle(document.querySelector('#jobs-body td.c-state'), '::before')
                                 .content;""")
            expect("State" in labels, "phone rows label their cells: %r" % labels)
            page.screenshot("jobs-1280x800.png", 1280, 800)
            log("     %s\n     %s" % (desktop, phone))
        suite.run("screenshots of the jobs table at 1280x800 and 390x844, no sideways scroll", jobs_screenshots)

        def filters():
            try:
                check_filters()
            finally:  # a failure here must not leave the table filtered for the checks after it
                page.js("""for (const id of ['filter-state', 'filter-kind']) {
                             const s = document.getElementById(id); s.value = '';
                             s.dispatchEvent(new Event('change')); }""")

        def check_filters():
            page.go("#/jobs")
            Select(page.by_id("filter-state")).select_by_value("cancelled")
            shown = [r["id"] for r in page.rows()]
            expect(sorted(shown) == sorted([state["b"], state["scheduled"]]),
                   "the state filter shows only the cancelled jobs: %s" % shown)
            Select(page.by_id("filter-state")).select_by_value("@finished")
            shown = set(r["id"] for r in page.rows())
            expect({state["b"], state["c"]} <= shown and all(r["state"] not in ("running", "paused", "queued")
                                                             for r in page.rows()), "the finished filter")
            Select(page.by_id("filter-state")).select_by_value("")
            Select(page.by_id("filter-kind")).select_by_value("records.setStatus")
            expect(len(page.rows()) >= 3, "the kind filter keeps the records.setStatus jobs")
            Select(page.by_id("filter-kind")).select_by_value("")
            count = len(page.rows())
            expect(count >= 3, "all jobs again")
            page.by_id("load-older").click()
            page.wait(lambda: not page.visible("load-older"), "'Load older jobs' to page to the end of GET /v1/jobs")
            status, listed = server.api("GET", "/v1/jobs?limit=1000")
            expect(len(page.rows()) == count == listed["total"], "the table has every job of GET /v1/jobs")
        suite.run("the jobs table filters by state and by kind", filters)

        def detail():
            job_id = state["c"]
            page.go("#/jobs")
            link = driver.find_element(By.CSS_SELECTOR, '#jobs-body tr[data-job-id="%s"] .kind-link' % job_id)
            link.click()
            page.wait(lambda: page.visible("view-detail"), "the detail view")
            page.wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#failed-body tr")) == 3,
                      "the failed items in the detail view")
            failed = page.js("""return Array.from(document.querySelectorAll('#failed-body tr'))
                                 .map((tr) => [tr.dataset.itemId, tr.cells[1].textContent]);""")
            expect(sorted(f[0] for f in failed) == sorted(state["c_failed"]) and all("archived" in f[1] for f in failed),
                   "the failed items with reasons: %s" % failed)
            params = page.by_id("detail-params").text
            expect("to = finalized" in params and "5 records by id" in params, "parameters and selection: %r" % params)
            timeline = page.js("return Array.from(document.querySelectorAll('#detail-timeline li')).map((li) => li.textContent);")
            expect(any("Created by admin" in t for t in timeline) and any("Finished" in t for t in timeline),
                   "the timeline has the state changes: %s" % timeline)
            expect(page.by_id("detail-state").text == "Completed with errors", "the detail shows the state")
            page.screenshot("detail-1280x800.png", 1280, 800)
            page.screenshot("detail-390x844.png", 390, 844)
            overflow = page.js("return document.documentElement.scrollWidth - window.innerWidth;")
            expect(overflow <= 0, "no sideways scrolling of the detail at 390 px (%d px too wide)" % overflow)
            page.screenshot("detail-1280x800.png", 1280, 800)
            # the running job's detail: the timeline shows the pause and resume it saw
            page.go("#/jobs/" + state["a"])
            page.wait(lambda: page.by_id("detail-title").text.startswith("records.setStatus"), "job A's detail")
            timeline = page.js("return Array.from(document.querySelectorAll('#detail-timeline li')).map((li) => li.textContent);")
            expect(any("Paused" in t for t in timeline), "job A's timeline shows it paused: %s" % timeline)
            order = [i for i, t in enumerate(timeline) if "Pausing" in t] + [i for i, t in enumerate(timeline)
                                                                            if "Paused" in t]
            expect(len(order) == 2 and order[0] < order[1], "pausing comes before paused: %s" % timeline)
            page.screenshot("detail-running-1280x800.png", 1280, 800)
            page.by_id("detail-back").click()
            page.wait(lambda: page.visible("view-jobs"), "back to the jobs view")
        suite.run("job detail: parameters, timeline, failed items with reasons; screenshots", detail)

        def restart():
            status, created = server.api("POST", "/v1/jobs", {
                "kind": "records.setStatus", "selection": {"entity": "records", "filter": {"status": "draft", "vetId": "vet_okafor"}},
                "params": {"to": "archived"}, "chunkSize": 5, "maxItemsPerSecond": 8})
            expect(status == 201, "a slow job for the restart: %s %s" % (status, created))
            d = created["id"]
            page.wait_row(d, lambda r: r["state"] == "running" and r["processed"] > 0,
                          "the slow job (created by the API) to appear and run")
            known = [r["id"] for r in page.rows()]
            page.js("""window.__sent = [];
                       const send = WebSocket.prototype.send;
                       WebSocket.prototype.send = function (data) { window.__sent.push(String(data)); return send.call(this, data); };""")
            exit_code = server.stop()
            expect(exit_code == 0, "the server stops gracefully on SIGTERM (exit %s)" % exit_code)
            page.wait(lambda: page.conn()[0] == "reconnecting", "the page to say it is reconnecting", timeout=10)
            text = page.conn()[1]
            expect("Reconnecting" in text, "the status reads %r" % text)
            expect(page.by_id("conn").is_displayed(), "the reconnecting state is visible")
            page.screenshot("reconnecting-1280x800.png", 1280, 800)
            time.sleep(1.0)
            server.start()
            page.wait(lambda: page.conn()[0] == "live", "the page to reconnect", timeout=20)
            sent = [json.loads(m) for m in page.js("return window.__sent;")]
            subscribe = next((m for m in sent if m.get("op") == "subscribe"), None)
            expect(subscribe and subscribe["jobs"] == ["*"], "the page subscribes to * again: %s" % sent)
            since = subscribe.get("since") or {}
            expect(since.get(d, 0) > 0, "the resubscribe carries since with the slow job's last seq: %s" % since)
            rows = {r["id"]: r for r in page.rows()}
            expect(all(k in rows for k in known), "every job is shown after the restart")
            for job_id, row in rows.items():
                status, job = server.api("GET", "/v1/jobs/" + job_id)
                expect(status == 200, "job %s recovered by the server" % job_id)
                if job["state"] in ("succeeded", "completedWithErrors", "cancelled", "failed", "rejected"):
                    final = page.wait_row(job_id, lambda r, s=job["state"]: r["state"] == s, "job %s's state" % job_id)
                    expect(final["processed"] == job["progress"]["processed"], "job %s's counts match" % job_id)
            expect(rows[state["b"]]["state"] == "cancelled" and rows[state["c"]]["state"] == "completedWithErrors",
                   "the finished jobs are as before")
            seen = rows[d]["processed"]
            page.wait_row(d, lambda r: r["state"] == "running" and r["processed"] > seen,
                          "the recovered slow job to make progress on the page", timeout=20)
            status, _ = server.api("POST", "/v1/jobs/%s/cancel" % d)
        suite.run("server restart: the page shows reconnecting, then the recovered jobs", restart)

        def schema_driven_form():
            # A kind with every parameter type, added to the page's view of GET /v1/kinds (the server offers one
            # kind today): the form must build its fields from paramsSchema and send the typed values.
            fake = {"kind": "test.allTypes", "entity": "records", "description": "A made-up kind with every type.",
                    "selectionLimit": 10, "role": "staff",
                    "paramsSchema": {"type": "object", "required": ["mode", "message"], "properties": {
                        "mode": {"type": "string", "enum": ["fast", "careful"]},
                        "message": {"type": "string", "maxLength": 160, "description": "Sent as is."},
                        "count": {"type": "integer", "minimum": 1},
                        "ratio": {"type": "number"},
                        "notify": {"type": "boolean"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "channels": {"type": "array", "items": {"type": "string", "enum": ["sms", "email"]}}}}}
            script = """
              (() => {
                const fake = %s;
                const realFetch = window.fetch.bind(window);
                window.__previewBodies = [];
                window.fetch = async (url, init) => {
                  const path = String(url);
                  if (path.endsWith('/v1/kinds')) {
                    const answer = await realFetch(url, init);
                    const body = await answer.json();
                    if (body.kinds) body.kinds.push(fake);
                    return new Response(JSON.stringify(body), { status: answer.status,
                                                                headers: { 'Content-Type': 'application/json' } });
                  }
                  if (path.endsWith('/v1/jobs/preview') && init && init.body && JSON.parse(init.body).kind === fake.kind) {
                    window.__previewBodies.push(JSON.parse(init.body));
                    return new Response(JSON.stringify({ total: 1, sample: [], conflicts: [], warnings: [], estimate: {} }),
                                        { status: 200, headers: { 'Content-Type': 'application/json' } });
                  }
                  return realFetch(url, init);
                };
              })();""" % json.dumps(fake)
            added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
            try:
                driver.get(server.base + "/?fake-kind=1#/new")  # a new document, so the script runs
                page.wait(lambda: "test.allTypes" in [o.get_attribute("value") for o in
                                                      Select(page.by_id("new-kind")).options], "the injected kind")
                Select(page.by_id("new-kind")).select_by_value("test.allTypes")
                kinds = page.js("""return Array.from(document.querySelectorAll('#new-params-fields [data-param]'))
                                     .map((w) => [w.dataset.param, w.dataset.ptype,
                                                  (w.querySelector('select,input,textarea') || {}).tagName,
                                                  (w.querySelector('input') || {}).type]);""")
                shape = {k[0]: (k[1], k[2]) for k in kinds}
                expect(shape == {"mode": ("enum", "SELECT"), "message": ("string", "INPUT"), "count": ("integer", "INPUT"),
                                 "ratio": ("number", "INPUT"), "notify": ("boolean", "INPUT"),
                                 "tags": ("array", "TEXTAREA"), "channels": ("enum-array", "INPUT")},
                       "fields from the schema: %s" % kinds)
                expect(page.by_id("param-count").get_attribute("type") == "number"
                       and page.by_id("param-notify").get_attribute("type") == "checkbox", "number and checkbox inputs")
                page.by_id("selmode-ids").click()
                page.by_id("sel-ids").send_keys("rec_00001")
                Select(page.by_id("param-mode")).select_by_visible_text("careful")
                page.by_id("preview-button").click()
                page.wait(lambda: page.visible("param-message-error"), "the required-field message")
                expect(page.js("return document.activeElement.id") == "param-message", "focus goes to the missing field")
                expect(page.by_id("param-message").get_attribute("aria-invalid") == "true", "the field is marked invalid")
                expect(page.js("return window.__previewBodies.length") == 0, "nothing is sent with a missing field")
                page.by_id("param-message").send_keys("Hello")
                page.by_id("param-count").send_keys("3")
                page.by_id("param-ratio").send_keys("0.5")
                page.by_id("param-notify").click()
                page.by_id("param-tags").send_keys("x, y")
                driver.find_element(By.CSS_SELECTOR, "label[for='param-channels-1']").click()
                page.by_id("preview-button").click()
                page.wait(lambda: page.visible("preview"), "the preview of the injected kind")
                sent = page.js("return window.__previewBodies[0];")
                expect(sent["params"] == {"mode": "careful", "message": "Hello", "count": 3, "ratio": 0.5, "notify": True,
                                          "tags": ["x", "y"], "channels": ["email"]}, "the typed params: %s" % sent)
                expect(sent["selection"] == {"entity": "records", "ids": ["rec_00001"]}, "the selection: %s" % sent)
            finally:
                driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
                driver.get(server.base + "/#/jobs")
        suite.run("the form builds fields from any kind's paramsSchema (enum, string, numbers, boolean, arrays)",
                  schema_driven_form)

        def console_clean():
            problems = []
            for entry in driver.get_log("browser"):
                message = entry.get("message", "")
                if entry.get("level") != "SEVERE":
                    continue
                if "Failed to load resource" in message or "WebSocket connection" in message:
                    continue  # expected: the 4xx answers this test provokes, and the stream during the restart
                problems.append(message)
            expect(not problems, "no script errors or CSP violations in the console: %s" % problems)
        suite.run("no JavaScript errors or CSP violations in the console", console_clean)
    except Failed as error:
        log("stopping early: %s" % error)
    finally:
        if suite.failed:
            log("server log tail:\n" + server.log_tail(20))
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        try:
            server.stop(timeout=20)
        except Exception as error:  # noqa: BLE001
            log("stopping the server: %s" % error)
        watchdog.cancel()
        shutil.rmtree(work, ignore_errors=True)
    log("screenshots: %s" % SCREENSHOTS)
    log("%d passed, %d failed" % (suite.passed, suite.failed))
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
