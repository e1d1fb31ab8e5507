"""The CLI end to end: train prints the run folder, the saved model works with plain transformers, runs lists it,
resume continues it, and the listing commands work."""

import json
import subprocess
import sys
from pathlib import Path

from workbench.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_train_runs_resume_and_pipeline(tmp_path, tiny_cls_data, tiny_bert_dir, capsys):
    runs = tmp_path / "runs"
    args = ["train", "--quiet", "--set", f"model.name={tiny_bert_dir}", "--set", f"data.train={tiny_cls_data['train']}",
            "--set", f"output.runs_dir={runs}", "--set", "train.max_steps=3", "--set", "train.precision=fp32"]
    assert main(args) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("completed: ")
    run_dir = Path(out.split(": ", 1)[1])
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["run_id"] == run_dir.name

    from transformers import pipeline
    clf = pipeline("text-classification", model=str(run_dir / "model"))
    assert clf("the film was great")[0]["label"] in ("negative", "positive")   # id2label saved with the model

    assert main(["runs", "--runs-dir", str(runs)]) == 0
    table = capsys.readouterr().out
    assert run_dir.name in table and "completed" in table and "eval_accuracy=" in table

    assert main(["resume", str(run_dir), "--quiet", "--set", "train.max_steps=5"]) == 0
    capsys.readouterr()
    assert json.loads((run_dir / "summary.json").read_text())["metrics"]["steps"] == 5

    assert main(["runs", "--runs-dir", str(runs), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["metrics"]["steps"] == 5


def test_listing_commands(capsys):
    for cmd, words in (("strategies", "head_only"), ("tasks", "causal_lm"), ("models", "minilm")):
        assert main([cmd]) == 0
        assert words in capsys.readouterr().out


def test_module_entry_point_prints_help():
    out = subprocess.run([sys.executable, "-m", "workbench", "--help"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0 and "train" in out.stdout and "resume" in out.stdout
