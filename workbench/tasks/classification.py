"""Sequence classification: one label per text (or text pair). Head: AutoModelForSequenceClassification,
cross-entropy loss. Metrics: accuracy and macro-F1."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..data import column, require_columns
from ..errors import DataError, UnseenLabel
from ..metrics import classification_metrics
from . import TASKS
from .base import Prediction, Task, autocast_of, length_order, model_device, pad_batch
from ..model.pooling import apply, save_code
from ..model.anatomy import unwrap


@TASKS.register("classification")
class Classification(Task):
    order = 10
    reads = "table/JSON with `text_column` (+ optional `text_pair_column`) and `label_column`"
    reports = "accuracy, macro-F1, loss"
    summary = "Sequence classification: one label per text or text pair (sentiment, topic, intent)."
    zh = {"summary": "序列分类：为每条文本或文本对预测一个标签（情感、主题、意图）。"}
    auto_class = "AutoModelForSequenceClassification"
    main_metric = "accuracy"
    greater_is_better = True
    peft_task_type, new_head, prompt_tuning, sequence_head = "SEQ_CLS", True, True, True
    arrow_rows, packable = True, True
    pipeline_tag = "text-classification"

    @dataclass
    class Options:
        pass

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.label_names: list[str] = []
        self.value_to_id: dict = {}

    # ---- data ---------------------------------------------------------------------------------------------
    def check(self, ds) -> None:
        d = self.data_cfg
        self._check_splits(ds)
        self.fit_labels(ds["train"])
        for split in ("validation", "test"):
            if split in ds:
                unseen = sorted(map(str, {_norm(v) for v in column(ds[split], d.label_column)} - set(self.value_to_id)))
                if unseen:
                    raise DataError(f"the {split} data has labels that never occur in training: "
                                    f"{', '.join(unseen[:5])}; add examples of them to the training data or "
                                    "remove those rows")

    def _check_splits(self, ds) -> None:
        """The columns exist, and every split has rows, texts (_check_texts) and labels (_check_labels)."""
        d = self.data_cfg
        require_columns(ds, {"data.text_column": d.text_column, "data.label_column": d.label_column,
                             "data.text_pair_column": d.text_pair_column})
        for split, part in ds.items():
            if len(part) == 0:
                raise DataError(f"the {split} data has no rows")
            self._check_texts(part, split)
            self._check_labels(part, split)

    def _check_texts(self, part, split):
        col = self.data_cfg.text_column
        values = column(part, col)
        numbers = [i for i, t in enumerate(values) if isinstance(t, (int, float)) and not isinstance(t, bool)]
        if len(numbers) > len(values) // 2:
            raise DataError(f"column {col!r} of the {split} data holds numbers (e.g. {values[numbers[0]]!r} at row "
                            f"{numbers[0] + 1}), not text; set data.text_column to the column with the texts")
        empty = [i for i, t in enumerate(values) if not isinstance(t, str) or not t.strip()]
        if empty and not self.data_cfg.skip_empty:
            raise DataError(f"{len(empty)} row(s) of the {split} data have empty text in column {col!r} (first at "
                            f"row {empty[0] + 1}); remove them or set data.skip_empty: true to drop them")

    def _check_labels(self, part, split):
        col = self.data_cfg.label_column
        bad = [(i, v) for i, v in enumerate(column(part, col)) if not _label_ok(v)]
        missing = [i for i, v in bad if v is None or v == "" or (isinstance(v, float) and v != v)]
        if missing:
            raise DataError(f"column {col!r} of the {split} data has {len(missing)} row(s) with no label (empty, "
                            f"null or NaN; first at row {missing[0] + 1}); fix those values or remove the rows")
        if bad:
            i, v = bad[0]
            raise DataError(f"labels must be integers or strings, but column {col!r} of the {split} data has "
                            f"{v!r} at row {i + 1} ({len(bad)} such rows); fix those values")

    def fit_labels(self, train) -> None:
        col = self.data_cfg.label_column
        feature = train.features.get(col)
        values = sorted({_norm(v) for v in column(train, col)}, key=lambda v: (isinstance(v, str), v))
        if len(values) < 2:
            raise DataError(f"the training data has only one class ({values[0]!r} in column {col!r}); "
                            "classification needs at least two: add examples of another class")
        if len(values) > 1000 and len(values) > len(train) // 2:
            raise DataError(f"column {col!r} has {len(values)} different labels in {len(train)} training rows, so "
                            "almost every example is its own class; check that data.label_column names the label "
                            "column (not an id or a text)")
        names = getattr(feature, "names", None)   # hub datasets carry ClassLabel names
        self.value_to_id = {v: i for i, v in enumerate(values)}
        self.label_names = [names[v] if names and isinstance(v, int) and v < len(names) else str(v) for v in values]

    def tokenizer_texts(self, ds):
        return (t for t in column(ds["train"], self.data_cfg.text_column) if isinstance(t, str))

    # ---- model --------------------------------------------------------------------------------------------
    def model_kwargs(self) -> dict:
        return {"num_labels": len(self.label_names),
                "id2label": dict(enumerate(self.label_names)),
                "label2id": {n: i for i, n in enumerate(self.label_names)}}

    def wrap_model(self, model):
        return apply(model, getattr(self.model_cfg, "pooling", "auto"))

    def save_extras(self, model, folder) -> None:
        save_code(unwrap(model), folder)

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        d = self.data_cfg
        keep = [i for i, t in enumerate(column(ds, d.text_column)) if isinstance(t, str) and t.strip()]
        part = ds.select(keep) if len(keep) < len(ds) else ds
        pairs = column(part, d.text_pair_column) if d.text_pair_column else None
        texts = column(part, d.text_column)
        enc = self.tokenizer(texts, pairs, truncation=True, max_length=d.max_length)
        full = [i for i, ids in enumerate(enc["input_ids"]) if len(ids) >= d.max_length]   # only these may be cut
        if full:
            whole = self.tokenizer([texts[i] for i in full], [pairs[i] for i in full] if pairs else None)["input_ids"]
            cut = sum(len(ids) > d.max_length for ids in whole)
            if cut:
                self.warnings.append(f"{cut} of {len(texts)} texts of the {split} data are longer than "
                                     f"data.max_length={d.max_length} tokens and were truncated; raise "
                                     "data.max_length to keep more of them")
        labels = [self._label_id(v, split) for v in column(part, d.label_column)]
        keys = [k for k in enc.keys() if k in ("input_ids", "attention_mask", "token_type_ids")]
        return [{**{k: enc[k][i] for k in keys}, "labels": labels[i]} for i in range(len(labels))]

    def _label_id(self, value, split: str) -> int:
        key = _norm(value)
        if key not in self.value_to_id:   # only a stream meets labels after learning them (from its first rows)
            raise UnseenLabel(f"the {split} data has the label {value!r} in column {self.data_cfg.label_column!r}, "
                              f"which is not among the labels learned ({', '.join(self.label_names[:10])})")
        return self.value_to_id[key]

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        return pad_batch(rows, {"input_ids": self.tokenizer.pad_token_id})

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def logits(self, model, rows: list[dict], batch_size: int, ctx=None) -> torch.Tensor:
        """(N, num_labels) float logits in the rows' order, batched by length."""
        order = length_order(rows)
        device = model_device(model)
        out = torch.empty(len(rows), model.config.num_labels)
        for s in range(0, len(rows), batch_size):
            idx = order[s:s + batch_size]
            batch = {k: v.to(device) for k, v in self.collate([rows[i] for i in idx]).items() if k != "labels"}
            with autocast_of(ctx):
                out[idx] = model(**batch).logits.float().cpu()
        return out

    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        logits = self.logits(model, rows, batch_size, ctx)
        labels = torch.tensor([r["labels"] for r in rows])
        probs = logits.softmax(-1)
        preds = probs.argmax(-1)
        metrics = classification_metrics(preds.tolist(), labels.tolist(), len(self.label_names))
        metrics["loss"] = torch.nn.functional.cross_entropy(logits, labels).item()
        predictions = [Prediction(self.label_names[p], probs[i, p].item(),
                                  {"gold": self.label_names[labels[i]]}) for i, p in enumerate(preds.tolist())]
        return metrics, predictions

    def input_rows(self, inputs) -> list[dict]:
        """Model rows for what the interactive box sends: texts, or {text, text_pair} dicts."""
        texts = [x["text"] if isinstance(x, dict) else x for x in inputs]
        pairs = [x.get("text_pair") for x in inputs] if inputs and isinstance(inputs[0], dict) else None
        enc = self.tokenizer(texts, pairs, truncation=True, max_length=self.data_cfg.max_length)
        keys = [k for k in enc.keys() if k in ("input_ids", "attention_mask", "token_type_ids")]
        return [{k: enc[k][i] for k in keys} for i in range(len(texts))]

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        rows = self.input_rows(inputs)
        names = [model.config.id2label.get(i, str(i)) for i in range(model.config.num_labels)]
        probs = self.logits(model, rows, 32, ctx).softmax(-1)
        out = []
        for p in probs:
            j = int(p.argmax())
            out.append(Prediction(names[j], p[j].item(), {"probs": {n: round(p[k].item(), 4)
                                                                     for k, n in enumerate(names)}}))
        return out

    def example_inputs(self, ds, n=3):
        return [t for t in column(ds, self.data_cfg.text_column)[:n]]


def _label_ok(v) -> bool:
    if isinstance(v, bool) or isinstance(v, int):
        return True
    if isinstance(v, float):
        return v.is_integer()
    return isinstance(v, str) and v.strip() != ""


def _norm(v):
    """Labels as dictionary keys: integral floats become ints, strings are stripped."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return int(v)
    return v.strip() if isinstance(v, str) else v
