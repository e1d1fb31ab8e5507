"""RunConfig: the one description of a run that the UI form, the CLI and YAML files share.

YAML layout (every section optional; the defaults train the bundled MiniLM on the built-in sentiment set):

    task: classification                   # or {name: qa, doc_stride: 128}
    model: {name: minilm}
    data: {train: path/train.csv, test: path/test.csv, text_column: text, label_column: label}
    strategy: [{name: l2sp, weight: 0.1}, {name: llrd, decay: 0.9}]   # or {l2sp: {weight: 0.1}, llrd: {decay: 0.9}}
    train: {max_steps: 150, batch_size: 32, lr: 5.0e-5, seed: 0}
    output: {runs_dir: runs}

Any field can be overridden with dotted paths: `train.lr=3e-5`, `strategy.l2sp.weight=0.1`, `task=causal_lm`.
A strategy's knob has one address everywhere (--set, YAML, error messages, the form): `strategy.<name>.<knob>`;
the positional `strategy.0.weight` is an alias. Setting a knob of a strategy the run does not list adds it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import options as opt
from .datasets_io import stream
from .dist import sharding
from .errors import ConfigError
from .sections import DataConfig, ModelConfig, OutputConfig, TrainConfig
from .strategies import STRATEGIES, check_combination
from .tasks import TASKS

SECTIONS = ("task", "model", "data", "strategy", "train", "output")


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


@dataclass
class RunConfig:
    task: Spec = field(default_factory=lambda: _spec(TASKS, "classification", "task"))
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    strategy: list[Spec] = field(default_factory=lambda: [_spec(STRATEGIES, "full", "strategy.full")])
    train: TrainConfig = field(default_factory=TrainConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    # ---- construction -------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict | None) -> "RunConfig":
        data = dict(data or {})
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise ConfigError(unknown[0], f"unknown section; sections are: {', '.join(SECTIONS)}")
        strategies = strategy_list(data.get("strategy", [{"name": "full"}]))
        if not isinstance(strategies, list) or not strategies:
            raise ConfigError("strategy", "expected a non-empty list such as [{name: full}]")
        for section in ("model", "data", "train", "output"):
            if data.get(section) is not None and not isinstance(data[section], dict):
                raise ConfigError(section, f"expected a mapping of fields, got {data[section]!r}")
        cfg = cls(
            task=_spec(TASKS, data.get("task", "classification"), "task"),
            model=opt.from_dict(ModelConfig, data.get("model"), "model"),
            data=opt.from_dict(DataConfig, data.get("data"), "data"),
            strategy=[_spec(STRATEGIES, s, strategy_path(s, i)) for i, s in enumerate(strategies)],
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
        if self.train.batch_size < self.train.processes:   # batch_size is the global batch, split across ranks
            raise ConfigError("train.batch_size", f"is the global batch and must be at least train.processes "
                              f"({self.train.processes}); raise it or use fewer processes")
        check_combination(self)
        stream.check(self)   # data.streaming: needs train.max_steps and a task that streams
        sharding.check(self)   # train.sharding: fsdp runs only what it was tested with


def _flow(value) -> str:
    """A value as one-line YAML (what --set parses back)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip().removesuffix("...").strip()


def strategy_list(value):
    """The strategy section as a list: a name, one {name: ...} mapping, a list of either, or a mapping keyed by
    name ({l2sp: {weight: 0.1}, llrd: {}}, so that YAML reads strategy.l2sp.weight like --set does)."""
    if isinstance(value, dict) and "name" not in value and all(isinstance(v, dict) or v is None
                                                               for v in value.values()):
        return [{"name": k, **(v or {})} for k, v in value.items()]
    return [value] if isinstance(value, (str, dict)) else value


def strategy_path(entry, index: int) -> str:
    """Where a strategy entry is named in messages: strategy.<name> (strategy.<index> when it has no name)."""
    name = entry if isinstance(entry, str) else entry.get("name") if isinstance(entry, dict) else None
    return f"strategy.{name}" if isinstance(name, str) and name else f"strategy.{index}"


def _strategy_index(data: dict, name: str) -> str:
    """`strategy.<name>.<knob>` -> the index of that strategy in data's list (added when the run does not list it;
    it replaces the implicit default `full`, which only means 'no strategy')."""
    entries = data.get("strategy", [])
    for i, e in enumerate(entries):
        if isinstance(e, dict) and e.get("name") == name:
            data["strategy"] = entries
            return str(i)
    if [e.get("name") if isinstance(e, dict) else e for e in entries] in ([], ["full"]):
        entries = []
    data["strategy"] = entries + [{"name": name}]
    return str(len(entries))


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
        if parts[0] == "strategy" and len(parts) > 1 and "strategy" in data:
            entries = strategy_list(data["strategy"])
            if not isinstance(entries, list):
                raise ConfigError("strategy", "expected a list such as [{name: full}]")
            data["strategy"] = [{"name": e} if isinstance(e, str) else e for e in entries]
        if parts[0] == "strategy" and len(parts) > 2 and not parts[1].isdigit():
            parts[1] = _strategy_index(data, parts[1])          # strategy.<name>.<knob>
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
