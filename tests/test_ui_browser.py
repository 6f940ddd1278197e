"""End to end through the real Dagster UI: `dagster dev`, headless Chromium, "Materialize all".

Starts `dagster dev` on a free port against private copies of the instance settings, the landing
folder and the warehouse file, clicks "Materialize all" on the asset graph in Chromium (driven by
Playwright), waits for the launched run to succeed, then reads the row count and the check results
of warehouse assets off their pages and compares the row count with the DuckDB file; then opens each
report picture from the report asset's metadata, and the report's HTML page, and checks that every
image is decoded at its size.
Screenshots are written under this test's `tmp_path`; their paths are printed (`pytest -s`).

Needs Debian's `chromium` on PATH and the `playwright` package (in the `test` extra). Playwright's
own browser download is never used; without either, the test is skipped and says why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from etl.definitions import defs
from etl.paths import reports_dir
from etl.reports.files import HTML_NAME, PICTURE_SIZE, PICTURES

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 120  # s; `dagster dev` usually answers /server_info after 6-20 s
RUN_TIMEOUT = 300  # s for the launched run, and the sensor's, to finish
STOP_TIMEOUT = 20  # s between SIGINT and SIGKILL
UI_TIMEOUT_MS = 60_000
ASSETS_TO_INSPECT = ("fact_mention", "dim_entity")
REPORT_ASSET = "warehouse_report"
SENSOR = "landing_sensor"
TERMINAL_RUN = {"SUCCESS", "FAILURE", "CANCELED"}
MATERIALIZE_ALL = re.compile(r"Materialize all$")  # accessible name is "materialization Materialize all"
LAUNCHED = re.compile(r"Launched run ([0-9a-f]{8})")


_STARTED = [time.monotonic()]


def _say(message: str) -> None:
    print(f"[ui {time.monotonic() - _STARTED[0]:5.1f} s] {message}", flush=True)


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _reset_sigint() -> None:
    """Runs in the child before exec: never hand `dagster dev` an ignored SIGINT.

    A parent started as a background job of a non-interactive shell ignores SIGINT and passes that
    on; `dagster dev` then ignores SIGINT *and* SIGTERM (it maps one onto the other) and its code
    servers linger. Resetting to the default here keeps the SIGINT shutdown below working.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_server(proc: subprocess.Popen, base: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < SERVER_START_TIMEOUT:
        if proc.poll() is not None:
            pytest.fail(f"dagster dev exited with code {proc.returncode} before answering:\n{_log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base}/server_info", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:  # URLError, connection refused, timeouts
            pass
        time.sleep(0.5)
    pytest.fail(f"dagster dev did not answer {base}/server_info within {SERVER_START_TIMEOUT} s:\n{_log_tail(log)}")


def _live_group_members(pgid: int) -> list[int]:
    """Processes of the server's process group that are still alive (zombies excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _ppid, pgrp = text[text.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def _stop_server(proc: subprocess.Popen) -> str:
    """SIGINT to `dagster dev` (it stops its webserver, daemon and code servers); SIGKILL if it hangs."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session/group this test created for it
            proc.wait(timeout=10)
            return f"killed: still running {STOP_TIMEOUT} s after SIGINT"
    # Its children normally exit with it; never leave one behind.
    deadline = time.monotonic() + 10
    while Path("/proc").is_dir() and _live_group_members(proc.pid):
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            return f"exited with {proc.returncode}; leftover children killed"
        time.sleep(0.2)
    return f"exited with {proc.returncode}"


# --- GraphQL, only to wait for and report on runs (every action happens in the browser) ------


def _graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    return body["data"]


STATE_QUERY = """{
  runsOrError { __typename ... on Runs { results { runId status tags { key value } } } }
  sensorOrError(sensorSelector: {repositoryName: "__repository__", repositoryLocationName: "etl",
                                 sensorName: "SENSOR_NAME"}) {
    __typename ... on Sensor { sensorState { status ticks(limit: 5) { status runIds } } }
  }
}""".replace("SENSOR_NAME", SENSOR)


def _wait_for_runs(base: str, run_prefix: str) -> tuple[dict, list[dict]]:
    """Wait for the run launched from the UI and for the sensor's first run to finish.

    `landing_sensor` is RUNNING by default, so `dagster dev` on a fresh instance starts its own
    `ingest_job` run on the first tick, before or while ours runs. Both must be over before the
    asset pages and the DuckDB file are read.
    """
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        state = _graphql(base, STATE_QUERY)
        assert state["runsOrError"]["__typename"] == "Runs", state["runsOrError"]
        runs = state["runsOrError"]["results"]
        ours = [r for r in runs if r["runId"].startswith(run_prefix)]
        assert len(ours) <= 1, f"run id prefix {run_prefix} is ambiguous: {ours}"
        sensor = state["sensorOrError"]
        sensor_settled = (
            sensor["__typename"] != "Sensor"
            or sensor["sensorState"]["status"] != "RUNNING"
            or any(t["status"] != "STARTED" for t in sensor["sensorState"]["ticks"])
        )
        if ours and sensor_settled and all(r["status"] in TERMINAL_RUN for r in runs):
            return ours[0], runs
        if time.monotonic() > deadline:
            pytest.fail(f"runs not finished after {RUN_TIMEOUT} s: {[(r['runId'], r['status']) for r in runs]}")
        time.sleep(1)


def _launched_by(run: dict) -> str:
    return next((t["value"] for t in run["tags"] if t["key"] == "dagster/sensor_name"), "UI")


# --- what the pages should show ---------------------------------------------------------------


def _checks_of(asset: str) -> list[str]:
    return sorted(
        key.name for key in defs.resolve_asset_graph().asset_check_keys if key.asset_key.to_user_string() == asset
    )


def _table_rows(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


# --- the test ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_materialize_all_from_the_ui(tmp_path: Path):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed (pip install -e '.[test]')"
    )
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(
            "Debian's Chromium is not on PATH (apt-get install -y chromium); this test never downloads a browser"
        )
    dagster = Path(sys.executable).with_name("dagster")
    assert dagster.is_file(), f"no dagster script beside {sys.executable}"

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    landing = tmp_path / "landing"
    shutil.copytree(PROJECT / "warehouse" / "landing", landing)
    warehouse = tmp_path / "news.duckdb"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    server_log = tmp_path / "dagster-dev.log"

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DAGSTER_HOME": str(home), "ETL_LANDING_DIR": str(landing), "ETL_WAREHOUSE": str(warehouse)}
    command = [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]

    started = _STARTED[0] = time.monotonic()
    with server_log.open("wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_reset_sigint,
        )
    print()
    _say(f"dagster dev (pid {proc.pid}) on {base}; log: {server_log}")
    try:
        _say(f"/server_info answered after {_wait_for_server(proc, base, server_log):.1f} s")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1600, "height": 1200})
                page.set_default_timeout(UI_TIMEOUT_MS)
                # Assertions wait as long as actions: on a loaded 2-core machine the run's launch
                # toast can take longer than their own 5 s default to appear.
                sync_api.expect.set_options(timeout=UI_TIMEOUT_MS)
                _drive_ui(page, sync_api, base, warehouse, shots, server_log)
            finally:
                browser.close()
    finally:
        outcome = _stop_server(proc)
        _say(f"dagster dev {outcome}; test took {time.monotonic() - started:.1f} s")
    _say(f"screenshots in {shots}")


def _drive_ui(page, sync_api, base: str, warehouse: Path, shots: Path, server_log: Path) -> None:
    def shot(name: str) -> None:
        try:  # let the page's status queries settle, so the picture shows what was asserted
            page.wait_for_load_state("networkidle", timeout=10_000)
        except sync_api.TimeoutError:
            pass
        path = shots / name
        page.screenshot(path=path, full_page=True)
        _say(f"screenshot {path}")

    expect = sync_api.expect
    # A fresh instance greets its first visitor with a "Join the Dagster community" dialog.
    page.add_locator_handler(
        page.get_by_text("Join the Dagster community"), lambda: page.get_by_role("button", name="Skip").click()
    )

    # 1. The asset graph: click "Materialize all" and read the run id off the toast.
    page.goto(f"{base}/asset-groups")
    materialize_all = page.get_by_role("button", name=MATERIALIZE_ALL)
    expect(materialize_all).to_be_enabled()
    materialize_all.click()
    toast = page.get_by_text(LAUNCHED)
    expect(toast).to_be_visible()
    run_prefix = LAUNCHED.search(toast.inner_text()).group(1)
    _say(f"clicked Materialize all: {toast.inner_text().strip()!r}")

    # 2. Wait for it to finish.
    run, runs = _wait_for_runs(base, run_prefix)
    _say(f"runs: {[(r['runId'][:8], r['status'], 'launched by ' + _launched_by(r)) for r in runs]}")
    assert run["status"] == "SUCCESS", f"run {run['runId']} ended {run['status']}:\n{_log_tail(server_log)}"
    assert [r["runId"] for r in runs if r["status"] != "SUCCESS"] == [], runs

    # The run's page, as the toast's "View" leads there.
    page.goto(f"{base}/runs/{run['runId']}")
    expect(page.get_by_text("Success", exact=True).first).to_be_visible()
    shot("01-run.png")

    # The graph after the run, every group expanded (the graph's context menu: "Expand all groups",
    # shortcut Alt+E; the choice is remembered, and the reload fits the expanded graph to the view).
    page.goto(f"{base}/asset-groups")
    expect(page.get_by_role("button", name=MATERIALIZE_ALL)).to_be_enabled()
    page.locator("body").press("Alt+e")
    page.reload()
    for asset in ASSETS_TO_INSPECT:
        expect(page.get_by_text(asset, exact=True).first).to_be_visible()
    page.wait_for_timeout(1000)  # let the graph finish its zoom-to-fit
    shot("02-asset-graph-after-run.png")

    # 3. Each asset's page: the row count equals the table's, and every check passed.
    for n, asset in enumerate(ASSETS_TO_INSPECT, start=3):
        expected_rows = _table_rows(warehouse, asset)
        checks = _checks_of(asset)
        assert expected_rows > 0 and checks

        page.goto(f"{base}/assets/{asset}")
        row_count = page.get_by_text("Row count", exact=True).locator("xpath=..")
        expect(row_count).to_have_text(re.compile(r"^Row count\s*[\d,]+$"))
        shown_rows = int(re.sub(r"\D", "", row_count.inner_text()))
        latest = page.get_by_text("Latest materialization", exact=True).locator("xpath=..").get_by_role("link")
        href = latest.get_attribute("href")
        _say(
            f"{asset}: the page shows row count {shown_rows}, the table has {expected_rows}; "
            f"latest materialization {latest.inner_text()!r} links to {href}"
        )
        assert shown_rows == expected_rows
        assert any(r["runId"] in href for r in runs), href
        # "Latest check results" is a green check-circle tag with the number of checks that passed.
        check_tag = page.get_by_text("Latest check results", exact=True).locator("xpath=..")
        expect(check_tag).to_have_text(re.compile(rf"^Latest check results\s*{len(checks)}$"))
        expect(check_tag.locator('[aria-label="check_circle"]')).to_be_visible()
        shot(f"{n:02d}-{asset}.png")

        # The Checks tab lists each check as "Succeeded"; its detail says "Passed".
        page.get_by_role("tab", name="Checks").click()
        expect(page.get_by_text(f"Checks ({len(checks)})", exact=True)).to_be_visible()
        for check in checks:
            expect(page.get_by_title(check, exact=True).first.locator("xpath=..")).to_contain_text("Succeeded")
        expect(page.get_by_text("Failed", exact=True)).to_have_count(0)
        for check in checks:
            page.goto(f"{base}/assets/{asset}?view=checks&checkDetail={check}")
            result = page.get_by_text("Evaluation result", exact=True).locator("xpath=..")
            expect(result).to_have_text(re.compile(r"^Evaluation result\s*Passed$"))
        _say(f"{asset}: checks {checks} all passed")
        shot(f"{n:02d}-{asset}-checks.png")

    # 4. The report asset: each picture opens from its metadata row ("[Show Markdown]" for a long
    # value) in a dialog, decoded at the size drawn; its checks passed.
    page.goto(f"{base}/assets/{REPORT_ASSET}")
    report_checks = _checks_of(REPORT_ASSET)
    check_tag = page.get_by_text("Latest check results", exact=True).locator("xpath=..")
    expect(check_tag).to_have_text(re.compile(rf"^Latest check results\s*{len(report_checks)}$"))
    expect(check_tag.locator('[aria-label="check_circle"]')).to_be_visible()
    width, height = PICTURE_SIZE
    for n, (name, title) in enumerate(PICTURES, start=1):
        row = page.locator("tr").filter(has=page.get_by_text(name, exact=True))
        row.get_by_text("[Show Markdown]").click()
        dialog = page.get_by_role("dialog")
        image = dialog.get_by_role("img", name=title)
        expect(image).to_have_js_property("complete", True)
        expect(image).to_have_js_property("naturalWidth", width)
        expect(image).to_have_js_property("naturalHeight", height)
        _say(f"{REPORT_ASSET}: {name} shows in its metadata at {width}x{height}")
        shot(f"05-{REPORT_ASSET}-{n}-{name}.png")
        dialog.get_by_role("button", name="Close").click()
        expect(dialog).to_have_count(0)

    # 5. The HTML page beside the warehouse holds every picture itself.
    report = reports_dir(warehouse) / HTML_NAME
    page.goto(report.as_uri())
    images = page.locator("img")
    expect(images).to_have_count(len(PICTURES))
    for name, title in PICTURES:
        image = page.locator(f"section#{name} img")
        expect(image).to_have_attribute("alt", title)
        expect(image).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
        expect(image).to_have_js_property("complete", True)
        expect(image).to_have_js_property("naturalWidth", width)
        expect(image).to_have_js_property("naturalHeight", height)
    _say(f"{report}: {len(PICTURES)} embedded pictures, each {width}x{height}")
    shot("06-report-html.png")
