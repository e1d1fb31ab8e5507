"""The Model tab's "local folder" in shared mode: a visitor may load a model only from their own runs and from the
folders the host shares (--model-dirs, --data-dir). Tried through the page's handlers (the Model tab's describe,
the Train tab's Start) and through the engine behind the public API (HostService.train), with an absolute path,
`..`, another user's run and a symlink out; single-user mode keeps accepting any model folder."""

import shutil
from pathlib import Path

import pytest

from workbench.config import RunConfig
from workbench.errors import ModelError
from workbench.host import settings as host_settings
from workbench.host.policy import Access
from workbench.host.service import HostService
from workbench.host.settings import HostSettings
from workbench.model import catalogue as models
from workbench.run import loop as trainer
from workbench.run.jobs import JobManager
from workbench.ui import build_app, common, model_tab, train_tab

pytestmark = pytest.mark.usefixtures("one_thread")
REFUSED = "--model-dirs"


@pytest.fixture
def folders(tmp_path, tiny_bert_dir):
    """A server folder outside everything (holding a model), the runs root with alice's own run and bob's run, and
    symlinks in alice's folder that point at the outside model and at bob's run."""
    outside = tmp_path / "server" / "secret-model"
    shutil.copytree(tiny_bert_dir, outside)
    runs = tmp_path / "runs"
    for owner, rid in (("alice", "alice-run"), ("bob", "bob-run")):
        shutil.copytree(tiny_bert_dir, runs / "users" / owner / rid / "model")
    (runs / "users" / "alice" / "link-out").symlink_to(outside, target_is_directory=True)
    (runs / "users" / "alice" / "link-run").symlink_to(runs / "users" / "bob" / "bob-run", target_is_directory=True)
    return {"outside": outside, "runs": runs, "alice": runs / "users" / "alice"}


def _describe(app, owner: str, mode: str, value: str):
    """The Model tab's describe handler for one choice (mode folder: the local-folder box, run: the run box)."""
    session = {**common.new_session(), "owner": owner}
    fields = {"catalogue": "minilm", "folder": "", "run": None, "hub": "", mode: value}
    return model_tab.describe(app.workbench, mode, fields["catalogue"], fields["folder"], fields["run"], fields["hub"], session)


def test_model_tab_local_folder_is_confined_in_shared_mode(folders, tiny_cls_data):
    outside, runs, alice = folders["outside"], folders["runs"], folders["alice"]
    app = build_app(JobManager(trainer.run), runs, data_dirs=[Path(tiny_cls_data["train"]).parent],
                    settings=HostSettings(shared=True))
    hostile = [str(outside),                                    # an absolute server path
               "/etc",                                          # a folder without config.json: refused, not probed
               str(alice / ".." / "bob" / "bob-run" / "model"),  # .. into another user's run
               "../" * 12 + str(outside).lstrip("/"),           # relative, climbing out of the app's folder
               str(alice / "link-out"),                         # a symlink in the user's own folder, pointing out
               str(alice / "link-out" / "..")]                  # .. after a symlink
    for value in hostile:
        facts, msg = _describe(app, "alice", "folder", value)
        assert facts == "" and REFUSED in msg, value
        assert "config.json" not in msg and "bert" not in msg      # nothing read from the folder is shown
    # a run id that leads out: the run box with another user's id, and a symlinked 'run'
    assert "bert" not in _describe(app, "alice", "run", "bob-run")[0]
    assert REFUSED in _describe(app, "alice", "run", "link-run")[1]
    # what is allowed: the user's own run, by id and by its folder; catalogue names; a hub id (offline: says so)
    facts, msg = _describe(app, "alice", "run", "alice-run")
    assert msg == "" and "bert" in facts
    facts, msg = _describe(app, "alice", "folder", str(alice / "alice-run" / "model"))
    assert msg == "" and "bert" in facts
    assert _describe(app, "alice", "catalogue", "bert-tiny")[1] == ""
    assert REFUSED not in _describe(app, "alice", "hub", "someone/some-model")[1]

    # the Train tab's Start refuses it at the model field, before any run folder exists
    ctx = app.workbench
    cfg = RunConfig.from_dict({"model": {"name": str(outside)}, "data": {"train": tiny_cls_data["train"]},
                               "train": {"max_steps": 1, "precision": "fp32"}, "output": {"runs_dir": str(runs)}})
    session = {**common.new_session(), "owner": "alice"}
    out = train_tab.on_start(ctx, session, *ctx.form.values(cfg))
    assert out[0].get("run_id") is None
    assert REFUSED in str(out) and not list(alice.glob("*/config.yaml"))
    at_model = out[5 + common.SLOTS.index("model")]                # the message slots follow, in SLOTS order
    assert REFUSED in at_model                                    # at the Model tab's field


def test_host_shared_folders_are_allowed(folders, tiny_cls_data):
    outside, runs = folders["outside"], folders["runs"]
    app = build_app(JobManager(trainer.run), runs, settings=HostSettings(shared=True,
                                                                        model_dirs=[str(outside.parent)]))
    facts, msg = _describe(app, "alice", "folder", str(outside))
    assert msg == "" and "bert" in facts
    assert REFUSED in _describe(app, "alice", "folder", str(outside.parent.parent))[1]   # not its parent


def test_single_user_mode_keeps_any_local_folder(folders):
    app = build_app(JobManager(trainer.run), folders["runs"])
    facts, msg = _describe(app, None, "folder", str(folders["outside"]))
    assert msg == "" and "bert" in facts


def test_public_api_train_refuses_a_model_folder_outside(folders, tiny_cls_data):
    """HostService.train is what the /train endpoint calls (ui/host_api.py): the same refusals, as a ModelError."""
    outside, runs = folders["outside"], folders["runs"]
    data = Path(tiny_cls_data["train"]).parent
    s = HostSettings(shared=True)
    svc = HostService(s, Access(runs, s), JobManager(trainer.run), extra_roots=[data])
    yaml_text = RunConfig.from_dict({"model": {"name": "MODEL"}, "data": {"train": tiny_cls_data["train"]},
                                     "train": {"max_steps": 1}}).to_yaml()
    for name in (str(outside), f"{runs}/users/alice/../bob/bob-run/model", str(folders["alice"] / "link-out"),
                 "../" * 12 + str(outside).lstrip("/")):
        with pytest.raises(ModelError, match=REFUSED):
            svc.config_from("alice", yaml_text.replace("MODEL", name))           # what /train does first
        with pytest.raises(ModelError, match=REFUSED):
            svc.train("alice", RunConfig.from_yaml(yaml_text.replace("MODEL", name)))
    assert not svc.manager.active() and not list(folders["alice"].glob("*/summary.json"))
    # another user's run id is not found in alice's folder: it is taken for a hub id, never bob's folder
    assert models.resolve("bob-run", svc.access.folder("alice")).kind == "hub"
    cfg = svc.config_from("alice", yaml_text.replace("MODEL", "alice-run"))   # her own run: accepted
    assert cfg.model.name == "alice-run"


def test_model_dirs_is_a_host_setting_with_flag_and_env():
    import argparse
    p = argparse.ArgumentParser()
    host_settings.add_arguments(p)
    args = p.parse_args(["--shared", "--model-dirs", "/srv/models", "--model-dirs", "/srv/more"])
    assert host_settings.from_sources(args, env={}).model_dirs == ["/srv/models", "/srv/more"]
    env = {"WORKBENCH_MODEL_DIRS": "/srv/a,/srv/b"}
    assert host_settings.from_sources(None, env=env).model_dirs == ["/srv/a", "/srv/b"]
