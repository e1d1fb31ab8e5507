"""The Demo tab in headless Chromium: each story, started with one click, runs its ordinary runs and ends in its
side-by-side view; the input box is answered by the story's models; presenter view enlarges the page; a story
can be stopped. The app runs with demo settings that put tiny models and a few steps in every story."""

from __future__ import annotations

import contextlib
import re

import pytest
import yaml
from playwright.sync_api import expect

from _app import start_app

pytestmark = pytest.mark.browser
STORY_MS = 240_000


def tiny_settings(tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text, **more) -> dict:
    return {"model": tiny_bert_dir, "data": tiny_cls_data["train"], "test": tiny_cls_data["test"], "max_length": 32,
            "lr": 2e-3, "teacher_steps": 12, "student_steps": 8, "student_layers": "top:1", "student_lr": 2e-3,
            "forget_steps": 8, "forget_lr": 2e-3, "scratch_model": tiny_gpt_dir, "text": tiny_text,
            "scratch_stages": [4, 8], "scratch_batch_size": 8, "scratch_max_length": 32, "precision": "fp32",
            "eval_examples": 16, "log_every": 1, **more}


@pytest.fixture(scope="module")
def demo_browser(browser):
    """The session's browser (conftest): one Playwright per process, so these tests run beside the others."""
    return browser


def _app(root, settings: dict):
    (root / "demo.yaml").write_text(yaml.safe_dump(settings))
    return start_app(root, ["--demo-settings", str(root / "demo.yaml")])


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text):
    """The app whose stories run a few steps of tiny models."""
    app = _app(tmp_path_factory.mktemp("demo_app"),
               tiny_settings(tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text))
    yield app.url
    app.stop()


@pytest.fixture(scope="module")
def long_demo_app(tmp_path_factory, tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text):
    """The same with a teacher of 100,000 steps: a story still running when Stop is pressed."""
    app = _app(tmp_path_factory.mktemp("long_demo_app"),
               tiny_settings(tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text, teacher_steps=100_000))
    yield app.url
    app.stop()


@contextlib.contextmanager
def open_page(browser, url, shots, request):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    pg.goto(url)
    pg.locator("#wb-ready [data-ready]").wait_for(state="attached", timeout=90_000)
    try:
        yield pg
    finally:
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            pg.screenshot(path=str(shots / f"FAILED-{request.node.name}.png"), full_page=True)
        context.close()


@pytest.fixture
def demo_page(demo_browser, demo_app, shots, request):
    with open_page(demo_browser, demo_app, shots, request) as pg:
        yield pg


@pytest.fixture
def long_demo_page(demo_browser, long_demo_app, shots, request):
    with open_page(demo_browser, long_demo_app, shots, request) as pg:
        yield pg


TITLES = {"teacher": "Teacher and student", "forget": "Forgetting", "scratch": "From scratch"}


def run_story(page, story: str) -> None:
    """One click, then the story's own 'done' line (a tiny story may finish between two polls of the page)."""
    expect(page.locator("#tab-demo")).to_be_visible()          # the first thing a visitor sees
    page.locator(f"#demo-start-{story}").click()
    expect(page.locator("#demo-now")).to_contain_text(f"{TITLES[story]} · done", timeout=STORY_MS)


def ask(page, text: str) -> str:
    box = page.locator("#demo-input textarea, #demo-input input").first
    box.fill(text)
    box.press("Enter")
    answers = page.locator("#demo-answers table")
    answers.wait_for(timeout=STORY_MS)
    return answers.inner_text()


def test_teacher_and_student_side_by_side(demo_page, shots):
    page = demo_page
    run_story(page, "teacher")
    side = page.locator("#demo-side")
    expect(side).to_contain_text("teacher")
    expect(side).to_contain_text("student")
    expect(side).to_contain_text("ms per example")
    assert page.locator("#demo-plot .js-plotly-plot").count() == 1        # the live curve beside it
    answers = ask(page, "the film was wonderful and the music felt wonderful too")
    assert re.search(r"teacher\s+(positive|negative)", answers) and re.search(r"student\s+(positive|negative)",
                                                                               answers)
    size = lambda: page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#demo-now')).fontSize)")
    before = size()
    page.locator("#demo-presenter input").check()
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('#demo-now')).fontSize) "
                           f"> {before * 1.3}")
    expect(page.locator("#demo-start-teacher")).to_be_hidden()             # presenter view: curve and answers
    page.screenshot(path=str(shots / "demo-teacher.png"), full_page=True)
    page.locator("#tab-runs-button").click()                               # ordinary runs, listed in Runs
    expect(page.locator("#tab-runs")).to_contain_text("demo-student", timeout=STORY_MS)
    expect(page.locator("#tab-runs")).to_contain_text("demo-teacher")


def test_forgetting_side_by_side(demo_page, shots):
    run_story(demo_page, "forget")
    side = demo_page.locator("#demo-side")
    expect(side).to_contain_text("pulled back (L2-SP)")
    expect(side).to_contain_text("Retention: how much")
    assert re.search(r"free \(full\)\s+[\d.]+\s+[\d.]+", side.inner_text())   # accuracy and retention each
    demo_page.screenshot(path=str(shots / "demo-forget.png"), full_page=True)


def test_from_scratch_samples_per_stage(demo_page, shots):
    run_story(demo_page, "scratch")
    side = demo_page.locator("#demo-side")
    expect(side).to_contain_text("4 steps")
    expect(side).to_contain_text("8 steps")
    assert "tiny GPT" in ask(demo_page, "the river")
    demo_page.screenshot(path=str(shots / "demo-scratch.png"), full_page=True)


def test_a_story_can_be_stopped_in_chinese(long_demo_page):
    page = long_demo_page
    page.locator("#lang label").filter(has_text="简体中文").click()
    expect(page.locator("#demo-start-teacher")).to_have_text("开始：老师与学生")
    page.locator("#demo-start-teacher").click()
    expect(page.locator("#demo-now")).to_contain_text("第 1 步，共 2 步")
    expect(page.locator("#demo-now")).to_contain_text(re.compile(r"训练中：已完成 \d+ / 100000 步"))
    expect(page.locator("#demo-plot .js-plotly-plot")).to_be_visible()
    page.locator("#demo-stop").click()
    expect(page.locator("#demo-now")).to_contain_text("已停止", timeout=STORY_MS)
