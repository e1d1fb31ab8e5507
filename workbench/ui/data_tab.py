"""Data tab: the task, the data source (built-in set, uploaded file, hub id), a preview of the first rows with the
label counts, column mapping filled from the real columns, and validation messages next to the field at fault."""

from __future__ import annotations

import collections
import html
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd
from datasets import DatasetDict

from .. import data as wb_data
from ..config import RunConfig
from ..data import BUILTIN
from ..errors import WorkbenchError
from ..options import describe
from ..tasks import TASKS
from . import i18n, plots
from .common import AppContext, bind, error_text, message_html, slot_of
from .uploads import ACCEPTED, store_upload
from .form import SECTION_CLASSES

COLUMN_FIELDS = ("text_column", "label_column", "text_pair_column")
PREVIEW_ROWS = 10
DATA_SLOTS = ("task", "data.train", "data.columns", "data.validation", "data.test", "data")   # run_check's first outputs


# ---------------------------------------------------------------------------------------------------------------
# source pickers: one composite form entry per split (mode + built-in name + stored file + hub id)
def source_value(mode: str, builtin: str, file: str, hub: str) -> str | None:
    value = {"builtin": f"builtin:{builtin}" if builtin else "", "upload": file, "hub": hub}.get(mode, "")
    return (value or "").strip() or None


def source_fields(value: str | None, default_builtin: str) -> list:
    """Inverse of source_value: [mode, builtin, file, hub]."""
    if not value:
        return ["none", default_builtin, "", ""]
    if value.startswith("builtin:"):
        return ["builtin", value.split(":", 1)[1], "", ""]
    path = Path(value).expanduser()
    is_file = path.suffix.lower() in ACCEPTED or value.startswith((".", "/", "~")) or path.exists()
    return ["upload", default_builtin, value, ""] if is_file else ["hub", default_builtin, "", value]


def _builtin_choices(lang: str) -> list[tuple[str, str]]:
    return [(f"{name} · {entry[2]} ({entry[3]})", name) for name, entry in BUILTIN.items()]


@dataclass(frozen=True)
class SourcePicker:
    """Where one split's data comes from: a mode radio, a built-in set, an upload (stored as a file path) or a hub
    id; mode, builtin, stored and hub are the form entry data.<split>."""
    mode: gr.Radio
    builtin: gr.Dropdown
    upload: gr.File
    stored: gr.Textbox
    hub: gr.Textbox


def source_picker(ctx: AppContext, split: str, modes: tuple[str, ...]) -> SourcePicker:
    """Widgets choosing where one split's data comes from; registers the form entry data.<split>."""
    tr = ctx.tr
    mode0, builtin0, file0, hub0 = source_fields(getattr(ctx.form.initial.data, split), "sentiment")
    mode = tr.make(gr.Radio, label=f"data.{split}_source", value=mode0, elem_id=f"data-{split}-mode",
                   choices=lambda lang: [(i18n.t(f"data.mode.{m}", lang), m) for m in modes])
    builtin = tr.make(gr.Dropdown, label="data.builtin", choices=_builtin_choices, value=builtin0,
                      visible=mode0 == "builtin", elem_id=f"data-{split}-builtin")
    upload = tr.make(gr.File, label="data.upload", file_types=ACCEPTED, type="filepath", height=110,
                     visible=mode0 == "upload", elem_id=f"data-{split}-upload")
    stored = tr.make(gr.Textbox, label="data.stored", value=file0, interactive=False, visible=mode0 == "upload",
                     elem_id=f"data-{split}-file")
    hub = tr.make(gr.Textbox, label="data.hub", info="data.hub_info", value=hub0, visible=mode0 == "hub",
                  placeholder="imdb", elem_id=f"data-{split}-hub")
    ctx.form.add(f"data.{split}", [mode, builtin, stored, hub], source_value,
                 lambda v: source_fields(v, "sentiment"))
    mode.change(show_source, mode, [builtin, upload, stored, hub], show_progress="hidden")
    return SourcePicker(mode, builtin, upload, stored, hub)


def show_source(m):
    """The pickers of the chosen mode visible: [builtin, upload, stored, hub]."""
    return [gr.update(visible=m == "builtin"), gr.update(visible=m == "upload"), gr.update(visible=m == "upload"),
            gr.update(visible=m == "hub")]


# ---------------------------------------------------------------------------------------------------------------
# inspecting a source: preview, label counts, validation
def partial_config(form, values) -> RunConfig:
    """Task + data sections of the form as a RunConfig (other tabs' fields do not block the data check)."""
    d = form.to_dict(values)
    for split in ("train", "validation", "test"):
        if d["data"].get(split) and form.check_path:
            form.check_path(d["data"][split], f"data.{split}")
    return RunConfig.from_dict({"task": d["task"], "data": d["data"], "output": d["output"]})


def guess_column(columns: list[str], current: str | None, preferred: tuple[str, ...], fallback: int | None):
    if current in columns:
        return current
    for p in preferred:
        if p in columns:
            return p
    return columns[fallback] if fallback is not None and columns else current


def inspect(cfg: RunConfig) -> dict:
    """Read the training source as the task reads it: its columns, first rows and label counts (tags of tagged
    sentences are counted one by one). Raises DataError naming the problem."""
    task = TASKS.get(cfg.task.name)(cfg.task.options, cfg.data, cfg.model)
    ds = wb_data.read_source(cfg.data.train, task, cfg.data, "train")
    if isinstance(ds, DatasetDict):
        ds = ds["train"] if "train" in ds else next(iter(ds.values()))
    head = ds.select(range(min(PREVIEW_ROWS, len(ds))))
    frame = pd.DataFrame({c: [_cell(v) for v in wb_data.column(head, c)] for c in head.column_names})
    counts = {}
    if cfg.data.label_column in ds.column_names:
        values = wb_data.column(ds, cfg.data.label_column)
        flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
        if all(isinstance(v, (str, int, bool)) for v in flat[:5000]):
            counts = dict(collections.Counter(map(str, flat)).most_common(30))
    return {"columns": ds.column_names, "rows": len(ds), "frame": frame, "counts": counts}


def _cell(v) -> str:
    text = v if isinstance(v, str) else str(v)
    return text if len(text) <= 160 else text[:157] + "…"


def task_choices(lang: str) -> list[tuple[str, str]]:
    """(label, name) of every task for the picker: the name and its one-line summary in `lang`."""
    return [(f"{n} · {i18n.method_text('task', cls, 'summary', lang)}", n) for n, cls in TASKS.items()]


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DataTab:
    """The Data tab's components: the task picker and its knob groups, the three source pickers, the column fields,
    the message slots (by slot name, DATA_SLOTS), the Check button and what the check shows."""
    task: gr.Dropdown
    task_groups: dict               # task name -> (its knob group, whether it has knobs)
    train: SourcePicker
    validation: SourcePicker
    test: SourcePicker
    columns: dict                   # COLUMN_FIELDS -> the column widget
    msgs: dict                      # DATA_SLOTS -> the message slot
    check: gr.Button
    summary: gr.HTML
    preview: gr.Dataframe
    counts: gr.Plot

    def check_io(self, session: gr.State, form) -> tuple[list, list]:
        """Inputs and outputs of run_check: the whole form in; messages, summary, preview, counts, columns out."""
        return ([session, *form.inputs], [*(self.msgs[k] for k in DATA_SLOTS), self.summary, self.preview,
                                           self.counts, *(self.columns[f] for f in COLUMN_FIELDS)])


def build(ctx: AppContext) -> DataTab:
    tr, form = ctx.tr, ctx.form
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=360):
            tr.make(gr.Markdown, text="data.intro", elem_classes="wb-intro")
            task0 = form.initial.task.name
            task = tr.make(gr.Dropdown, label="data.task", value=task0, elem_id="data-task",
                           choices=task_choices)
            form.add("task", [task], lambda v: v, lambda v: [v])
            task_groups = {}
            for name, cls in TASKS.items():
                knobs = describe(cls.Options)
                with gr.Group(visible=name == task0 and bool(knobs)) as group:
                    for info in knobs:
                        form.knob(f"task:{name}.{info.name}", info)
                task_groups[name] = (group, bool(knobs))
            task_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-task")

            train_src = source_picker(ctx, "train", ("builtin", "upload", "hub"))
            train_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-data-train")
            with gr.Row():
                cols = {f: form.knob(f"data.{f}", form_info("data", f), choices=[]) for f in COLUMN_FIELDS[:2]}
            cols_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-data-columns")
            form.section("data", skip=("train", "validation", "test") + COLUMN_FIELDS, advanced=False, columns=2)
            with tr.make(gr.Accordion, label="data.more_splits", open=False):
                val_src = source_picker(ctx, "validation", ("none", "upload", "hub"))
                val_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-data-validation")
                test_src = source_picker(ctx, "test", ("none", "upload", "hub"))
                test_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-data-test")
            with tr.make(gr.Accordion, label="common.advanced", open=False):
                cols["text_pair_column"] = form.knob("data.text_pair_column", form_info("data", "text_pair_column"),
                                                     choices=[])
                form.section("data", skip=("train", "validation", "test") + COLUMN_FIELDS, advanced=True)
            data_msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-data")
            check = tr.make(gr.Button, text="data.check", variant="secondary", elem_id="data-check")
        with gr.Column(scale=3, min_width=400):
            summary = gr.HTML(elem_id="data-summary")
            preview = tr.make(gr.Dataframe, label="data.preview", interactive=False, wrap=True, max_height=420,
                              elem_id="data-preview")
            counts = gr.Plot(show_label=False, elem_id="data-counts")

    msgs = {"task": task_msg, "data.train": train_msg, "data.columns": cols_msg, "data.validation": val_msg,
            "data.test": test_msg, "data": data_msg}
    task.change(bind(show_task_knobs, {n: has for n, (_, has) in task_groups.items()}), task,
                [g for g, _ in task_groups.values()], show_progress="hidden")
    return DataTab(task, task_groups, train_src, val_src, test_src, cols, msgs, check, summary, preview, counts)


def wire(ctx: AppContext, tab: DataTab, session: gr.State) -> None:
    """The events that read the whole form (uploads, source changes, Check): called once every tab is built."""
    check_io = tab.check_io(session, ctx.form)
    check, check_new = bind(run_check, ctx), bind(check_new_source, ctx)
    for split, src in (("train", tab.train), ("validation", tab.validation), ("test", tab.test)):
        ev = src.upload.upload(bind(on_upload, ctx), [src.upload, session], [src.stored, tab.msgs[f"data.{split}"]],
                               show_progress="hidden")
        ev.then(check_new if split == "train" else check, *check_io, show_progress="minimal")
    for trigger in (tab.train.hub.submit, tab.train.mode.input):
        trigger(check_new, *check_io, show_progress="minimal")
    for trigger in (tab.task.input, tab.check.click, tab.columns["text_column"].input,
                    tab.columns["label_column"].input):
        trigger(check, *check_io, show_progress="minimal")
    tab.train.builtin.input(on_builtin, tab.train.builtin, tab.task, show_progress="hidden") \
        .then(check_new, *check_io, show_progress="minimal")


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def run_check(ctx: AppContext, session_state, *values, guess: bool = False):
    """Preview + validation for the current task and data fields; messages go next to their field (DATA_SLOTS
    order), then summary, preview, label counts and the column fields. With `guess` (a new source), column fields
    not found in the data are set from the real columns."""
    form = ctx.form
    lang = session_state["lang"]
    out_msgs = {k: "" for k in DATA_SLOTS}
    col_updates = [gr.update() for _ in COLUMN_FIELDS]
    if not form.to_dict(values)["data"].get("train"):   # upload mode before a file, or an empty hub id
        out_msgs["data.train"] = message_html(i18n.t("data.choose", lang), "info")
        return [*out_msgs.values(), "", gr.update(value=None), plots.counts_figure({}, lang), *col_updates]
    try:
        cfg = partial_config(form, values)
        info = inspect(cfg)
    except Exception as e:   # WorkbenchError: a message for the user; anything else: shown, not raised
        slot = slot_of(e) if isinstance(e, WorkbenchError) else "data.train"
        out_msgs[slot if slot in out_msgs else "data"] = message_html(error_text(e, lang))
        return [*out_msgs.values(), "", gr.update(value=None), plots.counts_figure({}, lang), *col_updates]
    columns = info["columns"]
    guesses = {f: getattr(cfg.data, f) or "" for f in COLUMN_FIELDS}
    if guess:
        guesses = {"text_column": guess_column(columns, cfg.data.text_column, ("text", "sentence", "content",
                                                                             "review", "question"), 0),
                   "label_column": guess_column(columns, cfg.data.label_column, ("label", "labels", "tags",
                                                                               "category"), -1),
                   "text_pair_column": cfg.data.text_pair_column if cfg.data.text_pair_column in columns else ""}
    col_updates = [gr.update(choices=([("—", "")] if f == "text_pair_column" else []) + [(c, c) for c in columns],
                             value=guesses[f]) for f in COLUMN_FIELDS]
    changed = any(guesses[f] != getattr(cfg.data, f) for f in COLUMN_FIELDS[:2])
    try:   # the full check as a run would do it (with the columns shown)
        full = RunConfig.from_dict({**cfg.to_dict(), "data": {**cfg.to_dict()["data"],
                                    **{f: guesses[f] or None for f in COLUMN_FIELDS}}})
        task_obj = TASKS.get(full.task.name)(full.task.options, full.data, full.model)
        splits = wb_data.load(full.data, task_obj, full.train.seed)
        sizes = " · ".join(f"{k} {len(v):,}" for k, v in splits.items())
        ok = i18n.t("data.ok", lang, sizes=sizes) + (" " + i18n.t("data.columns_guessed", lang) if changed else "")
        out_msgs["data.train"] = message_html(ok, "ok")
    except Exception as e:
        slot = slot_of(e) if isinstance(e, WorkbenchError) else "data.train"
        out_msgs[slot if slot in out_msgs else "data"] = message_html(error_text(e, lang))
    head = i18n.t("data.summary", lang, rows=f"{info['rows']:,}", columns=", ".join(columns))
    return [*out_msgs.values(), f'<div class="wb-summary">{html.escape(head)}</div>', info["frame"],
            plots.counts_figure(info["counts"], lang), *col_updates]


def check_new_source(ctx: AppContext, session_state, *values):
    """run_check for a new training source: column fields the data lacks are guessed from its columns."""
    return run_check(ctx, session_state, *values, guess=True)


def on_upload(ctx: AppContext, path, session_state):
    """An uploaded file copied into the uploads folder (shared mode: the user's own): (stored path, message)."""
    if not path:
        return gr.update(), ""
    try:
        if ctx.shared:       # the user's own uploads folder, within the host's size and disk limits
            return str(ctx.host.store_upload(ctx.owner(session_state), path, store_upload)), ""
        return str(store_upload(path, ctx.uploads_dir)), ""
    except WorkbenchError as e:
        return gr.update(), message_html(error_text(e, session_state["lang"]))


def on_builtin(name):
    """A built-in set suits one task: choose it when that task exists."""
    suits = BUILTIN.get(name, (None,) * 4)[3]
    return gr.update(value=suits) if suits in TASKS.names() else gr.update()


def show_task_knobs(has_knobs: dict[str, bool], name):
    """The chosen task's knob group visible (when it has knobs), the others hidden (in `has_knobs` order)."""
    return [gr.update(visible=n == name and has) for n, has in has_knobs.items()]


def form_info(section: str, name: str):
    return next(i for i in describe(SECTION_CLASSES[section]) if i.name == name)
