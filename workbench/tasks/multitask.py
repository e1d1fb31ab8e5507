"""Multi-task learning: two or more tasks trained together on one shared encoder, one head each, with a weighted
sum of their losses. The sub-tasks are ordinary Task objects (classification, token_classification, masked_lm,
contrastive, ...) doing their own reading, checks, encoding, loss and metrics; this class only routes.

    task:
      name: multitask
      tasks:
        - {name: classification}                               # the first: its data is the run's data section
        - {name: masked_lm, weight: 0.5, data: {train: notes.txt, max_length: 64}, mask_prob: 0.15}
      main_metric: classification/accuracy

Each entry: `name` (a task), optional `weight` (default 1), `data` (a data section; without one the run's data
section is used; the first entry never has one), `key` (the name its metrics and loss curve use; default the task
name, numbered when repeated), and the task's own options.

Batches mix the tasks: every training row carries its task, the loop's batches are drawn uniformly from all rows,
so a task's share of each batch is proportional to its number of training rows (`sampling: balanced` repeats the
rows of the smaller tasks up to the largest's count first, so each task gets an equal share). Within a batch
every task present runs its own forward pass on its own rows; the loss is Σ_k weight_k · loss_k (each loss_k the
task's own mean over its rows in the batch), and each weighted term is logged as its own curve (out.loss_terms).
Metrics: each task's metrics under "<key>/<metric>" plus `loss` = the weighted sum of the task losses. The final
figures use each task's test split when the first task has one (a task without one then uses its validation).
Saving: see tasks/_multihead.py; tasks.load_saved reads it back. Strategies act on the whole model (shared
encoder + heads); those that read the batch or hidden states see the first task present in each batch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from .. import data
from ..sections import DataConfig
from ..errors import ConfigError, DataError
from ..options import from_dict, knob
from . import TASKS, _multihead
from .base import Prediction, Task
import copy
import transformers
from ..sections import ModelConfig

RESERVED = ("name", "weight", "data", "key")
LOWER_IS_BETTER = ("loss", "perplexity", "bpc", "alignment", "uniformity")


@dataclass
class Sub:
    key: str
    task: Task
    weight: float
    data_cfg: object
    own_data: bool          # False: the run's data section


def parse_tasks(entries: list, run_data, model_cfg) -> list[Sub]:
    """Sub-tasks from the `tasks` option (ConfigError naming the entry on any problem)."""
    if not isinstance(entries, list) or len(entries) < 2:
        raise ConfigError("task.tasks", "list two or more sub-tasks, e.g. [{name: classification}, {name: masked_lm, "
                          "data: {train: notes.txt}}]")
    subs, seen = [], {}
    for i, entry in enumerate(entries):
        where = f"task.tasks[{i}]"
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(where, f"expected a mapping with a task name, got {entry!r}")
        cls = TASKS.get(str(entry["name"]), f"{where}.name")
        if cls.name == "multitask":
            raise ConfigError(f"{where}.name", "a multitask run cannot contain another multitask")
        weight = entry.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            raise ConfigError(f"{where}.weight", f"must be a number above 0, got {weight!r}")
        if "data" in entry and i == 0:
            raise ConfigError(f"{where}.data", "the first sub-task reads the run's data section; move these fields "
                              "there")
        data_cfg = from_dict(DataConfig, entry["data"], f"{where}.data") if "data" in entry else run_data
        opts = from_dict(cls.Options, {k: v for k, v in entry.items() if k not in RESERVED}, where)
        key = str(entry.get("key") or cls.name)
        if any(c in key for c in "./ "):
            raise ConfigError(f"{where}.key", f"{key!r}: use letters, digits, - and _ only")
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            if "key" in entry:
                raise ConfigError(f"{where}.key", f"{key!r} is used twice; give each sub-task its own key")
            key = f"{key}_{seen[key]}"
        subs.append(Sub(key, cls(opts, data_cfg, model_cfg), float(weight), data_cfg, "data" in entry))
    return subs


@dataclass
class MultitaskOutput:
    loss: torch.Tensor
    loss_terms: dict            # {key: weight · task loss}: one curve per sub-task
    outputs: dict               # {key: the sub-task's model output}
    hidden_states: tuple | None = None


@TASKS.register("multitask")
class Multitask(Task):
    order = 90
    reads = ("`tasks: [{name: classification}, {name: masked_lm, weight: 0.5, data: {...}}]`, one shared body, "
             "one head each, weighted losses")
    reports = "`<task>/<metric>` for each task, `loss` (the weighted sum)"
    summary = "Multi-task: several tasks with their own data on one shared encoder, one head each, weighted losses."
    zh = {"summary": "多任务：多个任务各用自己的数据，共享一个编码器，每个任务一个任务头，损失加权求和。"}
    input_kind = "text"
    new_head = True

    def higher_is_better(self, metric: str) -> bool:
        """A sub-task's metric ("key/metric") has that sub-task's direction."""
        key, _, name = metric.rpartition("/")
        for sub in getattr(self, "subs", ()):
            if sub.key == key and metric != self.main_metric:
                return sub.task.higher_is_better(name)
        return super().higher_is_better(metric)

    @dataclass
    class Options:
        tasks: list[dict] = knob(None, "The sub-tasks: [{name, weight, data: {...}, key, <task options>}, ...]; the "
                                 "first uses the run's data section.", factory=list)
        main_metric: str = knob("loss", "Metric for early stopping and run lists: 'loss' (the weighted sum) or "
                                "'<key>/<metric>', e.g. classification/accuracy.")
        sampling: str = knob("proportional", "How batches mix the tasks: 'proportional' to their training rows, or "
                             "'balanced' (smaller tasks' rows repeated to the largest's count).",
                             choices=("proportional", "balanced"))

        zh = {   # the knobs' (label, help) in Chinese
            "tasks": ("子任务", ("子任务列表：[{name, weight, data: {...}, key, <任务选项>}, ...]；第一个子任务使用本"
                              "次运行的 data 部分。")),
            "main_metric": ("主指标", ("用于早停和运行列表的指标：'loss'（加权和）或 '<key>/<metric>'，例如 "
                                    "classification/accuracy。")),
            "sampling": ("采样方式", ("批次如何混合各任务：'proportional' 按训练行数成比例，或 'balanced'（重复较小任务"
                                  "的样本，直到与最大任务的数量相同）。")),
        }

        def __post_init__(self):
            if self.tasks:      # checked when the config is read, so mistakes show before a run starts
                parse_tasks(self.tasks, DataConfig(), ModelConfig())

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.subs = parse_tasks(options.tasks, data_cfg, model_cfg)
        first = self.subs[0].task
        self.auto_class, self.lm_head = first.auto_class, first.lm_head
        self.families = tuple(f for f in first.families if all(f in s.task.families for s in self.subs))
        if not self.families:
            raise ConfigError("task.tasks", "these sub-tasks need different model families ("
                              + "; ".join(f"{s.key}: {'/'.join(s.task.families)}" for s in self.subs)
                              + ") and cannot share one model")
        self.main_metric = options.main_metric
        if self.main_metric != "loss":
            key, _, metric = self.main_metric.partition("/")
            sub = next((s for s in self.subs if s.key == key), None)
            if sub is None or not metric:
                raise ConfigError("task.main_metric", f"{self.main_metric!r}: use 'loss' or '<key>/<metric>' with a "
                                  f"key among {', '.join(s.key for s in self.subs)}")
            self.greater_is_better = sub.task.greater_is_better if metric == sub.task.main_metric \
                else metric not in LOWER_IS_BETTER
        self.raw: dict[str, object] = {}        # sub-task key -> its DatasetDict (set in check)

    def _sub(self, key: str) -> Sub:
        return next(s for s in self.subs if s.key == key)

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        return self.subs[0].task.read(path, fmt)

    def holdout(self, train, n_val: int, seed: int):
        return self.subs[0].task.holdout(train, n_val, seed)

    def check(self, ds) -> None:
        first = self.subs[0]
        first.task.check(ds)
        self.raw = {first.key: ds}
        seed = torch.initial_seed()     # the trainer seeds torch with train.seed before loading the data
        for sub in self.subs[1:]:
            try:
                self.raw[sub.key] = data.load(sub.data_cfg, sub.task, seed)
            except DataError as e:
                raise DataError(f"sub-task {sub.key!r}: {e}") from None

    def _split(self, sub: Sub, split: str):
        part = self.raw[sub.key]
        return part[split] if split in part else part["validation"] if split == "test" else None

    def tokenizer_texts(self, ds):
        return [t for s in self.subs for t in s.task.tokenizer_texts(self.raw.get(s.key, ds))]

    # ---- model --------------------------------------------------------------------------------------------
    def model_kwargs(self) -> dict:
        return self.subs[0].task.model_kwargs()

    def setup(self, tokenizer) -> None:
        super().setup(tokenizer)
        for s in self.subs:
            s.task.setup(tokenizer)

    def wrap_model(self, model):
        """Training: build every other sub-task's model from the same source and share the first's encoder.
        Loading a saved model: only the first here; load_extras adds the others from their saved heads."""
        _multihead.grow_embeddings(model, len(self.tokenizer))
        first = self.subs[0]
        multi = _multihead.MultitaskModel([s.key for s in self.subs], first.task.wrap_model(model))
        if not self.raw:
            return multi
        for sub in self.subs[1:]:
            hf = self._build(sub, model)
            _multihead.grow_embeddings(hf, len(self.tokenizer))
            _multihead.share_encoder(hf, model)
            multi.heads[sub.key] = sub.task.wrap_model(hf)
        return multi

    def _build(self, sub: Sub, first):
        """sub's transformers model from the first model's source: pre-trained weights where the checkpoint has
        them (its head may be new), or from the first model's config for a from-scratch run."""

        auto = getattr(transformers, sub.task.auto_class)
        source = getattr(first.config, "_name_or_path", "") or ""
        if source:
            model = auto.from_pretrained(source, revision=self.model_cfg.revision, ignore_mismatched_sizes=True,
                                         trust_remote_code=self.model_cfg.trust_remote_code,
                                         **sub.task.model_kwargs())
        else:
            cfg = copy.deepcopy(first.config)
            cfg.update(sub.task.model_kwargs())
            model = auto.from_config(cfg)
        if model.config.pad_token_id is None:
            model.config.pad_token_id = first.config.pad_token_id
        return model

    def save_extras(self, model, folder) -> None:
        folder = Path(folder)
        first = model.sub(self.subs[0].key)
        for sub in self.subs:
            where = folder / "heads" / sub.key
            where.mkdir(parents=True, exist_ok=True)
            sub.task.save_extras(model.sub(sub.key), where)
            if sub is not self.subs[0]:
                _multihead.save_head(model.sub(sub.key), first, where)
        (folder / "multitask.json").write_text(json.dumps(
            [{"key": s.key, "task": s.task.name, "auto_class": s.task.auto_class} for s in self.subs], indent=2))

    def load_extras(self, model, folder):
        folder = Path(folder)
        first_key = self.subs[0].key
        model.hf_model = self.subs[0].task.load_extras(model.hf_model, folder / "heads" / first_key)
        for sub in self.subs[1:]:
            where = folder / "heads" / sub.key
            config = transformers.AutoConfig.from_pretrained(str(where))
            hf = getattr(transformers, sub.task.auto_class).from_config(config)
            _multihead.share_encoder(hf, model.hf_model)
            _multihead.load_head(hf, model.hf_model, where)
            model.heads[sub.key] = sub.task.load_extras(sub.task.wrap_model(hf), where)
        return model

    # ---- training -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        per_task = {}
        for sub in self.subs:
            part = ds if sub is self.subs[0] else self._split(sub, split)
            if part is not None:
                per_task[sub.key] = [{**r, "task": sub.key} for r in sub.task.encode(part, split)]
        self.warnings = [f"{s.key}: {w}" for s in self.subs for w in s.task.warnings]
        if split == "train" and self.opts.sampling == "balanced":
            most = max(len(r) for r in per_task.values())
            per_task = {k: rows * (most // len(rows)) + rows[:most % len(rows)] for k, rows in per_task.items()}
        return [r for rows in per_task.values() for r in rows]

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        """Each task's rows collated by the task, keys prefixed '<key>.'; the first task present is also given
        unprefixed (what strategies reading the batch see)."""
        batch = {}
        for sub in self.subs:
            mine = [{k: v for k, v in r.items() if k != "task"} for r in rows if r["task"] == sub.key]
            if mine:
                sub_batch = sub.task.collate(mine)
                if not batch:
                    batch.update(sub_batch)
                batch.update({f"{sub.key}.{k}": v for k, v in sub_batch.items()})
        return batch

    def forward(self, model, batch: dict) -> MultitaskOutput:
        hidden = bool(batch.get("output_hidden_states"))
        terms, outputs = {}, {}
        for sub in self.subs:
            prefix = f"{sub.key}."
            sub_batch = {k[len(prefix):]: v for k, v in batch.items() if k.startswith(prefix)}
            if not sub_batch:
                continue
            if hidden and not outputs:
                sub_batch["output_hidden_states"] = True
            outputs[sub.key] = out = sub.task.forward(model.sub(sub.key), sub_batch)
            terms[sub.key] = sub.weight * out.loss
        first = next(iter(outputs.values()))
        return MultitaskOutput(sum(terms.values()), terms, outputs, getattr(first, "hidden_states", None))

    # ---- evaluation ---------------------------------------------------------------------------------------
    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        metrics, predictions, total = {}, [], 0.0
        for sub in self.subs:
            mine = [{k: v for k, v in r.items() if k != "task"} for r in rows if r["task"] == sub.key]
            if not mine:
                continue
            m, preds = sub.task.evaluate(model.sub(sub.key), mine, batch_size, ctx, split=split)
            metrics.update({f"{sub.key}/{k}": v for k, v in m.items()})
            total += sub.weight * m["loss"]
            predictions += [Prediction(p.display, p.confidence, {**(p.detail or {}), "task": sub.key}) for p in preds]
        metrics["loss"] = total
        return metrics, predictions

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        """{"task": key, "input": x} asks one sub-task; any other input is answered by every sub-task (one that
        cannot take it, e.g. fill-mask without a [MASK], says so in its place)."""
        out = []
        for x in inputs:
            if isinstance(x, dict) and x.get("task"):
                sub = self._sub(x["task"])
                p = sub.task.predict(model.sub(sub.key), [x.get("input", x)], ctx=ctx, **kwargs)[0]
                out.append(Prediction(p.display, p.confidence, {**(p.detail or {}), "task": sub.key}))
                continue
            parts = {}
            for sub in self.subs:
                try:
                    parts[sub.key] = sub.task.predict(model.sub(sub.key), [x], ctx=ctx, **kwargs)[0]
                except (DataError, ValueError, KeyError, TypeError) as e:
                    parts[sub.key] = Prediction(f"(cannot answer: {e})")
            first = parts[self.subs[0].key]
            out.append(Prediction(" · ".join(f"{k}: {p.display}" for k, p in parts.items()), first.confidence,
                                  {k: {"display": p.display, "confidence": p.confidence, "detail": p.detail}
                                   for k, p in parts.items()}))
        return out

    def example_inputs(self, ds, n=3):
        return self.subs[0].task.example_inputs(ds, n)
