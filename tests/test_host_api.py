"""The public API, driven only through gradio_client against the app started on loopback in shared mode with a
users file: start a tiny run, poll it to completion, predict, export; a second user can neither see nor stop nor
use the first user's run; only the named endpoints are listed."""

import json
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from _app import running_app
from gradio_client import Client


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, tiny_bert_dir, tiny_cls_data):
    root = tmp_path_factory.mktemp("shared_app")
    (root / "users.txt").write_text("# lab users\nalice:wonderland\nbob:builder\n")
    args = ["--shared", "--auth-file", str(root / "users.txt"), "--max-active-runs", "1",
            "--data-dir", tiny_bert_dir, "--data-dir", str(Path(tiny_cls_data["train"]).parent)]
    # the app is up when it answers at all (401 before the login counts)
    with running_app(root, args, env={"OMP_NUM_THREADS": "1"}) as app:
        yield app.url, root


def _config(tiny_bert_dir, tiny_cls_data) -> str:
    return yaml.safe_dump({"task": "classification", "model": {"name": tiny_bert_dir},
                           "data": {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                           "train": {"max_steps": 4, "batch_size": 8, "lr": 1e-3, "precision": "fp32"}})


def _error(fn, *args, **kwargs) -> str:
    with pytest.raises(Exception) as e:
        fn(*args, **kwargs)
    return str(e.value)


def test_api_train_poll_predict_export_and_isolation(app_url, tiny_bert_dir, tiny_cls_data, tmp_path):
    url, root = app_url
    alice = Client(url, auth=("alice", "wonderland"), verbose=False, download_files=str(tmp_path))
    bob = Client(url, auth=("bob", "builder"), verbose=False)
    endpoints = alice.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert sorted(endpoints) == ["/compare", "/export", "/predict", "/runs", "/status", "/stop", "/train"]

    run_id = alice.predict(config_yaml=_config(tiny_bert_dir, tiny_cls_data), preset="", overrides=["train.seed=1"],
                           api_name="/train")
    # alice may have one run queued or running: a second is refused, naming the limit and the way out
    assert "--max-active-runs" in _error(alice.predict, config_yaml="", preset="default", overrides=[],
                                         api_name="/train")
    deadline = time.time() + 240
    while True:
        status = alice.predict(run_id=run_id, api_name="/status")
        if status["status"] not in ("queued", "running") or time.time() > deadline:
            break
        time.sleep(1)
    assert status["status"] == "completed", status
    assert status["step"] == status["total_steps"] == 4 and "eval_accuracy" in status["metrics"]
    assert [r["id"] for r in alice.predict(api_name="/runs")] == [run_id]
    (run_folder,) = (root / "runs" / "users" / "alice").glob(f"{run_id}/config.yaml")   # the user's own folder

    answers = alice.predict(run_ids=[run_id], text="the film was lovely and warm", context="", api_name="/predict")
    assert answers[0]["model"] == run_id and answers[0]["display"] in ("positive", "negative")

    report, zipped = alice.predict(run_id=run_id, fmt="merged", max_examples=16, api_name="/export")
    assert json.loads(report)["format"] == "merged"
    assert "model.safetensors" in {Path(n).name for n in zipfile.ZipFile(zipped).namelist()}

    # bob: no such run, whatever he tries; his list is empty; alice's run is untouched
    assert bob.predict(api_name="/runs") == []
    for name, kwargs in (("/status", {"run_id": run_id}), ("/stop", {"run_id": run_id, "save": False}),
                         ("/predict", {"run_ids": [run_id], "text": "x", "context": ""}),
                         ("/compare", {"run_ids": [run_id], "split": "test", "max_examples": 8}),
                         ("/export", {"run_id": run_id, "fmt": "merged", "max_examples": 8})):
        assert "no such run" in _error(bob.predict, api_name=name, **kwargs), name
    # a data file outside bob's own uploads is refused too (a path guessed into alice's folder)
    bad = _config(tiny_bert_dir, tiny_cls_data).replace(tiny_cls_data["train"], str(run_folder))
    assert "not one of your files" in _error(bob.predict, config_yaml=bad, preset="", overrides=[],
                                             api_name="/train")
    assert alice.predict(run_id=run_id, api_name="/status")["status"] == "completed"
