"""Sequence regression end to end, on tiny data this test writes itself (a score that counts 'great' minus 'awful'
in a sentence): metrics against independent values, one clear error naming the row for a target that is not a
number, a run that learns (Pearson r up, MSE down), side by side with its int8 export, a merged export that a plain
transformers pipeline reads with the same numbers, the CLI with --set task.name=regression, and distillation
matching a regression teacher by squared error."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from _eval_helpers import train_run
from workbench import data
from workbench.cli import main
from workbench.config import RunConfig
from workbench.errors import DataError
from workbench.evaluate.compare import answer_all, compare
from workbench.export.formats import export
from workbench.tasks import TASKS, build
from workbench.tasks.regression import regression_metrics

pytestmark = pytest.mark.usefixtures("one_thread")   # conftest: one torch thread per process

FILLER = ["the film", "a meal", "the hotel", "our trip", "the plot", "this book", "the room", "a song"]


def scored_rows(n: int, seed: int) -> list[dict]:
    """Sentences whose target is (#great − #awful) / 2: a signal a tiny encoder can pick up in a few steps."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        good, bad = rng.randint(0, 3), rng.randint(0, 3)
        words = ["great"] * good + ["awful"] * bad
        rng.shuffle(words)
        rows.append({"text": f"{rng.choice(FILLER)} was {' '.join(words) or 'there'}", "label": (good - bad) / 2})
    return rows


def write(path: Path, rows: list[dict], fmt: str = "jsonl") -> str:
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        sep = "\t" if fmt == "tsv" else ","
        path.write_text("text" + sep + "label\n" + "".join(f"{r['text']}{sep}{r['label']}\n" for r in rows),
                        encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_bert_dir) -> dict:
    root = tmp_path_factory.mktemp("regression")
    train = write(root / "train.jsonl", scored_rows(160, 0))
    test = write(root / "test.csv", scored_rows(40, 1), "csv")
    run = train_run(root / "runs", tiny_bert_dir, {"train": train, "test": test}, task="regression",
                    max_steps=60, lr=5e-3)
    return {"root": root, "runs": root / "runs", "run": run, "train": train, "test": test}


def test_metrics_against_independent_values():
    m = regression_metrics([1, 2, 2, 4, 0.5], [1, 3, 2, 5, 2])
    # scipy.stats.pearsonr / spearmanr on the same numbers (ties in the predictions get their average rank)
    assert m["pearson"] == pytest.approx(0.8969385666089578) and m["spearman"] == pytest.approx(0.7631578947368421)
    assert m["mse"] == pytest.approx((0 + 1 + 0 + 1 + 2.25) / 5) and m["rmse"] == pytest.approx(math.sqrt(0.85))
    monotone = regression_metrics([1, 8, 27, 64], [1, 2, 3, 4])       # same order, not a line
    assert monotone["spearman"] == pytest.approx(1.0) and monotone["pearson"] < 0.99
    assert regression_metrics([2, 2, 2], [1, 2, 3])["pearson"] == 0.0   # a constant prediction: no linear relation
    task = TASKS.get("regression").__new__(TASKS.get("regression"))
    assert [task.higher_is_better(k) for k in ("pearson", "spearman", "mse", "rmse", "loss")] == \
        [True, True, False, False, False]


def _load(train: str, **data_section):
    cfg = RunConfig.from_dict({"task": "regression", "data": {"train": train, **data_section}})
    return data.load(cfg.data, build(cfg))


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_a_target_that_is_not_a_number_is_named_by_its_row(fmt, tmp_path):
    rows = scored_rows(12, 2)
    rows[6]["label"] = "high"
    path = write(tmp_path / f"bad.{fmt}", rows, fmt)
    where = "row 7 after the header" if fmt != "jsonl" else "row 7"
    with pytest.raises(DataError, match=rf"column 'label' of {path}: {where} is 'high', not a finite number "
                                        r"\(1 such row\(s\)\); regression needs a number"):
        _load(path)


def test_empty_constant_and_missing_targets_are_refused(tmp_path):
    rows = scored_rows(12, 3)
    rows[2]["label"] = None
    with pytest.raises(DataError, match=r"row 3 is empty"):
        _load(write(tmp_path / "empty.jsonl", rows))
    same = [{**r, "label": 1.0} for r in scored_rows(12, 3)]
    with pytest.raises(DataError, match="every training row has the same target"):
        _load(write(tmp_path / "same.jsonl", same))
    with pytest.raises(DataError, match="column 'score' not found.*Set data.label_column"):
        _load(write(tmp_path / "ok.jsonl", scored_rows(12, 3)), label_column="score")
    ds = _load(write(tmp_path / "ok.csv", scored_rows(12, 3), "csv"))          # numbers read from text columns
    assert {round(float(v) * 2) for v in ds["train"]["label"][:]} <= set(range(-3, 4))


def test_a_run_learns_and_saves_a_regression_head(world):
    summary = json.loads((Path(world["run"]) / "summary.json").read_text())
    m = summary["metrics"]
    assert summary["key_metric"] == "eval_pearson" and m["eval_pearson"] > 0.8, m
    assert m["eval_split"] == "test" and m["eval_rmse"] == pytest.approx(math.sqrt(m["eval_mse"]))
    assert m["eval_loss"] == m["eval_mse"] and m["eval_spearman"] > 0.8
    config = json.loads((Path(world["run"]) / "model" / "config.json").read_text())
    assert config["problem_type"] == "regression" and config["id2label"] == {"0": "label"}


def test_side_by_side_with_its_int8_export(world):
    out = export(world["run"], "int8", runs_dir=world["runs"], retention=False, memory=False)
    report = json.loads((out / "report.json").read_text())
    assert report["size_bytes"] < 0.6 * report["reference_size_bytes"]
    assert abs(report["metrics"]["pearson"] - report["reference_metrics"]["pearson"]) < 0.05
    table = compare([world["run"], str(out)], runs_dir=world["runs"], retention=False, memory=False,
                    latency_examples=4)
    assert table["task"] == "regression" and table["main_metric"] == "pearson" and table["greater_is_better"]
    assert [m["kind"] for m in table["models"]] == ["run", "export"]
    assert all({"pearson", "spearman", "mse", "rmse"} <= set(m["metrics"]) for m in table["models"])
    for d in table["disagreements"]:
        assert float(d["gold"]) * 2 == round(float(d["gold"]) * 2) and len(d["predictions"]) == 2
    answers = answer_all([world["run"], str(out)], "the film was great great great", runs_dir=world["runs"])
    values = [a["detail"]["value"] for a in answers]
    assert values[0] > 0.5 and abs(values[0] - values[1]) < 0.2     # the int8 model answers nearly the same


def test_merged_export_reads_back_in_a_plain_pipeline(world):
    out = export(world["run"], "merged", runs_dir=world["runs"], retention=False, memory=False)
    check = json.loads((out / "report.json").read_text())["pipeline_check"]
    assert check["inputs"] == 32 and check["same_labels"] and check["max_score_diff"] < 1e-5
    from transformers import pipeline
    pipe = pipeline("text-classification", model=str(out), device="cpu")
    great, awful = pipe(["the hotel was great great great", "the hotel was awful awful awful"])
    assert great["label"] == awful["label"] == "label" and great["score"] > 0.5 > -0.5 > awful["score"]


def test_cli_trains_it_by_name(world, tiny_bert_dir, capsys):
    args = ["train", "--quiet", "--set", "task.name=regression", "--set", f"model.name={tiny_bert_dir}",
            "--set", f"data.train={world['train']}", "--set", f"output.runs_dir={world['root'] / 'cli'}",
            "--set", "train.max_steps=2", "--set", "train.precision=fp32"]
    assert main(args) == 0
    run_dir = Path(capsys.readouterr().out.strip().split(": ", 1)[1])
    config = (run_dir / "config.yaml").read_text()
    assert "task: regression" in config and RunConfig.from_yaml(config).task.name == "regression"
    bad = write(world["root"] / "bad.csv", [{"text": "a", "label": "x"}] * 3, "csv")
    assert main([f"data.train={bad}" if a.startswith("data.train=") else a for a in args]) == 2
    assert "row 1 after the header is 'x'" in capsys.readouterr().err


def test_distillation_matches_a_regression_teacher_by_squared_error(world, tiny_bert_dir):
    teacher = str(Path(world["run"]) / "model")
    run = train_run(world["root"] / "kd", tiny_bert_dir, {"train": world["train"]}, task="regression",
                    strategy=[{"name": "distill", "teacher": teacher, "alpha": 0.5}], max_steps=4, log_every=1)
    steps = [json.loads(line) for line in open(Path(run) / "metrics.jsonl", encoding="utf-8")]
    kd = [s["terms"]["kd"] for s in steps if "kd" in (s.get("terms") or {})]
    assert kd and all(math.isfinite(v) for v in kd) and max(kd) > 1e-3   # a one-logit softmax KL would be 0
