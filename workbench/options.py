"""Typed knobs: dataclass fields that carry their own help text, label and range.

Every part of the config (and every strategy's and task's options) is a dataclass whose fields are declared with
`knob(...)`. The metadata is read three ways: validation here, `--help` text in the CLI, and widgets in the UI
(`describe` gives what a form needs), so a new knob needs no UI or CLI code.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import MISSING, dataclass, field, fields

from .errors import ConfigError


def knob(default=MISSING, help: str = "", *, label: str | None = None, min=None, max=None, choices=None,
         factory=None, advanced: bool = False, zh: tuple[str, str] | None = None):
    """A dataclass field with UI/CLI metadata. `min`/`max` are inclusive; `choices` restricts the value; `zh` is
    the (label, help) in Chinese, beside the English (an Options class may instead give them in its `zh` table)."""
    meta = {"help": help, "label": label, "min": min, "max": max,
            "choices": tuple(choices) if choices is not None else None, "advanced": advanced, "zh": zh}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class FieldInfo:
    """What a form or a help line needs to know about one knob."""
    name: str
    kind: str            # "bool" | "int" | "float" | "str" | "list"
    default: object
    help: str
    label: str
    optional: bool       # None is allowed
    min: object = None
    max: object = None
    choices: tuple | None = None
    advanced: bool = False
    zh: tuple[str, str] | None = None   # (label, help) in Chinese


def _unwrap(tp) -> tuple[object, bool]:
    """`int | None` -> (int, True); `list[str]` -> (list[str], False)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 else tp), len(args) < len(typing.get_args(tp))
    return tp, False


def _kind(tp) -> str:
    base = typing.get_origin(tp) or tp
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}.get(base, "str")


def describe(cls) -> list[FieldInfo]:
    """The knobs of an options dataclass, in declaration order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.name.startswith("_"):
            continue
        tp, optional = _unwrap(hints[f.name])
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else None)
        md = f.metadata
        out.append(FieldInfo(f.name, _kind(tp), default, md.get("help", ""), md.get("label") or f.name.replace("_", " "),
                             optional, md.get("min"), md.get("max"), md.get("choices"), md.get("advanced", False),
                             md.get("zh") or _zh_of(cls, f.name)))
    return out


def _zh_of(cls, name: str) -> tuple[str, str] | None:
    """A knob's Chinese (label, help) from the `zh` table of its Options class or a base class (nearest first)."""
    for c in cls.__mro__:
        table = c.__dict__.get("zh")
        if isinstance(table, dict) and name in table:
            return table[name]
    return None


_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def coerce(value, tp, path: str):
    """Convert a YAML/CLI value to the field's type, or raise ConfigError naming the field."""
    tp, optional = _unwrap(tp)
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null", "~") and optional):
        if optional:
            return None
        raise ConfigError(path, "a value is required (got none)")
    kind = _kind(tp)
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise ValueError
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str):
                f = float(value)
                if not f.is_integer():
                    raise ValueError
                return int(f)
            if isinstance(value, int):
                return value
            raise ValueError
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError
            f = float(value)  # PyYAML reads "5e-5" as a string: float() takes care of it
            if f != f or f in (float("inf"), float("-inf")):
                raise ValueError   # nan / inf would pass every range check
            return f
        if kind == "list":
            (item,) = typing.get_args(tp) or (str,)
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, (list, tuple)):
                raise ValueError
            return [coerce(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if kind == "dict":
            if not isinstance(value, dict):
                raise ValueError
            return dict(value)
        if isinstance(value, (dict, list)):
            raise ValueError
        return str(value)
    except (TypeError, ValueError):
        what = {"float": "a finite number", "int": "a whole number", "bool": "true or false"}.get(kind, kind)
        raise ConfigError(path, f"expected {what}{' or none' if optional else ''}, got {value!r}") from None


def check(obj, path: str = "") -> None:
    """Range and choice checks for every knob of `obj` (an options dataclass instance)."""
    for info in describe(type(obj)):
        value = getattr(obj, info.name)
        where = f"{path}.{info.name}" if path else info.name
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            if info.choices is not None and v not in info.choices:
                raise ConfigError(where, f"{v!r} is not allowed; choose one of: {', '.join(map(str, info.choices))}")
            if info.min is not None and isinstance(v, (int, float)) and v < info.min:
                raise ConfigError(where, f"{v} is below the minimum {info.min}")
            if info.max is not None and isinstance(v, (int, float)) and v > info.max:
                raise ConfigError(where, f"{v} is above the maximum {info.max}")


def from_dict(cls, data: dict | None, path: str = ""):
    """Build an options dataclass from a mapping: unknown keys are refused with the list of known ones."""
    data = dict(data or {})
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls) if not f.name.startswith("_")}
    unknown = sorted(set(data) - known)
    if unknown:
        where = f"{path}.{unknown[0]}" if path else unknown[0]
        raise ConfigError(where, f"unknown field; known fields here: {', '.join(sorted(known)) or '(none)'}")
    kwargs = {k: coerce(v, hints[k], f"{path}.{k}" if path else k) for k, v in data.items()}
    obj = cls(**kwargs)
    check(obj, path)
    return obj


def to_dict(obj) -> dict:
    """Plain-data form of an options dataclass (for YAML and JSON)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj) if not f.name.startswith("_")}


def non_default(obj) -> dict:
    """Only the knobs whose value differs from the default (keeps written YAML short)."""
    defaults = {i.name: i.default for i in describe(type(obj))}
    return {k: v for k, v in to_dict(obj).items() if v != defaults.get(k)}


def replace(obj, **changes):
    """dataclasses.replace plus the range checks."""
    new = dataclasses.replace(obj, **changes)
    check(new)
    return new
