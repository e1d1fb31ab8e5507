"""Each kind of bad input ends with exit status 2 and one clear message (problem + fix), no traceback, and no run
left marked completed."""

import json
from pathlib import Path

import pytest

from workbench.cli import main


def _write(path: Path, text: str | bytes) -> str:
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def _cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.err


def _train_args(tmp_path, tiny_bert_dir, train_file, *extra):
    return ["train", "--quiet", "--set", f"model.name={tiny_bert_dir}", "--set", f"data.train={train_file}",
            "--set", f"output.runs_dir={tmp_path / 'runs'}", "--set", "train.max_steps=2",
            "--set", "train.precision=fp32", *extra]


def _statuses(tmp_path) -> list[str]:
    return [json.loads(p.read_text())["status"] for p in (tmp_path / "runs").glob("*/summary.json")]


GOOD = "text,label\nthe film was great,positive\nthe film was awful,negative\n" * 6

CASES = {   # name: (file content or None for a missing file, extra args, the problem, the fix)
    "missing file": (None, [], "not found", "check the path"),
    "unknown column": (GOOD, ["--set", "data.text_column=review"], "column 'review' not found",
                       "Set data.text_column to one of them"),
    "empty dataset": ("text,label\n", [], "has no rows", "give a file with at least a few examples"),
    "one class only": ("text,label\n" + "good film,positive\n" * 12, [], "only one class",
                       "add examples of another class"),
    "labels not int or str": ("text,label\n" + "good film,0.5\nbad film,1.5\n" * 6, [],
                              "labels must be integers or strings", "fix those values"),
    "non utf-8 bytes": ("text,label\n".encode() + b"caf\xe9 film,positive\n" * 12, [], "is not UTF-8",
                        "Re-save the file as UTF-8"),
    "empty text": (GOOD + ",positive\n", [], "empty text", "set data.skip_empty: true"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_data(case, tmp_path, tiny_bert_dir, capsys):
    content, extra, problem, fix = CASES[case]
    train_file = str(tmp_path / "missing.csv") if content is None else _write(tmp_path / "train.csv", content)
    code, err = _cli(_train_args(tmp_path, tiny_bert_dir, train_file, *extra), capsys)
    assert code == 2, err
    assert problem in err and fix in err and "Traceback" not in err
    assert "completed" not in _statuses(tmp_path)


def test_unknown_column_lists_the_real_columns(tmp_path, tiny_bert_dir, capsys):
    train_file = _write(tmp_path / "train.csv", GOOD)
    code, err = _cli(_train_args(tmp_path, tiny_bert_dir, train_file, "--set", "data.label_column=y"), capsys)
    assert code == 2 and "its columns are: text, label" in err and "data.label_column" in err


@pytest.mark.parametrize("model, words", [
    ("no-such-model-xyz", "cannot load 'no-such-model-xyz' from the Hugging Face hub"),
    ("./not/a/folder", "does not exist"),
    ("bad name with spaces", "unknown model"),
])
def test_bad_model(model, words, tmp_path, capsys):
    train_file = _write(tmp_path / "train.csv", GOOD)
    code, err = _cli(_train_args(tmp_path, model, train_file), capsys)
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or not _statuses(tmp_path)   # refused before a run folder is made


def test_hub_id_offline_message_says_offline(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    train_file = _write(tmp_path / "train.csv", GOOD)
    code, err = _cli(_train_args(tmp_path, "distilbert/distilbert-base-uncased", train_file), capsys)
    assert code == 2 and "HF_HUB_OFFLINE=1" in err and "local folder" in err


def test_invalid_yaml_and_bad_fields(tmp_path, capsys):
    bad = _write(tmp_path / "bad.yaml", "train: {lr: [1,\n")
    code, err = _cli(["train", "--config", bad], capsys)
    assert code == 2 and "not valid YAML" in err
    code, err = _cli(["train", "--set", "train.lr=-3"], capsys)
    assert code == 2 and "train.lr" in err and "minimum" in err
    code, err = _cli(["train", "--set", "train.learning_rate=3"], capsys)
    assert code == 2 and "train.learning_rate: unknown field" in err


def test_debug_flag_shows_the_traceback(tmp_path, capsys):
    code, err = _cli(["--debug", "train", "--set", "train.lr=-3"], capsys)
    assert code == 2 and "Traceback" in err
