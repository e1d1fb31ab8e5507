"""The demo stories' engine (workbench/demo.py) on tiny models: each story runs its ordinary runs through a
JobManager, in order, and ends with the side-by-side result; a story can be stopped; bad settings are refused."""

from __future__ import annotations

import pytest

from workbench import store
from workbench.run import loop as trainer
from workbench.demo import DemoRunner, DemoSettings
from workbench.errors import ConfigError, WorkbenchError
from workbench.run.jobs import JobManager

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_settings(tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text, **more) -> DemoSettings:
    return DemoSettings.from_dict({
        "model": tiny_bert_dir, "data": tiny_cls_data["train"], "test": tiny_cls_data["test"], "max_length": 32,
        "batch_size": 16, "lr": 2e-3, "teacher_steps": 12, "student_steps": 6, "student_layers": "top:1",
        "student_lr": 2e-3, "forget_steps": 6, "forget_lr": 2e-3, "scratch_model": tiny_gpt_dir, "text": tiny_text,
        "scratch_stages": [3, 6], "scratch_batch_size": 8, "scratch_max_length": 32, "precision": "fp32",
        "eval_examples": 16, "log_every": 1, **more})


@pytest.fixture
def runner(tmp_path, tiny_bert_dir, tiny_gpt_dir, tiny_cls_data, tiny_text):
    runs = tmp_path / "runs"
    return DemoRunner(JobManager(trainer.run), runs, tiny_settings(tiny_bert_dir, tiny_gpt_dir, tiny_cls_data,
                                                                   tiny_text), poll_s=0.05)


def test_teacher_story_ends_side_by_side(runner):
    runner.start("teacher")
    state = runner.wait(300)
    assert state["phase"] == "done", state.get("error")
    teacher_id, student_id = state["run_ids"]
    assert teacher_id.startswith("demo-teacher-") and student_id.startswith("demo-student-")
    for rid in (teacher_id, student_id):   # ordinary runs: the registry lists them, their folders are complete
        assert store.Registry(runner.runs_dir).get(rid)["status"] == "completed"
        assert (runner.runs_dir / rid / "model").is_dir()
    models = state["result"]["comparison"]["models"]
    assert [m["role"] for m in models] == ["teacher", "student"]
    assert models[1]["params"] < models[0]["params"]            # the student keeps 1 of 2 blocks
    assert all("accuracy" in m["metrics"] and m["latency_ms_per_example"] > 0 for m in models)
    answers = runner.answer("the film was wonderful and the music felt wonderful too")
    assert len(answers) == 2 and all(a["display"] in ("positive", "negative") for a in answers)
    with pytest.raises(WorkbenchError, match="type a sentence"):
        runner.answer("  ")


def test_forget_story_measures_retention(runner):
    runner.start("forget")
    state = runner.wait(300)
    assert state["phase"] == "done", state.get("error")
    models = state["result"]["comparison"]["models"]
    assert [m["strategy"] for m in models] == ["full", "l2sp"]
    assert all(m["retention"] and 0.0 <= m["retention"]["retention"] <= 1.0 for m in models)


def test_scratch_story_writes_samples_per_stage(runner):
    runner.start("scratch")
    state = runner.wait(300)
    assert state["phase"] == "done", state.get("error")
    assert len(state["run_ids"]) == 1                           # one run, continued stage by stage
    snaps = state["result"]["snapshots"]
    assert [s["step"] for s in snaps] == [3, 6]
    assert all(s["samples"] and isinstance(s["samples"][0]["output"], str) for s in snaps)
    assert len(runner.answer("the river")) == 1


def test_stop_cancels_the_current_run_and_no_later_one_starts(runner):
    runner.settings.teacher_steps = 5000
    runner.start("teacher")
    with pytest.raises(WorkbenchError, match="still going"):
        runner.start("forget")
    for _ in range(600):
        st = runner.state()
        if st["current_run"] and runner.manager.snapshot(st["current_run"])["progress"]:
            break
        runner.wait(0.1)
    runner.stop()
    state = runner.wait(120)
    assert state["phase"] == "stopped"
    assert len(state["run_ids"]) == 1
    assert store.Registry(runner.runs_dir).get(state["run_ids"][0])["status"] == "cancelled"


def test_bad_settings_name_the_field(tmp_path):
    with pytest.raises(ConfigError, match="unknown demo setting.*teacher_stepz"):
        DemoSettings.from_dict({"teacher_stepz": 3})
    with pytest.raises(ConfigError, match="scratch_stages"):
        DemoSettings.from_dict({"scratch_stages": [5, 2]})
    bad = tmp_path / "demo.yaml"
    bad.write_text("- 1\n")
    with pytest.raises(ConfigError, match="mapping of demo settings"):
        DemoSettings.load(bad)
    with pytest.raises(WorkbenchError, match="unknown demo story"):
        DemoRunner(None, tmp_path).start("nope")
