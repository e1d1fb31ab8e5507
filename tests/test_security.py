"""Path traversal through every input of the web app that takes a path or an id (data file fields, uploads, run
ids for watch / resume / delete / details, compare refs, export run): '../../etc/passwd', absolute paths and a
symlink out of the runs folder never escape. Uploads get generated names and a size limit; gradio serves no
extra folder."""

import json
import os
from pathlib import Path

import pytest

gr = pytest.importorskip("gradio")

from workbench import safety, store  # noqa: E402
from workbench.host.identity import read_users  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.ui import (build_app, common, data_tab, evaluate_tab, export_tab, launch_options, runs_tab,  # noqa: E402
                          train_tab, uploads)
from workbench.run.jobs import JobManager
from workbench.run import loop as trainer

EVIL = ["../../etc/passwd", "/etc/passwd", "..", "../outside", "/tmp", "a/../../outside", "~root", "outside-link"]


@pytest.fixture
def site(tmp_path):
    """An app over tmp/runs, a run folder OUTSIDE it (with a secret in its log) and a symlink to it inside."""
    runs = tmp_path / "runs"
    runs.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "config.yaml").write_text("task: classification\n")
    (outside / "summary.json").write_text(json.dumps({"status": "completed", "metrics": {"secret_metric": 1.0}}))
    (outside / "log.txt").write_text("TOP-SECRET\n")
    (outside / "metrics.jsonl").write_text(json.dumps({"type": "log", "level": "info", "message": "TOP-SECRET"}))
    (runs / "outside-link").symlink_to(outside, target_is_directory=True)
    app = build_app(JobManager(trainer.run), runs)
    return app.workbench, runs, outside


def _flat(out) -> str:
    return json.dumps(out, default=str)


@pytest.mark.parametrize("ref", EVIL)
def test_run_ids_never_escape_the_runs_folder(ref, site):
    ctx, runs, outside = site
    with pytest.raises(WorkbenchError):
        safety.run_folder(runs, ref)
    # Runs tab: details / overlay read nothing outside; watch, resume and delete refuse
    out = runs_tab.on_selected(ctx, [ref], "loss", "step", common.new_session())
    assert "TOP-SECRET" not in _flat(out) and "secret_metric" not in _flat(out)
    session, *_rest = runs_tab.on_resume(ctx, False, [ref], 2, common.new_session())
    assert session.get("run_id") is None
    _, msg = runs_tab.do_delete(ctx, [ref], common.new_session())
    assert outside.is_dir() and (outside / "log.txt").is_file()       # nothing deleted outside
    assert "deleted" not in msg.lower() or "0" in msg
    # Train tab: watching it is refused, so polling never reads it
    session, _ = train_tab.on_watch(ctx, ref, common.new_session())
    assert session.get("run_id") is None
    # Export and Evaluate: a message, no model loaded from there
    out = export_tab.on_export(ctx, ref, "merged", 8, False, common.new_session())
    assert "TOP-SECRET" not in _flat(out) and out[0]
    out = evaluate_tab.on_compare(ctx, ["base", ref], "test", 8, False, False, common.new_session())
    assert out[0] and "TOP-SECRET" not in _flat(out)
    out = evaluate_tab.on_ask(ctx, [ref], "some text", "", "", common.new_session())
    assert out[0] and "TOP-SECRET" not in _flat(out)


def test_registry_delete_refuses_a_path(site):
    _, runs, outside = site
    registry = store.Registry(runs)
    for ref in ("../outside", str(outside), "outside-link"):
        with pytest.raises(WorkbenchError):
            registry.delete(ref)
    assert (outside / "log.txt").is_file()


@pytest.mark.parametrize("source", ["../../etc/passwd", "/etc/passwd", "~/.bashrc", "../outside/log.txt"])
def test_data_fields_read_only_allowed_folders(source, site):
    ctx, runs, _ = site
    from workbench.config import RunConfig
    cfg = RunConfig.from_dict({"data": {"train": source}, "output": {"runs_dir": str(runs)}})
    out = data_tab.run_check(ctx, common.new_session(), *ctx.form.values(cfg))
    assert "uploads folder" in out[1] and "root:" not in _flat(out)


def test_a_symlink_in_the_uploads_folder_does_not_lead_out(site, tmp_path):
    ctx, runs, outside = site
    ctx.uploads_dir.mkdir(parents=True, exist_ok=True)
    link = ctx.uploads_dir / "innocent.csv"
    link.symlink_to(outside / "log.txt")
    with pytest.raises(WorkbenchError, match="uploads folder"):
        uploads.check_source(str(link), uploads.allowed_roots(ctx.uploads_dir))


def test_uploads_get_generated_names_inside_the_uploads_folder(tmp_path):
    dest_dir = tmp_path / "uploads"
    evil = tmp_path / "a" / "..%2F..%2Fetc passwd;rm -rf.csv"
    evil.parent.mkdir()
    evil.write_text("text,label\nx,y\n")
    stored = uploads.store_upload(str(evil), dest_dir)
    assert stored.parent == dest_dir.resolve() and "/" not in stored.name and " " not in stored.name
    assert stored.name.endswith(".csv") and stored.read_text() == evil.read_text()


def test_uploads_are_size_limited(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.truncate(3 * 2**20)
    with pytest.raises(WorkbenchError, match="over the upload limit of 2 MB"):
        uploads.store_upload(str(big), tmp_path / "uploads", max_mb=2)
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").iterdir())
    assert launch_options()["max_file_size"] == f"{uploads.MAX_UPLOAD_MB}mb"


def test_gradio_serves_no_extra_folder():
    opts = launch_options()
    assert "allowed_paths" not in opts or not opts["allowed_paths"]


def test_compare_refs_are_confined(site):
    _, runs, outside = site
    (runs / "r1" / "exports" / "merged").mkdir(parents=True)
    ok = safety.confine_refs(["base", "base:bert-tiny", "r1", str(runs / "r1" / "exports" / "merged")], runs)
    assert len(ok) == 4
    for bad in (str(outside), "../outside", "outside-link", "base:../../etc", "/etc"):
        with pytest.raises(WorkbenchError):
            safety.confine_refs([bad], runs)


def test_trust_remote_code_and_pickle_are_off_by_default():
    from workbench.config import ModelConfig
    m = ModelConfig()
    assert m.trust_remote_code is False and m.allow_pickle is False
    assert os.environ.get("HF_TOKEN") is None or True   # (no token is needed by any test)


def test_auth_file_is_read_with_clear_errors(tmp_path):
    f = tmp_path / "users"
    f.write_text("# who may log in\nalice:s3cret:with:colons\n\nbob:pw\n")
    assert read_users(f) == [("alice", "s3cret:with:colons"), ("bob", "pw")]
    f.write_text("alice\n")
    with pytest.raises(WorkbenchError, match="line 1: write `name:password`"):
        read_users(f)
    with pytest.raises(WorkbenchError, match="cannot read"):
        read_users(tmp_path / "missing")
