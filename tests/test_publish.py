"""Publishing to the Hub: the exact folder that would be uploaded (run and export), its model card parsed with
huggingface_hub.ModelCard with metadata the Hub accepts, the offline / no-token / bad repo messages (CLI exit 2,
nothing uploaded), and the upload path with HfApi's methods recorded instead of called."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _eval_helpers import train_run
from workbench.cli import main
from workbench.errors import ConfigError, WorkbenchError
from workbench.export.publish import push, stage

pytestmark = pytest.mark.usefixtures("one_thread")

RUN_FILES = ["README.md", "config.json", "config.yaml", "model.safetensors", "report.json", "tokenizer.json",
             "tokenizer_config.json", "workbench.json"]


@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_cls_data, tiny_bert_dir):
    from workbench.export.formats import export
    runs = tmp_path_factory.mktemp("publish") / "runs"
    run = train_run(runs, tiny_bert_dir, {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                    max_steps=2)
    merged = export(run, "merged", runs_dir=runs, memory=False, retention=False)
    return {"runs": runs, "run": run, "merged": merged}


@pytest.fixture
def online(monkeypatch):
    """The Hub switched on (the test session runs with HF_HUB_OFFLINE=1), a token in HF_TOKEN, and HfApi's
    create_repo / upload_folder recorded, never called."""
    import huggingface_hub
    from huggingface_hub import constants
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", "hf_env_token")
    calls = []

    def create_repo(self, repo_id, **kw):
        calls.append(("create_repo", self.token, repo_id, kw))
        return f"https://huggingface.co/{repo_id}"

    def upload_folder(self, **kw):
        folder = Path(kw["folder_path"])
        calls.append(("upload_folder", self.token, kw["repo_id"], {**kw, "files": sorted(p.name for p in
                                                                                         folder.iterdir())}))
    monkeypatch.setattr(huggingface_hub.HfApi, "create_repo", create_repo)
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", upload_folder)
    return calls


def _card(folder: Path):
    from huggingface_hub import ModelCard, ModelCardData
    from huggingface_hub.repocard_data import model_index_to_eval_results
    card = ModelCard.load(folder / "README.md")
    data = card.data.to_dict()
    ModelCardData(**data)                                        # the metadata parses back the way the Hub's does
    name, results = model_index_to_eval_results(data["model-index"])
    return card, data, name, results


def test_staged_run_folder_and_card(world):
    staged = stage(world["run"], world["runs"])
    try:
        assert sorted(p.name for p in staged.iterdir()) == RUN_FILES
        card, data, name, results = _card(staged)
        assert data["library_name"] == "transformers" and data["pipeline_tag"] == "text-classification"
        assert data["license"] == "other" and "base_model" not in data        # a local folder is not a hub id
        assert set(data["tags"]) == {"workbench", "classification"}
        assert set(data["metrics"]) >= {"accuracy", "macro_f1", "loss"}
        report = json.loads((staged / "report.json").read_text())
        assert name == report["source"] == Path(world["run"]).name
        by_metric = {r.metric_type: r.metric_value for r in results}
        assert by_metric["accuracy"] == report["metrics"]["accuracy"]
        assert all(r.task_type == "text-classification" for r in results)
        assert "python -m workbench train --config config.yaml" in card.text
        assert (staged / "config.yaml").read_text() == (Path(world["run"]) / "config.yaml").read_text()
    finally:
        import shutil
        shutil.rmtree(staged)


def test_staged_export_folder_with_license(world):
    staged = stage(str(world["merged"]), world["runs"], license="apache-2.0")
    try:
        assert sorted(p.name for p in staged.iterdir()) == sorted(p.name for p in world["merged"].iterdir())
        card, data, name, results = _card(staged)
        assert data["license"] == "apache-2.0" and data["library_name"] == "transformers"
        assert "merged" in data["tags"] and "## How to load" in card.text
        import yaml
        train = yaml.safe_load((staged / "config.yaml").read_text())["data"]["train"]
        assert {r.dataset_name for r in results} == {train}                 # not "the run's own"
        report = json.loads((staged / "report.json").read_text())
        assert {r.metric_type: r.metric_value for r in results}["accuracy"] == report["metrics"]["accuracy"]
    finally:
        import shutil
        shutil.rmtree(staged)


def test_hub_ids_in_front_matter():
    from workbench.export.modelcard import hub_id
    assert hub_id("minilm") == "sentence-transformers/all-MiniLM-L6-v2"
    assert hub_id("Qwen/Qwen2.5-0.5B") == "Qwen/Qwen2.5-0.5B"
    assert hub_id("gpt-tiny") is None and hub_id("builtin:sentiment") is None and hub_id("/tmp/x/y") is None
    assert hub_id("data/train.csv") is None and hub_id("../shared/data/x.txt") is None
    assert hub_id("stanfordnlp/sst2") == "stanfordnlp/sst2"


def test_offline_message_and_exit_2(world, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_TOKEN", "hf_x")
    assert main(["push", world["run"], "--repo", "alice/tiny", "--runs-dir", str(world["runs"])]) == 2
    err = capsys.readouterr().err
    assert "HF_HUB_OFFLINE" in err and "nothing was uploaded" in err


def test_no_token_and_bad_repo_messages(world, online, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    assert main(["push", world["run"], "--repo", "alice/tiny", "--runs-dir", str(world["runs"])]) == 2
    err = capsys.readouterr().err
    assert "token: no Hugging Face token" in err and "HF_TOKEN" in err and "nothing was uploaded" in err
    assert main(["push", world["run"], "--repo", "not a repo", "--token", "t", "--runs-dir", str(world["runs"])]) == 2
    assert "repo: 'not a repo' is not a Hub model id; give USER/NAME" in capsys.readouterr().err
    assert online == []                                          # nothing reached the Hub


def test_upload_path_records_the_calls(world, online, capsys):
    assert main(["push", world["run"], "--repo", "alice/tiny-sentiment", "--private",
                 "--runs-dir", str(world["runs"])]) == 0
    (c_name, c_token, c_repo, c_kw), (u_name, u_token, u_repo, u_kw) = online
    assert (c_name, c_token, c_repo) == ("create_repo", "hf_env_token", "alice/tiny-sentiment")
    assert c_kw == {"private": True, "exist_ok": True, "repo_type": "model"}
    assert (u_name, u_repo, u_kw["repo_type"]) == ("upload_folder", "alice/tiny-sentiment", "model")
    assert u_kw["files"] == RUN_FILES and not Path(u_kw["folder_path"]).exists()   # staging removed afterwards
    assert capsys.readouterr().out.strip() == "https://huggingface.co/alice/tiny-sentiment"
    done = push(str(world["merged"]), "alice/merged", runs_dir=world["runs"], token="hf_field_token")
    assert online[-1][1] == "hf_field_token" and online[-2][3]["private"] is False
    assert done["files"] == sorted(p.name for p in world["merged"].iterdir())


def test_upload_failure_leaves_nothing_here(world, online, monkeypatch):
    import huggingface_hub
    seen = []

    def broken(self, **kw):
        seen.append(Path(kw["folder_path"]))
        raise OSError("connection reset")
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", broken)
    with pytest.raises(WorkbenchError, match=r"upload to alice/x failed \(OSError: connection reset\); nothing was "
                                             "kept locally"):
        push(world["run"], "alice/x", runs_dir=world["runs"])
    assert seen and not seen[0].exists()
    with pytest.raises(ConfigError):
        push(world["run"], "alice", runs_dir=world["runs"])
