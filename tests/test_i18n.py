"""Every engine text the UI shows has real Chinese: each strategy's summary, explanation and formula, each task's
summary, and the label and help of every knob the forms build (config sections, task and strategy options). The
registries are walked, so a strategy or task added (or a knob reworded away from its entry) without Chinese fails
here with its name. A strategy's or task's Chinese goes in its own file (the `zh` tables of its class and its
Options, or knob(zh=...)); config knobs' in KNOBS in workbench/ui/i18n.py."""

from __future__ import annotations

import inspect
import re

import pytest

pytest.importorskip("gradio")

from workbench import options as opt  # noqa: E402
from workbench.strategies import STRATEGIES  # noqa: E402
from workbench.tasks import TASKS  # noqa: E402
from workbench.ui import data_tab, i18n, strategy_tab  # noqa: E402
from workbench.ui.form import SECTION_CLASSES  # noqa: E402

# Shown through pickers whose labels are STRINGS keys (model source, data sources), or not shown (runs_dir).
NOT_KNOB_WIDGETS = {"model.name", "data.train", "data.validation", "data.test", "output.runs_dir"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def shown_knobs() -> list[tuple[str, opt.FieldInfo]]:
    """(KNOBS key, FieldInfo) of every knob widget the forms build."""
    out = [(f"{section}.{i.name}", i) for section, cls in SECTION_CLASSES.items() for i in opt.describe(cls)]
    out += [(f"task.{n}.{i.name}", i) for n, cls in TASKS.items() for i in opt.describe(cls.Options)]
    out += [(f"strategy.{n}.{i.name}", i) for n, cls in STRATEGIES.items() for i in opt.describe(cls.Options)]
    return [(key, info) for key, info in out if key not in NOT_KNOB_WIDGETS]


def assert_translated(what: str, en: str, zh: str, where: str) -> None:
    assert zh and zh.strip(), f"{what} has no Chinese text: add it to {where}"
    assert zh != en, f"{what}: the Chinese text is the English one again ({en!r}); translate it in {where}"


def _methods(kind: str):
    return STRATEGIES.items() if kind == "strategy" else TASKS.items()


@pytest.mark.parametrize("kind, name", [("strategy", n) for n in STRATEGIES.names()] +
                         [("task", n) for n in TASKS.names()])
def test_every_strategy_and_task_text_in_chinese(kind, name):
    cls = dict(_methods(kind))[name]
    attrs = ("summary", "explain", "formula") if kind == "strategy" else ("summary", "explain")
    for attr in attrs:
        en = getattr(cls, attr, None) or ""
        key = f"{kind}.{name}.{attr}"
        if not en:
            continue
        own = cls.__dict__.get("zh", {})
        where = f"the `zh` table of class {cls.__name__} in {inspect.getsourcefile(cls)}"
        assert attr in own, f"{kind} {name!r} has no Chinese {attr}: add it to {where}"
        if own[attr] is None:                  # a formula of symbols only: shown as written
            assert attr == "formula" and i18n.method_text(kind, cls, attr, "zh") == en
            continue
        zh = own[attr]
        assert_translated(f"{kind} {name!r} {attr} ({key})", en, zh, where)
        assert i18n.method_text(kind, cls, attr, "zh") == zh and i18n.method_text(kind, cls, attr, "en") == en
        if attr != "formula":
            assert HAN.search(zh), f"{key}: {zh!r} is not Chinese"


def test_every_knob_in_chinese():
    knobs = shown_knobs()
    assert len(knobs) > 100
    missing = []
    for key, info in knobs:
        zh = info.zh if key.startswith(("strategy.", "task.")) else i18n.KNOBS.get(key)
        if not zh:
            missing.append(key)
            continue
        where = "workbench/ui/i18n.py KNOBS" if key.split(".")[0] in SECTION_CLASSES else \
            f"the `zh` table of {key.split('.')[1]}'s Options class (or knob(zh=...)), in its file"
        label_en, help_en = i18n.knob_text(key, info, "en")
        label_zh, help_zh = i18n.knob_text(key, info, "zh")
        assert_translated(f"knob {key} label", label_en, label_zh, where)
        if info.help:
            assert_translated(f"knob {key} help", help_en, help_zh, where)
            assert HAN.search(zh[1]), f"knob {key}: help {zh[1]!r} is not Chinese"
        # the form path of a task knob ("task:qa.doc_stride") finds the same entry
        if key.startswith("task."):
            assert i18n.knob_text(key.replace(".", ":", 1), info, "zh") == (label_zh, help_zh)
    assert not missing, ("knobs without Chinese label and help (strategies: the `zh` table of the Options class in "
                         f"the strategy's or task's file; config: KNOBS): {missing}")


def test_no_stale_translations():
    """An entry whose knob or text is gone (renamed, removed) would silently never show: refuse it."""
    knob_keys = {key for key, _ in shown_knobs()}
    stale = sorted(k for k in i18n.KNOBS if k not in knob_keys)
    assert not stale, f"KNOBS entries for knobs that do not exist: {stale}"
    for name, cls in [*STRATEGIES.items(), *TASKS.items()]:
        own = cls.__dict__.get("zh", {})
        assert set(own) <= {a for a in ("summary", "explain", "formula") if getattr(cls, a, None)}, name
        knobs = {i.name for i in opt.describe(cls.Options)}
        for c in cls.Options.__mro__:
            table = c.__dict__.get("zh", {})
            assert set(table) <= knobs, f"{c.__qualname__}.zh names knobs that do not exist: {set(table) - knobs}"
    assert not any(k.startswith(("strategy.", "task.")) for k in i18n.KNOBS), \
        "a strategy's or task's Chinese belongs in its own file"


def test_strategy_cards_and_pickers_switch_language():
    cls = STRATEGIES.get("l2sp")
    en, zh = strategy_tab.header_html("l2sp", cls, "en"), strategy_tab.header_html("l2sp", cls, "zh")
    assert "catastrophic forgetting" in en and "灾难性遗忘" in zh and "catastrophic" not in zh
    assert "λ · Σ_pre-trained ‖θ − θ_pre‖²" in en and "λ · Σ_pre-trained ‖θ − θ_pre‖²" in zh   # formula as written
    assert "任务头 d = 0" in strategy_tab.header_html("llrd", STRATEGIES.get("llrd"), "zh")
    for pick, names in ((strategy_tab.strategy_choices, STRATEGIES.names()), (data_tab.task_choices, TASKS.names())):
        en_choices, zh_choices = pick("en"), pick("zh")
        assert [v for _, v in en_choices] == [v for _, v in zh_choices] == names
        assert all(HAN.search(label) for label, _ in zh_choices)
        assert not any(HAN.search(label) for label, _ in en_choices)
