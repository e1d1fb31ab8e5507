"""Evaluate tab: two to four models (finished runs, exports, the base model) side by side on the same split —
metrics, size, latency, retention — the examples where they disagree, and one input answered by all of them."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from .. import safety, store
from ..errors import WorkbenchError
from . import i18n, plots
from .common import AppContext, bind, error_text, fmt_count, fmt_value, message_html
from ..evaluate.compare import resolve_refs
from ..tasks import TASKS
from ..evaluate.compare import answer_all, compare

MAX_MODELS = 4


def model_choices(runs_dir: Path, lang: str = "en") -> list[tuple[str, str]]:
    """'base' first, then finished runs with a saved model (newest first) and their exports."""
    out = [(i18n.t("eval.base_choice", lang), "base")]
    try:
        rows = store.Registry(runs_dir).list()
    except Exception:
        rows = []
    for r in rows:
        root = Path(runs_dir) / r["id"]
        if (root / "model" / "workbench.json").is_file():
            metric = f" · {r['key_metric'][5:]} {fmt_value(r['key_value'])}" if r.get("key_metric") and \
                isinstance(r.get("key_value"), (int, float)) else ""
            out.append((f"{r['id']} · {r.get('strategy') or ''}{metric}", r["id"]))
        for exp in sorted((root / "exports").glob("*/report.json")):
            out.append((f"{r['id']} · export {exp.parent.name}", str(exp.parent)))
    return out


def visible_choices(ctx: AppContext, session: dict) -> list[tuple[str, str]]:
    """This page's user's models; in shared mode also the host's read-only example runs (workbench.host)."""
    out = model_choices(ctx.folder(session), session["lang"])
    if ctx.shared:
        for rid in ctx.host.settings.examples:
            if (Path(ctx.runs_dir) / rid / "model" / "workbench.json").is_file():
                out.append((i18n.t("host.example_choice", session["lang"], run=rid), rid))
    return out


def metrics_frame(result: dict, lang: str = "en") -> pd.DataFrame:
    """One row per model: task metrics, then retention, size and speed."""
    main = result["main_metric"]
    names = [main] + [k for k in result["models"][0]["metrics"] if k != main
                      and isinstance(result["models"][0]["metrics"][k], (int, float))]
    rows = []
    for m in result["models"]:
        ret = (m.get("retention") or {}).get("retention")
        size = m["size_bytes"] / 2**20 if m.get("size_bytes") else None
        rows.append([m["label"], *[fmt_value(m["metrics"].get(k)) for k in names], fmt_value(ret),
                     fmt_count(m.get("params")), f"{size:.1f}" if size else "–",
                     fmt_value(m.get("latency_ms_per_example")), fmt_value(m.get("throughput_per_s")),
                     fmt_value(m.get("peak_memory_mb")) if m.get("peak_memory_mb") else "–"])
    cols = [i18n.t("col.model", lang), *names] + [i18n.t(f"col.{k}", lang) for k in
                                                  ("retention", "params", "size", "latency", "throughput", "peak")]
    return pd.DataFrame(rows, columns=cols)


def disagreements_frame(result: dict, lang: str = "en") -> pd.DataFrame:
    labels = [m["label"] for m in result["models"]]
    rows = []
    for d in result["disagreements"]:
        text = d["input"] if isinstance(d["input"], str) else " | ".join(f"{k}: {v}" for k, v in d["input"].items())
        answers = {p["model"]: p["display"] + (f" ({p['confidence']:.2f})" if p.get("confidence") is not None else "")
                   for p in d["predictions"]}
        rows.append([text[:300], str(d.get("gold") or ""), *[answers.get(label, "") for label in labels]])
    return pd.DataFrame(rows, columns=[i18n.t("col.input", lang), i18n.t("col.gold", lang), *labels])


def highlighted(answer: dict) -> dict | None:
    """Entities (token classification) or the answer span (QA) as HighlightedText data."""
    d = answer.get("detail") or {}
    if isinstance(d.get("entities"), list) and isinstance(d.get("text"), str):
        return {"text": d["text"], "entities": [{"entity": e["type"], "start": e["start"], "end": e["end"]}
                                                for e in d["entities"]]}
    if isinstance(d.get("context"), str) and d.get("start") is not None:
        return {"text": d["context"], "entities": [{"entity": "answer", "start": d["start"], "end": d["end"]}]}
    return None


def input_kind(refs: list[str], runs_dir: Path) -> str:
    """What the try-it box takes for these models: 'text', 'qa' or 'prompt' (the task's input_kind)."""
    try:
        task = resolve_refs([r for r in refs if r], runs_dir)[0].task
        return TASKS.get(task).input_kind if task else "text"
    except WorkbenchError:
        return "text"


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvaluateTab:
    """The Evaluate tab's components: the models and settings of a comparison, its results, and the try-it box
    (text, or question + context for QA) with its answers."""
    chosen: gr.Dropdown
    split: gr.Radio
    limit: gr.Number
    retention: gr.Checkbox
    memory: gr.Checkbox
    run: gr.Button
    msg: gr.HTML
    summary: gr.HTML
    table: gr.Dataframe
    notes: gr.HTML
    disagree: gr.Dataframe
    text: gr.Textbox
    question: gr.Textbox
    context: gr.Textbox
    ask: gr.Button
    ask_msg: gr.HTML
    answers: gr.Dataframe
    probs: gr.Plot
    spans: list


def build(ctx: AppContext, session: gr.State) -> EvaluateTab:
    tr = ctx.tr
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=400):
            tr.make(gr.Markdown, text="eval.intro", elem_classes="wb-intro")
            chosen = tr.make(gr.Dropdown, label="eval.models", info="eval.models_info", multiselect=True,
                             max_choices=MAX_MODELS, choices=model_choices(ctx.runs_dir)[:1 if ctx.shared else None], value=[],
                             elem_id="eval-models")
        with gr.Column(scale=2, min_width=300):
            with gr.Row():
                split = tr.make(gr.Radio, label="eval.split", value="test", elem_id="eval-split",
                                choices=lambda lang: [(i18n.t("eval.split.test", lang), "test"),
                                                      (i18n.t("eval.split.validation", lang), "validation")])
                limit = tr.make(gr.Number, label="eval.limit", value=200, precision=0, minimum=1,
                                elem_id="eval-limit")
            with gr.Row():
                retention = tr.make(gr.Checkbox, label="eval.retention", value=True, elem_id="eval-retention")
                memory = tr.make(gr.Checkbox, label="eval.memory", value=False, elem_id="eval-memory")
    run = tr.make(gr.Button, text="eval.compare", variant="primary", elem_id="eval-compare")
    msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-eval")
    summary = gr.HTML(elem_id="eval-summary")
    table = gr.Dataframe(interactive=False, wrap=True, elem_id="eval-table")
    notes = gr.HTML(elem_id="eval-notes")
    with tr.make(gr.Accordion, label="eval.disagree", open=True):
        disagree = gr.Dataframe(interactive=False, wrap=True, max_height=360, elem_id="eval-disagree")
    with tr.make(gr.Accordion, label="eval.try", open=True):
        with gr.Row():
            text = tr.make(gr.Textbox, label="eval.input", lines=2, scale=3, elem_id="eval-input")
            question = tr.make(gr.Textbox, label="eval.question", lines=1, visible=False, elem_id="eval-question")
        context = tr.make(gr.Textbox, label="eval.context", lines=4, visible=False, elem_id="eval-context")
        ask = tr.make(gr.Button, text="eval.ask", elem_id="eval-ask")
        ask_msg = gr.HTML(elem_classes="wb-slot")
        answers = gr.Dataframe(interactive=False, wrap=True, elem_id="eval-answers")
        probs = gr.Plot(show_label=False, visible=False, elem_id="eval-probs")
        spans = [gr.HighlightedText(visible=False, combine_adjacent=True, elem_id=f"eval-span-{i}")
                 for i in range(MAX_MODELS)]

    run.click(bind(on_compare, ctx), [chosen, split, limit, retention, memory, session],
              [msg, summary, table, notes, disagree], concurrency_limit=1)
    chosen.change(bind(on_models, ctx), [chosen, session], [text, question, context], show_progress="hidden")
    chosen.focus(bind(choices_update, ctx), session, chosen, show_progress="hidden")
    ask_io = ([chosen, text, question, context, session], [ask_msg, answers, probs, *spans])
    ask.click(bind(on_ask, ctx), *ask_io, concurrency_limit=1)
    text.submit(bind(on_ask, ctx), *ask_io, concurrency_limit=1)
    return EvaluateTab(chosen, split, limit, retention, memory, run, msg, summary, table, notes, disagree, text,
                       question, context, ask, ask_msg, answers, probs, spans)


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def on_compare(ctx: AppContext, refs, split_name, n, keep, mem, session_state, progress=gr.Progress()):
    """Compare the chosen models: (message, summary, metrics table, notes, disagreements)."""
    lang = session_state["lang"]
    try:
        if not refs or len(refs) < 2:
            raise WorkbenchError(i18n.t("eval.pick", lang, n=MAX_MODELS))
        result = compare(ctx.refs(session_state, refs), split=split_name, runs_dir=ctx.folder(session_state),
                         max_examples=int(n) if n else None, retention=bool(keep), memory=bool(mem),
                         cache=ctx.cache, progress=lambda f, m: progress(f, desc=m))
    except Exception as e:   # engine messages (and anything unexpected) show in the page
        return message_html(error_text(e, lang)), "", None, "", None
    head = i18n.t("eval.summary", lang, task=result["task"], split=result["split"],
                  n=f"{result['n_examples']:,}", metric=result["main_metric"])
    note_html = "".join(f"<li>{html.escape(n)}</li>" for n in result["notes"])
    n_dis = len(result["disagreements"])
    return ("", f'<div class="wb-summary">{html.escape(head)}</div>', metrics_frame(result, lang),
            f'<ul class="wb-note">{note_html}</ul>' if note_html else "",
            disagreements_frame(result, lang) if n_dis else pd.DataFrame({i18n.t("eval.agree", lang): []}))


def on_models(ctx: AppContext, refs, session_state):
    """The try-it box for these models: a text box, or question + context for QA."""
    try:
        kind = input_kind(ctx.refs(session_state, refs), ctx.folder(session_state))
    except WorkbenchError:
        kind = "text"
    return gr.update(visible=kind != "qa"), gr.update(visible=kind == "qa"), gr.update(visible=kind == "qa")


def choices_update(ctx: AppContext, session_state):
    return gr.update(choices=visible_choices(ctx, session_state))


def on_ask(ctx: AppContext, refs, t, q, c, session_state):
    """One input answered by every chosen model: (message, answers, probabilities plot, *highlighted spans)."""
    lang = session_state["lang"]
    hidden = [gr.update(visible=False)] * MAX_MODELS
    try:
        if not refs:
            raise WorkbenchError(i18n.t("eval.pick_any", lang))
        refs = ctx.refs(session_state, refs)                 # shared mode: only what this user may see
        if input_kind(refs, ctx.folder(session_state)) == "qa":
            value = {"question": (q or "").strip(), "context": (c or "").strip()}
            empty = not (value["question"] and value["context"])
        else:
            value = (t or "").strip()
            empty = not value
        if empty:
            raise WorkbenchError(i18n.t("eval.empty_input", lang))
        out = answer_all(list(refs), value, runs_dir=ctx.folder(session_state), cache=ctx.cache)
    except Exception as e:
        return [message_html(error_text(e, lang)), None, gr.update(visible=False), *hidden]
    frame = pd.DataFrame([[a["model"], a["display"], fmt_value(a["confidence"]) if a["confidence"] is not None
                           else "–"] for a in out], columns=[i18n.t(f"col.{c}", lang) for c in ("model", "answer", "confidence")])
    has_probs = any((a.get("detail") or {}).get("probs") for a in out)
    span_updates = []
    for i in range(MAX_MODELS):   # entities / answer spans highlighted, one box per model
        mark = highlighted(out[i]) if i < len(out) else None
        span_updates.append(gr.update(visible=mark is not None, value=mark,
                                      label=out[i]["model"] if mark else None))
    return ["", frame, gr.update(visible=has_probs, value=plots.probability_figure(out, lang) if has_probs
                                 else None), *span_updates]
