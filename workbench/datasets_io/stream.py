"""Training data as a stream (`data.streaming: true`): for files larger than memory and hub datasets read with
`load_dataset(..., streaming=True)`. Nothing is read whole, cached or listed; the rows arrive as they are trained on.

    the file / hub split ─► IterableDataset ─► skip the validation head ─► this rank's share
        (split_dataset_by_node) ─► shuffle buffer (data.shuffle_buffer) ─► task.encode in batches ─► packed blocks
        (causal LM) or the task's rows, batched by length within windows (stream_batches.py)

Every task whose rows are independent examples streams: causal_lm, classification, regression,
token_classification, qa, masked_lm, denoising, contrastive. Each map batch of rows is encoded by the task's own
`encode`; only the model's inputs and targets are kept (TRAIN_KEYS). Labels (classification classes, NER tags) are
learned from the head of the stream (below); a later row with a label the head did not have stops the run with a
message that names it. `multitask` does not stream (NO_STREAM says why).

* Validation: data.validation when given, else the first `data.stream_validation_rows` rows of the stream, which
  training then skips. The next `HEAD_ROWS` rows are a sample: the task checks it (columns, instruction format) and
  a from-scratch tokenizer is trained on it.
* Causal LM data (plain text and instructions) is packed (the other tasks are not): the encoded rows of each map batch are joined and cut
  into full blocks of data.max_length tokens (the tail of each batch of MAP_BATCH rows that does not fill a block is
  dropped). Packed instruction blocks keep their labels (-100 on prompt tokens); conversations in one block attend
  to each other, as in TRL's packing.
* Ranks: each rank reads its own rows: whole shards (`split_dataset_by_node`) when the source has a multiple of the
  rank count of files/shards, else every size-th row (filtered before encoding, so each rank tokenizes only its
  own); each rank draws its own share of every global batch.
* Resume: the stream's position (`IterableDataset.state_dict()`, and the pass number) goes into the checkpoint, one
  per rank, so a resumed run starts after the last example it trained on. With a shuffle buffer the rows that were
  waiting in the buffer at the checkpoint are not seen again (datasets refills the buffer on resume): nothing is
  replayed, up to `shuffle_buffer` rows (and the rest of a length-grouping window) are skipped.
* No epochs: a stream has no known length, so the run needs train.max_steps; a source shorter than the run is read
  again from its start (with the shuffle seeded by the pass number).
"""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset, DatasetDict
from datasets.fingerprint import Hasher

from .. import data
from ..errors import ConfigError, DataError, UnseenLabel
from .files import BUILDERS, _head
from .stream_batches import StreamBatches, pack  # noqa: F401  (StreamBatches: the loop's face of a stream)

HEAD_ROWS = 256     # rows after the validation head that the task checks and a from-scratch tokenizer learns from
MAP_BATCH = 1000    # rows encoded (and packed) together
STREAM_TASKS = ("causal_lm", "classification", "regression", "token_classification", "qa", "masked_lm", "denoising",
                "contrastive")
PACKED = ("causal_lm",)   # rows joined into full blocks of data.max_length tokens
NO_STREAM = {"multitask": "its sub-tasks read their own files whole and are sampled by their sizes, which a stream "
                          "does not know"}
TRAIN_KEYS = ("input_ids", "attention_mask", "token_type_ids", "labels", "start_positions", "end_positions",
              "pair_input_ids")   # what the tasks' collate reads from a training row


def check(cfg) -> None:
    """Config-level refusals, before a run folder is made."""
    if not cfg.data.streaming:
        return
    if cfg.train.max_steps is None:
        raise ConfigError("train.max_steps", "streamed data (data.streaming: true) has no length, so no epochs: "
                          "set train.max_steps to the number of optimizer steps to run")
    if cfg.task.name not in STREAM_TASKS:
        why = NO_STREAM.get(cfg.task.name, "it has not been made to read its rows batch by batch")
        raise ConfigError("data.streaming", f"the {cfg.task.name!r} task cannot stream: {why}. Turn data.streaming "
                          f"off (files are still read memory-mapped through datasets); the tasks that stream are "
                          f"{', '.join(STREAM_TASKS)}")


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


def _dataset(rows: list[dict], features=None) -> Dataset:
    ds = Dataset.from_list(rows, features=features)   # the source's features: ClassLabel names of hub data
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
        task.streamed = True   # labels met later than the head are refused, not mapped to a default
        self.packed, self.group = task.name in PACKED, cfg.train.group_by_length and task.name not in PACKED
        self.seed, self.exact, self.keys = cfg.train.seed * 1009 + rank, not dc.shuffle_buffer, None
        base = open_source(dc.train, dc, "train")
        self.features = base.features   # None for files (inferred per batch); hub data: ClassLabel names...
        n_val = 0 if dc.validation else dc.stream_validation_rows
        head = _take(base, n_val + HEAD_ROWS, dc.train)
        if head and (list(head[0]) == ["data"] or {"version", "data"} <= set(head[0])):
            raise DataError(f"{dc.train} is one JSON document ({{\"data\": [...]}}, e.g. SQuAD), not one example per "
                            "line, so it cannot be streamed; write it as JSON lines (one {question, context, answers} "
                            "object per line) or turn data.streaming off")
        if len(head) <= n_val:
            raise DataError(f"the stream {dc.train!r} has {len(head)} rows: too few to hold out "
                            f"data.stream_validation_rows={n_val} for validation and train on the rest; give "
                            "data.validation or lower data.stream_validation_rows")
        splits = {"train": _dataset(head[n_val:], self.features)}
        splits["validation"] = (_other_split(dc.validation, task, dc, "validation") if dc.validation
                                else data.subset(_dataset(head[:n_val], self.features), dc.max_eval_samples, 0))
        if dc.test:
            splits["test"] = _other_split(dc.test, task, dc, "test")
        self.raw = DatasetDict(splits)
        task.check(self.raw)   # columns, labels, instruction rows: on the head sample (later rows as they come)
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
        """One map batch of raw rows -> the task's training rows (packed into blocks for a causal LM)."""
        try:
            part = Dataset.from_dict(batch, features=self.features) if self.features else Dataset.from_dict(batch)
            rows = self.task.encode(part, "train")
        except UnseenLabel as e:
            raise DataError(f"{self.source}: {e}. A stream learns its labels from its first rows (the validation "
                            f"head and the next {HEAD_ROWS}): put examples of every label near the start of the "
                            "file (shuffle it once), or turn data.streaming off") from None
        except DataError as e:
            if "fits in data.max_length" in str(e) or "too short" in str(e) or "gives no example" in str(e):
                rows = []   # nothing usable in this batch
            else:
                raise DataError(f"{self.source}: {e}") from None
        self.task.warnings.clear()   # per-batch notes would pile up over a long stream
        if self.packed:
            rows = pack(rows, self.block)
            return {"input_ids": [r["input_ids"] for r in rows], "labels": [r["labels"] for r in rows]}
        if self.keys is None and rows:
            self.keys = [k for k in TRAIN_KEYS if k in rows[0]]
        return {k: [r[k] for r in rows] for k in self.keys or ("input_ids",)}

    def batches(self, batch_size: int, total_micro: int) -> StreamBatches:
        """This rank's share of every global batch of `batch_size` rows."""
        local = batch_size // self.size + (self.rank < batch_size % self.size)
        return StreamBatches(self.train, local, batch_size, total_micro, self.source, group=self.group,
                             exact=self.exact, seed=self.seed)
