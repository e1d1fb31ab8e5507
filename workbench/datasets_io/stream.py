"""Training data as a stream (`data.streaming: true`): for files larger than memory and hub datasets read with
`load_dataset(..., streaming=True)`. Nothing is read whole, cached or listed; the rows arrive as they are trained on.

    the file / hub split ─► IterableDataset ─► skip the validation head ─► this rank's share
        (split_dataset_by_node) ─► shuffle buffer (data.shuffle_buffer) ─► task.encode in batches ─► packed blocks

* Validation: data.validation when given, else the first `data.stream_validation_rows` rows of the stream, which
  training then skips. The next `HEAD_ROWS` rows are a sample: the task checks it (columns, instruction format) and
  a from-scratch tokenizer is trained on it.
* Causal LM data (plain text and instructions) is packed: the encoded rows of each map batch are joined and cut
  into full blocks of data.max_length tokens (the tail of each batch of MAP_BATCH rows that does not fill a block is
  dropped). Packed instruction blocks keep their labels (-100 on prompt tokens); conversations in one block attend
  to each other, as in TRL's packing.
* Ranks: each rank reads its own rows: whole shards (`split_dataset_by_node`) when the source has a multiple of the
  rank count of files/shards, else every size-th row (filtered before encoding, so each rank tokenizes only its
  own); each rank draws its own share of every global batch.
* Resume: the stream's position (`IterableDataset.state_dict()`, and the pass number) goes into the checkpoint, one
  per rank, so a resumed run starts after the last example it trained on. With a shuffle buffer the rows that were
  waiting in the buffer at the checkpoint are not seen again (datasets refills the buffer on resume): nothing is
  replayed, up to `shuffle_buffer` rows are skipped.
* No epochs: a stream has no known length, so the run needs train.max_steps; a source shorter than the run is read
  again from its start (with the shuffle seeded by the pass number).
"""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset, DatasetDict
from datasets.fingerprint import Hasher

from .. import data
from ..errors import ConfigError, DataError
from .files import BUILDERS, _head

HEAD_ROWS = 256     # rows after the validation head that the task checks and a from-scratch tokenizer learns from
MAP_BATCH = 1000    # rows encoded (and packed) together
STREAM_TASKS = ("causal_lm",)


def check(cfg) -> None:
    """Config-level refusals, before a run folder is made."""
    if not cfg.data.streaming:
        return
    if cfg.train.max_steps is None:
        raise ConfigError("train.max_steps", "streamed data (data.streaming: true) has no length, so no epochs: "
                          "set train.max_steps to the number of optimizer steps to run")
    if cfg.task.name not in STREAM_TASKS:
        raise ConfigError("data.streaming", f"streaming covers the {', '.join(STREAM_TASKS)} task (plain text and "
                          f"instructions), not {cfg.task.name!r}; turn data.streaming off (files are still read "
                          "memory-mapped through datasets)")


def open_source(source: str, data_cfg, split: str = "train"):
    """An IterableDataset over a file or a hub split, read lazily."""
    from datasets import load_dataset   # lazy: heavy import only when a stream is opened
    kind, where = data.resolve_source(source, split)
    if kind == "hub":
        try:
            return load_dataset(where, data_cfg.hub_subset, split=split, streaming=True)
        except Exception as e:
            raise DataError(f"cannot stream dataset {where!r} from the Hugging Face hub "
                            f"({str(e).splitlines()[0][:200]}); check the id and data.hub_subset, or give a file"
                            ) from None
    fmt = data_cfg.format if data_cfg.format != "auto" else data.sniff_format(where)
    if fmt not in BUILDERS or fmt == "json" and _head(Path(where), 1) == b"[":
        raise DataError(f"{where}: the {fmt!r} format cannot be streamed; give JSON lines (.jsonl), csv, tsv, "
                        "parquet or txt, or turn data.streaming off")
    kwargs = {"sep": "\t", "quoting": 3} if fmt == "tsv" else {}   # 3 = csv.QUOTE_NONE (as the Arrow reader)
    if fmt in ("csv", "tsv"):
        kwargs["keep_default_na"] = False
    return load_dataset(BUILDERS[fmt], data_files=where, split="train", streaming=True, **kwargs)


def _take(stream, n: int, source: str) -> list[dict]:
    try:
        return list(stream.take(n))
    except Exception as e:   # a broken row in the head: say which source
        raise DataError(f"{source}: cannot read the first rows as a stream ({type(e).__name__}: "
                        f"{str(e).splitlines()[0][:300]}); check the file's format") from None


def _dataset(rows: list[dict]) -> Dataset:
    ds = Dataset.from_list(rows)
    ds._fingerprint = Hasher.hash(rows)   # the same head rows -> the same fingerprint (checks, encoded cache)
    return ds


def _other_split(source: str, task, data_cfg, split: str) -> Dataset:
    ds = data.read_source(source, task, data_cfg, split)
    part = data._split(ds, split, source) if isinstance(ds, DatasetDict) else ds
    if part is None:
        raise DataError(f"{source!r} has no {split} split; give data.{split} as a file")
    return data.subset(part, data_cfg.max_eval_samples, 0)


class Stream:
    """The raw splits the loop checks and evaluates on (validation, test, a train sample) and the training
    stream it draws batches from."""

    def __init__(self, cfg, task, rank: int = 0, size: int = 1):
        dc = cfg.data
        self.task, self.block, self.rank, self.size = task, dc.max_length, rank, size
        base = open_source(dc.train, dc, "train")
        n_val = 0 if dc.validation else dc.stream_validation_rows
        head = _take(base, n_val + HEAD_ROWS, dc.train)
        if len(head) <= n_val:
            raise DataError(f"the stream {dc.train!r} has {len(head)} rows: too few to hold out "
                            f"data.stream_validation_rows={n_val} for validation and train on the rest; give "
                            "data.validation or lower data.stream_validation_rows")
        splits = {"train": _dataset(head[n_val:])}
        splits["validation"] = (_other_split(dc.validation, task, dc, "validation") if dc.validation
                                else data.subset(_dataset(head[:n_val]), dc.max_eval_samples, 0))
        if dc.test:
            splits["test"] = _other_split(dc.test, task, dc, "test")
        self.raw = DatasetDict(splits)
        task.check(self.raw)   # columns, instruction rows: on the head sample (later rows are checked as they come)
        self.columns = list(head[0])
        train = base.skip(n_val) if n_val else base
        if size > 1 and train.n_shards % size == 0:   # whole shards (files) per rank
            from datasets.distributed import split_dataset_by_node   # lazy: only for several ranks
            train = split_dataset_by_node(train, rank=rank, world_size=size)
        elif size > 1:   # every size-th row, before encoding: each rank tokenizes only its own rows
            train = train.filter(lambda _, i: i % size == rank, with_indices=True)
        if dc.shuffle_buffer:
            train = train.shuffle(seed=cfg.train.seed, buffer_size=dc.shuffle_buffer)
        self.train = train.map(self._encode, batched=True, batch_size=MAP_BATCH, remove_columns=self.columns)
        self.source = dc.train

    def _encode(self, batch: dict) -> dict:
        try:
            rows = self.task.encode(Dataset.from_dict(batch), "train")
        except DataError as e:
            if "fits in data.max_length" in str(e) or "too short" in str(e):   # nothing usable in this batch
                rows = []
            else:
                raise DataError(f"{self.source}: {e}") from None
        self.task.warnings.clear()   # per-batch notes would pile up over a long stream
        rows = pack(rows, self.block)
        return {"input_ids": [r["input_ids"] for r in rows], "labels": [r["labels"] for r in rows]}

    def batches(self, batch_size: int, total_micro: int) -> "StreamBatches":
        """This rank's share of every global batch of `batch_size` rows."""
        local = batch_size // self.size + (self.rank < batch_size % self.size)
        return StreamBatches(self.train, local, batch_size, total_micro, self.source)


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
    asks for 0, 1, 2... once each). `per_rank`: the rows are this rank's already (the loop does not shard them)."""
    per_rank = True

    def __init__(self, stream, local: int, global_bs: int, total_micro: int, source: str):
        self.ds, self.bs, self.global_bs, self.source = stream, local, global_bs, source
        self.per_epoch = max(1, total_micro)   # the run counts as one pass
        self.epoch, self._it, self._fresh, self._restored = 0, None, True, None

    def get(self, m: int) -> list[dict]:
        rows = []
        while len(rows) < self.bs:
            if self._it is None:
                self.ds.set_epoch(self.epoch)
                self._it = iter(self.ds)
                self._fresh = True
            try:
                row = next(self._it)
            except StopIteration:
                if self._fresh:
                    raise DataError(f"the stream {self.source!r} gave no training block on this rank: it has too "
                                    "few tokens for data.max_length (or too few rows for the number of processes)"
                                    ) from None
                self.epoch, self._it = self.epoch + 1, None   # the source ran out: read it again from the start
                continue
            except DataError:
                raise
            except Exception as e:
                raise DataError(f"{self.source}: reading the stream failed ({type(e).__name__}: "
                                f"{str(e).splitlines()[0][:300]})") from None
            self._fresh = False
            rows.append(row)
        return rows

    # ---- the loop's side: one call per micro-batch, the position in checkpoints ---------------------------------
    def take(self, m: int, world) -> tuple[int, list[dict], float]:
        """(rows in the global batch, this rank's rows, the weight of this rank's mean loss). Ranks may draw one
        row more than others when the batch does not divide evenly: the weight makes the mean the global one."""
        rows = self.get(m)
        return self.global_bs, rows, world.share(len(rows), self.global_bs)

    def state(self) -> dict:
        """Where this rank's stream stands: the pass and datasets' state_dict at the last row it gave."""
        if self._it is None:
            return self._restored or {"epoch": self.epoch, "position": None}
        return {"epoch": self.epoch, "position": self.ds.state_dict()}

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
        self._restored = state
        if state.get("position"):
            self.ds.set_epoch(self.epoch)
            self.ds.load_state_dict(state["position"])
