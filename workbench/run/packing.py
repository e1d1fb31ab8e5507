"""Padding-free batches for encoder classification (`train.packing`).

Several examples share one row of at most `data.max_length` tokens. A block-diagonal boolean attention mask keeps
each example to itself, position ids restart at 0 for each example, and the [CLS] vector of each example is
gathered for the pooler and the classifier: per-example logits are those of the unpacked model (tests check it),
and no compute is spent on padding. Only BERT-family `...ForSequenceClassification` models under SDPA attention
(a prepared 4D mask is passed through as-is there), and only with strategies that do not read the batch.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F

# Strategies whose hooks never look at the batch or the model's outputs, so they work on packed rows.
PACKABLE_STRATEGIES = {"full", "freeze", "head_only", "llrd", "l2sp", "prune"}


def plan(lengths: list[int], capacity: int) -> list[list[int]]:
    """First-fit decreasing: indices of examples per row, each row holding at most `capacity` tokens."""
    bins: list[list[int]] = []
    room: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        for b, free in enumerate(room):
            if lengths[i] <= free:
                bins[b].append(i)
                room[b] -= lengths[i]
                break
        else:
            bins.append([i])
            room.append(capacity - lengths[i])
    return bins


class Packer:
    """collate + forward for the loop, in place of the task's own (classification only)."""

    def __init__(self, pad_id: int, capacity: int):
        self.pad_id, self.capacity = pad_id, capacity

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        lengths = [len(r["input_ids"]) for r in rows]
        bins = plan(lengths, max(self.capacity, max(lengths)))
        width = max(sum(lengths[i] for i in b) for b in bins)
        n_rows = len(bins)
        ids = torch.full((n_rows, width), self.pad_id, dtype=torch.long)
        types = torch.zeros((n_rows, width), dtype=torch.long)
        pos = torch.zeros((n_rows, width), dtype=torch.long)
        seg = torch.full((n_rows, width), -1, dtype=torch.long)
        cls = torch.zeros(len(rows), dtype=torch.long)
        for r, b in enumerate(bins):
            at = 0
            for i in b:
                n = lengths[i]
                ids[r, at:at + n] = torch.tensor(rows[i]["input_ids"])
                if "token_type_ids" in rows[i]:
                    types[r, at:at + n] = torch.tensor(rows[i]["token_type_ids"])
                pos[r, at:at + n] = torch.arange(n)
                seg[r, at:at + n] = i
                cls[i] = r * width + at
                at += n
        mask = (seg[:, :, None] == seg[:, None, :]) & (seg[:, :, None] >= 0)
        mask |= torch.eye(width, dtype=torch.bool)[None]     # a pad slot sees itself: no all-masked softmax row
        return {"input_ids": ids, "token_type_ids": types, "position_ids": pos, "attention_mask": mask[:, None],
                "cls_index": cls, "labels": torch.tensor([r["labels"] for r in rows])}

    @staticmethod
    def forward(model, batch: dict):
        """Per-example logits and the cross-entropy loss from packed rows."""
        encoder = model.base_model
        hidden = encoder(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                         position_ids=batch["position_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        first = hidden.reshape(-1, hidden.shape[-1])[batch["cls_index"]]
        pooled = encoder.pooler(first[:, None]) if getattr(encoder, "pooler", None) is not None else first
        logits = model.classifier(model.dropout(pooled))
        loss = F.cross_entropy(logits.float(), batch["labels"]) if "labels" in batch else None
        return SimpleNamespace(loss=loss, logits=logits)


def packer_for(cfg, task, model, log) -> Packer | None:
    """A Packer when `train.packing` is on and this run can use it; else None, with a warning saying why not."""
    if not cfg.train.packing:
        return None
    names = set(cfg.strategy_names())
    why = None
    if not task.packable:
        why = f"task {task.name!r} (packing covers class-scoring sequence heads: classification)"
    elif not (hasattr(model, "bert") and hasattr(model, "classifier") and hasattr(model, "dropout")):
        why = f"model {type(model).__name__} (packing covers BERT-family sequence classifiers)"
    elif getattr(model.config, "_attn_implementation", None) != "sdpa":
        why = f"attention {model.config._attn_implementation!r} (packing needs sdpa)"
    elif model.config.num_labels < 2 or model.config.problem_type not in (None, "single_label_classification"):
        why = "a regression or multi-label head"
    elif names - PACKABLE_STRATEGIES:
        why = f"strategies {', '.join(sorted(names - PACKABLE_STRATEGIES))}, which read the batch"
    if why:
        log(f"train.packing is on but not used for {why}; training on padded batches", "warning")
        return None
    return Packer(task.tokenizer.pad_token_id, cfg.data.max_length)
