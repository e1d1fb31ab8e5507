"""Export tab: a finished run exported as merged weights, int8, 4/8-bit, ONNX, pruned or GGUF, checked against the
run (metrics, size, speed, output difference), with its model card; below, the Publish section (publish_section.py).
Present only when workbench.export exists."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd

from .. import safety, store
from ..errors import WorkbenchError
from . import i18n
from . import publish_section
from .common import AppContext, error_text, fmt_value, message_html
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


def build(ctx: AppContext) -> dict:
    tr = ctx.tr
    session = ctx.parts["session"]
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

    def show_about(f, session_state):   # the chosen format's description, in the page's language
        return message_html(i18n.format_description(f, session_state["lang"]), "info")

    fmt.change(show_about, [fmt, session], about, show_progress="hidden")
    ctx.parts["export_about"] = (show_about, [fmt, session], about)
    run.focus(lambda s: gr.update(choices=finished_runs(ctx.folder(s))), session, run, show_progress="hidden")

    def on_export(run_id, fmt_name, n, mem, session_state, progress=gr.Progress()):
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

    go.click(on_export, [run, fmt, limit, memory, session], [msg, where, table, files, card], concurrency_limit=1)
    ctx.parts["on_export"] = on_export
    return {"run": run, "publish": publish_section.build(ctx, run)}   # the Publish section (Hugging Face Hub)
