"""Export tab: a finished run exported as merged weights, int8, 4/8-bit, ONNX, pruned or GGUF, checked against the
run (metrics, size, speed, output difference), with its model card; below, the Publish section (publish_section.py).
Present only when workbench.export exists."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from .. import safety, store
from ..errors import WorkbenchError
from . import i18n
from . import publish_section
from .common import AppContext, bind, error_text, fmt_value, message_html
from ..export.formats import FORMATS, export


def finished_runs(runs_dir: Path) -> list[str]:
    try:
        rows = store.Registry(runs_dir).list()
    except Exception:
        return []
    return [r["id"] for r in rows if (Path(runs_dir) / r["id"] / "model" / "workbench.json").is_file()]


def report_frame(report: dict, lang: str = "en") -> pd.DataFrame:
    """The export against its run: metric, size, latency, output difference, retention."""
    main = report.get("main_metric")
    pair = "{} / {}".format
    rows = [(f"{main} ({i18n.t('export.vs', lang)})", pair(fmt_value(report["metrics"].get(main)),
                                                          fmt_value(report["reference_metrics"].get(main)))),
            (i18n.t("export.delta", lang), fmt_value(report.get("metric_delta"))),
            (f"{i18n.t('col.size', lang)} ({i18n.t('export.vs', lang)})",
             pair(_mb(report.get("size_bytes")), _mb(report.get("reference_size_bytes")))),
            (i18n.t("export.size_ratio", lang), fmt_value(report.get("size_ratio"))),
            (f"{i18n.t('col.latency', lang)} ({i18n.t('export.vs', lang)})",
             pair(fmt_value(report.get("latency_ms_per_example")),
                  fmt_value(report.get("reference_latency_ms_per_example")))),
            (i18n.t("export.speedup", lang), fmt_value(report.get("speedup"))),
            (i18n.t("export.diff", lang), fmt_value(report.get("max_abs_diff")))]
    ret = (report.get("retention") or {}).get("retention")
    if ret is not None:
        rows.append((i18n.t("col.retention", lang), fmt_value(ret)))
    return pd.DataFrame(rows, columns=["", i18n.t("col.value", lang)])


def _mb(n) -> str:
    return f"{n / 2**20:.1f}" if isinstance(n, (int, float)) else "–"


@dataclass(frozen=True)
class ExportTab:
    """The Export tab's components: the run, the format and its description, the check's settings, the result
    (folder, report, files, model card) and the Publish section."""
    run: gr.Dropdown
    fmt: gr.Radio
    about: gr.HTML
    limit: gr.Number
    memory: gr.Checkbox
    go: gr.Button
    msg: gr.HTML
    where: gr.HTML
    table: gr.Dataframe
    files: gr.File
    card: gr.Markdown
    publish: publish_section.PublishSection

    def about_io(self, session: gr.State) -> tuple[list, list]:
        """Inputs and outputs of `show_about` (also run after a language switch)."""
        return [self.fmt, session], [self.about]


def build(ctx: AppContext, session: gr.State) -> ExportTab:
    tr = ctx.tr
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=340):
            tr.make(gr.Markdown, text="export.intro", elem_classes="wb-intro")
            run = tr.make(gr.Dropdown, label="export.run", choices=[] if ctx.shared else finished_runs(ctx.runs_dir), value=None,
                          elem_id="export-run")
            fmt = tr.make(gr.Radio, label="export.format", choices=list(FORMATS), value="merged",
                          elem_id="export-format")
            about = gr.HTML(message_html(i18n.format_description("merged", tr.lang), "info"), elem_id="export-about")
            with gr.Row():
                limit = tr.make(gr.Number, label="eval.limit", value=200, precision=0, minimum=1)
                memory = tr.make(gr.Checkbox, label="eval.memory", value=False)
            go = tr.make(gr.Button, text="export.go", variant="primary", elem_id="export-go")
            msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-export")
        with gr.Column(scale=3, min_width=420):
            where = gr.HTML(elem_id="export-where")
            table = gr.Dataframe(interactive=False, wrap=True, elem_id="export-table")
            files = tr.make(gr.File, label="export.files", file_count="multiple", interactive=False,
                            elem_id="export-files")
            card = gr.Markdown(elem_id="export-card", max_height=520)
    publish = publish_section.build(ctx, session, run)   # the Publish section (Hugging Face Hub)
    tab = ExportTab(run, fmt, about, limit, memory, go, msg, where, table, files, card, publish)

    fmt.change(show_about, *tab.about_io(session), show_progress="hidden")
    run.focus(bind(run_choices_update, ctx), session, run, show_progress="hidden")
    go.click(bind(on_export, ctx), [run, fmt, limit, memory, session], [msg, where, table, files, card],
             concurrency_limit=1)
    return tab


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def show_about(f, session_state):
    """The chosen format's description, in the page's language."""
    return message_html(i18n.format_description(f, session_state["lang"]), "info")


def run_choices_update(ctx: AppContext, session_state):
    return gr.update(choices=finished_runs(ctx.folder(session_state)))


def on_export(ctx: AppContext, run_id, fmt_name, n, mem, session_state, progress=gr.Progress()):
    """Export the run and check it: (message, where it is, report table, files to download, model card)."""
    lang = session_state["lang"]
    try:
        if not run_id:
            raise WorkbenchError(i18n.t("export.pick", lang))
        paths = ctx.run(session_state, run_id, write=True)     # shared mode: only the user's own runs
        folder = export(str(paths.root), fmt_name, runs_dir=paths.root.parent, max_examples=int(n) if n else None,
                        memory=bool(mem), cache=ctx.cache, progress=lambda f, m: progress(f, desc=m))
    except Exception as e:   # engine messages (and anything unexpected) show in the page
        return message_html(error_text(e, lang)), "", None, None, ""
    report = json.loads((folder / "report.json").read_text())
    readme = folder / "README.md"
    # copies in a temporary folder: gradio serves them without opening the runs folder to the browser
    out = Path(tempfile.mkdtemp(prefix="wb-export-"))
    handed = [shutil.copy(p, out / p.name) for p in (folder / "report.json", readme) if p.is_file()]
    where_html = message_html(i18n.t("export.done", lang, folder=str(folder)), "ok")
    return ("", where_html, report_frame(report, lang), [str(p) for p in handed],
            readme.read_text(encoding="utf-8") if readme.is_file() else "")
