"""train.report_to: a short tiny run logs to TensorBoard and trackio, and what they hold equals metrics.jsonl."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("one_thread")


def _records(paths) -> tuple[dict, dict]:
    """metrics.jsonl as {tag: {step: value}} for steps and evaluations (the names the trackers use)."""
    steps, evals = {}, {}
    for line in paths.metrics.read_text().splitlines():
        ev = json.loads(line)
        if ev["type"] == "step":
            values = {"train/loss": ev["loss"], "train/lr": ev["lr"], "train/samples_per_s": ev["samples_per_s"],
                      "train/epoch": ev["epoch"], **{f"train/{k}": v for k, v in ev["terms"].items()}}
            for k, v in values.items():
                steps.setdefault(k, {})[ev["step"]] = v
        elif ev["type"] == "eval":
            for k, v in ev.items():
                if k.startswith("eval_") and isinstance(v, (int, float)):
                    evals.setdefault(f"{ev['split']}/{k[5:]}", {})[ev["step"]] = v
    return steps, evals


@pytest.fixture(scope="module")
def tracked_run(tmp_path_factory, tiny_gpt_dir, tiny_text):
    import os
    os.environ.setdefault("TRACKIO_DIR", str(tmp_path_factory.mktemp("trackio")))   # before trackio's first import
    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    runs = tmp_path_factory.mktemp("tracked") / "runs"
    cfg = RunConfig.from_dict({
        "task": "causal_lm", "model": {"name": tiny_gpt_dir}, "data": {"train": tiny_text, "max_length": 32},
        "train": {"max_steps": 4, "batch_size": 4, "lr": 1e-3, "precision": "fp32", "eval_every": 2,
                  "report_to": ["tensorboard", "trackio"]},
        "output": {"runs_dir": str(runs)}})
    paths = store.create_run(cfg)
    summary = trainer.run(cfg, paths)
    assert summary["status"] == "completed", summary.get("error")
    return paths


def test_tensorboard_holds_what_metrics_jsonl_holds(tracked_run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    steps, evals = _records(tracked_run)
    acc = EventAccumulator(str(tracked_run.root / "tensorboard"), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    expected = {**steps, **evals}
    assert {"train/loss", "train/task", "train/lr", "train/samples_per_s", "validation/loss",
            "validation/perplexity"} <= set(expected)
    assert set(expected) <= tags
    for tag, by_step in expected.items():
        got = {e.step: e.value for e in acc.Scalars(tag)}
        assert set(got) == set(by_step), tag
        for step, value in by_step.items():
            assert got[step] == pytest.approx(value, rel=1e-6, abs=1e-7), (tag, step)   # float32 in the file
    assert len(steps["train/loss"]) == 4 and len(evals["validation/loss"]) >= 2
    text = acc.Tensors("config/text_summary")[0].tensor_proto.string_val[0].decode()
    assert "report_to:" in text and "causal_lm" in text


def test_trackio_local_store_holds_what_metrics_jsonl_holds(tracked_run):
    from trackio.sqlite_storage import SQLiteStorage

    from workbench.run.tracking import project_name
    steps, evals = _records(tracked_run)
    project = project_name(tracked_run.root.parent)
    assert project == "runs" and tracked_run.run_id in SQLiteStorage.get_runs(project)
    logs = SQLiteStorage.get_logs(project, tracked_run.run_id)
    got: dict = {}
    for row in logs:
        for k, v in row.items():
            if k not in ("timestamp", "step") and isinstance(v, (int, float)):
                got.setdefault(k, {})[row["step"]] = v
    for tag, by_step in {**steps, **evals}.items():
        assert got.get(tag) == pytest.approx(by_step, rel=1e-9), tag
    config = SQLiteStorage.get_run_config(project, tracked_run.run_id)
    assert config["task"] == "causal_lm" and config["train"]["report_to"] == ["tensorboard", "trackio"]


def test_no_tracker_by_default_and_bad_name_refused(make_cfg, tmp_path):
    from workbench.config import RunConfig
    from workbench.errors import ConfigError
    from workbench.run.tracking import listener_for
    cfg = make_cfg()
    assert cfg.train.report_to == []
    sentinel = object()
    assert listener_for(cfg, None, sentinel) is sentinel                # nothing in front of the listener
    with pytest.raises(ConfigError, match=r"train\.report_to.*wandb.*choose one of: tensorboard, trackio"):
        RunConfig.from_dict({"train": {"report_to": ["wandb"]}})
    assert RunConfig.from_yaml("{}", ["train.report_to=tensorboard,trackio"]).train.report_to == \
        ["tensorboard", "trackio"]


def test_report_to_on_the_cli():
    out = subprocess.run([sys.executable, "-m", "workbench", "config", "--set", "train.report_to=[tensorboard]"],
                         capture_output=True, text=True, check=True).stdout
    assert "report_to: [tensorboard]" in out
    bad = subprocess.run([sys.executable, "-m", "workbench", "config", "--set", "train.report_to=[mlflow]"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "train.report_to" in bad.stderr


def test_a_failing_tracker_is_dropped_and_logged():
    from workbench.run.events import Step
    from workbench.run.tracking import Tracking

    class Broken:
        name = "broken"

        def handle(self, ev):
            raise OSError("disk full")
    seen, logged = [], []
    tracking = Tracking([Broken()], seen.append, lambda message, level: logged.append((level, message)))
    ev = Step(step=1, total_steps=2, epoch=0.5, loss=1.0, terms={"task": 1.0}, lr=0.1, samples_per_s=3.0,
              elapsed_s=1.0, eta_s=1.0)
    tracking(ev)
    tracking(ev)
    assert seen == [ev, ev] and logged == [("warning", "broken: logging stopped (OSError: disk full)")]
