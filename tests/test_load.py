"""8 users at once against the real app on loopback, through its HTTP API with gradio_client (one Client, so one
server-side session, so one anonymous user of the shared mode, per client): each starts a run (/train), polls it
(/status), and some stop theirs (/stop), compare it with the base model (/compare) or export it (/export). Every job
ends as asked, each user sees only their own run, the registry holds exactly one row per run, and nothing
deadlocks within the time bound. /status latency while a run trains is measured and reported (WB_LOAD_REPORT), not
asserted: speed is a figure for BENCHMARKS.md (bench/load.py), never a timed unit test."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("gradio_client")

from _app import running_app  # noqa: E402

USERS = 8
DEADLINE_S = 480
POLL_S = 1.0        # workbench.ui.train_tab.POLL_S: how often an open page polls


@pytest.fixture(scope="module")
def app(tmp_path_factory, tiny_cls_data, tiny_bert_dir):
    args = ["--data-dir", str(Path(tiny_cls_data["train"]).parent), "--data-dir", tiny_bert_dir, "--shared"]
    with running_app(tmp_path_factory.mktemp("load"), args) as app:
        yield app.url, app.runs, app.proc


def _config_yaml(tiny_bert_dir, tiny_cls_data, steps: int) -> str:
    """A tiny run's config, as a /train caller sends it."""
    import yaml
    return yaml.safe_dump({"model": {"name": tiny_bert_dir}, "data": dict(tiny_cls_data),
                           "train": {"max_steps": steps, "batch_size": 8, "precision": "fp32",
                                     "eval_every": 10**6, "log_every": 1}})


def test_eight_users_at_once(app, tiny_bert_dir, tiny_cls_data):
    from gradio_client import Client
    url, runs, proc = app
    short = _config_yaml(tiny_bert_dir, tiny_cls_data, 6)
    endless = _config_yaml(tiny_bert_dir, tiny_cls_data, 10**6)
    roles = ["stop", "stop", "compare", "export", "plain", "plain", "plain", "plain"]
    results: dict[int, dict] = {}
    latencies: list[tuple[float, float, bool]] = []      # (when, seconds, a run was training at that moment)
    lock = threading.Lock()
    end_by = time.time() + DEADLINE_S

    clients = [Client(url, verbose=False, httpx_kwargs={"timeout": 120}) for _ in range(USERS)]

    def user(i: int) -> None:
        role = roles[i]
        client = clients[i]
        run_id = client.predict(endless if role == "stop" else short, "", [], api_name="/train")
        me: dict = {"role": role, "run_id": run_id, "final": ""}
        stopped = False
        while time.time() < end_by:
            t0 = time.perf_counter()
            state = client.predict(run_id, api_name="/status")["status"]
            dt = time.perf_counter() - t0
            with lock:
                latencies.append((time.time(), dt, state == "running"))
            if role == "stop" and not stopped and state in ("running", "queued"):
                time.sleep(1.0)
                client.predict(run_id, False, api_name="/stop")
                stopped = True
            if state in ("completed", "cancelled", "failed", "stopped"):
                me["final"] = state
                break
            time.sleep(POLL_S)                                  # the page's own polling cadence
        if role == "compare" and me["final"] == "completed":
            me["compare"] = client.predict([run_id, "base"], "test", 16, api_name="/compare")
        if role == "export" and me["final"] == "completed":
            me["export"] = client.predict(run_id, "merged", 16, api_name="/export")
        others = [r["id"] for r in client.predict(api_name="/runs")]
        me["sees"] = others
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
    assert all(ids) and len(set(ids)) == USERS, ids
    for r in results.values():
        want = "cancelled" if r["role"] == "stop" else "completed"
        assert r["final"] == want, (r["role"], r["final"])
        assert r["sees"] == [r["run_id"]], r                          # each user sees only their own run
    compare = next(r for r in results.values() if r["role"] == "compare")["compare"]
    assert "accuracy" in json.dumps(compare, default=str) and len(compare["models"]) == 2
    exporter = next(r for r in results.values() if r["role"] == "export")
    report, _zip = exporter["export"]
    assert json.loads(report)["format"] == "merged"

    from workbench import store
    for r in results.values():                                     # one registry row per run, in its owner's folder
        (folder,) = [p.parent for p in runs.rglob(f"{r['run_id']}/config.yaml")]
        rows = store.Registry(folder.parent).list()
        assert [x["id"] for x in rows].count(r["run_id"]) == 1
        assert {x["id"]: x["status"] for x in rows}[r["run_id"]] == r["final"]

    busy = sorted(dt for _, dt, training in latencies if training)
    p95 = busy[int(0.95 * (len(busy) - 1))]
    report = {"users": USERS, "polls": len(latencies), "polls_while_training": len(busy),
              "p50_s": round(busy[len(busy) // 2], 3), "p95_s": round(p95, 3), "max_s": round(busy[-1], 3),
              "wall_s": round(time.time() - t_start, 1), "load_avg_1min": os.getloadavg()[0]}
    print("\nload:", json.dumps(report))
    Path(os.environ.get("WB_LOAD_REPORT", runs.parent / "load_report.json")).write_text(json.dumps(report))
    assert busy and max(dt for _, dt, _ in latencies) < 60, report   # a bound on hangs, not a speed claim
