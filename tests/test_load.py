"""8 users at once against the real app on loopback, through its HTTP API with gradio_client (one Client, so one
server-side session, per user): each starts a run (/on_start with the form's values), polls it (/poll), and
some stop theirs (/stop_run), compare it with the base model (/on_compare) or export it (/on_export). Every job
ends as asked, each user sees only their own run, the registry holds exactly one row per run, and nothing
deadlocks within the time bound. /poll latency while a run trains is measured and reported (WB_LOAD_REPORT), not
asserted: speed is a figure for BENCHMARKS.md (bench/load.py), never a timed unit test."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("gradio_client")

ROOT = Path(__file__).resolve().parents[1]
USERS = 8
DEADLINE_S = 480
POLL_S = 1.0        # workbench.ui.train_tab.POLL_S: how often an open page polls
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4}")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory, tiny_cls_data):
    root = tmp_path_factory.mktemp("load")
    runs, port = root / "runs", _port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "TOKENIZERS_PARALLELISM": "false"}
    log = open(root / "app.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             "--runs-dir", str(runs), "--data-dir", str(Path(tiny_cls_data["train"]).parent)],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while True:
        assert proc.poll() is None, (root / "app.log").read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            assert time.time() < deadline, "the app did not start"
            time.sleep(0.5)
    yield url, runs, proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _form_values(runs, tiny_bert_dir, tiny_cls_data, steps: int) -> list:
    """The form's input values for a tiny run, from the same Form code the server uses (built, never launched)."""
    from workbench.config import RunConfig
    from workbench.run import loop as trainer
    from workbench.run.jobs import JobManager
    from workbench.ui import build_app
    ctx = build_app(JobManager(trainer.run), runs, data_dirs=[Path(tiny_cls_data["train"]).parent]).workbench
    cfg = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": tiny_cls_data,
                               "train": {"max_steps": steps, "batch_size": 8, "precision": "fp32",
                                         "eval_every": 10**6, "log_every": 1},
                               "output": {"runs_dir": str(runs)}})
    return list(ctx.form.values(cfg))


def _status(poll_out) -> str:
    """The status line among /poll's outputs (the first HTML string naming a run)."""
    texts = [x for x in (poll_out if isinstance(poll_out, (list, tuple)) else [poll_out]) if isinstance(x, str)]
    return next((t for t in texts if RUN_ID.search(t)), "")


def test_eight_users_at_once(app, tiny_bert_dir, tiny_cls_data):
    from gradio_client import Client
    url, runs, proc = app
    short = _form_values(runs, tiny_bert_dir, tiny_cls_data, 6)
    endless = _form_values(runs, tiny_bert_dir, tiny_cls_data, 10**6)
    roles = ["stop", "stop", "compare", "export", "plain", "plain", "plain", "plain"]
    results: dict[int, dict] = {}
    latencies: list[tuple[float, float, bool]] = []      # (when, seconds, a run was training at that moment)
    lock = threading.Lock()
    end_by = time.time() + DEADLINE_S

    clients = [Client(url, verbose=False, httpx_kwargs={"timeout": 120}) for _ in range(USERS)]

    def user(i: int) -> None:
        role = roles[i]
        client = clients[i]
        out = client.predict(*(endless if role == "stop" else short), api_name="/on_start")
        me: dict = {"role": role, "start": out}
        run_id = None
        stopped = False
        while time.time() < end_by:
            t0 = time.perf_counter()
            polled = client.predict(api_name="/poll")
            dt = time.perf_counter() - t0
            text = _status(polled)
            training = "running" in text
            with lock:
                latencies.append((time.time(), dt, training))
            if run_id is None and RUN_ID.search(text):
                run_id = RUN_ID.search(text).group(0)
            if role == "stop" and not stopped and ("running" in text or "queue" in text):
                time.sleep(1.0)
                client.predict(api_name="/stop_run")
                stopped = True
            if any(s in text for s in ("completed", "cancelled", "failed", "stopped")):
                me["final"] = text
                break
            time.sleep(POLL_S)                                  # the page's own polling cadence
        me["run_id"] = run_id
        if role == "compare" and "completed" in me.get("final", ""):
            client.predict(api_name="/eval_model_choices")      # what a click on the list does: fresh choices
            me["compare"] = client.predict([run_id, "base"], "test", 16, False, False, api_name="/on_compare")
        if role == "export" and "completed" in me.get("final", ""):
            client.predict(api_name="/export_run_choices")
            me["export"] = client.predict(run_id, "merged", 16, False, api_name="/on_export")
        with lock:
            results[i] = me

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
    t_start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, end_by - time.time()))
    assert not any(t.is_alive() for t in threads), "a user was still waiting at the deadline (deadlock?)"
    assert proc.poll() is None, "the app died"
    assert len(results) == USERS

    ids = [r["run_id"] for r in results.values()]
    assert all(ids) and len(set(ids)) == USERS, ids               # each user saw one run, their own
    for r in results.values():
        assert r["run_id"] in r["final"]
        want = "cancelled" if r["role"] == "stop" else "completed"
        assert want in r["final"], (r["role"], r["final"])
    compare = next(r for r in results.values() if r["role"] == "compare")["compare"]
    assert not compare[0] and "accuracy" in json.dumps(compare[2], default=str)     # no error message; a table
    export = next(r for r in results.values() if r["role"] == "export")["export"]
    assert not export[0] and (runs / next(r for r in results.values() if r["role"] == "export")["run_id"]
                              / "exports" / "merged" / "report.json").is_file()

    from workbench import store
    rows = store.Registry(runs).list()
    assert sorted(r["id"] for r in rows) == sorted(ids)          # no lost or duplicated row
    by_id = {r["id"]: r["status"] for r in rows}
    for r in results.values():
        assert by_id[r["run_id"]] == ("cancelled" if r["role"] == "stop" else "completed")

    busy = sorted(dt for _, dt, training in latencies if training)
    p95 = busy[int(0.95 * (len(busy) - 1))]
    report = {"users": USERS, "polls": len(latencies), "polls_while_training": len(busy),
              "p50_s": round(busy[len(busy) // 2], 3), "p95_s": round(p95, 3), "max_s": round(busy[-1], 3),
              "wall_s": round(time.time() - t_start, 1), "load_avg_1min": os.getloadavg()[0]}
    print("\nload:", json.dumps(report))
    Path(os.environ.get("WB_LOAD_REPORT", runs.parent / "load_report.json")).write_text(json.dumps(report))
    assert busy and max(dt for _, dt, _ in latencies) < 60, report   # a bound on hangs, not a speed claim
