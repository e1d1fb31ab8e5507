"""The loop's batches from a stream (`data.streaming`), and packing of causal-LM rows into blocks.

Rows arrive in the stream's order. Packed LM blocks all have the same length; other tasks' rows do not, so with
train.group_by_length the batches are made `GROUP_WINDOW` batches at a time: that many batches' rows are read,
sorted by length (longest first) and cut into batches, whose order is then shuffled (seeded by the window's
number): little padding, as with the in-memory sampler (run/batches.py), and nothing is read ahead past the window.

Position in checkpoints (`state`): the pass number and datasets' `IterableDataset.state_dict()`. Without grouping it
is taken at the last row trained on. With grouping it is the window's start plus the number of its batches already
trained on, and a resumed run reads the same window again and skips those: exactly where it stopped. With a shuffle
buffer the stream cannot be read again the same way (datasets refills the buffer on resume), so the position is the
window's end: the window's batches not yet trained on are skipped, never replayed.
"""

from __future__ import annotations

import torch

from ..errors import DataError

GROUP_WINDOW = 50   # batches sorted by length together (streamed here, and run/batches.py for indexed rows)


def pack(rows: list[dict], block: int) -> list[dict]:
    """Join the rows' tokens and cut full blocks of `block` tokens (the tail is dropped); blocks whose labels are
    all -100 (prompt only) are left out, they carry no loss."""
    ids = [t for r in rows for t in r["input_ids"]]
    labels = [t for r in rows for t in r["labels"]]
    out = []
    for s in range(0, len(ids) - block + 1, block):
        lab = labels[s:s + block]
        if any(t != -100 for t in lab[1:]):
            out.append({"input_ids": ids[s:s + block], "labels": lab})
    return out


class StreamBatches:
    """The loop's batches from a stream, in order: `get(m)` is this rank's part of the m-th micro-batch (the loop
    asks for 0, 1, 2... once each). `per_rank`: the rows are this rank's already (the loop does not shard them).
    `group`: sort by length within windows of GROUP_WINDOW batches; `exact`: the stream reads the same rows again
    from a saved position (no shuffle buffer), so a window can be read again on resume."""
    per_rank = True

    def __init__(self, stream, local: int, global_bs: int, total_micro: int, source: str, group: bool = False,
                 exact: bool = True, seed: int = 0):
        self.ds, self.bs, self.global_bs, self.source = stream, local, global_bs, source
        self.group, self.exact, self.seed = group, exact, seed
        self.per_epoch = max(1, total_micro)   # the run counts as one pass
        self.epoch, self._it, self._fresh, self._read, self._start = 0, None, True, 0, None
        self.windows, self._pending, self._mark, self._skip = 0, [], None, 0

    # ---- reading rows -------------------------------------------------------------------------------------------
    def _row(self) -> dict:
        while True:
            if self._it is None:
                self.ds.set_epoch(self.epoch)
                self._it, self._fresh, self._read = iter(self.ds), True, 0
            try:
                row = next(self._it)
            except StopIteration:
                if self._fresh:
                    raise DataError(f"the stream {self.source!r} gave no training row on this rank: it has too few "
                                    "tokens for data.max_length (or too few rows for the number of processes)"
                                    ) from None
                self.epoch, self._it, self._start = self.epoch + 1, None, None   # ran out: read it again
                continue
            except DataError:
                raise
            except Exception as e:
                raise DataError(f"{self.source}: reading the stream failed ({type(e).__name__}: "
                                f"{str(e).splitlines()[0][:300]})") from None
            self._fresh, self._read = False, self._read + 1
            return row

    def _here(self) -> dict:
        """The stream's position now: after the last row read."""
        position = self._start if self._it is None or self._read == 0 else self.ds.state_dict()
        return {"epoch": self.epoch, "position": position}

    def _fill(self) -> None:
        """The next window: GROUP_WINDOW batches of rows, sorted by length, in a seeded shuffled order."""
        start = self._here()
        rows = [self._row() for _ in range(GROUP_WINDOW * self.bs)]
        rows.sort(key=lambda r: -len(r["input_ids"]))   # stable: equal lengths keep the stream's order
        batches = [rows[i:i + self.bs] for i in range(0, len(rows), self.bs)]
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.windows)
        self._pending = [batches[i] for i in torch.randperm(len(batches), generator=g).tolist()]
        self._mark = start if self.exact else self._here()
        self.windows += 1
        if self._skip:   # resumed inside this window: its first batches were trained on before
            del self._pending[:self._skip]
            self._skip = 0

    def get(self, m: int) -> list[dict]:
        if not self.group:
            return [self._row() for _ in range(self.bs)]
        if not self._pending:
            self._fill()
        return self._pending.pop(0)

    # ---- the loop's side: one call per micro-batch, the position in checkpoints ---------------------------------
    def take(self, m: int, world) -> tuple[int, list[dict], float]:
        """(rows in the global batch, this rank's rows, the weight of this rank's mean loss). Ranks may draw one
        row more than others when the batch does not divide evenly: the weight makes the mean the global one."""
        rows = self.get(m)
        return self.global_bs, rows, world.share(len(rows), self.global_bs)

    def state(self) -> dict:
        """Where this rank's stream stands (see the module's docstring)."""
        if not self.group:
            return self._here()
        if self._mark is None:   # no window read yet (or a resumed run before its first batch): as restored
            return {**self._here(), "windows": self.windows, "served": self._skip}
        served = GROUP_WINDOW - len(self._pending) if self.exact else 0
        if not self._pending:   # the window is used up: the next one starts here
            return {**self._here(), "windows": self.windows, "served": 0}
        return {**self._mark, "windows": self.windows - 1 if self.exact else self.windows, "served": served}

    def checkpoint_state(self, world) -> dict:
        """Every rank's position, gathered (a collective: every rank calls it at the same step)."""
        return {"stream": world.gather_json(self.state())}

    def resume(self, saved: dict, world) -> None:
        states = saved.get("stream")
        if not states:
            raise DataError("this checkpoint has no stream position (it was not written by a streamed run); resume "
                            "with data.streaming off, or start the run again")
        if len(states) != world.size:
            raise DataError(f"this checkpoint holds the stream positions of {len(states)} process(es); a streamed "
                            f"run resumes with the same number: set train.processes={len(states)}")
        self.restore(states[world.rank])

    def restore(self, state: dict) -> None:
        self.epoch = int(state.get("epoch", 0))
        self._start, self._it = state.get("position"), None
        self.windows, self._skip, self._pending, self._mark = int(state.get("windows", 0)), 0, [], None
        if self.group and self.exact:
            self._skip = int(state.get("served", 0))
        if self._start:
            self.ds.set_epoch(self.epoch)
            self.ds.load_state_dict(self._start)
