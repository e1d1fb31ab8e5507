"""Data at scale without a Python object per row: the sampler's epoch plan and the validation hold-out are index
arrays (numpy / Arrow), give the same batches and fingerprints as the list-based code they replace, and their
memory per row stays a few bytes (measured with tracemalloc, which sees numpy's buffers and every Python object)."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
import torch
from datasets import Dataset

from workbench.datasets_io.select import select
from workbench.run.batches import Batches
from workbench.tasks.base import Task


def reference_batches(rows, bs, seed, epoch, group):
    """The sampler as it was written with Python lists (the specification of the batches)."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = torch.randperm(len(rows), generator=g).tolist()
    if not group:
        return [order[i:i + bs] for i in range(0, len(order), bs)]
    window, batches = 50 * bs, []
    for w in range(0, len(order), window):
        chunk = sorted(order[w:w + window], key=lambda i: -len(rows[i]["input_ids"]))
        batches += [chunk[i:i + bs] for i in range(0, len(chunk), bs)]
    perm = torch.randperm(len(batches), generator=g).tolist()
    return [batches[i] for i in perm]


@pytest.mark.parametrize("n,bs,group", [(1037, 16, True), (1037, 16, False), (5, 8, True), (401, 7, True)])
def test_the_index_array_sampler_gives_the_reference_batches(n, bs, group):
    rng = random.Random(n)
    rows = [{"input_ids": [1] * rng.randint(1, 40), "k": i} for i in range(n)]
    b = Batches(rows, bs, 3, group)
    for epoch in (0, 1):
        want = reference_batches(rows, bs, 3, epoch, group)
        got = [[r["k"] for r in b.get(epoch * b.per_epoch + i)] for i in range(b.per_epoch)]
        assert got == want


def test_arrow_rows_are_batched_by_length_from_their_offsets():
    rows = Dataset.from_dict({"input_ids": [[1] * (1 + i % 30) for i in range(900)], "labels": list(range(900))})
    part = select(rows, np.arange(0, 900, 2))   # a selection (indices mapping): lengths follow it
    b = Batches(part, 8, 0, True)
    assert b.arrow and b.lengths.tolist() == [1 + i % 30 for i in range(0, 900, 2)]
    batch = b.get(0)
    assert len(batch) == 8 and all(len(r["input_ids"]) == 1 + r["labels"] % 30 for r in batch)
    def spread(sampler):
        return sum(max(map(len, x)) - min(map(len, x))
                   for x in ([r["input_ids"] for r in sampler.get(m)] for m in range(sampler.per_epoch)))
    # sorted within windows of 50 batches: similar lengths together, far less spread than in random order
    assert spread(b) < 0.2 * spread(Batches(part, 8, 0, False))


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_epoch_plan_holds_a_few_bytes_a_row():
    n = 300_000
    rows = Dataset.from_dict({"input_ids": [[1, 2]] * 3 + [[1]] * (n - 3)})
    b = Batches(rows, 8, 0, True)
    per_row = _peak_bytes(lambda: b._epoch_batches(0)) / n
    order, batch_order = b._epoch_batches(0)
    assert order.dtype == np.int32 and isinstance(batch_order, np.ndarray)
    assert per_row < 16, per_row   # a Python list of row numbers alone is 36 bytes a row


def test_the_holdout_selects_with_index_arrays_and_the_same_fingerprints():
    n = 200_000
    ds = Dataset.from_dict({"text": ["a"] * n, "label": list(range(n))})
    task = Task.__new__(Task)
    train, val = task.holdout(ds, 2000, seed=0)
    order = np.random.default_rng(0).permutation(n)
    want_train, want_val = ds.select(np.sort(order[2000:])), ds.select(np.sort(order[:2000]))
    assert train._fingerprint == want_train._fingerprint and val._fingerprint == want_val._fingerprint
    assert val["label"][:] == want_val["label"][:] and train["label"][:50] == want_train["label"][:50]
    assert len(train) == n - 2000
    per_row = _peak_bytes(lambda: task.holdout(ds, 2000, seed=0)) / n
    list_per_row = _peak_bytes(lambda: ds.select(np.sort(order[2000:]))) / n
    assert per_row < 28 and per_row < 0.7 * list_per_row, (per_row, list_per_row)   # fingerprint: 2 copies


def test_select_composes_and_keeps_contiguous_slices():
    ds = Dataset.from_dict({"x": list(range(100))})
    part = select(ds, np.array([5, 9, 30, 31, 70]))
    assert select(part, np.array([4, 0]))["x"][:] == [70, 5] == ds.select([5, 9, 30, 31, 70]).select([4, 0])["x"][:]
    run = select(ds, np.arange(10, 20))
    assert run._indices is None and run["x"][:] == list(range(10, 20))
    assert run._fingerprint == ds.select(np.arange(10, 20))._fingerprint
    with pytest.raises(IndexError):
        select(ds, np.array([100]))
