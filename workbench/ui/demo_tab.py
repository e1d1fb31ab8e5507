"""Demo tab: guided stories, one click each. The engine (workbench/demo.py) starts ordinary runs and says which
step it is on; this tab shows it in plain words, with the live loss curve and, at the end, the side-by-side view
and an input box every model of the story answers. Presenter view: large fonts, curve and answers on one screen."""

from __future__ import annotations

import html
from dataclasses import dataclass

import gradio as gr

from .. import store
from ..demo import STORIES
from . import i18n, plots
from .common import AppContext, bind, error_text, fmt_count, fmt_value, message_html

POLL_S = 1.0
PRESENTER_CSS = ("<style>#tab-demo{font-size:1.3rem}#tab-demo .wb-demo-now{font-size:1.6rem}"
                 "#tab-demo .wb-demo-side table{font-size:1.15rem}#tab-demo .wb-demo-stories{display:none}"
                 "#tab-demo textarea{font-size:1.3rem}</style>")


def t(key: str, lang: str, **fmt) -> str:
    return i18n.t(key, lang, **fmt)


def now_html(state: dict, snap: dict | None, lang: str) -> str:
    """What is happening now, in one plain sentence (and a progress bar while a run trains)."""
    phase, story = state.get("phase", "idle"), state.get("story")
    if phase == "idle" or not story:
        return f'<div class="wb-demo-now">{html.escape(t("demo.now.idle", lang))}</div>'
    title = t(f"demo.{story}.title", lang)
    if phase == "running":
        what = t(f"demo.stage.{state['stage_key']}", lang)
        step = (snap or {}).get("progress") or {}
        if step:
            frac = step["step"] / max(step["total_steps"], 1)
            detail = t("demo.now.steps", lang, step=step["step"], total=step["total_steps"])
        else:
            frac = 0.0
            prep = (snap or {}).get("preparing") or {}
            detail = t("demo.now.preparing", lang) if not prep else t(f"demo.prep.{prep['what']}", lang,
                                                                     n=f"{prep.get('rows') or 0:,}")
        head = t("demo.now.stage", lang, i=state["stage"] + 1, n=state["stages"])
        bar = (f'<div class="wb-bar"><div class="wb-fill" style="width:{100 * frac:.1f}%"></div></div>')
        line = t("demo.now.line", lang, head=head, what=what)
        return (f'<div class="wb-demo-now"><b>{html.escape(title)}</b> · {html.escape(line)}'
                f'<div class="wb-demo-detail">{html.escape(detail)}</div>{bar}</div>')
    text = t(f"demo.now.{phase}", lang)
    if phase == "failed":
        text += f" {state.get('error') or ''}"
    return f'<div class="wb-demo-now"><b>{html.escape(title)}</b> · {html.escape(text)}</div>'


def _row(cells, tag="td") -> str:
    return "<tr>" + "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in cells) + "</tr>"


def side_html(state: dict, lang: str) -> str:
    """The story's result side by side (the scratch story shows its samples as they come)."""
    story, result = state.get("story"), state.get("result")
    if story == "scratch" and state.get("snapshots"):
        return _scratch_html(state["snapshots"], lang)
    if not result or story not in ("teacher", "forget"):
        return f'<div class="wb-demo-side wb-muted">{html.escape(t("demo.side.waiting", lang))}</div>'
    comp = result["comparison"]
    main = comp["main_metric"]
    cols = [t("demo.col.model", lang), main]
    cols += [t("demo.col.retention", lang)] if story == "forget" else [t(f"demo.col.{k}", lang) for k in
                                                                       ("params", "size", "speed")]
    rows = []
    for m in comp["models"]:
        name = t(f"demo.role.{m['role']}", lang)
        if story == "forget":
            ret = (m.get("retention") or {}).get("retention")
            rows.append([name, fmt_value(m["metrics"].get(main)), fmt_value(ret)])
        else:
            size = f"{m['size_bytes'] / 2**20:.1f}" if m.get("size_bytes") else "–"
            ms = m.get("latency_ms_per_example")
            rows.append([name, fmt_value(m["metrics"].get(main)), fmt_count(m.get("params")), size,
                         f"{ms:.1f}" if isinstance(ms, (int, float)) else "–"])
    explain = t(f"demo.{story}.explain", lang)
    out = [f'<div class="wb-demo-side"><table>{_row(cols, "th")}{"".join(_row(r) for r in rows)}</table>',
           f'<p class="wb-demo-explain">{html.escape(explain)}</p>']
    roles = {m["label"]: t(f"demo.role.{m['role']}", lang) for m in comp["models"]}
    dis = comp.get("disagreements") or []
    if dis:
        out.append(f'<p><b>{html.escape(t("demo.disagree", lang, n=len(dis)))}</b></p><table>')
        out.append(_row([t("demo.col.input", lang), t("demo.col.gold", lang), *roles.values()], "th"))
        for d in dis[:5]:
            answers = {p["model"]: p["display"] for p in d["predictions"]}
            out.append(_row([str(d["input"])[:120], d.get("gold") or "", *[answers.get(k, "") for k in roles]]))
        out.append("</table>")
    else:
        out.append(f'<p>{html.escape(t("demo.agree", lang))}</p>')
    return "".join(out) + "</div>"


def _scratch_html(snaps: list[dict], lang: str) -> str:
    head = _row([t("demo.col.after", lang), t("demo.col.prompt", lang), t("demo.col.wrote", lang)], "th")
    out = [f'<div class="wb-demo-side"><p class="wb-demo-explain">{html.escape(t("demo.scratch.explain", lang))}'
           f'</p><table>{head}']
    for s in snaps:
        for i, sample in enumerate(s["samples"][:2]):
            after = t("demo.after_steps", lang, n=s["step"]) if i == 0 else ""
            out.append(_row([after, sample["input"], sample["output"][:200]]))
    return "".join(out) + "</table></div>"


def answers_html(answers: list[dict], roles: list[str], lang: str) -> str:
    rows = [_row([t("demo.col.model", lang), t("demo.col.answer", lang)], "th")]
    for a, role in zip(answers, roles):
        conf = f" ({a['confidence']:.2f})" if a.get("confidence") is not None else ""
        rows.append(_row([t(f"demo.role.{role}", lang), f"{a['display']}{conf}"]))
    return f'<div class="wb-demo-side"><table>{"".join(rows)}</table></div>'


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoTab:
    """The Demo tab's components: one Start button per story, what is happening now, the presenter switch, the
    live loss curve, the side-by-side result and the input box every model of the story answers."""
    starts: dict                    # story name -> its Start button
    now: gr.HTML
    presenter: gr.Checkbox
    stop: gr.Button
    style: gr.HTML
    msg: gr.HTML
    plot: gr.Plot
    side: gr.HTML
    box: gr.Textbox
    ask: gr.Button
    answers: gr.HTML
    timer: gr.Timer
    view: gr.State

    def poll_io(self, session: gr.State) -> tuple[list, list]:
        """Inputs and outputs of `poll` (also run on page load and after a language switch)."""
        return [self.view, session], [self.view, self.timer, self.now, self.side, self.plot]


def build(ctx: AppContext, session: gr.State, runner) -> DemoTab:
    """`runner`: the workbench.demo.DemoRunner that starts the stories' runs."""
    tr = ctx.tr
    view = gr.State({"drawn": -1, "run": None})
    tr.make(gr.Markdown, text="demo.intro", elem_classes="wb-intro")
    starts = {}
    with gr.Row(elem_classes="wb-demo-stories"):
        for story in STORIES:
            with gr.Column(min_width=260, elem_classes="wb-card"):
                tr.make(gr.Markdown, text=lambda lang, s=story: f"### {t(f'demo.{s}.title', lang)}\n"
                        f"{t(f'demo.{s}.what', lang)}")
                starts[story] = tr.make(gr.Button, text=f"demo.{story}.start", variant="primary",
                                        elem_id=f"demo-start-{story}")
    with gr.Row(equal_height=True):
        now = gr.HTML(now_html({}, None, tr.lang), elem_id="demo-now")
        presenter = tr.make(gr.Checkbox, label="demo.presenter", value=False, scale=0, min_width=200,
                            elem_id="demo-presenter")
        stop = tr.make(gr.Button, text="demo.stop", variant="stop", scale=0, min_width=120, elem_id="demo-stop")
    style = gr.HTML("", elem_classes="wb-slot", elem_id="demo-style")
    msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-demo")
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=400):
            plot = tr.custom(gr.Plot(plots.loss_figure([], tr.lang), show_label=False, elem_id="demo-plot"),
                             lambda lang: {"value": plots.loss_figure([], lang)})
        with gr.Column(scale=1, min_width=400):
            side = gr.HTML(side_html({}, tr.lang), elem_id="demo-side")
            with gr.Row(equal_height=True):
                box = tr.make(gr.Textbox, label="demo.input", placeholder="demo.input_hint", lines=1, scale=3,
                              elem_id="demo-input")
                ask = tr.make(gr.Button, text="demo.ask", scale=1, elem_id="demo-ask")
            answers = gr.HTML(elem_id="demo-answers")
    timer = gr.Timer(POLL_S, active=False)
    tab = DemoTab(starts, now, presenter, stop, style, msg, plot, side, box, ask, answers, timer, view)

    timer.tick(bind(poll, ctx, runner), *tab.poll_io(session), show_progress="hidden", concurrency_limit=None)
    for story, button in starts.items():
        button.click(bind(on_start, runner, story), session, [msg, timer, answers], show_progress="hidden")
    stop.click(bind(on_stop, runner), session, [msg, timer], show_progress="hidden")
    presenter.change(presenter_css, presenter, style, show_progress="hidden")
    ask.click(bind(on_ask, runner), [box, session], answers, concurrency_limit=1)
    box.submit(bind(on_ask, runner), [box, session], answers, concurrency_limit=1)
    return tab


# ---- handlers (module-level: tests call them with the app's context and the runner) ------------------------------
def poll(ctx: AppContext, runner, view_state, session_state):
    """What the story is doing now, its result so far and the current run's loss curve (redrawn when it grew)."""
    lang = session_state["lang"]
    state = runner.state()
    run_id = state.get("current_run") or (state.get("run_ids") or [None])[-1]
    snap = ctx.manager.snapshot(run_id) if run_id else None
    events = store.read_metrics(store.RunPaths(ctx.runs_dir / run_id)) if run_id else []
    redraw = (run_id != view_state["run"] or len(events) != view_state["drawn"]
              or lang != view_state.get("lang"))    # a language switch blanks the plot: draw it again
    new = {"drawn": len(events), "run": run_id, "lang": lang}
    active = state.get("phase") in ("running", "comparing")
    return [new, gr.Timer(active=active), now_html(state, snap, lang), side_html(state, lang),
            plots.loss_figure(events, lang) if redraw else gr.skip()]


def on_start(runner, story, session_state):
    """Start a story: (message, timer, answers cleared)."""
    lang = session_state["lang"]
    try:
        runner.start(story)
    except Exception as e:
        return message_html(error_text(e, lang)), gr.Timer(active=False), ""
    return "", gr.Timer(active=True), ""


def on_stop(runner, session_state):
    runner.stop()
    return message_html(t("demo.stopping", session_state["lang"]), "info"), gr.Timer(active=True)


def presenter_css(on):
    return PRESENTER_CSS if on else ""


def on_ask(runner, text, session_state):
    """One input answered by every model of the story (the scratch story: its one model)."""
    lang = session_state["lang"]
    state = runner.state()
    try:
        out = runner.answer(text or "")
    except Exception as e:
        return message_html(error_text(e, lang))
    comp = (state.get("result") or {}).get("comparison")
    roles = [m["role"] for m in comp["models"]] if comp else ["scratch"]
    return answers_html(out, roles, lang)
