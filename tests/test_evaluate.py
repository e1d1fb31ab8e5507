"""Side-by-side evaluation: references resolve to the right things, compare returns the table with sane values on
the same split for every model, disagreements are real disagreements, answer_all answers once per model (the same
generation for the same seed), bad references and mixed tasks are refused, and the CLI writes the table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from _eval_helpers import general_file, train_run
from workbench.cli import main
from workbench.errors import ModelError, WorkbenchError
from workbench.evaluate.compare import ModelCache, answer_all, compare, format_table, resolve_ref, resolve_refs



pytestmark = pytest.mark.usefixtures("one_thread")   # conftest: one torch thread per process

@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_cls_data, tiny_bert_dir) -> dict:
    """Two tiny BERT classifiers on the same data (gentle and hard), the runs folder and general text."""
    root = tmp_path_factory.mktemp("eval_runs")
    data = {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}
    gentle = train_run(root / "runs", tiny_bert_dir, data, max_steps=6, lr=2e-3)
    hard = train_run(root / "runs", tiny_bert_dir, data, max_steps=20, lr=1e-2)
    return {"dir": root / "runs", "gentle": gentle, "hard": hard, "general": general_file(root), "data": data}


@pytest.fixture(scope="module")
def result(runs) -> dict:
    return compare([runs["gentle"], runs["hard"], "base"], runs_dir=runs["dir"], retention_source=runs["general"],
                   memory=False, latency_examples=8)


def test_resolve_ref_kinds(runs, tiny_bert_dir):
    run = resolve_ref(runs["gentle"], runs["dir"])
    assert run.kind == "run" and run.task == "classification" and run.base == tiny_bert_dir
    by_id = resolve_ref(Path(runs["gentle"]).name, runs["dir"])
    assert by_id.model_dir == run.model_dir and by_id.label == run.label
    folder = resolve_ref(str(Path(runs["gentle"]) / "model"), runs["dir"])
    assert folder.kind == "folder" and folder.run_id == run.run_id and folder.config == run.config
    base = resolve_ref("base", runs["dir"], first=run)
    assert base.kind == "base" and base.base == tiny_bert_dir and base.task == "classification"
    other = resolve_ref(f"base:{tiny_bert_dir}", runs["dir"], first=run)
    assert other.base == tiny_bert_dir


@pytest.mark.parametrize("bad, words", [
    ("no-such-run", "no run, model folder or export"),
    ("minilm", "base:minilm"),
    ("", "empty model reference"),
])
def test_bad_refs_name_the_fix(runs, bad, words):
    with pytest.raises(ModelError, match=words):
        resolve_ref(bad, runs["dir"])


def test_base_needs_a_run_first(runs, tiny_bert_dir):
    with pytest.raises(ModelError, match="first run"):
        resolve_refs(["base"], runs["dir"])
    with pytest.raises(ModelError, match="not saved by a run"):
        resolve_ref(tiny_bert_dir, runs["dir"])       # a plain pre-trained folder: its task is unknown


def test_compare_table(result, runs):
    assert result["task"] == "classification" and result["split"] == "test" and result["n_examples"] == 32
    assert result["main_metric"] == "accuracy" and result["greater_is_better"] is True
    gentle, hard, base = result["models"]
    assert [m["kind"] for m in result["models"]] == ["run", "run", "base"]
    for m in result["models"]:
        assert 0.0 <= m["metrics"]["accuracy"] <= 1.0 and m["metrics"]["loss"] > 0
        assert m["params"] == base["params"] > 0                      # same architecture, same count
        assert m["size_bytes"] > 4 * m["params"] * 0.9                # fp32 weights on disk
        assert m["latency_ms_per_example"] > 0 and m["throughput_per_s"] > 0
    summary = json.loads((Path(runs["gentle"]) / "summary.json").read_text())
    assert gentle["trainable_params"] == summary["metrics"]["trainable_params"] and base["trainable_params"] is None
    assert gentle["strategy"] == "full" and base["strategy"] is None
    # the run's own final evaluation used the same split and rows: the same accuracy
    assert gentle["metrics"]["accuracy"] == pytest.approx(summary["metrics"]["eval_accuracy"])
    # a fresh head has not learned the task; the hard run has
    assert hard["metrics"]["accuracy"] > base["metrics"]["accuracy"]


def test_compare_retention_beside_the_score(result):
    gentle, hard, base = result["models"]
    assert base["retention"]["retention"] == 1.0                      # the base against itself
    assert base["retention"]["measures"]["cka"] == 1.0 and base["retention"]["measures"]["neighbour_recall"] == 1.0
    assert hard["retention"]["retention"] < 1.0
    assert hard["retention"]["retention"] < gentle["retention"]["retention"] <= 1.0


def test_disagreements_are_real(result):
    labels = [m["label"] for m in result["models"]]
    assert result["disagreements"], "a fresh head and a trained one disagree somewhere"
    confidences = []
    for d in result["disagreements"]:
        assert [p["model"] for p in d["predictions"]] == labels
        assert len({p["display"] for p in d["predictions"]}) > 1
        assert d["gold"] in ("positive", "negative") and isinstance(d["input"], str) and d["input"]
        confidences.append(max(p["confidence"] for p in d["predictions"]))
    assert confidences == sorted(confidences, reverse=True)


def test_format_table(result):
    text = format_table(result)
    assert "accuracy" in text and "retention" in text and "base (" in text
    assert len(text.splitlines()) >= 4


def test_compare_measures_peak_memory_in_a_fresh_process(runs):
    out = compare([runs["gentle"]], runs_dir=runs["dir"], retention=False, memory=True, latency_examples=2)
    peak = out["models"][0]["peak_memory_mb"]
    assert peak is not None and 0 < peak < 500, out["notes"]


def test_compare_refuses_mixed_tasks(runs, tiny_gpt_dir, tiny_text):
    lm = train_run(runs["dir"], tiny_gpt_dir, {"train": tiny_text}, task="causal_lm", max_steps=2)
    with pytest.raises(ModelError, match="different tasks"):
        compare([runs["gentle"], lm], runs_dir=runs["dir"], memory=False, retention=False)


def test_compare_refuses_other_labels(runs, tiny_bert_dir, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("text,label\n" + "".join(f"row {i} text,{'abc'[i % 3]}\n" for i in range(30)))
    run = train_run(runs["dir"], tiny_bert_dir, {"train": str(other)}, max_steps=2)
    with pytest.raises(WorkbenchError, match="labels"):
        compare([runs["gentle"], run], runs_dir=runs["dir"], memory=False, retention=False)
    shutil.rmtree(run)


def test_compare_on_given_data_and_subset(runs):
    out = compare([runs["gentle"]], data=runs["data"]["train"], split="validation", runs_dir=runs["dir"],
                  max_examples=10, retention=False, memory=False, latency_examples=2)
    assert out["split"] == "validation" and out["n_examples"] == 10


def test_answer_all_one_answer_per_model(runs):
    cache = ModelCache()
    answers = answer_all([runs["gentle"], runs["hard"], "base"], "the film was great", runs_dir=runs["dir"],
                         cache=cache)
    assert [a["model"] for a in answers] == [m.label for m in resolve_refs([runs["gentle"], runs["hard"], "base"],
                                                                            runs["dir"])]
    for a in answers:
        assert a["display"] in ("positive", "negative") and 0.5 <= a["confidence"] <= 1.0
        assert sum(a["detail"]["probs"].values()) == pytest.approx(1.0, abs=1e-3)
    again = answer_all([runs["gentle"]], "the film was great", runs_dir=runs["dir"], cache=cache)
    assert again[0] == answers[0]
    assert len(cache._models) == 3                                   # kept between calls, loaded once


def test_answer_all_generation_same_seed(runs, tiny_gpt_dir, tiny_text):
    task = {"name": "causal_lm", "max_new_tokens": 12}
    a = train_run(runs["dir"], tiny_gpt_dir, {"train": tiny_text}, task=task, max_steps=3)
    b = train_run(runs["dir"], tiny_gpt_dir, {"train": tiny_text}, task=task, max_steps=6, lr=5e-3)
    first = answer_all([a, b, "base"], "the film is", runs_dir=runs["dir"], seed=3)
    second = answer_all([a, b, "base"], "the film is", runs_dir=runs["dir"], seed=3)
    assert len(first) == 3 and first == second
    assert all(isinstance(x["display"], str) and x["detail"]["prompt"] == "the film is" for x in first)


def test_cli_compare_writes_json(runs, tmp_path, capsys):
    out = tmp_path / "cmp.json"
    code = main(["compare", runs["gentle"], "base", "--runs-dir", str(runs["dir"]), "--no-memory",
                 "--retention-source", runs["general"], "--json", str(out)])
    assert code == 0
    table = capsys.readouterr().out
    assert "accuracy" in table and Path(runs["gentle"]).name in table
    data = json.loads(out.read_text())
    assert len(data["models"]) == 2 and data["models"][1]["retention"]["retention"] == 1.0


def test_cli_compare_bad_ref_exits_2(runs, capsys):
    assert main(["compare", "nope-123", "--runs-dir", str(runs["dir"])]) == 2
    assert "no run, model folder or export 'nope-123'" in capsys.readouterr().err
