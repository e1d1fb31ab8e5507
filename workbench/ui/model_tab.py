"""Model tab: the catalogue, a local folder, a finished run or a hub id, with the model's facts (parameters,
layers, hidden size, vocabulary) and what the choice means."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ..model import catalogue as models
from .. import store
from . import i18n
from .common import AppContext, bind, error_text, fmt_count, message_html

MODES = ("catalogue", "folder", "run", "hub")


def run_choices(runs_dir: Path) -> list[str]:
    """Runs with a saved model, newest first."""
    try:
        rows = store.Registry(runs_dir).list()
    except Exception:   # an unreadable registry must not break the page
        return []
    return [r["id"] for r in rows if (Path(runs_dir) / r["id"] / "model" / "config.json").is_file()]


def name_of(mode: str, catalogue: str, folder: str, run: str, hub: str) -> str:
    return {"catalogue": catalogue, "folder": folder, "run": run, "hub": hub}.get(mode, catalogue) or ""


def fields_of(name: str, runs_dir: Path) -> list:
    """Inverse of name_of: [mode, catalogue, folder, run, hub] for a model name."""
    name = name or "minilm"
    default = models.CATALOGUE[0].key
    if models.preset(name):
        return ["catalogue", name, "", None, ""]
    if (Path(runs_dir) / name / "model").is_dir():
        return ["run", default, "", name, ""]
    if name.startswith(("/", ".", "~")) or Path(name).expanduser().exists():
        return ["folder", default, name, None, ""]
    return ["hub", default, "", None, name]


def facts_html(info: dict, lang: str) -> str:
    """The describe() facts as a compact two-column table."""
    kind = f"model.kind.{info['kind']}"
    family = f"model.family.{info['family']}"
    rows = [("model.kind", i18n.t(kind, lang) if kind in i18n.STRINGS else info["kind"]),
            ("model.family", i18n.t(family, lang) if family in i18n.STRINGS else info["family"]),
            ("model.type", info["model_type"]),
            ("model.params", fmt_count(info["parameters"])), ("model.layers", info["layers"]),
            ("model.hidden", info["hidden_size"]), ("model.vocab", f"{info['vocab_size']:,}")]
    body = "".join(f"<tr><th>{html.escape(i18n.t(k, lang))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    return (f'<div class="wb-card"><p class="wb-lead">{html.escape(i18n.model_description(info, lang))}</p>'
            f'<table class="wb-facts">{body}</table></div>')


@dataclass(frozen=True)
class ModelTab:
    """The Model tab's components: the source picker (one form entry, model.name), its message slot and the facts."""
    mode: gr.Radio
    catalogue: gr.Dropdown
    folder: gr.Textbox
    run: gr.Dropdown
    hub: gr.Textbox
    msg: gr.HTML
    facts: gr.HTML

    def describe_io(self, session: gr.State) -> tuple[list, list]:
        """Inputs and outputs of `describe` (also run on page load and after a language switch or a loaded YAML)."""
        return [self.mode, self.catalogue, self.folder, self.run, self.hub, session], [self.facts, self.msg]


def build(ctx: AppContext, session: gr.State) -> ModelTab:
    tr, form = ctx.tr, ctx.form
    m0, cat0, folder0, run0, hub0 = fields_of(form.initial.model.name, ctx.runs_dir)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=360):
            tr.make(gr.Markdown, text="model.intro", elem_classes="wb-intro")
            mode = tr.make(gr.Radio, label="model.source", value=m0, elem_id="model-mode",
                           choices=lambda lang: [(tr.t(f"model.mode.{m}", lang), m) for m in MODES])
            catalogue = tr.make(gr.Dropdown, label="model.catalogue", value=cat0, visible=m0 == "catalogue",
                                elem_id="model-catalogue",
                                choices=lambda lang: [(f"{p.key} · {tr.t('model.kind.' + p.kind, lang)}", p.key)
                                                      for p in models.CATALOGUE])
            folder = tr.make(gr.Textbox, label="model.folder", info="model.folder_info", value=folder0,
                             visible=m0 == "folder", elem_id="model-folder", placeholder="/path/to/model")
            run = tr.make(gr.Dropdown, label="model.run", info="model.run_info", choices=[] if ctx.shared else run_choices(ctx.runs_dir),
                          value=run0, visible=m0 == "run", allow_custom_value=True, elem_id="model-run")
            hub = tr.make(gr.Textbox, label="model.hub", info="model.hub_info", value=hub0, visible=m0 == "hub",
                          elem_id="model-hub", placeholder="distilbert-base-uncased")
            msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-model")
            form.add("model.name", [mode, catalogue, folder, run, hub], name_of,
                     lambda name: fields_of(name, ctx.runs_dir))
            form.section("model", skip=("name",), advanced=False)
            with tr.make(gr.Accordion, label="common.advanced", open=False):
                form.section("model", skip=("name",), advanced=True)
        with gr.Column(scale=2, min_width=320):
            facts = gr.HTML(elem_id="model-facts")
    tab = ModelTab(mode, catalogue, folder, run, hub, msg, facts)

    inputs, outputs = tab.describe_io(session)
    run.focus(bind(run_choices_update, ctx), session, run, show_progress="hidden")
    mode.change(show_mode, mode, [catalogue, folder, run, hub], show_progress="hidden")
    for comp, events in ((mode, ("change",)), (catalogue, ("change",)), (run, ("change",)),
                         (folder, ("submit", "blur")), (hub, ("submit", "blur"))):
        for ev in events:
            getattr(comp, ev)(bind(describe, ctx), inputs, outputs, show_progress="hidden")
    return tab


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def show_mode(m):
    return [gr.update(visible=m == k) for k in ("catalogue", "folder", "run", "hub")]


def describe(ctx: AppContext, m, cat, fold, rn, hb, session):
    """The chosen model's facts, or the message next to the field (a bad folder, an offline hub id)."""
    lang = session["lang"]
    name = name_of(m, cat, fold, rn, hb).strip()
    if not name:
        return "", message_html(ctx.tr.t("model.empty", lang), "info")
    try:
        if ctx.host:   # shared mode: the user's runs and --model-dirs only
            ctx.host.check_model(ctx.owner(session), name)
        info = models.describe(name, ctx.folder(session))
    except Exception as e:   # ModelError for a bad folder/offline hub id; show it next to the field
        return "", message_html(error_text(e, lang))
    return facts_html(info, lang), ""


def run_choices_update(ctx: AppContext, session):
    """New choices for the finished-run dropdown (this page's user's runs), when it is opened."""
    return gr.update(choices=run_choices(ctx.folder(session)))
