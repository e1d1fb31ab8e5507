"""JobManager: background threads, one running job at a time, queue positions, cancel, a failing job does not
take the manager (or the process) down; the registry survives and rebuilds from folders."""

import json
import shutil
import threading

from workbench import store
from workbench.run import loop as trainer
from workbench.run.jobs import JobManager


def _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, **train):
    return make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"]}, train=train)


def test_jobs_queue_and_run_one_at_a_time(make_cfg, tiny_cls_data, tiny_bert_dir):
    gate = threading.Event()
    seen_running = []

    def run(cfg, paths, listener=None, stop=None, resume=False):
        seen_running.append(paths.run_id)
        gate.wait(5)
        return trainer.run(cfg, paths, listener=listener, stop=stop, resume=resume)

    jm = JobManager(run)
    a = jm.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2))
    b = jm.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2))
    c = jm.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2))
    assert jm.snapshot(a)["state"] == "running"
    assert (jm.snapshot(b)["queue_position"], jm.snapshot(c)["queue_position"]) == (1, 2)
    jm.cancel(c)                                       # a queued job is dropped at once
    assert jm.snapshot(c)["state"] == "cancelled"
    gate.set()
    assert jm.wait(a, 60) == "completed" and jm.wait(b, 60) == "completed"
    assert seen_running == [a, b]
    snap = jm.snapshot(b)
    assert snap["progress"]["step"] == 2 and snap["started"]["total_steps"] == 2 and snap["last_eval"]
    assert json.loads((store.find_run(c, snap["runs_dir"]).summary).read_text())["status"] == "cancelled"


def test_a_failing_job_does_not_kill_the_manager(make_cfg, tiny_cls_data, tiny_bert_dir):
    calls = []

    def run(cfg, paths, listener=None, stop=None, resume=False):
        calls.append(paths.run_id)
        if len(calls) == 1:
            raise RuntimeError("boom in the job")
        return trainer.run(cfg, paths, listener=listener, stop=stop, resume=resume)

    jm = JobManager(run)
    bad = jm.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    good = jm.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    assert jm.wait(bad, 30) == "failed" and "boom in the job" in jm.snapshot(bad)["error"]
    assert jm.wait(good, 60) == "completed"
    summary = json.loads(store.find_run(bad, jm.snapshot(bad)["runs_dir"]).summary.read_text())
    assert summary["status"] == "failed" and "boom" in summary["error"]


def test_stop_and_save_and_resume_through_the_manager(make_cfg, tiny_cls_data, tiny_bert_dir):
    jm = JobManager(trainer.run)
    cfg = _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=200)
    rid = jm.submit(cfg)
    while not (jm.snapshot(rid)["progress"] or {}).get("step"):
        threading.Event().wait(0.05)
    jm.stop_and_save(rid)
    assert jm.wait(rid, 60) == "stopped"
    steps = jm.snapshot(rid)["progress"]["step"]
    rid2 = jm.resume(rid, cfg.output.runs_dir, overrides=["train.max_steps=" + str(steps + 2)])
    assert rid2 == rid and jm.wait(rid, 60) == "completed"
    assert jm.snapshot(rid)["progress"]["step"] == steps + 2


def test_registry_lists_runs_and_rebuilds_from_folders(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1)
    paths, _ = train(cfg)
    reg = store.Registry(cfg.output.runs_dir)
    rows = reg.list()
    assert [r["id"] for r in rows] == [paths.run_id]
    assert rows[0]["status"] == "completed" and rows[0]["key_metric"] == "eval_accuracy"
    (reg.path).unlink()                               # lose the registry: the folders are enough
    assert [r["id"] for r in store.Registry(cfg.output.runs_dir).list()] == [paths.run_id]
    copy = paths.root.parent / "copied-run"
    shutil.copytree(paths.root, copy)                  # a folder copied in shows up too
    assert {r["id"] for r in reg.list()} == {paths.run_id, "copied-run"}
    reg.delete("copied-run")
    assert not copy.exists() and [r["id"] for r in reg.list()] == [paths.run_id]


def test_dead_process_shows_as_interrupted(make_cfg, tiny_cls_data, tiny_bert_dir):
    cfg = _cfg(make_cfg, tiny_cls_data, tiny_bert_dir)
    paths = store.create_run(cfg)
    store.update_summary(paths, status="running")
    paths.lock.write_text("999999999\n")              # no such pid
    row = store.Registry(cfg.output.runs_dir).list()[0]
    assert row["status"] == "interrupted"
