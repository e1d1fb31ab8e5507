"""A study file: one base model and task, a grid of strategies x knob values x seeds, the same budget for all.

    study:   {name: sst2-minilm, seeds: [0, 1, 2], retention_source: builtin:general, ...}   (StudyOptions)
    prepare: [{split_text: ../shared/data/tiny_shakespeare/input.txt, held_out_lines: 4000,
               train: train.txt, held_out: heldout.txt}]        # optional: files written into the study folder
    pretrain: {task: masked_lm, model: {name: bert-tiny}, ...}  # optional RunConfig trained first: its run is
                                                                # the base model of every row
    run:     {task: classification, model: {name: minilm}, data: {...}, train: {...}}   # shared RunConfig
    grid:
      - {strategy: full}
      - {strategy: {name: freeze, k: -2}}
      - {strategy: l2sp, vary: {weight: [0.01, 0.1]}}           # one configuration per value (product of keys)
      - {strategy: [{name: freeze, k: -2}, {name: l2sp}], seeds: [0], label: freeze+l2sp}

A bare `vary` key is a knob of the first strategy; a dotted one (`train.lr`) is any RunConfig field. Any string
containing `{study}` is the study's folder (where `prepare` writes its files).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import options as opt
from ..config import RunConfig, apply_overrides
from ..errors import ConfigError
from ..options import knob

SECTIONS = ("study", "prepare", "pretrain", "run", "grid")


@dataclass
class StudyOptions:
    name: str = knob("study", "Readable prefix of the study id.", label="Study name")
    seeds: list[int] = knob(None, "Seeds every configuration is trained with (a grid entry may give its own).",
                            factory=lambda: [0, 1, 2], label="Seeds")
    retention_source: str = knob("builtin:general", "General text the retention meter scores (its last "
                                 "passages, which no row trains on).", label="Retention text")
    eval_split: str = knob("test", "Split every row is scored on (validation when there is no test split).",
                           choices=("test", "validation"))
    max_eval_examples: int | None = knob(None, "Score every row on a seeded subset of this many examples.", min=1)
    reference: str = knob("full", "The configuration the claim is checked against (plain fine-tuning).")
    min_retention: float = knob(0.95, "Retention a configuration must keep for the claim.", min=0.0, max=10.0)
    max_task_drop: float = knob(0.01, "How far below the reference's task score a configuration may be (in the "
                                "main metric's units: 0.01 = 1 point of accuracy).", min=0.0)


@dataclass
class Row:
    """One training run of the study: a configuration at one seed."""
    config: str                 # the configuration's label (same for all its seeds)
    seed: int
    strategy: list              # plain strategy specs
    overrides: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.config}#{self.seed}"


@dataclass
class Study:
    options: StudyOptions
    run: dict
    grid: list[dict]
    prepare: list[dict] = field(default_factory=list)
    pretrain: dict | None = None
    source: dict = field(default_factory=dict)     # the file as read (written back into the study folder)

    def rows(self) -> list[Row]:
        out, seen = [], set()
        for i, entry in enumerate(self.grid):
            for row in _expand(entry, self.options.seeds, f"grid[{i}]"):
                if row.key in seen:
                    raise ConfigError(f"grid[{i}]", f"configuration {row.config!r} appears twice; give it a "
                                      "distinct label")
                seen.add(row.key)
                out.append(row)
        return out

    def configs(self) -> list[str]:
        return list(dict.fromkeys(r.config for r in self.rows()))

    def run_config(self, row: Row, study_dir: Path, runs_dir: str, base_model: str | None = None) -> RunConfig:
        data = fill(copy.deepcopy(self.run), study_dir)
        data["strategy"] = fill(copy.deepcopy(row.strategy), study_dir)
        data.setdefault("train", {})["seed"] = row.seed
        out = data.setdefault("output", {})
        out["runs_dir"] = runs_dir
        out["run_name"] = f"{study_dir.name}-{_slug(row.config)}-s{row.seed}"[:80]
        if base_model:
            data.setdefault("model", {})["name"] = base_model
        return RunConfig.from_dict(apply_overrides(data, row.overrides))

    def pretrain_config(self, study_dir: Path, runs_dir: str) -> RunConfig:
        data = fill(copy.deepcopy(self.pretrain), study_dir)
        out = data.setdefault("output", {})
        out["runs_dir"] = runs_dir
        out["run_name"] = f"{study_dir.name}-pretrain"[:80]
        return RunConfig.from_dict(data)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in text).strip("-") or "row"


def _strategy_list(value, where: str) -> list:
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}.strategy", "give a strategy name, a mapping with 'name', or a list of them")
    return [{"name": v} if isinstance(v, str) else dict(v) for v in value]


def _label(strategy: list, knobs: dict) -> str:
    parts = []
    for s in strategy:
        extra = {k: v for k, v in s.items() if k != "name"}
        parts.append(s["name"] + "".join(f" {k}={v}" for k, v in extra.items()))
    return "+".join(parts) + "".join(f" {k}={v}" for k, v in knobs.items() if "." in k)


def _expand(entry, default_seeds, where: str) -> list[Row]:
    if not isinstance(entry, dict) or "strategy" not in entry:
        raise ConfigError(where, "each grid entry needs 'strategy' (and may have vary, seeds, label)")
    unknown = sorted(set(entry) - {"strategy", "vary", "seeds", "label"})
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}", "unknown field; a grid entry has strategy, vary, seeds, label")
    base = _strategy_list(entry["strategy"], where)
    seeds = entry.get("seeds", default_seeds)
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) and s >= 0 for s in seeds):
        raise ConfigError(f"{where}.seeds", f"expected a list of seeds such as [0, 1, 2], got {seeds!r}")
    vary = entry.get("vary") or {}
    if not isinstance(vary, dict) or not all(isinstance(v, list) and v for v in vary.values()):
        raise ConfigError(f"{where}.vary", "expected a mapping of knob -> list of values, e.g. {weight: [0.01, 0.1]}")
    rows = []
    for values in itertools.product(*vary.values()) if vary else [()]:
        knobs = dict(zip(vary, values))
        strategy = copy.deepcopy(base)
        overrides = []
        for k, v in knobs.items():
            if "." in k:
                flow = yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("...").strip()
                overrides.append(f"{k}={flow}")
            else:
                strategy[0][k] = v
        label = entry.get("label") or _label(strategy, knobs)
        if entry.get("label") and len(knobs):
            label += "".join(f" {k}={v}" for k, v in knobs.items())
        rows += [Row(str(label), int(s), strategy, overrides) for s in seeds]
    return rows


def fill(value, study_dir: Path):
    """Replace `{study}` in every string with the study's folder."""
    if isinstance(value, str):
        return value.replace("{study}", str(study_dir))
    if isinstance(value, list):
        return [fill(v, study_dir) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, study_dir) for k, v in value.items()}
    return value


def from_dict(data: dict) -> Study:
    if not isinstance(data, dict):
        raise ConfigError("", f"a study file is a YAML mapping with sections {', '.join(SECTIONS)}")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(unknown[0], f"unknown section; a study has: {', '.join(SECTIONS)}")
    if not data.get("grid"):
        raise ConfigError("grid", "a study needs a grid: a list such as [{strategy: full}, {strategy: l2sp}]")
    if not isinstance(data["grid"], list):
        raise ConfigError("grid", "expected a list of entries such as {strategy: l2sp, vary: {weight: [0.1]}}")
    for section in ("run", "pretrain"):
        if data.get(section) is not None and not isinstance(data[section], dict):
            raise ConfigError(section, "expected a run config mapping (task, model, data, train ...)")
    prepare = data.get("prepare") or []
    if not isinstance(prepare, list) or not all(isinstance(p, dict) and "split_text" in p for p in prepare):
        raise ConfigError("prepare", "expected a list of {split_text: FILE, held_out_lines: N, train: NAME, "
                          "held_out: NAME}")
    study = Study(opt.from_dict(StudyOptions, data.get("study"), "study"), dict(data.get("run") or {}),
                  list(data["grid"]), prepare, data.get("pretrain"), copy.deepcopy(data))
    rows = study.rows()
    # Every row must make a valid run config now, not after an hour of training (base: a placeholder name).
    probe = Path("/nonexistent-study")
    for row in rows:
        try:
            study.run_config(row, probe, "runs")
        except ConfigError as e:
            if (study.pretrain is not None and "scratch" in str(e)) or str(probe) in str(e):
                continue          # the base is the pretraining run / a prepared file: neither exists yet
            raise ConfigError(f"grid ({row.config})", str(e)) from None
    if study.pretrain is not None:
        study.pretrain_config(probe, "runs")
    return study


def load(path: str | Path, overrides=()) -> Study:
    path = Path(path)
    if not path.is_file():
        raise ConfigError("", f"study file {str(path)!r} does not exist; give a YAML file (presets: "
                          "assets/presets/study-*.yaml)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError("", f"{path} is not valid YAML: {getattr(e, 'problem', e)}") from None
    return from_dict(apply_study_overrides(data, overrides))


def from_yaml(text: str) -> Study:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError("", f"the study is not valid YAML: {getattr(e, 'problem', e)}") from None
    return from_dict(data)


def apply_study_overrides(data: dict, overrides) -> dict:
    """`study.seeds=[0]`, `run.train.max_steps=50`, `pretrain.train.max_steps=100`: dotted paths into the file."""
    data = copy.deepcopy(data)
    for item in overrides or ():
        if "=" not in item:
            raise ConfigError(item, "an override looks like section.field=value, e.g. run.train.max_steps=50")
        key, raw = item.split("=", 1)
        parts = key.strip().split(".")
        if parts[0] not in SECTIONS:
            raise ConfigError(key, f"unknown section {parts[0]!r}; a study has: {', '.join(SECTIONS)}")
        node = data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        value = yaml.safe_load(raw) if raw.strip() else None
        if isinstance(node, list):
            node[int(parts[-1])] = value
        else:
            node[parts[-1]] = value
    return data
