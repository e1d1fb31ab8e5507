"""Training batches as a pure function of (seed, epoch, index): resuming needs only the step number."""

from __future__ import annotations

import math

import numpy as np
import torch


class Batches:
    """Rows indexed by number (a list or a memory-mapped Arrow table); every rank draws the same global batch and
    keeps its slice. (datasets_io.stream.StreamBatches has the same face for streamed data.)"""

    def __init__(self, rows: list[dict], batch_size: int, seed: int, group_by_length: bool):
        self.rows, self.bs, self.seed, self.group = rows, batch_size, seed, group_by_length
        self.per_epoch = math.ceil(len(rows) / batch_size)       # micro-batches per epoch (last may be short)
        self._cache: tuple[int, np.ndarray | list[list[int]]] | None = None
        self.arrow = hasattr(rows, "column_names")   # a memory-mapped datasets.Dataset: index it, never list it
        self.lengths = _lengths(rows) if group_by_length and self.arrow else None

    def _epoch_batches(self, epoch: int) -> np.ndarray | list[list[int]]:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        order = torch.randperm(len(self.rows), generator=g)
        if not self.group:
            return order.numpy()   # 8 bytes a row; micro-batch i is a slice of it (no list per row)
        order = order.tolist()
        # Sort within windows of 50 batches by length, then shuffle the batches: little padding, still random.
        window, batches = 50 * self.bs, []
        for w in range(0, len(order), window):
            chunk = sorted(order[w:w + window], key=lambda i: -(self.lengths[i] if self.lengths is not None
                                                                 else len(self.rows[i]["input_ids"])))
            batches += [chunk[i:i + self.bs] for i in range(0, len(chunk), self.bs)]
        perm = torch.randperm(len(batches), generator=g).tolist()
        return [batches[i] for i in perm]

    def get(self, m: int) -> list[dict]:
        """The m-th micro-batch of the whole run."""
        epoch, i = divmod(m, self.per_epoch)
        if self._cache is None or self._cache[0] != epoch:
            self._cache = (epoch, self._epoch_batches(epoch))
        plan = self._cache[1]
        idx = plan[i * self.bs:(i + 1) * self.bs].tolist() if isinstance(plan, np.ndarray) else plan[i]
        if self.arrow:
            cols = self.rows[idx]    # one read of the rows of this batch
            return [dict(zip(cols, values)) for values in zip(*cols.values())]
        return [self.rows[j] for j in idx]


    def take(self, m: int, world) -> tuple[int, list[dict], float]:
        """(rows in the global micro-batch m, this rank's rows, the weight of this rank's mean loss). A short last
        batch that leaves a rank nothing gives it one row at weight 0, so every rank runs the same collectives."""
        rows = self.get(m)
        mine = world.shard(rows)
        if not mine:
            return len(rows), rows[:1], 0.0
        return len(rows), mine, world.share(len(mine), len(rows))

    def checkpoint_state(self, world) -> dict:
        return {}   # the step number is the position

    def resume(self, saved: dict, world) -> None:
        pass


def _lengths(ds) -> list[int]:
    import pyarrow.compute as pc   # lazy: only for Arrow rows grouped by length
    return pc.list_value_length(ds.data.column("input_ids")).to_numpy()
