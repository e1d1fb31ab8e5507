"""Users held and page responsiveness, and the soak: the figures for BENCHMARKS.md ("Reliability").

    python bench/load.py [--poll-seconds 60] [--model minilm] [--soak] [--skip-users]

1. Poll latency (the page-responsiveness figure): the real app (`python app.py --shared`, loopback) and 8
   gradio_client clients, each its own anonymous user. Client 0 starts a run of the default preset (MiniLM,
   `--model`) that trains for the whole measurement; clients 1-7 each queue a run behind it. Then every client
   polls /status once a second (the page's cadence) for `--poll-seconds`, and every poll's latency is kept:
   p50 / p95 / max over all polls made while the run trained, the number of polls, and the 1-minute load average.
   Then every run is cancelled.
2. Users held: tests/test_load.py (8 users start, poll, stop, compare and export at once; every job ends as
   asked, each sees only its own run, the registry has one row per run), with its report.
3. With --soak, also tests/test_soak.py (50 short runs back to back through the queue) and its resident-memory,
   thread and file-handle samples.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "TOKENIZERS_PARALLELISM": "false"}
USERS = 8
sys.path.insert(0, str(ROOT / "tests"))
from _app import start_app  # noqa: E402  (the one app-start helper, shared with the tests)


def run(test: str, env_name: str, marker: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {**ENV, env_name: str(report)}
        done = subprocess.run([sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", "-m", marker],
                              cwd=ROOT, env=env)
        if done.returncode != 0 or not report.is_file():
            raise SystemExit(f"{test} failed (exit {done.returncode})")
        return json.loads(report.read_text())


def poll_latency(seconds: float, model: str) -> dict:
    """8 users poll /status once a second for `seconds` while one run trains (see the module's docstring)."""
    from gradio_client import Client
    root = Path(tempfile.mkdtemp(prefix="load-poll-"))
    app = start_app(root, ["--shared", "--max-queue", "0"])
    url = app.url
    try:
        clients = [Client(url, verbose=False, httpx_kwargs={"timeout": 120}) for _ in range(USERS)]
        over = ["train.max_steps=1000000", "train.eval_every=1000000", f"model.name={model}"]
        runs = [c.predict("", "default", over, api_name="/train") for c in clients]
        deadline = time.time() + 600                        # the first run trains before anything is measured
        while clients[0].predict(runs[0], api_name="/status")["step"] < 1:
            if time.time() > deadline:
                raise SystemExit("the run did not reach its first step within 10 minutes")
            time.sleep(1)
        samples: list[tuple[float, str]] = []
        lock = threading.Lock()
        end = time.time() + seconds

        def user(i: int) -> None:
            while time.time() < end:
                t0 = time.perf_counter()
                status = clients[i].predict(runs[i], api_name="/status")["status"]
                dt = time.perf_counter() - t0
                with lock:
                    samples.append((dt, status))
                time.sleep(max(0.0, 1.0 - dt))             # the page's cadence: one poll a second

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        load = os.getloadavg()[0]
        trained = clients[0].predict(runs[0], api_name="/status")
        for c, r in zip(clients, runs):
            c.predict(r, False, api_name="/stop")
    finally:
        app.stop()
    lat = sorted(dt for dt, _ in samples)
    pick = lambda q: lat[min(len(lat) - 1, int(q * (len(lat) - 1) + 0.5))]   # noqa: E731
    return {"users": USERS, "seconds": seconds, "model": model, "polls": len(lat),
            "states": {s: sum(1 for _, x in samples if x == s) for s in {x for _, x in samples}},
            "p50_s": round(pick(0.5), 3), "p95_s": round(pick(0.95), 3), "max_s": round(lat[-1], 3),
            "run_steps_at_end": trained["step"], "load_avg_1min": round(load, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--poll-seconds", type=float, default=60, help="how long the 8 users poll (0: skip)")
    p.add_argument("--model", default="minilm", help="the model the training run uses (default: the preset's)")
    p.add_argument("--skip-users", action="store_true", help="skip tests/test_load.py")
    p.add_argument("--soak", action="store_true", help="also the 50-run soak (a few minutes)")
    args = p.parse_args()
    if args.poll_seconds:
        print("poll:", json.dumps(poll_latency(args.poll_seconds, args.model)), flush=True)
    if not args.skip_users:
        print("load:", json.dumps(run("tests/test_load.py", "WB_LOAD_REPORT", "not gpu")), flush=True)
    if args.soak:
        print("soak:", json.dumps(run("tests/test_soak.py", "WB_SOAK_REPORT", "slow")))


if __name__ == "__main__":
    main()
