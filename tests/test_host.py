"""Shared mode, engine side: the one access policy (isolation, examples, admins, guessed ids), the registry's owner
column and its migration, quotas and their messages, the round-robin queue, the step and time caps, and a restart
on persistent storage (an interrupted run shows as such and resumes)."""

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from workbench import store
from workbench.errors import ConfigError, WorkbenchError
from workbench.host import settings as host_settings
from workbench.host.fair import round_robin
from workbench.host.policy import Access
from workbench.host.quotas import QuotaError
from workbench.host.service import HostService
from workbench.host.settings import HostSettings
from workbench.run import loop as trainer
from workbench.run.jobs import JobManager

pytestmark = pytest.mark.usefixtures("one_thread")


class _J:
    def __init__(self, name, owner):
        self.name, self.owner = name, owner

    def __repr__(self):
        return self.name


def _cfg(make_cfg, data, model, **train):
    return make_cfg(model={"name": model}, data={"train": data["train"]}, train=train)


def _service(root, run_fn=trainer.run, roots=(), **settings):
    s = HostSettings(shared=True, **settings)
    return HostService(s, Access(Path(root), s), JobManager(run_fn), extra_roots=[Path(r) for r in roots])


def test_round_robin_takes_owners_in_turn():
    a1, a2, a3, b1, c1 = _J("a1", "a"), _J("a2", "a"), _J("a3", "a"), _J("b1", "b"), _J("c1", "c")
    assert round_robin([a1, a2, a3, b1, c1], []) == [a1, b1, c1, a2, a3]
    assert round_robin([a2, a3, b1, c1], ["a"]) == [b1, c1, a2, a3]     # a was just served: the others first
    assert round_robin([a2, a3, c1], ["a", "b"]) == [c1, a2, a3]
    assert round_robin([], ["a"]) == []


def test_manager_starts_runs_round_robin_and_reports_fair_positions(make_cfg, tiny_cls_data, tiny_bert_dir,
                                                                    tmp_path):
    gate, started = threading.Event(), []

    def run(cfg, paths, listener=None, stop=None, resume=False):
        started.append(paths.run_id)
        gate.wait(10)
        return store.update_summary(paths, status="completed")

    svc = _service(tmp_path / "runs", run, roots=[tiny_bert_dir, Path(tiny_cls_data["train"]).parent],
                   max_active_runs=0)
    ids = {}
    for who, n in (("alice", 3), ("bob", 1), ("carol", 1)):
        ids[who] = [svc.train(who, _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1)) for _ in range(n)]
    # alice's first started at once; the queue is bob, carol, then alice's other two
    assert svc.status("bob", ids["bob"][0])["queue_position"] == 1
    assert svc.status("carol", ids["carol"][0])["queue_position"] == 2
    assert [svc.status("alice", r)["queue_position"] for r in ids["alice"]] == [0, 3, 4]
    gate.set()
    for r in ids["alice"] + ids["bob"] + ids["carol"]:
        svc.manager.wait(r, 30)
    assert started == [ids["alice"][0], ids["bob"][0], ids["carol"][0], ids["alice"][1], ids["alice"][2]]


def test_one_policy_isolates_users_examples_and_admins(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path):
    root = tmp_path / "runs"
    host_run = store.create_run(make_cfg(output={"runs_dir": str(root)}), status="completed")
    ex = store.create_run(make_cfg(output={"runs_dir": str(root)}), status="completed")
    s = HostSettings(shared=True, examples=[ex.run_id], admins=["root"])
    access = Access(root, s)
    mine = store.create_run(make_cfg(output={"runs_dir": str(access.folder("alice"))}), owner="alice")
    theirs = store.create_run(make_cfg(output={"runs_dir": str(access.folder("bob"))}), owner="bob")
    assert access.resolve("alice", mine.run_id).root == mine.root.resolve()
    for guess in (theirs.run_id, host_run.run_id, "../bob/" + theirs.run_id, str(theirs.root), "..", ""):
        with pytest.raises(WorkbenchError, match="no such run"):
            access.resolve("alice", guess)
        assert not access.may_see("alice", guess)
    # an example: everyone may open it, nobody but the host may change it
    assert access.resolve("alice", ex.run_id).run_id == ex.run_id
    with pytest.raises(WorkbenchError, match="read-only example"):
        access.resolve("alice", ex.run_id, write=True)
    rows = access.runs("alice")
    assert {r["id"]: (r["owner"], r["read_only"]) for r in rows} == {mine.run_id: ("alice", False),
                                                                     ex.run_id: ("examples", True)}
    assert {r["id"] for r in access.runs("root")} == {host_run.run_id, ex.run_id, mine.run_id, theirs.run_id}
    assert access.resolve("root", theirs.run_id, write=True).run_id == theirs.run_id
    assert store.Registry(access.folder("bob")).get(theirs.run_id)["owner"] == "bob"
    # outside shared mode every run of the runs folder is the host's, by its plain id; a path is refused (the page
    # and the API never take folders; the CLI does, through store.find_run)
    single = Access(root, HostSettings())
    assert single.resolve(None, ex.run_id).run_id == ex.run_id
    for path in (str(theirs.root), str(ex.root), f"../{root.name}/{ex.run_id}"):
        with pytest.raises(WorkbenchError):
            single.resolve(None, path)


def test_old_registry_rows_belong_to_the_host_user(tmp_path, make_cfg):
    root = tmp_path / "runs"
    paths = store.create_run(make_cfg(output={"runs_dir": str(root)}), status="completed")
    db = root / "registry.sqlite"
    db.unlink()
    con = sqlite3.connect(db)                        # the registry as it was before shared mode: no owner column
    con.execute("""CREATE TABLE runs (id TEXT PRIMARY KEY, created REAL, updated REAL, status TEXT, task TEXT,
        model TEXT, strategy TEXT, key_metric TEXT, key_value REAL, metrics TEXT, config TEXT, error TEXT,
        parent TEXT)""")
    con.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (paths.run_id, 1.0, 1.0, "completed", "classification", "m", "full", None, None, "{}", "", None, None))
    con.commit()
    con.close()
    rows = Access(root, HostSettings(shared=True, admins=["root"])).runs("root")
    assert [(r["id"], r["owner"]) for r in rows] == [(paths.run_id, "host")]
    store.update_summary(paths, status="completed")  # writing again works on the migrated table
    assert store.Registry(root).get(paths.run_id)["owner"] is None


def test_quota_refusals_name_the_limit_and_what_to_do(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path,
                                                      monkeypatch):
    gate = threading.Event()

    def run(cfg, paths, listener=None, stop=None, resume=False):
        gate.wait(10)
        return store.update_summary(paths, status="completed")

    roots = [tiny_bert_dir, Path(tiny_cls_data["train"]).parent]
    svc = _service(tmp_path / "runs", run, roots=roots, max_active_runs=1, max_queue=2)
    cfg = lambda: _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1)   # noqa: E731
    first = svc.train("alice", cfg())
    with pytest.raises(QuotaError, match=r"limit is 1 per user.*--max-active-runs \(env WORKBENCH_MAX_ACTIVE_RUNS"):
        svc.train("alice", cfg())
    svc.train("bob", cfg())
    monkeypatch.setenv("SPACE_ID", "someone/workbench")
    with pytest.raises(QuotaError, match=r"queue is full .*limit is 2.*duplicate this Space to lift it"):
        svc.train("carol", cfg())
    gate.set()
    svc.manager.wait(first, 30)
    # disk: over the limit, the oldest finished runs are named for deletion
    svc.settings.max_disk_mb = 0.000001
    with pytest.raises(QuotaError, match=f"limit is 1e-06 MB per user.*oldest first: {first}"):
        svc.train("alice", cfg())
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 3_000_000)
    svc.settings.max_upload_mb = 1
    with pytest.raises(QuotaError, match=r"big.csv is 3.0 MB; the limit is 1 MB per upload"):
        svc.store_upload("dave", str(big), lambda p, d: d)


def test_files_outside_the_users_own_are_refused(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path):
    svc = _service(tmp_path / "runs", roots=[tiny_bert_dir])      # the data folder is not allowed
    with pytest.raises(ConfigError, match="not one of your files") as e:
        svc.train("alice", _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    assert e.value.field == "data.train"


def test_step_cap_stops_and_saves_and_says_why(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path):
    svc = _service(tmp_path / "runs", roots=[tiny_bert_dir, Path(tiny_cls_data["train"]).parent], max_steps=2)
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"]},
                   train={"max_steps": None, "epochs": 1, "log_every": 1})      # 12 steps without the cap
    rid = svc.train("alice", cfg)
    assert svc.manager.wait(rid, 120) == "stopped"
    st = svc.status("alice", rid)
    assert st["status"] == "stopped" and st["step"] == 2 and "step limit (2 steps per run)" in st["stop_reason"]
    assert (svc.access.folder("alice") / rid / "model" / "workbench.json").is_file()    # saved at the cap


def test_time_cap_stops_and_saves(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path):
    def run(cfg, paths, listener=None, stop=None, resume=False):
        for _ in range(200):
            if stop.requested:
                return store.update_summary(paths, status="stopped" if stop.mode == "save" else "cancelled")
            threading.Event().wait(0.05)
        return store.update_summary(paths, status="completed")

    svc = _service(tmp_path / "runs", run, roots=[tiny_bert_dir, Path(tiny_cls_data["train"]).parent],
                   max_minutes=0.005)
    rid = svc.train("alice", _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    assert svc.manager.wait(rid, 30) == "stopped"
    summary = json.loads((svc.access.folder("alice") / rid / "summary.json").read_text())
    assert "time limit (0.005 minutes per run)" in summary["stop_reason"]


def test_restart_on_persistent_storage_shows_interrupted_and_resumes(make_cfg, tiny_cls_data, tiny_bert_dir,
                                                                     tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(host_settings, "PERSISTENT", data)
    root = host_settings.storage_root("runs", explicit=False)
    assert root == data / "runs"
    roots = [tiny_bert_dir, Path(tiny_cls_data["train"]).parent]
    svc = _service(root, roots=roots)
    rid = svc.train("alice", _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=3, checkpoint_every=1))
    assert svc.manager.wait(rid, 120) == "completed"
    paths = svc.access.resolve("alice", rid)
    store.update_summary(paths, status="running")      # the process died while training it
    paths.lock.write_text("999999999\n")
    again = _service(root, roots=roots)                  # a new process on the same storage
    st = again.status("alice", rid)
    assert st["status"] == "interrupted" and st["resumable"]
    assert [r["id"] for r in again.runs("alice")] == [rid] and again.runs("bob") == []
    assert again.resume("alice", rid, ["train.max_steps=4"]) == rid
    assert again.manager.wait(rid, 120) == "completed" and again.status("alice", rid)["step"] == 4
    with pytest.raises(WorkbenchError, match="no such run"):
        again.resume("bob", rid)


def test_settings_from_flags_env_and_space(monkeypatch):
    import argparse
    p = argparse.ArgumentParser()
    host_settings.add_arguments(p)
    s = host_settings.from_sources(p.parse_args(["--max-steps", "5", "--admins", "root"]),
                                   {"WORKBENCH_MAX_QUEUE": "3", "WORKBENCH_EXAMPLES": "a,b", "SPACE_ID": "x/y"})
    assert (s.shared, s.max_steps, s.max_queue, s.admins, s.examples) == (True, 5, 3, ["root"], ["a", "b"])
    with pytest.raises(ConfigError, match="WORKBENCH_MAX_STEPS"):
        host_settings.from_sources(None, {"WORKBENCH_MAX_STEPS": "-1"})
    assert not host_settings.from_sources(None, {}).shared


def test_admin_sees_every_run_the_queue_and_disk_and_cancels_any(make_cfg, tiny_cls_data, tiny_bert_dir, tmp_path):
    gate = threading.Event()

    def run(cfg, paths, listener=None, stop=None, resume=False):
        gate.wait(10)
        return store.update_summary(paths, status="cancelled" if stop.requested else "completed")

    svc = _service(tmp_path / "runs", run, roots=[tiny_bert_dir, Path(tiny_cls_data["train"]).parent],
                   admins=["root"], max_active_runs=0)
    a = svc.train("alice", _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    b = svc.train("bob", _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1))
    with pytest.raises(WorkbenchError, match="admins"):
        svc.admin_view("alice")
    view = svc.admin_view("root")
    assert [(q["run_id"], q["owner"], q["state"]) for q in view["queue"]] == [(a, "alice", "running"),
                                                                             (b, "bob", "queued")]
    assert set(view["disk_mb"]) == {"host", "alice", "bob"} and view["disk_mb"]["alice"] > 0
    assert {r["id"] for r in view["runs"]} == {a, b}
    svc.stop("root", b, save=False)                   # an admin cancels anyone's run
    assert svc.status("bob", b)["status"] == "cancelled"
    with pytest.raises(WorkbenchError, match="no such run"):
        svc.stop("bob", a)
    gate.set()
    svc.manager.wait(a, 30)


def test_host_engine_parts_do_not_import_gradio():
    import subprocess
    import sys
    code = ("import sys, workbench.host.service, workbench.host.policy, workbench.host.quotas, workbench.host.fair, "
            "workbench.host.identity, workbench.host.settings; "
            "bad = [m for m in sys.modules if m == 'gradio' or m.startswith('gradio.')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
