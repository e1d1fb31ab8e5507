"""The Train tab's poll sends only what changed (issue 13, benchmark 3: each poll costs the training CPU time on the
same cores): plots when their events grew, texts when they differ, and it polls less often as a run goes on."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytest.importorskip("gradio")

import gradio as gr  # noqa: E402

from workbench.config import RunConfig  # noqa: E402
from workbench.run import loop as trainer  # noqa: E402
from workbench.run.jobs import JobManager  # noqa: E402
from workbench.ui import build_app, common, train_tab  # noqa: E402

SKIP = gr.skip()
# positions in poll's outputs (TrainTab.poll_io)
VIEW, TIMER, STATUS, PROGRESS, LOSS, LR, EVAL, FINAL, LOG, STOP, SAVE, WATCH = range(12)


def _append(paths, *events):
    with open(paths.metrics, "a", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e) + "\n")


def test_a_poll_sends_only_what_changed(tmp_path, tiny_bert_dir, tiny_cls_data):
    runs = tmp_path / "runs"
    app = build_app(JobManager(trainer.run), runs, data_dirs=[Path(tiny_cls_data["train"]).parent])
    ctx = app.workbench
    cfg = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": {"train": tiny_cls_data["train"],
                               "test": tiny_cls_data["test"]}, "train": {"max_steps": 3, "batch_size": 8,
                               "precision": "fp32"}, "output": {"runs_dir": str(runs)}})
    session = train_tab.on_start(ctx, common.new_session(), *ctx.form.values(cfg))[0]
    run_id = session["run_id"]
    assert ctx.manager.wait(run_id, timeout=120) == "completed"
    paths = ctx.run(session, run_id)

    first = train_tab.poll(ctx, session)                       # a page that has drawn nothing: everything
    assert all(v is not SKIP and v != SKIP for v in first[:WATCH + 1])
    assert len(first[LOSS].data[0].x) == 3 and "completed" in first[STATUS] and "accuracy" in first[FINAL]
    assert first[TIMER].active is False

    again = train_tab.poll(ctx, session, first[VIEW])          # nothing new: nothing but the view and the timer
    assert again[2:] == [SKIP] * 10
    assert again[TIMER].active is False   # always sent when off: Stop or a watch may have switched it on since
    assert again[VIEW]["run"] == run_id

    _append(paths, {"type": "step", "step": 4, "total_steps": 4, "epoch": 0.5, "loss": 0.3, "terms": {"task": 0.3},
                    "lr": 1e-5, "samples_per_s": 10.0, "elapsed_s": 1.0, "eta_s": 0.0, "time": 0})
    stepped = train_tab.poll(ctx, session, again[VIEW])        # a step: loss, lr and the progress line
    assert len(stepped[LOSS].data[0].x) == 4 and len(stepped[LR].data[0].x) == 4
    assert stepped[EVAL] == SKIP and stepped[STATUS] == SKIP and stepped[FINAL] == SKIP
    assert "step 4 / 4" in stepped[PROGRESS]

    _append(paths, {"type": "eval", "step": 4, "epoch": 0.5, "split": "validation", "eval_accuracy": 0.5,
                    "time": 0})
    evaluated = train_tab.poll(ctx, session, stepped[VIEW])    # an evaluation: its plot only
    assert evaluated[LOSS] == SKIP and evaluated[LR] == SKIP and evaluated[PROGRESS] == SKIP
    assert len(evaluated[EVAL].data[0].y) == len(first[EVAL].data[0].y) + 1 and evaluated[EVAL].data[0].y[-1] == 0.5

    zh = train_tab.poll(ctx, {**session, "lang": "zh"}, evaluated[VIEW])   # another language: all redrawn
    assert all(v != SKIP for v in zh[TIMER:SAVE + 1]) and "已完成" in zh[STATUS]
    other = train_tab.poll(ctx, {**session, "run_id": None}, zh[VIEW])     # nothing watched: the timer stops
    assert other[TIMER].active is False and other[VIEW] == train_tab.NO_VIEW


def test_the_poll_backs_off_while_a_run_trains_steadily():
    assert train_tab.poll_interval(None) == train_tab.POLL_FIRST_S          # waiting for the first point
    intervals = [train_tab.poll_interval({"elapsed_s": s}) for s in (0.5, 59, 61, 599, 601, 36000)]
    assert intervals == [train_tab.POLL_S, train_tab.POLL_S, 2.0, 2.0, 5.0, 5.0]
    assert intervals == sorted(intervals)


def test_a_running_run_is_polled_at_the_backed_off_interval(tmp_path):
    """While a run trains, the timer's interval follows its training time and is sent only when it changes."""
    import threading
    release = threading.Event()

    def fake_run(cfg, paths, listener=None, stop=None, resume=False):   # a run that trains until released
        _append(paths, {"type": "step", "step": 1, "total_steps": 9, "epoch": 0.1, "loss": 0.5, "lr": 1e-5,
                        "samples_per_s": 10.0, "elapsed_s": 120.0, "eta_s": 9.0, "time": 0})
        release.wait(60)
        return {"status": "completed"}
    runs = tmp_path / "runs"
    app = build_app(JobManager(fake_run), runs)
    ctx = app.workbench
    run_id = ctx.manager.submit(RunConfig.from_dict({"output": {"runs_dir": str(runs)}}))
    try:
        session = {**common.new_session(), "run_id": run_id}
        paths = ctx.run(session, run_id)
        deadline = time.time() + 60
        while '"step"' not in (paths.metrics.read_text() if paths.metrics.is_file() else ""):
            assert time.time() < deadline, "the fake run wrote no step"
            time.sleep(0.05)                                               # the step is written by the thread
        first = train_tab.poll(ctx, session)
        assert len(first[LOSS].data[0].x) == 1
        assert first[TIMER].active is True and first[TIMER].value == 2.0   # 120 s of training: every 2 s
        again = train_tab.poll(ctx, session, first[VIEW])
        assert again[TIMER] == SKIP and again[LOSS] == SKIP and again[STOP] == SKIP
        _append(paths, {"type": "step", "step": 2, "total_steps": 9, "epoch": 0.2, "loss": 0.4, "lr": 1e-5,
                        "samples_per_s": 10.0, "elapsed_s": 700.0, "eta_s": 9.0, "time": 0})
        later = train_tab.poll(ctx, session, again[VIEW])
        assert later[TIMER].value == 5.0 and len(later[LOSS].data[0].x) == 2
    finally:
        release.set()
        ctx.manager.wait(run_id, 30)
