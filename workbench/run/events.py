"""What a run reports while it trains. The loop emits these; the Recorder appends each to metrics.jsonl (the run's
record, one JSON object per line) and hands it to whoever listens (the CLI's progress bar, the JobManager that
the UI polls)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, ClassVar
from ..safety import scrub


@dataclass
class Event:
    type: ClassVar[str] = "event"
    time: float = field(default_factory=time.time, kw_only=True)

    def to_json(self) -> dict:
        return {"type": self.type, **asdict(self)}


@dataclass
class Started(Event):
    type: ClassVar[str] = "start"
    total_steps: int
    start_step: int
    steps_per_epoch: int
    examples: dict            # {"train": n, "validation": n, "test": n}
    trainable_params: int
    total_params: int
    device: str
    precision: str
    prepare_s: dict = field(default_factory=dict)   # seconds per part before the first step: data, tokenizer,
    #                                                 model, encode (the training split), setup (strategies, optimizer)


@dataclass
class Preparing(Event):
    """Before the first step: what the run is busy with ('data': reading it; 'model': loading the model;
    'tokenize': encoding `rows` rows)."""
    type: ClassVar[str] = "prepare"
    what: str
    rows: int | None = None


@dataclass
class Step(Event):
    type: ClassVar[str] = "step"
    step: int
    total_steps: int
    epoch: float
    loss: float               # total loss: the sum of the terms
    terms: dict               # each loss term's contribution, e.g. {"task": 0.61, "l2sp": 0.02}
    lr: float
    samples_per_s: float
    elapsed_s: float
    eta_s: float


@dataclass
class Eval(Event):
    type: ClassVar[str] = "eval"
    step: int
    epoch: float
    split: str
    metrics: dict             # without prefix: {"accuracy": 0.9, "loss": 0.3}

    def to_json(self) -> dict:
        # flat `eval_<name>` keys make the file easy to read with pandas and to plot
        return {"type": self.type, "time": self.time, "step": self.step, "epoch": self.epoch, "split": self.split,
                **{f"eval_{k}": v for k, v in self.metrics.items()}}


@dataclass
class Log(Event):
    type: ClassVar[str] = "log"
    level: str
    message: str


@dataclass
class Finished(Event):
    type: ClassVar[str] = "end"
    status: str
    metrics: dict
    error: str | None = None


class Recorder:
    """Appends events to metrics.jsonl and log.txt (flushed per line) and forwards them to a listener."""

    def __init__(self, paths, listener: Callable[[Event], None] | None = None):
        self.paths = paths
        self.listener = listener

    def __call__(self, event: Event) -> None:
        with open(self.paths.metrics, "a", encoding="utf-8") as f:
            f.write(json.dumps(event.to_json(), default=str) + "\n")
        if isinstance(event, (Log, Finished)):
            text = event.message if isinstance(event, Log) else f"finished: {event.status}" + (
                f" ({event.error})" if event.error else "")
            level = event.level if isinstance(event, Log) else "info"
            with open(self.paths.log, "a", encoding="utf-8") as f:
                f.write(f"{time.strftime('%H:%M:%S')} {level}: {text}\n")
        if self.listener is not None:
            self.listener(event)

    def log(self, message: str, level: str = "info") -> None:
        self(Log(level=level, message=scrub(message)))
