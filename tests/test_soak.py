"""Soak: 50 short runs back to back through the JobManager queue in one process. The process's resident memory,
thread count and open file handles stay bounded: nothing of a finished run (model, optimizer, data, threads,
files) is kept. Marked slow (a few minutes on 2 cores); figures in BENCHMARKS.md."""

import gc
import json
import os
import threading
from pathlib import Path

import pytest

from workbench.run import loop as trainer
from workbench.run.jobs import JobManager

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("one_thread")]
RUNS = 50
RSS_GROWTH_BOUND_MB = 150      # after warm-up (the first 10 runs load libraries, caches and the tokenizer)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_fifty_runs_back_to_back_keep_memory_threads_and_files_bounded(make_cfg, tiny_cls_data, tiny_bert_dir,
                                                                       tmp_path):
    manager = JobManager(trainer.run)
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"],
                                                        "test": tiny_cls_data["test"]},
                   train={"max_steps": 3, "batch_size": 8})
    samples = []
    ids = [manager.submit(cfg) for _ in range(RUNS)]            # all queued at once: the queue runs them in turn
    for i, run_id in enumerate(ids, 1):
        assert manager.wait(run_id, 300) == "completed", manager.snapshot(run_id)
        if i % 5 == 0:
            gc.collect()
            samples.append({"runs": i, "rss_mb": round(_rss_mb(), 1), "threads": threading.active_count(),
                            "fds": _fds()})
    warm = next(s for s in samples if s["runs"] == 10)
    last = samples[-1]
    report = {"runs": RUNS, "warm_rss_mb": warm["rss_mb"], "final_rss_mb": last["rss_mb"],
              "growth_mb": round(last["rss_mb"] - warm["rss_mb"], 1), "bound_mb": RSS_GROWTH_BOUND_MB,
              "threads": [s["threads"] for s in samples], "fds": [s["fds"] for s in samples], "samples": samples}
    print("\nsoak:", json.dumps(report))
    Path(os.environ.get("WB_SOAK_REPORT", tmp_path / "soak.json")).write_text(json.dumps(report, indent=2))
    assert last["rss_mb"] - warm["rss_mb"] < RSS_GROWTH_BOUND_MB, report
    assert last["threads"] <= warm["threads"] + 1, report            # no worker thread left behind
    assert last["fds"] <= warm["fds"] + 5, report                    # no file handle left open
    assert len({r for r in ids}) == RUNS and len(list((tmp_path / "runs").glob("*/summary.json"))) == RUNS
