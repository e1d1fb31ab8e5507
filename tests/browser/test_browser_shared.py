"""Shared mode in a real browser: two browser contexts are two users (each browser keeps its own id). The first
trains a tiny run through the page; the second sees it in no control (Runs table and picker, Train's watch box
even when the id is typed in, Evaluate's and Export's pickers), and the first still has it after a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from _app import running_app
from test_browser_app import SLOW_MS, advanced_fp32, open_tab, text_input, use_tiny_setup, wait_status

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shared_url(tmp_path_factory, tiny_bert_dir, tiny_cls_data):
    pytest.importorskip("playwright.sync_api")
    with running_app(tmp_path_factory.mktemp("shared_browser"),
                     ["--shared", "--max-steps", "50", "--data-dir", tiny_bert_dir]) as app:
        yield app.url, app.runs


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.locator("#wb-ready [data-ready]").wait_for(state="attached", timeout=90_000)
    return context, page


def _choices(page, elem_id: str) -> str:
    text_input(page, elem_id).click()
    page.wait_for_timeout(1500)
    options = " ".join(page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    return options


def test_two_browsers_are_two_users(shared_url, browser, tiny_bert_dir, tiny_cls_data, tmp_path):
    """Two contexts of the session's browser (conftest): one Playwright per process."""
    url, runs = shared_url
    expect.set_options(timeout=60_000)
    ctx_a, a = _open(browser, url)
    who_a = a.locator("#wb-who").inner_text()
    assert "anon-" in who_a
    expect(a.locator("#wb-limits")).to_contain_text("50 steps per run")
    use_tiny_setup(a, tiny_bert_dir, tiny_cls_data["train"], max_steps=6)
    advanced_fp32(a)
    a.locator("#train-start").click()
    run_id = re.search(r"\d{8}-\d{6}-[0-9a-f]{4}", wait_status(a, "completed", SLOW_MS)).group(0)
    owner_a = re.search(r"anon-[0-9a-f]{12}", who_a).group(0)
    assert (runs / "users" / owner_a / run_id / "model").is_dir()

    ctx_b, b = _open(browser, url)
    assert re.search(r"anon-[0-9a-f]{12}", b.locator("#wb-who").inner_text()).group(0) != owner_a
    open_tab(b, "runs")
    b.locator("#runs-refresh").click()
    b.wait_for_timeout(2000)
    assert run_id not in b.locator("#runs-table").inner_text()
    assert run_id not in _choices(b, "runs-selected")
    open_tab(b, "train")                       # typing the id into the watch box shows nothing of it
    box = text_input(b, "train-watch")
    box.fill(run_id)
    box.press("Enter")
    b.wait_for_timeout(3000)
    assert run_id not in b.locator("#train-status").inner_text()
    assert "accuracy" not in b.locator("#train-final").inner_text()
    open_tab(b, "evaluate")
    assert run_id not in _choices(b, "eval-models")
    open_tab(b, "export")
    assert run_id not in _choices(b, "export-run")

    a.reload()                                  # the first browser is still the same user, with its run
    a.locator("#wb-ready [data-ready]").wait_for(state="attached", timeout=90_000)
    expect(a.locator("#wb-who")).to_contain_text(owner_a)
    open_tab(a, "runs")
    a.locator("#runs-refresh").click()
    expect(a.locator("#runs-table")).to_contain_text(run_id)
    open_tab(a, "export")
    assert run_id in _choices(a, "export-run")
    ctx_a.close()
    ctx_b.close()
