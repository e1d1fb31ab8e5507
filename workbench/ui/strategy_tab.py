"""Strategy tab: pick one or several strategies; each one's knobs form is generated from its Options dataclass,
with its plain-language explanation, formula and direction (one-directional vs bidirectional transfer)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import gradio as gr

from ..options import describe
from ..strategies import STRATEGIES, applicable_tasks
from ..tasks import TASKS
from . import i18n
from .common import AppContext, bind

DIRECTIONS = ("one-directional", "bidirectional", "peft", "compression")


def header_html(name: str, cls, lang: str) -> str:
    """Title, direction pill, explanation and formula of one strategy."""
    direction = cls.direction or ""
    pill = (f'<span class="wb-pill wb-dir-{html.escape(direction)}">'
            f'{html.escape(i18n.t("dir." + direction, lang) if direction in DIRECTIONS else direction)}</span>'
            if direction else "")
    text = i18n.method_text("strategy", cls, "explain", lang) or i18n.method_text("strategy", cls, "summary", lang)
    formula = i18n.method_text("strategy", cls, "formula", lang)
    formula = f'<pre class="wb-formula">{html.escape(formula)}</pre>' if formula else ""
    extra = []
    applicable = applicable_tasks(cls)
    if len(applicable) < len(TASKS.names()):
        extra.append(i18n.t("strategy.only_tasks", lang, tasks=", ".join(applicable)))
    if cls.group:
        extra.append(i18n.t("strategy.group", lang, group=cls.group))
    note = f'<p class="wb-note">{html.escape(" · ".join(extra))}</p>' if extra else ""
    return (f'<div class="wb-strategy-head"><h3>{html.escape(name)} {pill}</h3>'
            f'<p>{html.escape(text)}</p>{formula}{note}</div>')


def strategy_choices(lang: str) -> list[tuple[str, str]]:
    """(label, name) of every strategy for the picker: the name and its one-line summary in `lang`."""
    return [(f"{n} — {i18n.method_text('strategy', cls, 'summary', lang)}", n) for n, cls in STRATEGIES.items()]


def legend_html(lang: str) -> str:
    items = "".join(f'<li><span class="wb-pill wb-dir-{d}">{html.escape(i18n.t("dir." + d, lang))}</span> '
                    f'{html.escape(i18n.t("dir." + d + ".explain", lang))}</li>' for d in DIRECTIONS)
    return f'<ul class="wb-legend">{items}</ul>'


@dataclass(frozen=True)
class StrategyTab:
    """The Strategy tab's components: the picker (form entry "strategy"), its message slot, one knob group per
    strategy (shown when chosen) and the "none chosen" note."""
    chosen: gr.CheckboxGroup
    msg: gr.HTML
    groups: list
    empty: gr.Markdown


def build(ctx: AppContext) -> StrategyTab:
    tr, form = ctx.tr, ctx.form
    names = [name for name, _ in STRATEGIES.items()]
    chosen0 = form.initial.strategy_names()
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=340):
            tr.make(gr.Markdown, text="strategy.intro", elem_classes="wb-intro")
            chosen = tr.make(gr.CheckboxGroup, label="strategy.choose", info="strategy.choose_info", value=chosen0,
                             elem_id="strategy-choose",
                             choices=strategy_choices)
            form.add("strategy", [chosen], lambda v: list(v or []), lambda v: [list(v)])
            msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-strategy")
            tr.make(gr.HTML, text=legend_html, elem_id="strategy-legend")
        with gr.Column(scale=3, min_width=400):
            groups = []
            for name, cls in STRATEGIES.items():
                knobs = describe(cls.Options)
                with gr.Group(visible=name in chosen0, elem_classes="wb-strategy",
                              elem_id=f"strategy-{name}") as g:
                    tr.make(gr.HTML, text=lambda lang, n=name, c=cls: header_html(n, c, lang))
                    form.knobs(f"strategy.{name}", [i for i in knobs if not i.advanced], columns=2)
                    if any(i.advanced for i in knobs):
                        with tr.make(gr.Accordion, label="common.advanced", open=False):
                            form.knobs(f"strategy.{name}", [i for i in knobs if i.advanced], columns=2)
                groups.append(g)
            empty = tr.make(gr.Markdown, text="strategy.none", visible=False)

    chosen.change(bind(show_groups, names), chosen, groups + [empty], show_progress="hidden")
    return StrategyTab(chosen, msg, groups, empty)


def show_groups(names: list[str], selected):
    """The knob groups of the chosen strategies (in `names` order) visible, and the note when none is chosen."""
    selected = selected or []
    return [gr.update(visible=n in selected) for n in names] + [gr.update(visible=not selected)]
