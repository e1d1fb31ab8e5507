"""Chinese complete: switch the page to 简体中文, walk every tab, open every accordion, and fail on any English UI
text that is not data, a model or file name, or a code identifier (the detector is tests/_english.py).

Shown text and placeholders are checked. Hover tooltips of Gradio's own icon buttons ("Fullscreen", "Copy table
data") are not: Gradio translates its chrome from the browser's language, which a page cannot switch."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from _english import code_names, leftovers

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
with open(REPO / "assets" / "data" / "sentiment" / "train.csv", newline="") as _f:
    DEFAULT_COLUMNS = next(csv.reader(_f))

TABS = ("demo", "model", "data", "strategy", "train", "runs", "evaluate", "export")
# Where the page shows data or code rather than UI text: the data preview, YAML / command boxes, the run's log,
# plot tick labels (numbers, or the data's own label names such as "positive").
NOT_UI = "#data-preview, #train-yaml, #train-cli, #train-log, .cm-editor, code, pre, #lang, .xtick, .ytick"

COLLECT = """(skip) => {
  const out = [];
  const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !visible(el) || el.closest(skip) || el.closest('script, style')) continue;
    out.push(n.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder]')) {   // hints shown inside empty boxes
    if (visible(el) && !el.closest(skip) && el.getAttribute('placeholder')) out.push(el.getAttribute('placeholder'));
  }
  return out;
}"""


def open_accordions(page, tab: str) -> None:
    closed = page.locator(f"#tab-{tab} button.label-wrap:not(.open)")
    for _ in range(40):                       # opening one may reveal others
        visible = [b for b in closed.all() if b.is_visible()]
        if not visible:
            return
        visible[0].click()
        page.wait_for_timeout(150)


def test_every_tab_in_chinese_has_no_english_ui_text(page, shots):
    page.locator("#lang label").filter(has_text="简体中文").click()
    page.locator("button[role=tab]").filter(has_text="模型").first.wait_for()
    page.wait_for_timeout(1500)               # the model facts and plots redraw in the new language
    allowed = code_names() | set(DEFAULT_COLUMNS)       # the default data's column names are data
    found = {}
    for tab in TABS:
        button = page.locator(f"#tab-{tab}-button")
        if not button.count():                # Evaluate / Export exist only with their engine modules
            continue
        button.click()
        page.wait_for_timeout(800)
        open_accordions(page, tab)
        page.wait_for_timeout(500)
        bad = leftovers(page.evaluate(COLLECT, NOT_UI), allowed)
        if bad:
            found[tab] = bad
        page.screenshot(path=str(shots / f"zh-{tab}.png"), full_page=True)
    report = "\n".join(f"[{tab}] {line}" for tab, lines in found.items() for line in lines)
    assert not found, f"English UI text on the Chinese page:\n{report}"
