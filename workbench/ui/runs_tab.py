"""Runs tab: the history from the run registry (it survives restarts), filter, delete, overlay the curves of
several runs against the step or the epoch, a config diff, and resume / continue a run for more epochs."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import gradio as gr
import pandas as pd
import yaml

from .. import safety, store
from ..errors import WorkbenchError
from . import i18n, plots
from .common import AppContext, badge, bind, error_text, fmt_value, message_html

COLUMNS = ("id", "status", "task", "model", "strategy", "metric", "created")


def runs_frame(rows: list[dict], lang: str) -> pd.DataFrame:
    """The registry rows as the table shows them."""
    out = []
    for r in rows:
        key, value = r.get("key_metric"), r.get("key_value")
        metric = f"{key[5:] if key and key.startswith('eval_') else key} {fmt_value(value)}" \
            if key and isinstance(value, (int, float)) else ""
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["created"])) if r.get("created") else ""
        out.append([r["id"], i18n.t(f"status.{r['status']}", lang) if f"status.{r['status']}" in i18n.STRINGS
                    else r["status"], r.get("task") or "", r.get("model") or "", r.get("strategy") or "", metric,
                    created])
    return pd.DataFrame(out, columns=[i18n.t(f"runs.col.{c}", lang) for c in COLUMNS])


def flatten_config(cfg: dict) -> dict[str, str]:
    """config.yaml as {dotted path: value text}: sections' fields, the task and each strategy's knobs."""
    flat: dict[str, str] = {}
    task = cfg.get("task", "classification")
    task = {"name": task} if isinstance(task, str) else dict(task or {})
    flat["task"] = str(task.pop("name", ""))
    for k, v in task.items():
        flat[f"task.{k}"] = _text(v)
    strategies = cfg.get("strategy") or []
    strategies = [{"name": s} if isinstance(s, str) else dict(s) for s in strategies]
    flat["strategy"] = " + ".join(str(s.get("name")) for s in strategies)
    for s in strategies:
        name = s.pop("name", "?")
        for k, v in s.items():
            flat[f"strategy.{name}.{k}"] = _text(v)
    for section in ("model", "data", "train", "output"):
        for k, v in (cfg.get(section) or {}).items():
            flat[f"{section}.{k}"] = _text(v)
    return flat


def _text(v) -> str:
    return yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("...").strip() \
        if isinstance(v, (dict, list)) else str(v)


def config_diff(configs: dict[str, dict], lang: str = "en") -> pd.DataFrame:
    """Rows where the selected runs' configs differ: field | run A | run B | ..."""
    flats = {rid: flatten_config(c) for rid, c in configs.items()}
    keys = list(dict.fromkeys(k for f in flats.values() for k in f))
    rows = [[k] + [f.get(k, "–") for f in flats.values()] for k in keys
            if len({f.get(k, "–") for f in flats.values()}) > 1]
    return pd.DataFrame(rows, columns=[i18n.t("col.field", lang)] + list(flats))


def read_config(runs_dir, run_id: str) -> dict:
    path = store.RunPaths(runs_dir / run_id).config
    try:
        return yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}


def details_html(runs_dir, run_id: str, lang: str) -> str:
    """Status, error and final metrics of one run."""
    paths = store.RunPaths(runs_dir / run_id)
    summary = store.read_json(paths.summary, {}) or {}
    status = store.live_status(paths, summary)
    parts = [f'<div class="wb-status">{badge(status, lang)} <code>{html.escape(run_id)}</code></div>']
    if summary.get("error"):
        parts.append(message_html(summary["error"]))
    metrics = {k: v for k, v in (summary.get("metrics") or {}).items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if metrics:
        cells = "".join(f"<div class='wb-metric'><span>{html.escape(k)}</span><b>{fmt_value(v)}</b></div>"
                        for k, v in metrics.items())
        parts.append(f'<div class="wb-metrics">{cells}</div>')
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunsTab:
    """The Runs tab's components: filter, table, the selected runs and their actions, the curves / diff / details
    views and the delete confirmation."""
    query: gr.Textbox
    status_filter: gr.Dropdown
    refresh: gr.Button
    table: gr.Dataframe
    selected: gr.Dropdown
    watch: gr.Button
    resume: gr.Button
    delete: gr.Button
    epochs: gr.Number
    extend: gr.Button
    confirm_row: gr.Row
    confirm_text: gr.HTML
    confirm: gr.Button
    cancel: gr.Button
    msg: gr.HTML
    metric: gr.Dropdown
    x_axis: gr.Radio
    overlay: gr.Plot
    diff: gr.Dataframe
    details: gr.HTML

    def list_io(self, session: gr.State) -> tuple[list, list]:
        """Inputs and outputs of `list_runs` (also run when the tab is opened)."""
        return [self.query, self.status_filter, session, self.selected], [self.table, self.selected]


def build(ctx: AppContext, session: gr.State, tabs: gr.Tabs, train_timer: gr.Timer) -> RunsTab:
    """`tabs` and `train_timer`: Watch and Resume switch to the Train tab and start its poll."""
    tr = ctx.tr
    with gr.Row():
        query = tr.make(gr.Textbox, label="runs.filter", placeholder="runs.filter_hint", scale=3, elem_id="runs-filter")
        status_filter = tr.make(gr.Dropdown, label="runs.status", value="", scale=1, elem_id="runs-status",
                                choices=lambda lang: [(i18n.t("runs.all", lang), "")] +
                                [(i18n.t(f"status.{s}", lang), s) for s in store.STATUSES])
        refresh = tr.make(gr.Button, text="runs.refresh", scale=0, min_width=120, elem_id="runs-refresh")
    table = gr.Dataframe(interactive=False, wrap=True, max_height=320, elem_id="runs-table")
    selected = tr.make(gr.Dropdown, label="runs.selected", info="runs.selected_info", choices=[], value=[],
                       multiselect=True, elem_id="runs-selected")
    with gr.Row(equal_height=True):
        watch = tr.make(gr.Button, text="runs.watch", elem_id="runs-watch", min_width=120)
        resume = tr.make(gr.Button, text="runs.resume", elem_id="runs-resume", min_width=120)
        delete = tr.make(gr.Button, text="runs.delete", variant="stop", elem_id="runs-delete", min_width=110)
    with gr.Row(equal_height=True):
        epochs = tr.make(gr.Number, label="runs.epochs", info="runs.epochs_info", value=None, minimum=0, scale=2,
                         elem_id="runs-epochs")
        extend = tr.make(gr.Button, text="runs.continue", elem_id="runs-continue", scale=1, min_width=180)
    with gr.Row(visible=False, elem_classes="wb-confirm") as confirm_row:
        confirm_text = gr.HTML()
        confirm = tr.make(gr.Button, text="runs.confirm_delete", variant="stop", size="sm", elem_id="runs-confirm")
        cancel = tr.make(gr.Button, text="runs.cancel", size="sm")
    msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-runs")
    with gr.Tabs():
        with tr.make(gr.Tab, label="runs.curves"):
            with gr.Row():
                metric = tr.make(gr.Dropdown, label="runs.metric", choices=["loss"], value="loss", scale=2,
                                 elem_id="runs-metric")
                x_axis = tr.make(gr.Radio, label="runs.x", value="step", scale=1, elem_id="runs-x",
                                 choices=lambda lang: [(i18n.t("plot.step", lang), "step"),
                                                       (i18n.t("plot.epoch", lang), "epoch")])
            overlay = gr.Plot(show_label=False, elem_id="runs-overlay")
        with tr.make(gr.Tab, label="runs.diff"):
            diff = gr.Dataframe(interactive=False, wrap=True, elem_id="runs-diff")
        with tr.make(gr.Tab, label="runs.details"):
            details = gr.HTML(elem_id="runs-details")
    tab = RunsTab(query, status_filter, refresh, table, selected, watch, resume, delete, epochs, extend, confirm_row,
                  confirm_text, confirm, cancel, msg, metric, x_axis, overlay, diff, details)

    list_io = tab.list_io(session)
    for trigger in (refresh.click, query.submit, status_filter.change):
        trigger(bind(list_runs, ctx), *list_io, show_progress="hidden")
    table.select(on_row, selected, selected, show_progress="hidden")
    selected.change(bind(on_selected, ctx), [selected, metric, x_axis, session],
                    [metric, overlay, diff, details, epochs], show_progress="hidden")
    for comp in (metric, x_axis):
        comp.change(bind(overlay_of, ctx), [selected, metric, x_axis, session], overlay, show_progress="hidden")

    action_out = [session, train_timer, tabs, msg]
    watch.click(bind(on_watch, ctx), [selected, session], action_out, show_progress="hidden")
    resume.click(bind(on_resume, ctx, False), [selected, epochs, session], action_out, show_progress="hidden")
    extend.click(bind(on_resume, ctx, True), [selected, epochs, session], action_out, show_progress="hidden")
    delete.click(bind(ask_delete, ctx), [selected, session], [confirm_row, confirm_text, msg], show_progress="hidden")
    cancel.click(hide, None, confirm_row, show_progress="hidden")
    confirm.click(bind(do_delete, ctx), [selected, session], [confirm_row, msg], show_progress="hidden") \
        .then(bind(list_runs, ctx), *list_io, show_progress="hidden")
    return tab


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def list_runs(ctx: AppContext, q, st, session_state, chosen):
    """The runs table (filtered) and the picker's choices (every run this page's user may see)."""
    lang = session_state["lang"]
    rows = ctx.rows(session_state, status=st or None, text=q or None)
    ids = [r["id"] for r in ctx.rows(session_state)]
    return runs_frame(rows, lang), gr.update(choices=ids, value=[c for c in (chosen or []) if c in ids])


def on_row(evt: gr.SelectData, chosen):
    """A click on a table row adds its run to the selection, or takes it out."""
    run_id = (evt.row_value or [None])[0]
    chosen = list(chosen or [])
    if run_id:
        chosen = [c for c in chosen if c != run_id] if run_id in chosen else chosen + [run_id]
    return chosen


def on_selected(ctx: AppContext, chosen, m, x, session_state):
    """The selected runs' metric choices, overlaid curves, config diff, details and "epochs for continue"."""
    lang = session_state["lang"]
    chosen = ctx.visible(session_state, chosen)     # shared mode: only runs this user may see
    runs = [(rid, store.read_metrics(ctx.run(session_state, rid))) for rid in chosen]
    names = list(dict.fromkeys(n for _, ev in runs for n in plots.metric_names(ev))) or ["loss"]
    m = m if m in names else names[0]
    cfgs = {rid: read_config(ctx.run(session_state, rid).root.parent, rid) for rid in chosen}
    diff_frame = config_diff(cfgs, lang) if len(chosen) > 1 else \
        pd.DataFrame({i18n.t("runs.diff_pick", lang): []})
    info = details_html(ctx.run(session_state, chosen[-1]).root.parent, chosen[-1], lang) if chosen else ""
    more = None
    if len(chosen) == 1:
        epochs_done = (store.read_json(ctx.run(session_state, chosen[0]).summary, {}) or {}) \
            .get("metrics", {}).get("epochs")
        base = epochs_done or (cfgs[chosen[0]].get("train") or {}).get("epochs") or 0
        more = int(float(base)) + 1
    return (gr.update(choices=names, value=m), plots.overlay_figure(runs, m, x, lang), diff_frame, info,
            gr.update(value=more))


def overlay_of(ctx: AppContext, chosen, m, x, session_state):
    """The selected runs' curves of one metric against the step or the epoch."""
    return plots.overlay_figure([(rid, store.read_metrics(ctx.run(session_state, rid)))
                                 for rid in ctx.visible(session_state, chosen)], m, x, session_state["lang"])


def one(ctx: AppContext, chosen, lang) -> str:
    """The one selected run (a plain id inside the runs folder), else a message asking for one."""
    if not chosen or len(chosen) != 1:
        raise WorkbenchError(i18n.t("runs.pick_one", lang))
    safety.run_folder(ctx.runs_dir, chosen[0])
    return chosen[0]


def go_watch(run_id, session_state):
    """Watch a run on the Train tab: (session, timer, tabs, message)."""
    return ({**session_state, "run_id": run_id, "drawn": -1}, gr.Timer(active=True), gr.Tabs(selected="train"), "")


def on_watch(ctx: AppContext, chosen, session_state):
    try:
        return go_watch(ctx.run(session_state, one(ctx, chosen, session_state["lang"])).run_id, session_state)
    except WorkbenchError as e:
        return session_state, gr.update(), gr.update(), message_html(error_text(e, session_state["lang"]))


def on_resume(ctx: AppContext, more: bool, chosen, n, session_state):
    """Resume the selected run (more=False), or continue it to `n` epochs (more=True); then watch it."""
    lang = session_state["lang"]
    try:
        run_id = one(ctx, chosen, lang)
        overrides = []
        if more:
            if not n or n <= 0:
                raise WorkbenchError(i18n.t("runs.need_epochs", lang))
            overrides = [f"train.epochs={float(n)}", "train.max_steps=null"]
        ctx.host.resume(ctx.owner(session_state), run_id, overrides) if ctx.host else \
            ctx.manager.resume(run_id, ctx.runs_dir, overrides=overrides)
        return go_watch(run_id, session_state)
    except WorkbenchError as e:
        gr.Warning(error_text(e, lang))
        return session_state, gr.update(), gr.update(), message_html(error_text(e, lang))


def ask_delete(ctx: AppContext, chosen, session_state):
    """Show the confirmation (or ask to select runs first): (confirm row, its text, message)."""
    lang = session_state["lang"]
    if not chosen:
        return gr.update(visible=False), "", message_html(i18n.t("runs.pick_some", lang))
    return gr.update(visible=True), message_html(i18n.t("runs.confirm_text", lang, n=len(chosen),
                                                        ids=", ".join(chosen)), "warn"), ""


def do_delete(ctx: AppContext, chosen, session_state):
    """Delete the selected runs (shared mode: only the user's own): (confirm row hidden, message)."""
    lang = session_state["lang"]
    errors = []
    for rid in chosen or []:
        try:
            ctx.host.delete(ctx.owner(session_state), rid) if ctx.host else store.Registry(ctx.runs_dir).delete(rid)
        except WorkbenchError as e:
            errors.append(error_text(e, lang))
    return gr.update(visible=False), message_html("; ".join(errors)) if errors else \
        message_html(i18n.t("runs.deleted", lang, n=len(chosen or [])), "ok")


def hide():
    return gr.update(visible=False)
