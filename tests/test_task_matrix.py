"""Registry-driven contract tests for tasks, like tests/test_strategy_matrix.py for strategies: every registered
task trains a few steps on a tiny model with a finite loss, reports its main metric, saves a model that loads back
through the one saved-folder loader, and declares what it is (its capabilities) consistently. Adding a task = its
module + one row here. Specific behaviour of each task is proven in tests/test_task_*.py.

ROWS: task name -> (task options, data section, model fixture name). In the data section "TEXT" stands for the tiny
plain-text file, and Generated(make) for rows the test writes itself (JSON lines, make(i) -> row i), so a task
whose data no fixture has brings its own tiny generator in its row."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Callable

import pytest

from workbench.strategies import STRATEGIES, applicable_tasks
from workbench.tasks import TASKS, load_saved



@dataclass(frozen=True)
class Generated:
    """Rows written at test time: make(i) -> the i-th row (a dict), for i < n."""
    make: Callable[[int], dict]
    n: int = 48


ROWS = {
    "classification": ({}, {"train": "builtin:sentiment", "max_train_samples": 48}, "tiny_bert_dir"),
    "token_classification": ({}, {"train": "builtin:ner", "max_train_samples": 32}, "tiny_bert_dir"),
    "qa": ({"doc_stride": 8}, {"train": "builtin:qa", "max_train_samples": 32}, "tiny_bert_dir"),
    "causal_lm": ({}, {"train": "TEXT"}, "tiny_gpt_dir"),
    "masked_lm": ({}, {"train": "TEXT"}, "tiny_bert_dir"),
    "denoising": ({}, {"train": "TEXT"}, "tiny_gpt_dir"),
    "contrastive": ({}, {"train": "TEXT"}, "tiny_bert_dir"),
    "regression": ({}, {"train": Generated(lambda i: {"text": "a film " + "great " * (i % 4), "label": i % 4 / 2})},
                   "tiny_bert_dir"),
    "multitask": ({"tasks": [{"name": "classification"},
                             {"name": "masked_lm", "weight": 0.5, "data": {"train": "TEXT", "max_length": 32}}],
                   "main_metric": "classification/accuracy"},
                  {"train": "builtin:sentiment", "max_train_samples": 48}, "tiny_bert_dir"),
}


def test_every_task_has_a_row():
    missing = sorted(set(TASKS.names()) - set(ROWS))
    assert not missing, f"add a row to ROWS in tests/test_task_matrix.py for: {missing}"


def _fill(value, text, folder):
    if isinstance(value, dict):
        return {k: _fill(v, text, folder) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_fill(v, text, folder) for v in value)
    if isinstance(value, Generated):
        path = folder / f"generated-{len(list(folder.glob('generated-*')))}.jsonl"
        path.write_text("".join(json.dumps(value.make(i)) + "\n" for i in range(value.n)), encoding="utf-8")
        return str(path)
    return text if value == "TEXT" else value


def test_generated_rows_are_written_where_the_row_says(tmp_path):
    data = _fill({"train": Generated(lambda i: {"text": f"t{i}", "label": i / 2}, n=3), "other": "TEXT"}, "T",
                 tmp_path)
    rows = [json.loads(line) for line in open(data["train"], encoding="utf-8")]
    assert rows == [{"text": "t0", "label": 0.0}, {"text": "t1", "label": 0.5}, {"text": "t2", "label": 1.0}]
    assert data["other"] == "T"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_task_trains_and_reloads(name, request, make_cfg, train, tiny_text, tmp_path):
    options, data, model_fixture = _fill(ROWS[name], tiny_text, tmp_path)
    model_dir = request.getfixturevalue(model_fixture)
    cfg = make_cfg(task={"name": name, **options}, model={"name": model_dir}, data={"max_length": 32, **data},
                   train={"max_steps": 2})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert math.isfinite(m["eval_loss"]) and summary["key_metric"] in m
    model, _, task, info = load_saved(paths.model)
    assert info["task"] == name and task.name == name and not model.training


@pytest.mark.parametrize("name", TASKS.names())
def test_capabilities_are_declared_consistently(name):
    cls = TASKS.get(name)
    assert cls.peft_task_type in (None, "SEQ_CLS", "TOKEN_CLS", "QUESTION_ANS", "CAUSAL_LM", "SEQ_2_SEQ_LM",
                                  "FEATURE_EXTRACTION")
    assert not (cls.new_head and cls.pretrained_head), "a head is either new or pre-trained"
    assert not cls.prefix_tuning or cls.peft_task_type == "CAUSAL_LM", "prefix tuning needs a decoder's cache"
    assert not cls.generates or cls.pretrained_head
    assert cls.lm_head in (None, "mlm", "clm") and not (cls.lm_head and cls.sequence_head)
    assert not cls.generates or cls.lm_head == "clm", "generated text is scored with the model's next-token head"
    assert not cls.sequence_head or cls.new_head, "a sequence head is a new head on a pre-trained body"
    assert not cls.packable or (cls.sequence_head and not cls.predicts_values), "packing scores classes per text"
    tables = [c.__dict__.get("metric_directions") or {} for c in cls.__mro__]
    assert all(d in ("higher", "lower") for table in tables for d in table.values())
    task = cls.__new__(cls)          # the directions are class facts: no data or model needed to ask them
    assert task.higher_is_better("loss") is (cls.main_metric == "loss" and cls.greater_is_better)
    assert task.higher_is_better(cls.main_metric) is cls.greater_is_better


def test_strategies_ask_the_tasks_not_their_names():
    # Named tasks are a floor, not the whole list: a new task that declares the capability joins these sets.
    assert applicable_tasks(STRATEGIES.get("head_only")) == [n for n, c in TASKS.items() if c.new_head]
    assert applicable_tasks(STRATEGIES.get("prefix")) == [n for n, c in TASKS.items() if c.prefix_tuning]
    assert "causal_lm" in applicable_tasks(STRATEGIES.get("prefix"))
    assert set(applicable_tasks(STRATEGIES.get("prompt"))) >= {"classification", "causal_lm"}
    assert applicable_tasks(STRATEGIES.get("full")) == TASKS.names()
    assert set(applicable_tasks(STRATEGIES.get("head_only"))) >= {"classification", "token_classification", "qa",
                                                                   "multitask"}
    assert {n: TASKS.get(n).lm_head for n in ("masked_lm", "causal_lm", "denoising", "classification")} == \
        {"masked_lm": "mlm", "causal_lm": "clm", "denoising": "clm", "classification": None}
    assert TASKS.get("classification").sequence_head and not TASKS.get("token_classification").sequence_head
    perplexity = TASKS.get("causal_lm").__new__(TASKS.get("causal_lm"))
    assert perplexity.higher_is_better("perplexity") is False and perplexity.higher_is_better("accuracy") is True
