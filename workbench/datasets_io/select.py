"""Row selections of a large Dataset without a Python list of its row numbers.

`datasets.Dataset.select(indices)` turns any index array into a Python list first (one int object per row: about
35 MB of short-lived objects for 840k rows, and Python's allocator keeps most of it afterwards). `select(ds, idx)`
builds the same indices mapping straight from a numpy array (8 bytes a row, in Arrow), with the fingerprint
datasets itself would give, so caches keyed by it (the encoded rows) are the same either way."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from datasets import Dataset
from datasets.fingerprint import update_fingerprint
from datasets.table import InMemoryTable

SELECT = "datasets.arrow_dataset.Dataset.select"   # the transform name datasets hashes for `select`


def select(ds: Dataset, idx) -> Dataset:
    """`ds.select(idx)` for an integer array `idx`, with no per-row Python object."""
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    if len(ds) == 0 or len(idx) == 0 or ds._format_type is not None or ds.list_indexes():
        return ds.select(idx.tolist())   # small or special cases: datasets' own path
    if idx.min() < 0 or idx.max() >= len(ds):
        raise IndexError(f"row numbers out of range for a dataset of {len(ds)} rows")
    fingerprint = update_fingerprint(ds._fingerprint, SELECT, {"indices": idx, "fingerprint_name": "new_fingerprint"})
    if idx[-1] - idx[0] == len(idx) - 1 and (len(idx) == 1 or bool(np.all(idx[1:] > idx[:-1]))):   # a slice
        return ds.select(range(int(idx[0]), int(idx[0]) + len(idx)), new_fingerprint=fingerprint)
    mapping = pa.array(idx.view(np.uint64), type=pa.uint64())   # checked non-negative above: the same bits
    if ds._indices is not None:   # already a selection: compose the two mappings
        mapping = ds._indices.column(0).take(mapping)
    table = InMemoryTable(pa.Table.from_arrays([mapping], names=["indices"]))
    return Dataset(ds._data, info=ds.info.copy(), split=ds.split, indices_table=table, fingerprint=fingerprint)
