"""General text for `adversarial` and `rehearsal`: read once, tokenized with the run's tokenizer, served in
batches that depend only on (seed, step, call), so a resumed run sees the same batches as an uninterrupted one."""

from __future__ import annotations

import torch

from .. import data
from ..errors import ConfigError, DataError
from ..tasks.base import pad_batch

MAX_TEXTS = 50_000     # enough variety for rehearsal; bounds memory for large hub corpora


def check_source(source: str, where: str) -> None:
    try:
        data.resolve_source(source)
    except DataError as e:
        raise ConfigError(where, str(e)) from None


class GeneralText:
    def __init__(self, source: str, tokenizer, max_length: int, seed: int):
        texts = data.general_texts(source, limit=MAX_TEXTS)
        enc = tokenizer(texts, truncation=True, max_length=max_length)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        self.rows = [{k: enc[k][i] for k in keys} for i in range(len(texts)) if len(enc["input_ids"][i]) >= 2]
        if not self.rows:
            raise DataError(f"the general text {source!r} has no passage of 2 tokens or more")
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.seed = seed
        self._step, self._call = -1, 0

    def batch(self, n: int, step: int, device, rank: int = 0, size: int = 1) -> dict[str, torch.Tensor]:
        """n random passages (with replacement), padded: input_ids, attention_mask[, token_type_ids]. With several
        ranks, rank r takes its slice of the n * size passages one process would draw (as with the task's rows)."""
        self._call = self._call + 1 if step == self._step else 0     # several calls per step (grad_accum)
        self._step = step
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + step * 101 + self._call + 7)
        idx = torch.randint(len(self.rows), (n * size,), generator=g).tolist()[rank::size]
        batch = pad_batch([self.rows[i] for i in idx], {"input_ids": self.pad_id})
        return {k: v.to(device) for k, v in batch.items()}

    def generator(self, step: int) -> torch.Generator:
        """A generator for random choices (masking) tied to the current batch."""
        return torch.Generator().manual_seed(self.seed * 7_000_003 + step * 101 + self._call + 13)
