"""Study tab: start a study from a preset (its YAML editable), stop it, and watch its chart of task score vs
retention (one point per configuration, error bars across seeds, the Pareto front) and its table fill in as runs
finish. The study runs in the engine (workbench.study) through the JobManager; this page only reads the study
folder, so a reloaded page shows the same study."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from .. import study
from ..study import chart
from . import i18n
from .common import AppContext, badge, bind, error_text, fmt_value, message_html
from .uploads import check_source

PRESETS = Path(__file__).resolve().parents[2] / "assets" / "presets"
POLL_S = 2.0
DATA_KEYS = {"train", "validation", "test", "source", "retention_source", "split_text"}


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("study-*.yaml"))


def preset_text(name: str | None) -> str:
    path = PRESETS / f"{name}.yaml"
    return path.read_text(encoding="utf-8") if name and path.is_file() else ""


def check_paths(spec: dict, roots: list[Path], where: str = "") -> None:
    """Every data file a study reads must be in the folders the app may read (files the study writes into its
    own folder, `{study}/...`, are its own)."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            path = f"{where}.{key}" if where else str(key)
            if key in DATA_KEYS and isinstance(value, str) and "{study}" not in value:
                check_source(value, roots, path)
            else:
                check_paths(value, roots, path)
    elif isinstance(spec, list):
        for i, value in enumerate(spec):
            check_paths(value, roots, f"{where}[{i}]")


def _pm(mean, sd) -> str:
    return "–" if mean is None else f"{fmt_value(float(mean))} ± {fmt_value(float(sd or 0.0))}"


def table(res: dict, lang: str) -> pd.DataFrame:
    t = lambda key: i18n.t(key, lang)   # noqa: E731
    yes_no = {True: t("study.yes"), False: t("study.no"), None: "–"}
    rows = [(c["config"], c["n_seeds"], _pm(c["task_mean"], c["task_std"]),
             _pm(c["retention_mean"], c["retention_std"]), yes_no[c.get("pareto")], yes_no[c.get("claim_holds")],
             c.get("note") or "") for c in res.get("configs", [])]
    cols = [t(f"study.col.{k}") for k in ("config", "seeds", "task", "retention", "pareto", "claim", "note")]
    return pd.DataFrame(rows, columns=cols)


def claim_text(res: dict, lang: str) -> str:
    c = res.get("claim") or {}
    none = i18n.t("study.none", lang)
    return i18n.t("study.claim", lang, ret=c.get("min_retention"), drop=c.get("max_task_drop"),
                  ref=c.get("reference"), held=", ".join(c.get("held") or []) or none,
                  not_held=", ".join(c.get("did_not_hold") or []) or none)


def view(runs_dir: Path, study_id: str | None, lang: str):
    """(status html, figure or None, table, claim markdown, still running) of one study."""
    if not study_id:
        return message_html(i18n.t("study.pick_first", lang), "info"), None, pd.DataFrame(), "", False
    folder = study.studies_dir(runs_dir) / study_id
    st = study.status(folder)
    state = st.get("status", "running")
    parts = [i18n.t("study.progress", lang, done=st.get("rows_done", 0), total=st.get("rows_total", 0))]
    if st.get("pretrain_run") and not st.get("rows_done") and state == "running":
        parts.append(i18n.t("study.pretraining", lang, run=st["pretrain_run"]))
    if st.get("current_run") and state == "running":
        parts.append(i18n.t("study.current", lang, row=st["current_run"]))
    head = badge(state if state in ("running", "completed", "stopped", "failed") else "queued", lang,
                 " · ".join(parts))
    if st.get("error"):
        head += message_html(st["error"])
    head += f'<div class="wb-muted">{html.escape(i18n.t("study.files", lang, folder=str(folder)))}</div>'
    res = study.read_results(folder) or {}
    measured = [c for c in res.get("configs", []) if c.get("task_mean") is not None]
    if not measured:
        return head + message_html(i18n.t("study.empty", lang), "info"), None, table(res, lang), "", \
            state not in study.runner.TERMINAL
    fig = chart.figure(res["configs"], study_id, res.get("greater_is_better", True),
                       (res.get("options") or {}).get("min_retention"))
    return head, fig, table(res, lang), claim_text(res, lang), state not in study.runner.TERMINAL


@dataclass(frozen=True)
class StudyTab:
    """The Study tab's components: the preset and its YAML, Start / Stop, the study picker and its view (status,
    chart, table, claim), polled by the timer while the study runs."""
    preset: gr.Dropdown
    spec: gr.Code
    start: gr.Button
    stop: gr.Button
    msg: gr.HTML
    pick: gr.Dropdown
    head: gr.HTML
    plot: gr.Plot
    frame: gr.Dataframe
    claim: gr.Markdown
    timer: gr.Timer


def build(ctx: AppContext, session: gr.State) -> StudyTab:
    tr = ctx.tr
    names = preset_names()
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=340):
            tr.make(gr.Markdown, text="study.intro", elem_classes="wb-intro")
            preset = tr.make(gr.Dropdown, label="study.preset", choices=names, value=names[0] if names else None,
                             elem_id="study-preset")
            spec = tr.make(gr.Code, label="study.yaml", language="yaml", value=preset_text(names[0] if names
                                                                                         else None),
                           elem_id="study-yaml", max_lines=30)
            with gr.Row():
                start = tr.make(gr.Button, text="study.start", variant="primary", elem_id="study-start")
                stop = tr.make(gr.Button, text="study.stop", variant="stop", elem_id="study-stop")
            msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-study")
        with gr.Column(scale=3, min_width=420):
            pick = tr.make(gr.Dropdown, label="study.pick", choices=study.list_studies(ctx.runs_dir), value=None,
                           elem_id="study-pick")
            head = gr.HTML(elem_id="study-status")
            plot = gr.Plot(elem_id="study-chart")
            frame = gr.Dataframe(interactive=False, wrap=True, elem_id="study-table")
            claim = gr.Markdown(elem_id="study-claim")
    timer = gr.Timer(POLL_S, active=False)

    preset.change(preset_text, preset, spec, show_progress="hidden")
    start.click(bind(on_start, ctx), [spec, session], [msg, pick, timer], concurrency_limit=1)
    stop.click(bind(on_stop, ctx), [pick, session], msg, show_progress="hidden")
    pick.change(bind(refresh, ctx), [pick, session], [head, plot, frame, claim, timer], show_progress="hidden")
    pick.focus(bind(pick_choices, ctx), None, pick, show_progress="hidden")
    timer.tick(bind(refresh, ctx), [pick, session], [head, plot, frame, claim, timer], show_progress="hidden")
    return StudyTab(preset, spec, start, stop, msg, pick, head, plot, frame, claim, timer)


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def on_start(ctx: AppContext, text, session_state):
    """Start a study from its YAML: (message, the picker showing it, timer)."""
    lang = session_state["lang"]
    try:
        s = study.from_yaml(text)
        check_paths(s.source, ctx.data_roots)
        folder = study.start(s, ctx.runs_dir, ctx.manager)
    except Exception as e:   # the engine's message, next to the button
        return message_html(error_text(e, lang)), gr.update(), gr.Timer(active=False)
    ok = message_html(i18n.t("study.started", lang, id=folder.name, n=len(s.rows())), "ok")
    return ok, gr.update(choices=study.list_studies(ctx.runs_dir), value=folder.name), gr.Timer(active=True)


def on_stop(ctx: AppContext, study_id, session_state):
    """Ask the picked study to stop (after its current run)."""
    lang = session_state["lang"]
    if not study_id:
        return message_html(i18n.t("study.pick_first", lang), "info")
    study.request_stop(study.studies_dir(ctx.runs_dir) / study_id)
    return message_html(i18n.t("study.stopping", lang, id=study_id), "info")


def refresh(ctx: AppContext, study_id, session_state):
    """The picked study's status, chart, table and claim; the timer runs while the study does."""
    status_html, fig, df, claim_md, running = view(ctx.runs_dir, study_id, session_state["lang"])
    return status_html, fig, df, claim_md, gr.Timer(active=running)


def pick_choices(ctx: AppContext):
    return gr.update(choices=study.list_studies(ctx.runs_dir))
