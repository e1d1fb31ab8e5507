"""Training batches as a pure function of (seed, epoch, index): resuming needs only the step number."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..datasets_io.stream_batches import GROUP_WINDOW


class Batches:
    """Rows indexed by number (a list or a memory-mapped Arrow table); every rank draws the same global batch and
    keeps its slice. (datasets_io.stream.StreamBatches has the same face for streamed data.)"""

    def __init__(self, rows: list[dict], batch_size: int, seed: int, group_by_length: bool):
        self.rows, self.bs, self.seed, self.group = rows, batch_size, seed, group_by_length
        self.per_epoch = math.ceil(len(rows) / batch_size)       # micro-batches per epoch (last may be short)
        self._cache: tuple[int, np.ndarray, np.ndarray | None] | None = None
        self.arrow = hasattr(rows, "column_names")   # a memory-mapped datasets.Dataset: index it, never list it
        self.lengths = _lengths(rows) if group_by_length else None

    def _epoch_batches(self, epoch: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(row numbers in batch order, the order of the batches or None): numpy arrays, 4 bytes a row, so an
        epoch of a large file holds no Python object per row. Micro-batch i is rows[order[b*bs:(b+1)*bs]] with
        b = i (no grouping) or b = batch_order[i]."""
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        small = len(self.rows) < 2**31   # int32 row numbers: 4 bytes a row (the same permutation as int64)
        order = torch.randperm(len(self.rows), generator=g, dtype=torch.int32 if small else torch.int64).numpy()
        if not self.group:
            return order, None
        # Sort within windows of GROUP_WINDOW batches by length (longest first, ties in shuffled order), then
        # shuffle the batches: little padding, still random. A window is a whole number of batches, so batch b is a
        # slice.
        window = GROUP_WINDOW * self.bs
        for w in range(0, len(order), window):
            chunk = order[w:w + window]
            order[w:w + window] = chunk[np.argsort(-self.lengths[chunk], kind="stable")]
        return order, torch.randperm(self.per_epoch, generator=g).numpy()

    def get(self, m: int) -> list[dict]:
        """The m-th micro-batch of the whole run."""
        epoch, i = divmod(m, self.per_epoch)
        if self._cache is None or self._cache[0] != epoch:
            self._cache = (epoch, *self._epoch_batches(epoch))
        _, order, batch_order = self._cache
        b = i if batch_order is None else int(batch_order[i])
        idx = order[b * self.bs:(b + 1) * self.bs].tolist()
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


def _lengths(rows) -> np.ndarray:
    """Tokens per row: from the Arrow column's offsets (no row is read) or from the list."""
    if not hasattr(rows, "column_names"):
        return np.fromiter((len(r["input_ids"]) for r in rows), dtype=np.int64, count=len(rows))
    import pyarrow.compute as pc   # lazy: only for Arrow rows grouped by length
    lengths = pc.list_value_length(rows.data.column("input_ids")).to_numpy()
    if rows._indices is not None:   # a selection of the table's rows
        lengths = lengths[rows._indices.column(0).to_numpy()]
    return lengths
