"""RunConfig: the one description of a run that the UI form, the CLI and YAML files share.

YAML layout (every section optional; the defaults train the bundled MiniLM on the built-in sentiment set):

    task: classification                   # or {name: qa, doc_stride: 128}
    model: {name: minilm}
    data: {train: path/train.csv, test: path/test.csv, text_column: text, label_column: label}
    strategy: [{name: l2sp, weight: 0.01}, {name: llrd, decay: 0.9}]
    train: {max_steps: 150, batch_size: 32, lr: 5.0e-5, seed: 0}
    output: {runs_dir: runs}

Any field can be overridden with dotted paths: `train.lr=3e-5`, `strategy.0.weight=0.1`, `task=causal_lm`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import options as opt
from .errors import ConfigError
from .options import knob

SECTIONS = ("task", "model", "data", "strategy", "train", "output")


@dataclass
class ModelConfig:
    name: str = knob("minilm", "Catalogue key (minilm, bert-tiny, gpt-tiny), a local model folder, a run id, or a "
                     "hub id such as 'distilbert-base-uncased'.", label="Base model")
    revision: str | None = knob(None, "Hub revision (branch, tag or commit) when `name` is a hub id.", advanced=True)
    trust_remote_code: bool = knob(False, "Run Python code shipped with a hub model. Only for models you trust.",
                                   advanced=True)
    crf: bool = knob(False, "Token classification: put a CRF layer (Viterbi decoding) on top of the token head.",
                     label="CRF layer")
    tokenizer: str = knob("bpe", "From-scratch presets: train a BPE/WordPiece tokenizer on the training text, or "
                          "use a character vocabulary.", choices=("bpe", "char"), advanced=True)
    vocab_size: int = knob(4096, "From-scratch presets: vocabulary size of the trained tokenizer.", min=64,
                           max=262144, advanced=True)
    pooling: str = knob("auto", "Classification: what the head reads. 'cls': the head transformers builds (BERT's "
                        "[CLS] pooler); 'mean': the mean of the last hidden states over real tokens (what "
                        "sentence encoders such as MiniLM were trained to produce); 'auto': follow the model "
                        "(its sentence-transformers pooling config).", choices=("auto", "cls", "mean"),
                        label="Pooling")


@dataclass
class DataConfig:
    train: str = knob("builtin:sentiment", "Training data: 'builtin:NAME', a file (csv, tsv, json, jsonl, parquet, "
                      "txt, conll, squad json) or a hub dataset id.", label="Training data")
    validation: str | None = knob(None, "Validation data; when empty a seeded split of the training data is used.")
    test: str | None = knob(None, "Test data for the final evaluation; when empty the validation data is used.")
    format: str = knob("auto", "File format; 'auto' decides from the extension and content.",
                       choices=("auto", "csv", "tsv", "json", "jsonl", "parquet", "txt", "conll", "squad"),
                       advanced=True)
    text_column: str = knob("text", "Column holding the input text.", label="Text column")
    text_pair_column: str | None = knob(None, "Optional second text column (sentence pairs).", advanced=True)
    label_column: str = knob("label", "Column holding the label.", label="Label column")
    hub_subset: str | None = knob(None, "Hub datasets: the configuration (subset) name.", advanced=True)
    max_length: int = knob(128, "Tokens per example (longer inputs are truncated); block size for packed text.",
                           min=8, max=32768, label="Max length")
    max_train_samples: int | None = knob(None, "Use a seeded random subset of this many training rows.", min=1)
    max_eval_samples: int | None = knob(None, "Use at most this many validation/test rows.", min=1, advanced=True)
    validation_split: float = knob(0.1, "Share of training rows held out for validation when no validation "
                                   "data is given.", min=0.01, max=0.5, advanced=True)
    skip_empty: bool = knob(False, "Drop rows with empty text instead of refusing the dataset.", advanced=True)


@dataclass
class TrainConfig:
    epochs: float = knob(3.0, "Passes over the training data (ignored when max_steps is set).", min=0.0,
                         max=10000.0)
    max_steps: int | None = knob(None, "Optimizer steps to run; overrides epochs.", min=1)
    batch_size: int = knob(16, "Examples per optimizer step (before gradient accumulation).", min=1, max=65536,
                           label="Batch size")
    grad_accum: int = knob(1, "Micro-batches accumulated per optimizer step.", min=1, max=1024, advanced=True)
    lr: float = knob(5e-5, "Peak learning rate (AdamW).", min=0.0, max=1.0, label="Learning rate")
    weight_decay: float = knob(0.01, "AdamW weight decay (not applied to biases and norms).", min=0.0, max=1.0,
                               advanced=True)
    warmup_ratio: float = knob(0.06, "Share of steps with linear warm-up.", min=0.0, max=1.0, advanced=True)
    scheduler: str = knob("linear", "Learning-rate decay after warm-up.", choices=("linear", "cosine", "constant"),
                          advanced=True)
    max_grad_norm: float = knob(1.0, "Clip the global gradient norm to this (0 turns clipping off).", min=0.0,
                                advanced=True)
    eval_every: int = knob(0, "Evaluate every N steps (0: at the end of each epoch).", min=0, advanced=True)
    checkpoint_every: int = knob(0, "Save a resumable checkpoint every N steps (0: at each evaluation).", min=0,
                                 advanced=True)
    keep_checkpoints: int = knob(2, "How many recent checkpoints to keep.", min=1, max=100, advanced=True)
    early_stopping_patience: int = knob(0, "Stop after this many evaluations without improvement (0: off).",
                                        min=0, advanced=True)
    early_stopping_metric: str = knob("auto", "Metric watched for early stopping and the best model "
                                      "('auto': the task's main metric).", advanced=True)
    seed: int = knob(0, "Seed for data order, splits, initialisation and dropout.", min=0)
    precision: str = knob("auto", "Compute precision: 'auto' uses bf16 autocast where the device supports it.",
                          choices=("auto", "fp32", "bf16", "fp16"), advanced=True)
    device: str = knob("auto", "Where to train.", choices=("auto", "cpu", "cuda"), advanced=True)
    log_every: int = knob(1, "Write a metrics line every N steps.", min=1, advanced=True)
    eval_batch_size: int | None = knob(None, "Batch size for evaluation (default: 2 x batch size).", min=1,
                                       advanced=True)
    group_by_length: bool = knob(False, "Batch examples of similar length together (less padding, faster).",
                                 advanced=True)


@dataclass
class OutputConfig:
    runs_dir: str = knob("runs", "Folder holding run folders and the run registry.", label="Runs folder")
    run_name: str | None = knob(None, "Readable prefix for the run id.")
    save_model: bool = knob(True, "Save the final model in the run folder (safetensors).", advanced=True)


@dataclass
class Spec:
    """A task or strategy chosen by name, with its options dataclass."""
    name: str
    options: object

    def to_plain(self, short: bool = False):
        knobs = opt.non_default(self.options)
        return self.name if (short and not knobs) else {"name": self.name, **knobs}


def _spec(registry, value, path: str) -> Spec:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict) or "name" not in value:
        raise ConfigError(path, f"expected a name or a mapping with 'name', got {value!r}")
    value = dict(value)
    cls = registry.get(str(value.pop("name")), path)
    return Spec(cls.name, opt.from_dict(cls.Options, value, path))


def _task_registry():
    from .tasks import TASKS
    return TASKS


def _strategy_registry():
    from .strategies import STRATEGIES
    return STRATEGIES


@dataclass
class RunConfig:
    task: Spec = field(default_factory=lambda: _spec(_task_registry(), "classification", "task"))
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    strategy: list[Spec] = field(default_factory=lambda: [_spec(_strategy_registry(), "full", "strategy[0]")])
    train: TrainConfig = field(default_factory=TrainConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    # ---- construction -------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict | None) -> "RunConfig":
        data = dict(data or {})
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise ConfigError(unknown[0], f"unknown section; sections are: {', '.join(SECTIONS)}")
        strategies = data.get("strategy", [{"name": "full"}])
        if isinstance(strategies, (str, dict)):
            strategies = [strategies]
        if not isinstance(strategies, list) or not strategies:
            raise ConfigError("strategy", "expected a non-empty list such as [{name: full}]")
        for section in ("model", "data", "train", "output"):
            if data.get(section) is not None and not isinstance(data[section], dict):
                raise ConfigError(section, f"expected a mapping of fields, got {data[section]!r}")
        cfg = cls(
            task=_spec(_task_registry(), data.get("task", "classification"), "task"),
            model=opt.from_dict(ModelConfig, data.get("model"), "model"),
            data=opt.from_dict(DataConfig, data.get("data"), "data"),
            strategy=[_spec(_strategy_registry(), s, f"strategy[{i}]") for i, s in enumerate(strategies)],
            train=opt.from_dict(TrainConfig, data.get("train"), "train"),
            output=opt.from_dict(OutputConfig, data.get("output"), "output"),
        )
        cfg.validate()
        return cfg

    @classmethod
    def from_yaml(cls, text: str, overrides: list[str] = (), source: str = "config") -> "RunConfig":
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise ConfigError("", f"{source} is not valid YAML{where}: {getattr(e, 'problem', e)}. "
                              "Fix the syntax (indentation, colons, quotes) and try again.") from None
        if not isinstance(data, dict):
            raise ConfigError("", f"{source} must be a YAML mapping with sections {', '.join(SECTIONS)}")
        return cls.from_dict(apply_overrides(data, overrides))

    @classmethod
    def load(cls, path: str | Path, overrides: list[str] = ()) -> "RunConfig":
        path = Path(path)
        if not path.is_file():
            raise ConfigError("", f"config file {str(path)!r} does not exist; give the path of a YAML file "
                              "(presets are in assets/presets/)")
        return cls.from_yaml(path.read_text(encoding="utf-8"), overrides, source=str(path))

    # ---- serialisation ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "task": self.task.to_plain(short=True),
            "model": opt.to_dict(self.model),
            "data": opt.to_dict(self.data),
            "strategy": [s.to_plain() for s in self.strategy],
            "train": opt.to_dict(self.train),
            "output": opt.to_dict(self.output),
        }

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, default_flow_style=None,
                              width=100)

    def to_cli(self, config_path: str | None = None) -> str:
        """The equivalent command line: `--set` for every field that differs from the defaults."""
        default = RunConfig().to_dict()
        mine = self.to_dict()
        parts = ["python -m workbench train"] + ([f"--config {config_path}"] if config_path else [])
        if not config_path:
            if mine["task"] != default["task"]:
                parts.append(f"--set 'task={_flow(mine['task'])}'")
            for section in ("model", "data", "train", "output"):
                for key, value in mine[section].items():
                    if value != default[section].get(key):
                        parts.append(f"--set '{section}.{key}={_flow(value)}'")
            if mine["strategy"] != default["strategy"]:
                parts.append(f"--set 'strategy={_flow(mine['strategy'])}'")
        return " ".join(parts)

    def copy(self) -> "RunConfig":
        return copy.deepcopy(self)

    def strategy_names(self) -> list[str]:
        return [s.name for s in self.strategy]

    # ---- validation that spans sections ---------------------------------------------------------------------
    def validate(self) -> None:
        if self.train.max_steps is None and self.train.epochs <= 0:
            raise ConfigError("train.epochs", "must be above 0 when train.max_steps is not set")
        from .strategies import check_combination
        check_combination(self)


def _flow(value) -> str:
    """A value as one-line YAML (what --set parses back)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip().removesuffix("...").strip()


def apply_overrides(data: dict, overrides) -> dict:
    """Apply `a.b.c=value` strings to a plain config mapping (values are parsed as YAML: 3e-5, [a, b], true)."""
    data = copy.deepcopy(data)
    for item in overrides or ():
        if "=" not in item:
            raise ConfigError(item, "an override must look like section.field=value, e.g. train.lr=3e-5")
        key, raw = item.split("=", 1)
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        parts = key.strip().split(".")
        if parts[0] not in SECTIONS:
            raise ConfigError(key, f"unknown section {parts[0]!r}; sections are: {', '.join(SECTIONS)}")
        node = data
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if part == "task" and isinstance(node.get("task"), str):
                node["task"] = {"name": node["task"]}
            if part == "strategy" and "strategy" not in node:
                node["strategy"] = [{"name": "full"}]
            child = node[int(part)] if isinstance(node, list) else node.setdefault(part, [] if nxt.isdigit() else {})
            if isinstance(child, str) and part != "task":
                child = {"name": child}
                node[int(part) if isinstance(node, list) else part] = child
            node = child
            if isinstance(node, list) and nxt.isdigit() and int(nxt) >= len(node):
                raise ConfigError(key, f"index {nxt} is out of range: there are {len(node)} entries")
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return data
