"""Every case of the bad-input corpus (tests/bad_inputs/corpus.py) through the CLI, in process: exit status 2,
one message that names the file or field and the fix, no traceback, and no run left marked completed."""

import json

import pytest

from workbench.cli import main

from .corpus import CASES, GOOD, train, write


@pytest.fixture(scope="module")
def fx(tmp_path_factory, tiny_bert_dir, tiny_gpt_dir):
    """The tiny model folders, and a run that failed (one class only) for the export case."""
    tmp = tmp_path_factory.mktemp("failed")
    argv = train(tmp, {"bert": tiny_bert_dir}, write(tmp / "one.csv", "text,label\n" + "good film,pos\n" * 12))
    assert main(argv) == 2
    failed = next((tmp / "runs").glob("*/summary.json")).parent
    assert json.loads((failed / "summary.json").read_text())["status"] == "failed"
    return {"bert": tiny_bert_dir, "gpt": tiny_gpt_dir, "failed_run": str(failed)}


def _statuses(tmp_path) -> list[str]:
    return [json.loads(p.read_text())["status"] for p in (tmp_path / "runs").glob("*/summary.json")]


def test_the_corpus_has_at_least_40_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, fx, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    case = CASES[name]
    argv = case.build(tmp_path, fx)
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    for words in case.must:
        assert words in lines[0], f"{words!r} not in: {lines[0]}"
    assert "completed" not in _statuses(tmp_path)
