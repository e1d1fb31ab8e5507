"""The rest of the bad-input story: the pickle opt-in really loads, over-long texts are truncated and counted (a
warning, not an error), a few corpus cases through a real `python -m workbench` process, and the Data tab's
Check shows the same messages next to the field they concern."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main

from .corpus import CASES, GOOD, _pickle_model, train, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fx(tiny_bert_dir, tiny_gpt_dir):
    return {"bert": tiny_bert_dir, "gpt": tiny_gpt_dir}


def test_pickle_weights_load_when_allowed(fx, tmp_path, capsys):
    model = _pickle_model(tmp_path, fx)
    argv = train(tmp_path, fx, write(tmp_path / "train.csv", GOOD), "model.allow_pickle=true", model=model)
    assert main(argv) == 0, capsys.readouterr().err
    summary = json.loads(next((tmp_path / "runs").glob("*/summary.json")).read_text())
    assert summary["status"] == "completed"


def test_texts_over_max_length_are_truncated_counted_and_warned(fx, tmp_path, capsys):
    long = " ".join(["the film was great and the actors were good"] * 12)
    rows = "".join(f"{long},positive\nshort awful film,negative\n" for _ in range(8))
    argv = train(tmp_path, fx, write(tmp_path / "train.csv", "text,label\n" + rows), "data.max_length=16")
    assert main(argv) == 0
    capsys.readouterr()
    run = next((tmp_path / "runs").glob("*/summary.json")).parent
    logs = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    warned = [e["message"] for e in logs if e.get("type") == "log" and "were truncated" in e.get("message", "")]
    assert warned and "data.max_length=16" in warned[0]
    n_long_train = int(warned[0].split(" of ")[0])
    assert 1 <= n_long_train <= 8            # only the long half is counted, never the short texts


@pytest.mark.parametrize("name", ["csv NUL bytes", "yaml unknown key", "resume a run id that does not exist"])
def test_bad_input_in_a_real_process(name, fx, tmp_path):
    argv = CASES[name].build(tmp_path, fx)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "workbench", *argv], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert all(words in errors[0] for words in CASES[name].must)


# ---- the Data tab's Check: the message lands at the field --------------------------------------------------------
@pytest.fixture(scope="module")
def data_check(tmp_path_factory):
    pytest.importorskip("gradio")
    from workbench.run import loop as trainer
    from workbench.run.jobs import JobManager
    from workbench.ui import build_app, common, data_tab
    folder = tmp_path_factory.mktemp("ui_data")
    app = build_app(JobManager(trainer.run), folder / "runs", data_dirs=[folder])
    ctx = app.workbench

    def check(cfg_dict: dict) -> dict:
        from workbench.config import RunConfig
        cfg = RunConfig.from_dict(cfg_dict)
        out = data_tab.run_check(ctx, common.new_session(), *ctx.form.values(cfg))
        return dict(zip(data_tab.DATA_SLOTS, out[:len(data_tab.DATA_SLOTS)]))
    return folder, check


@pytest.mark.parametrize("content, slot, words", [
    ("text,label\n".encode() + "很好的电影,positive\n".encode("gbk") * 12, "data.train", "not UTF-8"),
    (GOOD.replace("awful", "aw\x00ful").encode(), "data.train", "NUL bytes"),
    ("text,label\n" + "good film,positive\n" * 12, "data.train", "only one class"),
    (GOOD.encode("utf-16"), "data.train", "UTF-16"),
])
def test_data_check_shows_the_message_at_the_field(content, slot, words, data_check):
    folder, check = data_check
    path = folder / f"case-{abs(hash(words)) % 10**6}.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    msgs = check({"task": "classification", "data": {"train": str(path)}})
    assert words in msgs[slot], msgs
    assert all(not v for k, v in msgs.items() if k != slot)     # one message, at that field only


def test_data_check_points_a_missing_column_at_the_columns(data_check):
    folder, check = data_check
    path = folder / "good.csv"
    path.write_text(GOOD)
    msgs = check({"task": "classification", "data": {"train": str(path), "label_column": "y"}})
    assert "data.label_column" in msgs["data.columns"] or "data.label_column" in msgs["data.train"], msgs
