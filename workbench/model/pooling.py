"""What the classification head reads: `model.pooling` (auto / cls / mean).

    cls    the head transformers builds for the model, unchanged: BERT's [CLS] pooler (dense + tanh on the first
           token), the last real token for GPT-like models.
    mean   the mean of the last hidden states over the real tokens (padding ignored), fed straight to the
           classifier: the representation a sentence-transformers model such as the bundled MiniLM was trained
           to produce. BERT-style encoders (their head reads `<backbone>.pooler`) only.
    auto   follows the model: `mean` when a sentence-transformers folder says so in its pooling config
           (modules.json -> 1_Pooling/config.json with pooling_mode_mean_tokens), or when a model saved by the
           workbench records `workbench_pooling: mean` in its config.json; otherwise `cls`.

How it is done: the backbone's pooler is replaced by `MeanPooler` (no weights), and a forward pre-hook on the
backbone hands it the attention mask of the call. The model stays a plain `BertForSequenceClassification`, so
every strategy, peft wrapper and export sees what it expects.

Saved models (why they still load with a plain pipeline): the folder is an ordinary transformers folder whose
config.json says `workbench_pooling: "mean"` and maps AutoModelForSequenceClassification (`auto_map`) to
`modeling_pooling.py`, a 30-line file written beside the weights that subclasses BertForSequenceClassification with
this pooler. So

    pipeline("text-classification", model=FOLDER, trust_remote_code=True)

gives the same answers as the workbench (the export check verifies it). Without `trust_remote_code=True`,
transformers loads its own BertForSequenceClassification, whose [CLS] pooler weights are absent from the folder:
it warns that `bert.pooler.dense` is newly initialised, and its answers are not the trained model's. The
workbench itself (tasks.load_saved, compare, export) reads `workbench_pooling` and needs no remote code.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from ..errors import ModelError

CHOICES = ("auto", "cls", "mean")
CONFIG_KEY = "workbench_pooling"
CODE_FILE = "modeling_pooling.py"
CLASS_NAME = "MeanPoolingBertForSequenceClassification"


class MeanPooler(nn.Module):
    """Mean of the hidden states over the positions the attention mask keeps. hidden: (B, T, H) -> (B, H)."""

    def __init__(self):
        super().__init__()
        self.mask: torch.Tensor | None = None      # (B, T), set by the backbone's pre-hook for each call

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        mask = self.mask
        if mask is None or mask.shape != hidden.shape[:2]:
            return hidden.mean(1)
        weights = mask.to(hidden.dtype).unsqueeze(-1)                         # (B, T, 1)
        return (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)


def _remember_mask(backbone, args, kwargs):
    """Forward pre-hook of the backbone: give its MeanPooler this call's attention mask."""
    mask = kwargs.get("attention_mask", args[1] if len(args) > 1 else None)
    backbone.pooler.mask = mask
    return None


def sentence_transformers_pooling(folder) -> str | None:
    """'mean' / 'cls' / 'max' from a sentence-transformers folder's pooling config, or None when it has none."""
    folder = Path(folder)
    modules = folder / "modules.json"
    if not modules.is_file():
        return None
    try:
        entries = json.loads(modules.read_text(encoding="utf-8"))
        pool = next((e for e in entries if str(e.get("type", "")).endswith("models.Pooling")), None)
        if pool is None:
            return None
        cfg = json.loads((folder / pool.get("path", "1_Pooling") / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return None
    if cfg.get("pooling_mode_mean_tokens"):
        return "mean"
    if cfg.get("pooling_mode_cls_token"):
        return "cls"
    return "max" if cfg.get("pooling_mode_max_tokens") else None


def resolve(choice: str, model) -> str:
    """The pooling a model gets: 'cls' or 'mean' (`auto` decided from the model's config and folder)."""
    if choice not in CHOICES:
        raise ModelError(f"model.pooling must be one of {', '.join(CHOICES)}, not {choice!r}")
    if choice != "auto":
        return choice
    config = getattr(model, "config", None)
    saved = getattr(config, CONFIG_KEY, None)
    if saved in ("cls", "mean"):
        return saved
    folder = getattr(config, "_name_or_path", "") or getattr(config, "name_or_path", "")
    return "mean" if folder and sentence_transformers_pooling(folder) == "mean" else "cls"


def _backbone(model):
    prefix = getattr(model, "base_model_prefix", "")
    body = getattr(model, prefix, None) if prefix else None
    return body if isinstance(body, nn.Module) else None


def apply(model, choice: str):
    """Give a sequence-classification model the pooling `choice` resolves to (in place; returns the model)."""
    mode = resolve(choice, model)
    if mode == "cls":
        if choice == "cls" and getattr(model.config, CONFIG_KEY, None) == "mean":
            raise ModelError("this model was trained with model.pooling: mean (its [CLS] pooler was dropped); "
                             "use model.pooling: auto or mean")
        return model
    body = _backbone(model)
    if body is None or not hasattr(body, "pooler"):
        raise ModelError(f"model.pooling: mean needs a BERT-style encoder whose classification head reads the "
                         f"pooler (MiniLM, bert-tiny, BERT); {type(model).__name__} has none. Set model.pooling: "
                         "cls (or auto)")
    if not isinstance(body.pooler, MeanPooler):
        body.pooler = MeanPooler()
        body.register_forward_pre_hook(_remember_mask, with_kwargs=True)
    model.config.update({CONFIG_KEY: "mean"})
    return model


def uses_mean(model) -> bool:
    body = _backbone(model)
    return body is not None and isinstance(getattr(body, "pooler", None), MeanPooler)


MODELING_CODE = '''"""Mean pooling for BERT sequence classification, written by the workbench (workbench/model/pooling.py).
Load with: pipeline("text-classification", model=THIS_FOLDER, trust_remote_code=True)."""
import torch
from torch import nn
from transformers import BertForSequenceClassification


class MeanPooler(nn.Module):
    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, hidden):
        if self.mask is None or self.mask.shape != hidden.shape[:2]:
            return hidden.mean(1)
        weights = self.mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)


def _remember_mask(backbone, args, kwargs):
    backbone.pooler.mask = kwargs.get("attention_mask", args[1] if len(args) > 1 else None)


class MeanPoolingBertForSequenceClassification(BertForSequenceClassification):
    def __init__(self, config):
        super().__init__(config)
        self.bert.pooler = MeanPooler()
        self.bert.register_forward_pre_hook(_remember_mask, with_kwargs=True)
'''


def save_code(model, folder) -> None:
    """For a mean-pooled model saved in `folder`: write modeling_pooling.py and point config.json's auto_map at
    it, so `pipeline(..., trust_remote_code=True)` builds the same model. Nothing for other models."""
    if not uses_mean(model) or getattr(model.config, "model_type", "") != "bert":
        return
    folder = Path(folder)
    (folder / CODE_FILE).write_text(MODELING_CODE, encoding="utf-8")
    path = folder / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config[CONFIG_KEY] = "mean"
    config["auto_map"] = {"AutoModelForSequenceClassification": f"{CODE_FILE[:-3]}.{CLASS_NAME}"}
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")


def ships_code(folder) -> bool:
    """Whether a saved folder carries the mean-pooling code (pipeline needs trust_remote_code=True for it)."""
    return (Path(folder) / CODE_FILE).is_file()
