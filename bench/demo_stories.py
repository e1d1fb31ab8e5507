"""Time the three Demo stories as a visitor runs them, and take the README's screenshots.

    python bench/demo_stories.py [--stories teacher forget scratch] [--shots docs] [--settings demo.yaml]

Starts the real app (`python app.py`, default demo settings unless --settings), opens it in headless Chromium,
and for each story: one click on its Start button, then waits for the story's "done" line. Prints the time from
click to done and the side-by-side figures, and saves presenter-view screenshots of the side-by-side view in
English (docs/demo-<story>.png) and, after switching the page to 简体中文 and asking the same input again, in Chinese
(docs/demo-<story>-zh.png; Chromium needs a CJK font: apt-get install fonts-noto-cjk). Screenshots over
300 KB are stored with a 256-colour palette. The last line is `stories=<seconds per story>`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _runs import machine_lock  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from _app import start_app  # noqa: E402  (the one app-start helper, shared with the tests)

CHROMIUM = os.environ.get("WB_CHROMIUM", "/usr/bin/chromium")
TITLES = {"teacher": "Teacher and student", "forget": "Forgetting", "scratch": "From scratch"}
ASK = {"teacher": "the soup was cold and the waiter ignored us", "forget": "a wonderful film",
       "scratch": "The ostrich"}   # the bundled models read English; in Chinese the page around them changes
MAX_PNG = 300_000


def shoot(page, path: Path) -> None:
    """A screenshot of the viewport, palette-quantised when it is over MAX_PNG bytes (README images stay small)."""
    page.screenshot(path=str(path), full_page=False)
    if path.stat().st_size > MAX_PNG:
        from PIL import Image  # lazy: only for large screenshots
        Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(f"  {path.name}: {path.stat().st_size / 1000:.0f} KB")


def ask(page, text: str) -> None:
    box = page.locator("#demo-input textarea, #demo-input input").first
    box.fill(text)
    box.press("Enter")
    page.locator("#demo-answers table").wait_for()
    page.wait_for_timeout(1500)


def set_lang(page, label: str) -> None:
    page.locator("#lang label").filter(has_text=label).first.click()
    page.wait_for_timeout(2500)      # the page's strings, the story's lines and the side-by-side are redrawn


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stories", nargs="+", default=list(TITLES), choices=list(TITLES))
    p.add_argument("--shots", default=str(ROOT / "docs"), help="folder for the screenshots")
    p.add_argument("--settings", default=None, help="a DemoSettings YAML (default: the app's defaults)")
    p.add_argument("--no-lock", action="store_true", help="do not wait for the machine-wide bench lock")
    p.add_argument("--langs", nargs="+", default=["en", "zh"], choices=["en", "zh"],
                   help="screenshot languages (English is always taken)")
    args = p.parse_args(argv)
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="demo_stories-"))
    lock = machine_lock() if not args.no_lock else open(os.devnull)
    took = {}
    with lock:
        app = start_app(root, ["--demo-settings", str(Path(args.settings).resolve())] if args.settings else [])
        url = app.url
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.set_default_timeout(1_800_000)
                page.goto(url)
                page.locator("#wb-ready [data-ready]").wait_for(state="attached")
                presenter = page.locator("#demo-presenter input")
                for story in args.stories:
                    presenter.uncheck()                       # presenter view hides the story buttons
                    t0 = time.time()
                    page.locator(f"#demo-start-{story}").click()
                    presenter.check()
                    seen = set()
                    while True:
                        now = page.locator("#demo-now").inner_text().strip()
                        line = now.split("\n")[0]
                        if line not in seen:
                            seen.add(line)
                            print(f"  {time.time() - t0:6.1f} s  {line}", flush=True)
                        if f"{TITLES[story]} · done" in now or "went wrong" in now or "stopped" in now:
                            break
                        page.wait_for_timeout(1000)
                    took[story] = time.time() - t0
                    if "done" not in now:
                        raise SystemExit(f"{story}: {now}")
                    ask(page, ASK[story])
                    print(f"{story}: {took[story]:.0f} s from click to done")
                    print(page.locator("#demo-side").inner_text()[:1500])
                    print("answers:", page.locator("#demo-answers").inner_text().replace("\n", " | "))
                    shoot(page, shots / f"demo-{story}.png")
                    if "zh" in args.langs:
                        set_lang(page, "简体中文")
                        ask(page, ASK[story])
                        shoot(page, shots / f"demo-{story}-zh.png")
                        set_lang(page, "English")
                browser.close()
        finally:
            app.stop()
    print("stories=" + " ".join(f"{k}:{v:.0f}s" for k, v in took.items()))


if __name__ == "__main__":
    main()
