"""What the web app costs a run, and how soon the page shows the first loss point (issue 13, benchmark 3).

    python bench/ui_overhead.py [--quick] [--steps 80] [--repeats 2] [--variants cli page poller jobmanager]

The same run (the default preset: MiniLM on the built-in sentiment set, batch 16, max_length 64) is trained by
  cli         `python -m workbench train` in a fresh process, output to a pipe;
  page        the real app (`python app.py`), a headless Chromium page that sets max_steps, clicks Start and
              polls and redraws as a user's page does (the Train tab's timer) until the run completes;
  poller      the real app, the run started through its /train API, and a client (bench/page_poller.py) that
              makes the page's calls (its load, then the Train tab's poll at the interval each answer sets) over
              HTTP without rendering anything: what the server spends on a page, without the browser;
  jobmanager  a JobManager in a fresh process (no Gradio, no server, no client): the background thread alone,
each in a fresh process, alternating (the order turns each repeat), `--repeats` times. Throughput is the run's
own training samples/s (summary.json), so a ratio to cli says what the rest costs the loop: jobmanager / cli the
thread, poller / cli the server's poll handling as well, page / cli the browser's rendering as well (here the
browser runs on the same cores as the training; a visitor's browser runs on their own machine).

Start -> first loss point is timed on the page (click to the first point drawn in the loss plot), for the
default data and for a file uploaded through the Data tab, on a warm app (its first run already done; that
cold first run is printed too); the run's events split it into: submit (form -> config -> run folder -> the
run's thread), then the Started event's prepare_s: data (reading it), tokenizer, model (loading it), encode (the
training rows; validation and test follow the first step), setup (strategies, optimizer), then the first step,
and draw (the page's poll and render after the step was written).
The last lines are `page ratio=<page / cli>` and `ratio=<poller / cli>` (the issue's "a client polling as the
page does"); not with --first-point-only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _runs import machine_lock  # noqa: E402

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
CHROMIUM = os.environ.get("WB_CHROMIUM", "/usr/bin/chromium")
PRESET = ROOT / "assets" / "presets" / "default.yaml"
UPLOAD = ROOT / "assets" / "data" / "sentiment" / "train.csv"


def fresh_copy(src: Path, dst: Path, seed: int) -> Path:
    """The CSV's rows in another order: the same data, a file (and a content hash) no run has encoded before."""
    head, *rows = src.read_text(encoding="utf-8").splitlines()
    random.Random(seed).shuffle(rows)
    dst.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return dst


def summary_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())


def cli_run(runs: Path, steps: int) -> dict:
    cmd = [sys.executable, "-m", "workbench", "train", "--config", str(PRESET), "--set", f"train.max_steps={steps}",
           "--set", f"output.runs_dir={runs}", "--set", "output.run_name=cli"]
    t0 = time.time()
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cli run failed:\n{done.stderr[-2000:]}")
    run_dir = Path(done.stdout.strip().split(": ", 1)[1])
    return {"samples_per_s": summary_of(run_dir)["metrics"]["train_samples_per_s"], "wall_s": time.time() - t0}


# ---------------------------------------------------------------------------------------------------------------
class App:
    """The real app in a subprocess, and one headless Chromium page on it (browser=False: no page)."""

    def __init__(self, root: Path, browser: bool = True):
        root.mkdir(parents=True, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.runs = root / "runs"
        self.log = open(root / "app.log", "w")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--runs-dir",
                                      str(self.runs)], cwd=root, env=ENV, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 300
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"the app did not start: {(root / 'app.log').read_text()[-2000:]}")
                time.sleep(0.5)
        self.browser = None
        if not browser:
            return
        from playwright.sync_api import sync_playwright
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.set_default_timeout(300_000)
        self.page.goto(self.url)
        self.page.locator("#wb-ready [data-ready]").wait_for(state="attached")

    def close(self):
        if self.browser is not None:
            self.browser.close()
            self.pw.stop()
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()

    def upload(self, path: Path) -> None:
        page = self.page
        page.goto(self.url)          # a fresh page: its upload box is empty (a second file needs that)
        page.locator("#wb-ready [data-ready]").wait_for(state="attached")
        page.locator("#tab-data-button").click()
        page.locator("#data-train-mode label").filter(has_text="Upload a file").first.click()
        page.locator("#data-train-upload input[type=file]").set_input_files(str(path))
        page.locator("#msg-data-train").get_by_text("Data is valid").wait_for()

    def run(self, steps: int) -> dict:
        """Start a run from the Train tab; times the first loss point on the page; waits for the end."""
        page = self.page
        page.locator("#tab-train-button").click()
        box = page.locator("#knob-train-max_steps textarea, #knob-train-max_steps input").first
        box.fill(str(steps))
        box.press("Tab")
        page.wait_for_timeout(500)
        before = set(p.name for p in self.runs.glob("*")) if self.runs.is_dir() else set()
        t_click = time.time()
        page.locator("#train-start").click()
        deadline = time.time() + 120
        while not (new := [p for p in self.runs.glob("*") if p.is_dir() and p.name not in before]):
            if time.time() > deadline:
                raise SystemExit(f"no run started: {page.locator('#msg-train').inner_text()}")
            time.sleep(0.02)
        run_dir = new[0]
        # the page shows the new run (status and plot are redrawn together), then its first loss point
        page.locator("#train-status").get_by_text(run_dir.name).wait_for()
        page.wait_for_function("""() => { const d = document.querySelector('#plot-loss .js-plotly-plot');
            return d && d.data && d.data[0] && d.data[0].x && d.data[0].x.length > 0 }""", polling=20)
        t_point = time.time()
        page.locator("#train-status").get_by_text("completed").wait_for()
        events = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
        first = {}
        for e in events:
            key = e["type"] if e["type"] != "prepare" else f"prepare-{e['what']}"
            first.setdefault(key, e["time"])
        start = next(e for e in events if e["type"] == "start")
        parts = {"submit": first["prepare-data"] - t_click, **start.get("prepare_s", {}),
                 "first step": first["step"] - first["start"], "draw": t_point - first["step"]}
        return {"samples_per_s": summary_of(run_dir)["metrics"]["train_samples_per_s"],
                "first_point_s": t_point - t_click, "parts": parts}


    def poll_run(self, steps: int) -> dict:
        """Start the run through the app's /train API, then poll it as the page does (bench/page_poller.py)."""
        from gradio_client import Client
        from page_poller import PagePoller
        client = Client(self.url, verbose=False)
        run_id = client.predict("", "default", [f"train.max_steps={steps}"], api_name="/train")
        poller = PagePoller(self.url)
        try:
            if not poller.attach():
                raise SystemExit(f"the page's load did not attach to run {run_id}")
            polls = poller.follow(timeout=1800)
        finally:
            poller.close()
            client.close()
        return {"samples_per_s": summary_of(self.runs / run_id)["metrics"]["train_samples_per_s"], "polls": polls,
                "answer_ms": 1000 * poller.seconds / max(poller.calls, 1)}


def jobmanager_run(runs: Path, steps: int) -> dict:
    """The run through a JobManager in a fresh process: the background thread, no Gradio, no client."""
    done = subprocess.run([sys.executable, __file__, "--child-jobmanager", str(runs), str(steps)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"jobmanager run failed:\n{done.stderr[-2000:]}")
    return {"samples_per_s": summary_of(Path(done.stdout.strip().splitlines()[-1]))["metrics"]["train_samples_per_s"]}


def child_jobmanager(runs: str, steps: str) -> None:
    """(in the fresh process) submit the preset to a JobManager, wait, print the run folder."""
    sys.path.insert(0, str(ROOT))
    from workbench.config import RunConfig
    from workbench.run import loop
    from workbench.run.jobs import JobManager
    cfg = RunConfig.load(PRESET, [f"train.max_steps={steps}", f"output.runs_dir={runs}"])
    manager = JobManager(loop.run)
    run_id = manager.submit(cfg)
    manager.wait(run_id)
    print(Path(runs) / run_id)


def one_variant(name: str, root: Path, steps: int, k: int) -> dict:
    """One run of one variant, each in a fresh process (the app: a fresh app, stopped after the run)."""
    if name == "cli":
        return cli_run(root / "cli-runs", steps)
    if name == "jobmanager":
        return jobmanager_run(root / "jm-runs", steps)
    app = start(root / f"{name}-{k}", browser=name == "page")
    try:
        return app.run(steps) if name == "page" else app.poll_run(steps)
    finally:
        app.close()


def start(root: Path, browser: bool = True) -> App:
    for attempt in range(3):   # Gradio gives up on its own localhost check when the machine is loaded
        try:
            return App(root, browser)
        except SystemExit:
            if attempt == 2:
                raise


def show(name: str, r: dict) -> dict:
    """Print one run's first loss point as soon as it is measured (a later failure does not lose it)."""
    parts = "  ".join(f"{k} {v:.2f}" for k, v in r["parts"].items())
    print(f"first loss point ({name}): {r['first_point_s']:.2f} s  [{parts}]  load {os.getloadavg()[0]:.1f}",
          flush=True)
    return r


VARIANTS = ("cli", "page", "poller", "jobmanager")


def main(argv=None) -> None:
    if argv is None and sys.argv[1:2] == ["--child-jobmanager"]:
        return child_jobmanager(*sys.argv[2:4])
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer steps and one repeat (a few minutes)")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                   help="the throughput variants (cli is always run: the ratios are to it)")
    p.add_argument("--no-lock", action="store_true", help="do not wait for the machine-wide bench lock")
    p.add_argument("--first-point-only", action="store_true",
                   help="only Start -> first loss point (4-step runs), no throughput ratio")
    p.add_argument("--throughput-only", action="store_true", help="only the throughput variants")
    args = p.parse_args(argv)
    steps = args.steps or (40 if args.quick else 120)
    repeats = args.repeats or (1 if args.quick else 2)
    variants = ["cli"] + [v for v in args.variants if v != "cli"]
    root = Path(tempfile.mkdtemp(prefix="ui_overhead-"))
    rates, points = {v: [] for v in variants}, {}
    with machine_lock() if not args.no_lock else open(os.devnull):
        if not args.throughput_only:
            app = start(root / "first-point")
            try:
                points["cold app, default"] = [show("cold app, default", app.run(4))]   # loads what it needs
                for i in range(repeats):
                    points.setdefault("default", []).append(show("default", app.run(4)))
                for i in range(repeats):   # a file the app has never seen (nothing of it in the encoded-rows cache)
                    app.upload(fresh_copy(UPLOAD, root / f"reviews-{i}.csv", seed=i))
                    points.setdefault("uploaded file", []).append(show("uploaded file", app.run(4)))
            finally:
                app.close()
        for i in range(0 if args.first_point_only else repeats):
            for name in variants[i % len(variants):] + variants[:i % len(variants)]:   # the order turns
                r = one_variant(name, root, steps, i)
                rates[name].append(r["samples_per_s"])
                extra = f"  {r['polls']} polls, {r['answer_ms']:.0f} ms per answer" if "polls" in r else ""
                print(f"{name}: {r['samples_per_s']:.1f} samples/s{extra}  load {os.getloadavg()[0]:.1f}", flush=True)
    if points:
        warm = {name: runs for name, runs in points.items() if not name.startswith("cold")}
        best = {name: min(r["first_point_s"] for r in runs) for name, runs in warm.items()}
        worst = max(r["first_point_s"] for runs in warm.values() for r in runs)
        print("first loss point, warm: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items())
              + f" (worst {worst:.2f} s; goal <= 5 s)")
    if args.first_point_only:
        return
    cli = statistics.median(rates["cli"])
    for name in variants:
        print(f"{name:>10}: {statistics.median(rates[name]):6.1f} samples/s (median of "
              f"{', '.join(f'{x:.1f}' for x in rates[name])})  / cli = {statistics.median(rates[name]) / cli:.3f}")
    if "page" in rates:
        print(f"page ratio={statistics.median(rates['page']) / cli:.3f}   (the browser on the same 2 cores)")
    if "poller" in rates:
        print(f"ratio={statistics.median(rates['poller']) / cli:.3f}")


if __name__ == "__main__":
    main()
