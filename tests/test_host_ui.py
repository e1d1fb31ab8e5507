"""Shared mode through the page's own handlers (no browser): two users, each page's session naming its owner;
every control that takes a run id asks the host's policy, so the second user gets "no such run" (or nothing) for
the first user's run in the Runs, Train, Evaluate and Export tabs, and uploads land in the uploader's folder."""

from pathlib import Path

import pytest

from workbench.config import RunConfig
from workbench.host.settings import HostSettings
from workbench.run import loop as trainer
from workbench.run.jobs import JobManager
from workbench.ui import (build_app, common, data_tab, evaluate_tab, export_tab, host_page, runs_tab,
                          train_tab)

pytestmark = pytest.mark.usefixtures("one_thread")


def test_two_users_through_every_run_control(tmp_path, tiny_bert_dir, tiny_cls_data):
    runs = tmp_path / "runs"
    app = build_app(JobManager(trainer.run), runs, data_dirs=[tiny_bert_dir, Path(tiny_cls_data["train"]).parent],
                    settings=HostSettings(shared=True, max_upload_mb=1))
    ctx = app.workbench
    names = sorted(f.api_name for f in app.fns.values() if f.api_visibility == "public")
    assert names == ["compare", "export", "predict", "runs", "status", "stop", "train"]
    who = host_page.identify(ctx, None, None)                      # no login: this browser's own id
    assert who["owner"].startswith("anon-") and host_page.identify(ctx, who["browser_id"], None) == who
    alice = {**common.new_session(), "owner": "alice"}
    bob = {**common.new_session(), "owner": "bob"}
    cfg = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": {"train": tiny_cls_data["train"],
                               "test": tiny_cls_data["test"]}, "train": {"max_steps": 3, "batch_size": 8,
                               "precision": "fp32"}, "output": {"runs_dir": str(runs)}})
    alice = train_tab.on_start(ctx, alice, *ctx.form.values(cfg))[0]
    rid = alice["run_id"]
    assert rid and ctx.manager.wait(rid, 120) == "completed"
    assert (runs / "users" / "alice" / rid / "model").is_dir()

    assert list(runs_tab.list_runs(ctx, "", "", alice, [])[0].iloc[:, 0]) == [rid]
    assert runs_tab.list_runs(ctx, "", "", bob, [rid])[1]["choices"] == []               # bob's list: empty, his pick dropped
    # Runs tab: details / overlay / diff see nothing; watch, resume, continue, delete say "no such run"
    details = runs_tab.on_selected(ctx, [rid], "loss", "step", bob)[3]
    assert details == "" and rid in runs_tab.on_selected(ctx, [rid], "loss", "step", alice)[3]
    assert "no such run" in runs_tab.on_resume(ctx, True, [rid], 2, bob)[3]
    assert "no such run" in runs_tab.on_watch(ctx, [rid], bob)[3]
    assert "no such run" in str(runs_tab.do_delete(ctx, [rid], bob)[1])
    # Train tab: watching alice's run by id shows nothing, stopping it is refused
    out = train_tab.poll(ctx, {**bob, "run_id": rid})
    assert out[0]["run"] is None and "completed" not in str(out[2:])   # nothing of it drawn
    assert "no such run" in train_tab.on_stop(ctx, "cancel", {**bob, "run_id": rid})[0]
    assert "completed" in train_tab.poll(ctx, alice)[2]
    # Evaluate and Export tabs
    assert "no such run" in evaluate_tab.on_ask(ctx, [rid], "a lovely film", "", "", bob)[0]
    assert rid in str(evaluate_tab.on_ask(ctx, [rid], "a lovely film", "", "", alice)[1])
    assert "no such run" in evaluate_tab.on_compare(ctx, [rid, "base"], "test", 8, False, False, bob)[0]
    assert "no such run" in export_tab.on_export(ctx, rid, "merged", 8, False, bob)[0]
    # uploads: into the uploader's own folder, within the size limit
    stored, msg = data_tab.on_upload(ctx, tiny_cls_data["test"], bob)
    assert Path(stored).parent == (runs / "users" / "bob" / ".uploads").resolve() and msg == ""
    big = tmp_path / "big.csv"
    big.write_text("text,label\n" + "x,y\n" * 400_000)
    assert "limit is 1 MB per upload" in data_tab.on_upload(ctx, str(big), bob)[1]
    # alice's run is still there and hers
    assert list(runs_tab.list_runs(ctx, "", "", alice, [])[0].iloc[:, 0]) == [rid]


def test_identity_from_login_oauth_or_browser(tmp_path):
    from types import SimpleNamespace as NS

    from workbench.ui import host_api as api
    from workbench.host.service import HostService
    from workbench.host.policy import Access
    from workbench.run.jobs import JobManager
    s = HostSettings(shared=True)
    svc = HostService(s, Access(tmp_path, s), JobManager(lambda *a, **k: {}))
    login = NS(username="Ann Lee", session_hash="h1", request=NS(session={}))
    oauth = NS(username=None, session_hash="h2",
               request=NS(session={"oauth_info": {"userinfo": {"preferred_username": "ann-hf"}}}))
    anon = NS(username=None, session_hash="h3", request=NS())
    assert api.request_owner(svc, login).startswith("Ann-Lee-")            # unsafe characters: a hashed suffix
    assert api.request_owner(svc, oauth) == "ann-hf"
    assert api.request_owner(svc, anon, "browser-1") == api.request_owner(svc, anon, "browser-1") != \
        api.request_owner(svc, anon, "browser-2")
    assert api.request_owner(svc, login) != api.request_owner(svc, NS(username="host", session_hash="x"))
    s.anonymous = False
    with pytest.raises(Exception, match="sign in"):
        api.request_owner(svc, anon)
    from workbench.ui.train_tab import final_html
    assert "step limit" in final_html({"status": "stopped", "stop_reason": "the host's step limit (5 steps per "
                                       "run) was reached"}, "en")


def test_admin_tab_is_for_admins_only(tmp_path, make_cfg):
    from workbench import store
    runs = tmp_path / "runs"
    app = build_app(JobManager(trainer.run), runs, settings=HostSettings(shared=True, admins=["root"]))
    ctx = app.workbench
    paths = store.create_run(make_cfg(output={"runs_dir": str(ctx.host.access.folder("alice"))}), owner="alice",
                             status="completed")
    msg, queue, disk, runs_frame = host_page.admin_show(ctx, {**common.new_session(), "owner": "root"})
    assert msg == "" and list(runs_frame["id"]) == [paths.run_id] and list(runs_frame["owner"]) == ["alice"]
    assert set(disk["owner"]) == {"host", "alice"}
    msg, queue, disk, runs_frame = host_page.admin_show(ctx, {**common.new_session(), "owner": "alice"})
    assert "for the host&#x27;s admins" in msg and runs_frame is None
    cancel = host_page.admin_cancel
    assert "not queued or running" in cancel(ctx, paths.run_id, {**common.new_session(), "owner": "root"})[0]
    assert "admins" in cancel(ctx, paths.run_id, {**common.new_session(), "owner": "alice"})[0]


def test_evaluate_lists_the_hosts_example_runs(tmp_path):
    from workbench.ui.evaluate_tab import visible_choices
    runs = tmp_path / "runs"
    (runs / "20261206-000000-abcd" / "model").mkdir(parents=True)
    (runs / "20261206-000000-abcd" / "model" / "workbench.json").write_text("{}")
    (runs / "20261206-000000-abcd" / "config.yaml").write_text("task: classification\n")
    app = build_app(JobManager(trainer.run), runs, settings=HostSettings(shared=True, examples=["20261206-000000-abcd"]))
    bob = {**common.new_session(), "owner": "bob"}
    assert ("20261206-000000-abcd · example (read-only)", "20261206-000000-abcd") in visible_choices(app.workbench, bob)
    zh = {**bob, "lang": "zh"}
    assert ("20261206-000000-abcd · 示例（只读）", "20261206-000000-abcd") in visible_choices(app.workbench, zh)
