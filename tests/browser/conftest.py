"""Browser fixtures: the real app (`python app.py`) on a free loopback port with a temporary runs folder, driven
by Playwright in the system's headless Chromium (never a downloaded browser). Every test page records the
requests it makes; none may leave 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from _app import running_app

CHROMIUM = os.environ.get("WB_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture can screenshot a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, tiny_cls_data):
    """Start the app in a subprocess (tests/_app.py); yields (url, runs_dir). The tests upload through the page
    like a user."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    with running_app(tmp_path_factory.mktemp("app")) as app:
        yield app.url, app.runs


@pytest.fixture(scope="session")
def browser(app_url):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Folder of the screenshots every test saves (its path is printed at the end of the session)."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    print(f"\nbrowser screenshots: {folder}")


def _stop_left_running(pg) -> None:
    """After a failed test: cancel the run its page started, so it does not hold the queue for the next tests
    (one failure used to cascade: the next tests' runs queued behind a 4000-step job)."""
    try:
        pg.locator("#tab-train-button").click(timeout=5_000)
        stop = pg.locator("#train-stop")
        if stop.is_enabled(timeout=5_000):
            stop.click(timeout=5_000)
            pg.locator("#train-status").get_by_text("cancelled").wait_for(timeout=60_000)
    except Exception:   # best effort: the test has already failed with its own message
        pass


@pytest.fixture
def page(browser, app_url, shots, request):
    """A fresh page (its own session) on the app, at 1400x900; fails the test if a request left loopback."""
    url, _ = app_url
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.set_default_timeout(60_000)
    from playwright.sync_api import expect
    expect.set_options(timeout=60_000)   # a busy 2-core machine answers slowly
    pg.goto(url)
    pg.wait_for_selector("#tabs", timeout=60_000)
    # the page's load events (re-attach, model facts, data check) have finished when this marker is drawn
    pg.locator("#wb-ready [data-ready]").wait_for(state="attached", timeout=90_000)
    pg.requests = requests
    yield pg
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        pg.screenshot(path=str(shots / f"FAILED-{request.node.name}.png"), full_page=True)
        _stop_left_running(pg)
    context.close()
    outside = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert not outside, f"requests left the machine: {outside[:5]}"
