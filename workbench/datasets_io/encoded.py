"""Encode a split once, into the datasets cache, and memory-map it afterwards.

`encode(task, ds, split)` runs the task's own `encode` over batches of rows with `Dataset.map(batched=True)`
and writes the result as an Arrow file named by a fingerprint of
    the rows (the split's datasets fingerprint: the file's content hash, then each hold-out/subset selection),
    the tokenizer (its vocabulary, settings and chat template), the task's options, the data options and the
    label mapping the task learned from the training split,
so a second run on the same file, tokenizer and options maps the cached file and tokenizes nothing. The result
is a `datasets.Dataset` (Arrow, memory-mapped); `Batches` indexes it by row number, so no Python list of all rows
is built.

Tasks whose encoded rows are plain token lists (classification, causal_lm instruction data) go this way; the
others keep the in-memory list (their features carry offsets and per-word maps that are only used in memory).
"""

from __future__ import annotations

import os
from pathlib import Path

from datasets import Dataset
from datasets.fingerprint import Hasher

from ..errors import DataError

MAP_BATCH = 2000


def cache_root() -> Path:
    from datasets import config   # lazy: the cache location is read when first needed
    return Path(os.environ.get("WORKBENCH_ENCODED_CACHE") or Path(config.HF_DATASETS_CACHE) / "workbench-encoded")


def arrow_ready(task) -> bool:
    return bool(getattr(task, "arrow_rows", False))   # the task says whether its rows are encoded into Arrow


def fingerprint(task, ds: Dataset, split: str) -> str:
    tok = task.tokenizer
    learned = {k: v for k, v in vars(task).items()
               if k not in ("tokenizer", "warnings", "opts", "data_cfg", "model_cfg") and
               isinstance(v, (str, int, float, bool, list, tuple, dict, type(None)))}
    return Hasher.hash({
        "rows": ds._fingerprint, "split": split, "task": task.name, "options": repr(task.opts),
        "data": repr(task.data_cfg), "learned": repr(sorted(learned.items(), key=lambda kv: kv[0])),
        "vocab": Hasher.hash(sorted(tok.get_vocab().items())) if tok is not None else None,
        "tokenizer": repr(getattr(tok, "init_kwargs", {})), "template": getattr(tok, "chat_template", None),
        "class": type(tok).__name__,
    })


def encode(task, ds: Dataset, split: str):
    """The encoded split: a memory-mapped Dataset for the tasks above, the task's own list for the others."""
    if not arrow_ready(task):
        return task.encode(ds, split)
    fp = fingerprint(task, ds, split)
    target = cache_root() / f"{task.name}-{split}-{fp}.arrow"
    if target.is_file():
        return Dataset.from_file(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = ds.column_names

    refused = []

    def batch_fn(batch):
        try:
            rows = task.encode(Dataset.from_dict(batch), split)
        except DataError as e:   # nothing usable in this batch; only a split with nothing at all is refused
            refused.append(e)
            rows = []
        keys = list(rows[0]) if rows else ["input_ids", "labels"]
        return {k: [r[k] for r in rows] for k in keys}

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    out = ds.map(batch_fn, batched=True, batch_size=MAP_BATCH, remove_columns=columns, cache_file_name=str(tmp),
                 new_fingerprint=fp, desc=f"encoding {split}")
    empty = len(out) == 0
    del out
    if empty and refused:
        tmp.unlink(missing_ok=True)
        raise refused[-1]
    os.replace(tmp, target)   # a crash mid-encoding never leaves a half file that a later run would trust
    return Dataset.from_file(str(target))


def _checked_marker(ds: Dataset, what: str) -> Path:
    return cache_root() / "checked" / f"{what}-{ds._fingerprint}"


def already_checked(ds: Dataset, what: str) -> bool:
    """True when rows with this fingerprint already passed the check named `what` (a full pass over a big file
    costs more than everything else a cached run does)."""
    return _checked_marker(ds, what).is_file()


def mark_checked(ds: Dataset, what: str) -> None:
    marker = _checked_marker(ds, what)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def already_scanned(key: str) -> bool:
    """True when the file keyed `key` (path, size, mtime) passed files.scan_text before."""
    return (cache_root() / "checked" / f"utf8-{key}").is_file()


def mark_scanned(key: str) -> None:
    marker = cache_root() / "checked" / f"utf8-{key}"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
