"""Sequence regression: one number per text (or text pair): a similarity score (STS-B), a review's rating, a
readability grade. Head: AutoModelForSequenceClassification with num_labels=1 and problem_type="regression" (one
linear output, mean squared error loss). Metrics: Pearson r and Spearman ρ (higher is better), MSE and RMSE (lower
is better). Texts, pairs, pooling and batching are those of classification; only the target and its metrics differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..data import column, read_table, require_columns
from ..errors import DataError
from . import TASKS
from .base import Prediction
from .classification import Classification


@TASKS.register("regression")
class Regression(Classification):
    order = 15
    reads = ("table/JSON with `text_column` (+ optional `text_pair_column`) and a numeric `label_column` (a score, "
             "a rating); MSE loss")
    reports = "Pearson r, Spearman ρ, MSE, RMSE, loss"
    summary = "Sequence regression: one number per text or text pair (similarity score, rating), MSE loss."
    zh = {"summary": "序列回归：为每条文本或文本对预测一个数值（相似度分数、评分），使用均方误差损失。"}
    main_metric = "pearson"
    greater_is_better = True
    metric_directions = {"pearson": "higher", "spearman": "higher", "mse": "lower", "rmse": "lower"}
    arrow_rows, packable = False, False   # float targets: encoded in memory; packing scores classes
    predicts_values = True   # the head's output is the predicted number: a teacher is matched by squared error

    @dataclass
    class Options:
        pass

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        """The generic readers, then the target column checked against the file's own rows (the split checks
        below count rows after the hold-out; here a bad value is named where it is in the file)."""
        if fmt not in ("csv", "tsv", "json", "jsonl", "parquet"):
            return None
        ds = read_table(path, fmt)
        col = self.data_cfg.label_column
        if col in ds.column_names:
            header = " after the header" if fmt in ("csv", "tsv") else ""
            _check_targets(column(ds, col), f"column {col!r} of {path}", f"row {{}}{header}")
        return ds

    def check(self, ds) -> None:
        d = self.data_cfg
        self._check_splits(ds)   # Classification's, with _check_labels below checking the targets
        if len({_target(v) for v in column(ds["train"], d.label_column)}) < 2:
            raise DataError(f"every training row has the same target in column {d.label_column!r}; regression "
                            "needs targets that vary (is data.label_column the score column?)")
        self.fit_labels(ds["train"])

    def _check_labels(self, part, split):
        col = self.data_cfg.label_column
        _check_targets(column(part, col), f"column {col!r} of the {split} data", "row {}")

    def fit_labels(self, train) -> None:
        self.label_names = [self.data_cfg.label_column]   # the one output, named after the target it predicts

    # ---- model --------------------------------------------------------------------------------------------
    def model_kwargs(self) -> dict:
        name = self.label_names[0] if self.label_names else "score"
        return {"num_labels": 1, "problem_type": "regression", "id2label": {0: name}, "label2id": {name: 0}}

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        d = self.data_cfg
        keep = [i for i, t in enumerate(column(ds, d.text_column)) if isinstance(t, str) and t.strip()]
        part = ds.select(keep) if len(keep) < len(ds) else ds
        pairs = column(part, d.text_pair_column) if d.text_pair_column else None
        enc = self.tokenizer(column(part, d.text_column), pairs, truncation=True, max_length=d.max_length)
        targets = [_target(v) for v in column(part, d.label_column)]
        keys = [k for k in enc.keys() if k in ("input_ids", "attention_mask", "token_type_ids")]
        return [{**{k: enc[k][i] for k in keys}, "labels": targets[i]} for i in range(len(targets))]

    # ---- evaluation ---------------------------------------------------------------------------------------
    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        values = self.logits(model, rows, batch_size, ctx)[:, 0].double()
        gold = torch.tensor([r["labels"] for r in rows], dtype=torch.float64)
        metrics = regression_metrics(values.numpy(), gold.numpy())
        metrics["loss"] = metrics["mse"]
        predictions = [Prediction(show(v), None, {"value": v, "gold": show(g)})
                       for v, g in zip(values.tolist(), gold.tolist())]
        return metrics, predictions

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        rows = self.input_rows(inputs)
        values = self.logits(model, rows, 32, ctx)[:, 0].tolist()
        return [Prediction(show(v), None, {"value": v}) for v in values]

    def pipeline_agreement(self, theirs: list[dict], ours: list[Prediction]) -> dict:
        """transformers' text-classification pipeline gives a regression head's raw output as the score."""
        return {"same_labels": all(show(t["score"]) == o.display for t, o in zip(theirs, ours)),
                "max_score_diff": max(abs(t["score"] - o.detail["value"]) for t, o in zip(theirs, ours))}


def show(v: float) -> str:
    """A predicted or gold number as the tables show it (3 significant digits)."""
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def _target(v) -> float:
    return float(v.strip() if isinstance(v, str) else v)


def _check_targets(values: list, where: str, row: str) -> None:
    """Every target is a finite number (a numeric string counts): else one message naming the first bad row."""
    for i, v in enumerate(values):
        if isinstance(v, bool):
            why = "a true/false value"
        elif v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v)):
            why = "empty"
        else:
            try:
                ok = math.isfinite(_target(v))
            except (TypeError, ValueError):
                ok = False
            if ok:
                continue
            why = f"{v!r}, not a finite number"
        bad = sum(1 for x in values[i:] if not _number(x))
        raise DataError(f"{where}: {row.format(i + 1)} is {why} ({bad} such row(s)); regression needs a number in "
                        "every row: fix or remove those rows, or set data.label_column to the column with the "
                        "scores")


def _number(v) -> bool:
    if isinstance(v, bool):
        return False
    try:
        return math.isfinite(_target(v))
    except (TypeError, ValueError, AttributeError):
        return False


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given their average rank (as Spearman's ρ needs)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / norm if norm > 0 else 0.0   # a constant side has no linear relation to measure: 0


def regression_metrics(pred, gold) -> dict[str, float]:
    """Pearson r, Spearman ρ (Pearson of the ranks, ties averaged), MSE and RMSE of predictions against targets."""
    pred, gold = np.asarray(pred, dtype=np.float64), np.asarray(gold, dtype=np.float64)
    mse = float(np.mean((pred - gold) ** 2)) if len(gold) else 0.0
    return {"pearson": _pearson(pred, gold), "spearman": _pearson(_ranks(pred), _ranks(gold)), "mse": mse,
            "rmse": math.sqrt(mse)}
