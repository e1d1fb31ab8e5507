"""The run form: widgets generated from the knob metadata (`options.describe`), and the two-way mapping between
the widgets' values and a RunConfig.

Every form entry has a path:
    "train.lr", "data.max_length", ...          a field of a RunConfig section
    "task", "strategy"                          the chosen task name / the list of chosen strategy names
    "task:causal_lm.temperature"                a knob of one task's Options (used when that task is chosen)
    "strategy.freeze.k"                         a knob of one strategy's Options (used when it is chosen): the
                                                same address as in --set, YAML and error messages
An entry owns one or more components (a source picker owns a mode radio, a dropdown and text boxes); `read` turns
their values into the config value and `write` does the inverse. No strategy or task is named here: their forms
come from their Options dataclasses, so a strategy added as a file shows up in the UI by itself.
"""

from __future__ import annotations

from contextlib import nullcontext as _nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import gradio as gr
import yaml

from .. import options as opt
from ..config import DataConfig, ModelConfig, OutputConfig, RunConfig, TrainConfig
from ..errors import ConfigError
from . import i18n

SECTION_CLASSES = {"model": ModelConfig, "data": DataConfig, "train": TrainConfig, "output": OutputConfig}


# ---------------------------------------------------------------------------------------------------------------
# one knob <-> one widget
def to_widget(info: opt.FieldInfo, value):
    """A config value as the widget shows it (optional numbers use a text box: empty means "not set")."""
    if info.kind in ("int", "float") and info.optional:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    if value is None:
        return None if info.kind in ("int", "float") else ("" if info.kind != "bool" else False)
    if info.kind == "list":
        if info.choices:
            return list(value)
        if any(isinstance(v, (dict, list)) for v in value):   # structured items (sub-task specs): YAML flow
            return _flow(value)
        return ", ".join(map(str, value))
    if info.kind == "dict":
        return _flow(value) if value else ""
    return value


def _flow(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000).strip()


def from_widget(info: opt.FieldInfo, value, path: str):
    """A widget value as the raw config value (typed and range-checked later by RunConfig.from_dict)."""
    if info.kind in ("int", "float"):
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            return None   # None for a required number: from_dict says "a value is required" for this field
        if info.kind == "int" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if info.kind == "bool":
        return bool(value)
    if info.kind == "dict" or (info.kind == "list" and isinstance(value, str) and value.strip().startswith("[")):
        text = (value or "").strip()
        if not text:
            return None if info.optional else {}
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            what = "a mapping such as {key: value}" if info.kind == "dict" else "a list such as [{name: x}, ...]"
            raise ConfigError(path, f"expected {what}") from None
    if isinstance(value, str) and value.strip() == "" and info.optional:
        return None
    return value


def widget(info: opt.FieldInfo, path: str, lang: str = "en", choices: list | None = None, value=opt.MISSING,
           **kw) -> gr.Component:
    """A gradio widget for one knob: checkbox, dropdown (choices), number or text box. `choices` turns a text
    knob into a dropdown that also takes typed values (column names filled from the data)."""
    label, help_text = i18n.knob_text(path, info, lang)
    value = to_widget(info, info.default if value is opt.MISSING else value)
    common = {"label": label, "info": help_text or None, "elem_id": "knob-" + path.replace(":", "-").replace(".", "-"),
              **kw}
    if info.kind == "bool":
        return gr.Checkbox(value=value, **common)
    if choices is not None:
        return gr.Dropdown(choices=choices or ([value] if value else []), value=value, allow_custom_value=True,
                           **common)
    if info.choices and info.kind == "list":
        return gr.Dropdown(choices=list(info.choices), value=value or [], multiselect=True, **common)
    if info.choices:
        choices = [("—", "")] + [(str(c), c) for c in info.choices] if info.optional else list(info.choices)
        return gr.Dropdown(choices=choices, value=value if value is not None else "", **common)
    if info.kind in ("int", "float") and info.optional:   # gr.Number cannot be empty; empty here = not set
        return gr.Textbox(value=value, placeholder=i18n.t("common.unset", lang), **common)
    if info.kind in ("int", "float"):   # the knob's range: the field is marked, and gradio refuses it on submit
        return gr.Number(value=value, precision=0 if info.kind == "int" else None, minimum=info.min,
                         maximum=info.max, **common)
    return gr.Textbox(value=value, lines=1, **common)


# ---------------------------------------------------------------------------------------------------------------
@dataclass
class Entry:
    path: str
    components: list
    read: Callable[..., Any]        # component values -> config value
    write: Callable[[Any], list]    # config value -> component values


def _spec_options(spec_list, name):
    for s in spec_list:
        if s.name == name:
            return s.options
    return None


class Form:
    """All the form entries of one app (built once per app; the values themselves live in each browser page)."""

    def __init__(self, runs_dir: str | Path, tr: i18n.Translator | None = None,
                 check_path: Callable[[str, str], None] | None = None, initial: RunConfig | None = None):
        self.runs_dir = str(runs_dir)
        self.tr = tr or i18n.Translator()
        self.initial = initial or RunConfig()    # what a fresh page shows
        self.check_path = check_path          # refuses data files outside the app's folders
        self.entries: list[Entry] = []
        self._infos: dict[str, opt.FieldInfo] = {}

    # ---- building ---------------------------------------------------------------------------------------------
    def add(self, path: str, components: list, read: Callable, write: Callable) -> None:
        if any(e.path == path for e in self.entries):
            raise ValueError(f"form entry {path!r} added twice")
        self.entries.append(Entry(path, list(components), read, write))

    def knob(self, path: str, info: opt.FieldInfo, choices: list | None = None, **kw) -> gr.Component:
        """Make the widget for one knob and register it (with its label and help in every language)."""
        self._infos[path] = info
        comp = widget(info, path, self.tr.lang, choices, self.value_of(self.initial, path), **kw)
        unset = info.kind in ("int", "float") and info.optional and isinstance(comp, gr.Textbox)  # "not set" hint
        self.tr.custom(comp, lambda lang: {**dict(zip(("label", "info"), i18n.knob_text(path, info, lang))),
                                           **({"placeholder": i18n.t("common.unset", lang)} if unset else {})})
        self._infos[path] = info
        self.add(path, [comp], lambda v, i=info, p=path: from_widget(i, v, self._config_path(p)),
                 lambda v, i=info: [to_widget(i, v)])
        return comp

    def section(self, section: str, skip: tuple[str, ...] = (), advanced: bool | None = None, columns: int = 1,
                **kw) -> dict[str, gr.Component]:
        """Widgets for the knobs of one RunConfig section (skipping `skip`; `advanced` filters by the flag),
        laid out `columns` to a row."""
        infos = [i for i in opt.describe(SECTION_CLASSES[section])
                 if i.name not in skip and (advanced is None or i.advanced == advanced)]
        return self.knobs(section, infos, columns, **kw)

    def knobs(self, prefix: str, infos: list, columns: int = 1, **kw) -> dict[str, gr.Component]:
        """Widgets for several knobs under one path prefix ("train", "strategy.l2sp"), `columns` to a row."""
        out = {}
        for start in range(0, len(infos), columns):
            with (gr.Row() if columns > 1 else _nullcontext()):
                for info in infos[start:start + columns]:
                    out[info.name] = self.knob(f"{prefix}.{info.name}", info, **kw)
        return out

    def info(self, path: str) -> opt.FieldInfo | None:
        return self._infos.get(path)

    @property
    def inputs(self) -> list:
        """Every component of the form, in entry order (the inputs of Start, Save YAML...)."""
        return [c for e in self.entries for c in e.components]

    def paths(self) -> list[str]:
        return [e.path for e in self.entries]

    # ---- values -> config -------------------------------------------------------------------------------------
    def _split(self, values) -> dict[str, list]:
        values = list(values)
        if len(values) != len(self.inputs):
            raise ValueError(f"the form has {len(self.inputs)} inputs, got {len(values)} values")
        out, i = {}, 0
        for e in self.entries:
            out[e.path] = values[i:i + len(e.components)]
            i += len(e.components)
        return out

    @staticmethod
    def _config_path(path: str) -> str:
        """'task:qa.doc_stride' -> 'task.qa.doc_stride' (strategy paths are already the engine's)."""
        return path.replace(":", ".", 1)

    def to_dict(self, values) -> dict:
        """Widget values (in `inputs` order) -> the plain config mapping RunConfig.from_dict takes."""
        by_path = {p: e.read(*v) for (p, v), e in zip(self._split(values).items(), self.entries)}
        data: dict = {"model": {}, "data": {}, "train": {}, "output": {}}
        task = by_path.get("task") or "classification"
        chosen = [s for s in (by_path.get("strategy") or []) if s]
        task_knobs: dict = {}
        strategy_knobs: dict[str, dict] = {name: {} for name in chosen}
        for path, value in by_path.items():
            if path in ("task", "strategy"):
                continue
            head, _, knob = path.partition(".")
            if head.startswith("task:"):
                if head[5:] == task:
                    task_knobs[knob] = value
            elif head == "strategy":                        # strategy.<name>.<knob>
                name, _, knob = knob.partition(".")
                if name in strategy_knobs:
                    strategy_knobs[name][knob] = value
            else:
                data[head][knob] = value
        data["task"] = {"name": task, **task_knobs}
        data["strategy"] = [{"name": n, **strategy_knobs[n]} for n in chosen] or [{"name": "full"}]
        data["output"]["runs_dir"] = self.runs_dir     # runs always go where this app keeps them
        return data

    def to_config(self, values) -> RunConfig:
        """Widget values -> a validated RunConfig (ConfigError names the field at fault)."""
        data = self.to_dict(values)
        if self.check_path is not None:
            for split in ("train", "validation", "test"):
                source = data["data"].get(split)
                if source:
                    self.check_path(source, f"data.{split}")
        return RunConfig.from_dict(data)

    # ---- config -> values -------------------------------------------------------------------------------------
    def value_of(self, cfg: RunConfig, path: str):
        """The config value an entry shows (defaults for knobs of tasks/strategies not chosen)."""
        if path == "task":
            return cfg.task.name
        if path == "strategy":
            return cfg.strategy_names()
        head, _, knob = path.partition(".")
        if head == "strategy":
            head, (name, _, knob) = "strategy:", knob.partition(".")
            head += name
        if head.startswith(("task:", "strategy:")):
            kind, name = head.split(":", 1)
            current = (cfg.task.options if cfg.task.name == name else None) if kind == "task" \
                else _spec_options(cfg.strategy, name)
            if current is not None:
                return getattr(current, knob)
            return self._infos[path].default if path in self._infos else None
        return getattr(getattr(cfg, head), knob)

    def values(self, cfg: RunConfig) -> list:
        """A RunConfig -> widget values in `inputs` order (what loading a YAML puts into the page)."""
        out = []
        for e in self.entries:
            vals = e.write(self.value_of(cfg, e.path))
            if len(vals) != len(e.components):
                raise ValueError(f"entry {e.path} wrote {len(vals)} values for {len(e.components)} components")
            out += vals
        return out
