"""Train tab: the training knobs, Start / Stop / Stop-and-save, and the live view of one run (status, progress,
loss curves with each term on its own panel, learning rate, evaluation metrics, log), plus the run's YAML and
the equivalent command. The page asks the JobManager and the run folder for everything it shows (polled by a
gr.Timer), so a reloaded page or a second browser sees the same run."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from .. import safety, store
from ..run import loop as trainer
from ..config import RunConfig
from ..errors import WorkbenchError
from . import data_tab, i18n, model_tab, plots
from .common import (SLOTS, AppContext, badge, bind, error_text, fmt_duration, fmt_value, message_html,
                     slot_of)

PRESETS = Path(__file__).resolve().parents[2] / "assets" / "presets"
POLL_S = 1.0
POLL_FIRST_S = 0.25    # until the first loss point is drawn: the wait a user notices most
# While a run trains steadily the page polls less often: (seconds of training so far, interval). Each poll costs the
# training CPU time (the server reads the run folder and builds the figures; the browser redraws them).
POLL_BACKOFF = ((60.0, POLL_S), (600.0, 2.0), (float("inf"), 5.0))
NO_VIEW = {"run": None, "lang": None, "drawn": -1, "steps": -1, "evals": -1, "sent": {}}
_LOG_HEAD = re.compile(r"^\d\d:\d\d:\d\d (\w+): ")
TAB_OF_SLOT = {"model": "tab.model", "task": "tab.data", "data": "tab.data", "strategy": "tab.strategy",
               "train": "tab.train", "general": "tab.train"}


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.yaml") if not p.stem.startswith("study-"))   # study files: Study tab


def log_lines(text: str, limit: int = 200) -> str:
    """The run's log.txt without debug entries (tracebacks stay in the file, not in the page)."""
    entries: list[list[str]] = []
    for line in text.splitlines():
        m = _LOG_HEAD.match(line)
        if m or not entries:
            entries.append([m.group(1) if m else "info", line])
        else:
            entries[-1].append(line)
    shown = ["\n".join(e[1:]) for e in entries if e[0] != "debug"]
    return "\n".join(shown[-limit:])


def progress_html(start: dict | None, step: dict | None, status: str, lang: str, prep: dict | None = None) -> str:
    """Bar + 'step 12 / 100 · 12% · elapsed 0:05 · ETA 0:36 · 123 samples/s · epoch 0.4'; before the first step,
    what the run is preparing (the latest Preparing event: loading the model, tokenizing n rows)."""
    if step is None:
        total = (start or {}).get("total_steps")
        text = {"running": i18n.t("train.preparing", lang), "queued": i18n.t("train.waiting", lang)}.get(status, "")
        if status == "running" and prep and not start:
            text = i18n.t(f"demo.prep.{prep['what']}", lang, n=f"{prep.get('rows') or 0:,}")
        pct, parts = 0.0, [text] + ([i18n.t("train.steps_total", lang, total=total)] if total else [])
    else:
        pct = 100.0 * step["step"] / max(1, step["total_steps"])
        parts = [i18n.t("train.step_of", lang, step=step["step"], total=step["total_steps"]), f"{pct:.0f}%",
                 i18n.t("train.elapsed", lang, t=fmt_duration(step["elapsed_s"])),
                 i18n.t("train.eta", lang, t=fmt_duration(step["eta_s"]) if status == "running" else "–"),
                 i18n.t("train.rate", lang, rate=f"{step['samples_per_s']:,.1f}"),
                 i18n.t("train.epoch", lang, epoch=f"{step['epoch']:.2f}")]
    text = " · ".join(p for p in parts if p)
    return (f'<div class="wb-progress" role="progressbar" aria-valuenow="{pct:.0f}" aria-valuemin="0" '
            f'aria-valuemax="100"><div class="wb-bar"><div class="wb-fill wb-fill-{status}" '
            f'style="width:{pct:.1f}%"></div></div><div class="wb-progress-text">{html.escape(text)}</div></div>')


def final_html(summary: dict, lang: str) -> str:
    """Final metrics table, the error of a failed run, and a few sample predictions."""
    out = []
    if summary.get("status") == "failed" and summary.get("error"):
        out.append(message_html(i18n.t("train.failed", lang, error=summary["error"])))
    if summary.get("stop_reason"):      # a host's limit stopped and saved it (shared mode)
        out.append(message_html(i18n.t("host.stopped", lang, reason=summary["stop_reason"]), "warn"))
    metrics = {k: v for k, v in (summary.get("metrics") or {}).items()
               if k.startswith("eval_") and isinstance(v, (int, float)) and not isinstance(v, bool)}
    if metrics:
        split = (summary.get("metrics") or {}).get("eval_split", "")
        cells = "".join(f"<div class='wb-metric'><span>{html.escape(k[5:])}</span><b>{fmt_value(v)}</b></div>"
                        for k, v in metrics.items())
        out.append(f'<div class="wb-metrics"><div class="wb-metrics-title">'
                   f'{html.escape(i18n.t("train.final", lang, split=split))}</div>{cells}</div>')
    samples = summary.get("samples") or []
    if samples:
        rows = "".join(f"<tr><td>{html.escape(str(s.get('input', ''))[:200])}</td>"
                       f"<td>{html.escape(str(s.get('output', ''))[:300])}</td></tr>" for s in samples)
        out.append(f'<table class="wb-table"><tr><th>{html.escape(i18n.t("train.sample_input", lang))}</th>'
                   f'<th>{html.escape(i18n.t("train.sample_output", lang))}</th></tr>{rows}</table>')
    return "".join(out)


def status_html(run_id: str, status: str, snap: dict | None, start: dict | None, lang: str) -> str:
    extra = ""
    if snap and snap.get("queue_position"):
        extra = i18n.t("train.queue_pos", lang, n=snap["queue_position"])
    elif snap and snap.get("stopping"):
        extra = i18n.t(f"train.stopping_{snap['stopping']}", lang)
    facts = ""
    if start:
        facts = i18n.t("train.facts", lang, device=start["device"], precision=start["precision"],
                       trainable=f"{start['trainable_params']:,}", total=f"{start['total_params']:,}",
                       examples=" · ".join(f"{k} {v:,}" for k, v in start["examples"].items()))
    return (f'<div class="wb-status">{badge(status, lang, extra)} <code>{html.escape(run_id)}</code>'
            f'<div class="wb-facts-line">{html.escape(facts)}</div></div>')


# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainTab:
    """The Train tab's components: the plan line, Start / Stop / Stop-and-save, the config box (YAML, command,
    presets, load a YAML), the live view of the watched run, its poll timer and what this page has drawn (view)."""
    plan: gr.HTML
    msg: gr.HTML
    start: gr.Button
    stop: gr.Button
    save: gr.Button
    config_box: gr.Accordion
    yaml_box: gr.Code
    cli_box: gr.Code
    preset: gr.Dropdown
    load_preset: gr.Button
    load_yaml: gr.UploadButton
    status: gr.HTML
    watch: gr.Dropdown
    progress: gr.HTML
    loss_plot: gr.Plot
    lr_plot: gr.Plot
    eval_plot: gr.Plot
    final: gr.HTML
    log: gr.Textbox
    timer: gr.Timer
    view: gr.State

    def poll_io(self, session: gr.State) -> tuple[list, list]:
        """Inputs and outputs of `poll`."""
        return [session, self.view], [self.view, self.timer, self.status, self.progress, self.loss_plot,
                                      self.lr_plot, self.eval_plot, self.final, self.log, self.stop, self.save,
                                      self.watch]

    def config_io(self, session: gr.State, form) -> tuple[list, list]:
        """Inputs and outputs of `show_config`: the whole form in; YAML, command, message and plan out."""
        return [session, *form.inputs], [self.yaml_box, self.cli_box, self.msg, self.plan]


def build(ctx: AppContext, session: gr.State) -> TrainTab:
    tr, form = ctx.tr, ctx.form
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=400, elem_classes="wb-settings"):
            plan = gr.HTML(elem_id="train-plan")
            form.section("train", advanced=False, columns=2)
            form.section("output", skip=("runs_dir",), advanced=False, columns=2)
            with tr.make(gr.Accordion, label="common.advanced", open=False):
                form.section("train", advanced=True, columns=2)
                form.section("output", skip=("runs_dir",), advanced=True, columns=2)
            msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-train")
            start = tr.make(gr.Button, text="train.start", variant="primary", elem_id="train-start")
            with gr.Row():
                stop = tr.make(gr.Button, text="train.stop", variant="stop", interactive=False, min_width=100,
                               elem_id="train-stop")
                save = tr.make(gr.Button, text="train.stop_save", interactive=False, min_width=100,
                               elem_id="train-stop-save")
            with tr.make(gr.Accordion, label="train.config", open=False) as cfg_box:
                yaml_box = tr.make(gr.Code, label="train.yaml", language="yaml", interactive=False, lines=12,
                                   elem_id="train-yaml")
                cli_box = tr.make(gr.Code, label="train.cli", language="shell", interactive=False, lines=2,
                                  elem_id="train-cli", buttons=["copy"])
                with gr.Row():
                    preset = tr.make(gr.Dropdown, label="train.preset", choices=preset_names(), value=None, scale=2)
                    load_preset = tr.make(gr.Button, text="train.load_preset", size="sm")
                load_yaml = tr.make(gr.UploadButton, label="train.load_yaml", file_types=[".yaml", ".yml"],
                                    type="filepath", size="sm", elem_id="train-load-yaml")
        with gr.Column(scale=4, min_width=480):
            with gr.Row(equal_height=True):
                status = tr.make(gr.HTML, text=lambda lang: message_html(i18n.t("train.idle", lang), "info"),
                                 elem_id="train-status")
                watch = tr.make(gr.Dropdown, label="train.watch", choices=[], value=None, allow_custom_value=True,
                                scale=0, min_width=260, elem_id="train-watch")
            progress = gr.HTML(progress_html(None, None, "", tr.lang), elem_id="train-progress")
            loss_plot = tr.custom(gr.Plot(plots.loss_figure([], tr.lang), show_label=False, elem_id="plot-loss"),
                                  lambda lang: {"value": plots.loss_figure([], lang)})   # redrawn by the poll
            with gr.Row():
                lr_plot = tr.custom(gr.Plot(plots.lr_figure([], tr.lang), show_label=False, elem_id="plot-lr"),
                                    lambda lang: {"value": plots.lr_figure([], lang)})
                eval_plot = tr.custom(gr.Plot(plots.eval_figure([], tr.lang), show_label=False, elem_id="plot-eval"),
                                      lambda lang: {"value": plots.eval_figure([], lang)})
            final = gr.HTML(elem_id="train-final")
            log = tr.make(gr.Textbox, label="train.log", lines=8, max_lines=8, interactive=False, autoscroll=True,
                          elem_id="train-log")
    timer = gr.Timer(POLL_S, active=False)
    view = gr.State(dict(NO_VIEW))   # what this page has drawn: the run, the language, how many events
    tab = TrainTab(plan, msg, start, stop, save, cfg_box, yaml_box, cli_box, preset, load_preset, load_yaml, status,
                   watch, progress, loss_plot, lr_plot, eval_plot, final, log, timer, view)

    stop.click(bind(on_stop, ctx, "cancel"), session, [msg, timer], show_progress="hidden",
               api_name="stop_run")   # named: API clients (tests/test_load.py) stop their run by this name
    save.click(bind(on_stop, ctx, "save"), session, [msg, timer], show_progress="hidden",
               api_name="stop_and_save")
    timer.tick(bind(poll, ctx), *tab.poll_io(session), show_progress="hidden", concurrency_limit=None)
    watch.focus(bind(watch_choices, ctx), session, watch, show_progress="hidden")
    watch.input(bind(on_watch, ctx), [watch, session], [session, timer], show_progress="hidden")
    return tab


def wire(ctx: AppContext, tab: TrainTab, session: gr.State, slots: dict, model, data) -> None:
    """The events that read or write the whole form (Start, the config box, Load): called once every tab is built.
    `slots`: the message slot of each name in SLOTS (the Model, Data and Strategy tabs' and this tab's);
    `model`, `data`: the ModelTab and DataTab, whose describe and check follow a loaded YAML."""
    form = ctx.form
    slot_outputs = [slots[name] for name in SLOTS]
    config_in, config_out = tab.config_io(session, form)
    show = bind(show_config, ctx)
    tab.config_box.expand(show, config_in, config_out, show_progress="hidden")
    tab.start.click(bind(on_start, ctx), [session, *form.inputs],
                    [session, tab.timer, tab.yaml_box, tab.cli_box, tab.watch, *slot_outputs],
                    show_progress="hidden", concurrency_limit=1) \
        .then(bind(poll, ctx), *tab.poll_io(session), show_progress="hidden")   # the status at once, not a tick later
    for ev in (tab.load_yaml.upload(bind(on_load_file, ctx), [tab.load_yaml, session], form.inputs + slot_outputs),
               tab.load_preset.click(bind(on_preset, ctx), [tab.preset, session], form.inputs + slot_outputs)):
        ev.then(bind(model_tab.describe, ctx), *model.describe_io(session), show_progress="hidden") \
          .then(bind(data_tab.run_check, ctx), *data.check_io(session, form), show_progress="hidden") \
          .then(show, config_in, config_out, show_progress="hidden")


# ---- handlers (module-level: tests call them with the app's context) ---------------------------------------------
def show_config(ctx: AppContext, session_state, *values):
    """The form as YAML and as a command, and the plan line (or why the form is not a valid config)."""
    lang = session_state["lang"]
    try:
        cfg = ctx.form.to_config(values)
    except WorkbenchError as e:
        return gr.update(), gr.update(), "", plan_html(None, lang, e)
    return cfg.to_yaml(), cfg.to_cli(), "", plan_html(cfg, lang)


def on_load_file(ctx: AppContext, path, session_state):
    """A YAML file into the form: the form's values, then every message slot (SLOTS) cleared or the error."""
    lang = session_state["lang"]
    try:
        cfg = RunConfig.load(path)
        return [*ctx.form.values(cfg), *[""] * len(SLOTS)]
    except WorkbenchError as e:
        gr.Warning(error_text(e, lang))
        return [gr.update()] * len(ctx.form.inputs) + [message_html(error_text(e, lang)) if name == "train" else ""
                                                       for name in SLOTS]


def on_preset(ctx: AppContext, name, session_state):
    if not name:
        return [gr.update()] * (len(ctx.form.inputs) + len(SLOTS))
    return on_load_file(ctx, str(PRESETS / f"{name}.yaml"), session_state)


def on_start(ctx: AppContext, session_state, *values):
    """Start: the form as a RunConfig, checked and submitted. Returns [session, timer, yaml, command, watch, *the
    message of each slot in SLOTS]: an error goes next to its field, and the Train tab says which tab to fix."""
    lang = session_state["lang"]
    out = {name: "" for name in SLOTS}
    try:
        cfg = ctx.form.to_config(values)
        if ctx.host:   # shared mode: the user's runs and --model-dirs only, before anything is read
            ctx.host.check_model(ctx.owner(session_state), cfg.model.name)
        trainer.preflight(cfg)
        run_id = ctx.host.train(ctx.owner(session_state), cfg) if ctx.host else ctx.manager.submit(cfg)
    except Exception as e:   # a WorkbenchError names the field; anything else is reported, not raised
        slot = slot_of(e) if isinstance(e, WorkbenchError) else "general"
        text = error_text(e, lang)
        target = slot if slot in out else "train"   # "general": the Train tab's own slot
        out[target] = message_html(text)
        if target != "train":
            out["train"] = message_html(i18n.t("train.fix", lang, tab=i18n.t(TAB_OF_SLOT.get(slot.split(".")[0],
                                                                                        "tab.train"), lang),
                                               error=text))
        gr.Warning(text)
        return [session_state, gr.update(), gr.update(), gr.update(), gr.update(), *out.values()]
    new = {**session_state, "run_id": run_id, "drawn": -1}
    return [new, gr.Timer(active=True), cfg.to_yaml(), cfg.to_cli(), gr.update(value=run_id), *out.values()]


def on_stop(ctx: AppContext, mode, session_state):
    """Stop (mode "cancel") or Stop and save ("save") the page's run: (message, timer)."""
    lang = session_state["lang"]
    run_id = session_state.get("run_id")
    try:
        if not run_id:
            raise WorkbenchError(i18n.t("train.nothing", lang))
        if ctx.host:                      # asks who may stop it (shared mode)
            ctx.host.stop(ctx.owner(session_state), run_id, save=mode == "save")
        else:
            (ctx.manager.stop_and_save if mode == "save" else ctx.manager.cancel)(run_id)
    except WorkbenchError as e:
        gr.Warning(error_text(e, lang))
        return message_html(error_text(e, lang)), gr.Timer(active=True)
    return "", gr.Timer(active=True)


def poll_interval(step: dict | None) -> float:
    """The Train tab's poll interval: fast until the first loss point, then slower the longer the run trains."""
    if step is None:
        return POLL_FIRST_S
    return next(interval for until, interval in POLL_BACKOFF if step.get("elapsed_s", 0.0) < until)


def poll(ctx: AppContext, session_state, view_state=None):
    """The watched run's status, curves and log. It writes only `view` (what this page has drawn), never the
    session: a tick that started before Start must not put the old run back (the re-attach race).
    A poll sends only what changed since the page's last one (gr.skip() for the rest): the loss and learning-rate
    plots when a step was logged, the evaluation plot when an evaluation was, the texts when they differ."""
    lang = session_state["lang"]
    run_id = session_state.get("run_id")
    view_state = {**NO_VIEW, **(view_state or {})}
    if not run_id or not ctx.visible(session_state, [run_id]):
        return [dict(NO_VIEW), gr.Timer(active=False)] + [gr.skip()] * 10
    paths = ctx.run(session_state, run_id)
    snap = ctx.manager.snapshot(run_id)
    summary = store.read_json(paths.summary, {}) or {}
    state = snap["state"] if snap else store.live_status(paths, summary)
    if not paths.root.is_dir():
        state = "deleted"
    active = state in store.ACTIVE
    events = store.read_metrics(paths)
    start_ev = next((e for e in reversed(events) if e.get("type") == "start"), None)
    step_ev = next((e for e in reversed(events) if e.get("type") == "step"), None)
    n_steps = sum(e.get("type") == "step" for e in events)
    n_evals = sum(e.get("type") == "eval" for e in events)
    same_page = (run_id, lang) == (view_state["run"], view_state["lang"])
    sent = dict(view_state["sent"]) if same_page else {}
    new = {"run": run_id, "lang": lang, "drawn": len(events), "steps": n_steps, "evals": n_evals, "sent": sent}

    def changed(name: str, value, key=None):
        """value, or gr.skip() when the page already shows it (compared by `key`, else by its repr)."""
        key = repr(value if key is None else key)
        if sent.get(name) == key:
            return gr.skip()
        sent[name] = key
        return value
    log_text = paths.log.read_text(encoding="utf-8", errors="replace") if paths.log.is_file() else ""
    steps_new = not same_page or n_steps != view_state["steps"]
    interval = poll_interval(step_ev)
    timer = gr.Timer(value=interval, active=active)
    if not active:   # always sent: another handler (Stop, the Runs tab's watch) may have switched the timer on
        sent.pop("timer", None)
    return [new, changed("timer", timer, (interval, active)) if active else timer,
            changed("status", status_html(run_id, state, snap, start_ev, lang)),
            changed("progress", progress_html(start_ev, step_ev, state, lang,
                                              next((e for e in reversed(events) if e.get("type") == "prepare"),
                                                   None))),
            plots.loss_figure(events, lang) if steps_new else gr.skip(),
            plots.lr_figure(events, lang) if steps_new else gr.skip(),
            plots.eval_figure(events, lang) if not same_page or n_evals != view_state["evals"] else gr.skip(),
            changed("final", final_html(summary, lang) if not active else ""),
            changed("log", log_lines(log_text)),
            changed("stop", gr.update(interactive=active)), changed("save", gr.update(interactive=state == "running")),
            gr.update(value=run_id) if run_id != view_state["run"] else gr.skip()]


def watch_choices(ctx: AppContext, session_state):
    """The watch box's choices: this page's user's active runs, then their 20 newest."""
    try:
        recent = [r["id"] for r in ctx.rows(session_state)[:20]]
    except Exception:
        recent = []
    return gr.update(choices=list(dict.fromkeys(ctx.visible(session_state, ctx.manager.active()) + recent)))


def on_watch(ctx: AppContext, run_id, session_state):
    """Watch another run (one this page's user may see): (session, timer)."""
    if not run_id or run_id == session_state.get("run_id") or not ctx.visible(session_state, [run_id]):
        return session_state, gr.update()
    return {**session_state, "run_id": run_id, "drawn": -1}, gr.Timer(active=True)


def plan_html(cfg: RunConfig | None, lang: str, err: Exception | None = None) -> str:
    """One line saying what Start will train: model · data · task · strategies."""
    if cfg is None:
        return message_html(i18n.t("train.plan_invalid", lang, error=str(err)))
    data = cfg.data.train if cfg.data.train.startswith("builtin:") else Path(cfg.data.train).name
    model = Path(cfg.model.name).name if "/" in cfg.model.name and Path(cfg.model.name).exists() else cfg.model.name
    items = [(i18n.t("plan.model", lang), model), (i18n.t("plan.data", lang), data),
             (i18n.t("plan.task", lang), cfg.task.name),
             (i18n.t("plan.strategy", lang), " + ".join(cfg.strategy_names()))]
    cells = "".join(f"<div><span>{html.escape(k)}</span><b>{html.escape(str(v))}</b></div>" for k, v in items)
    title = f'<div class="wb-plan-title">{html.escape(i18n.t("plan.title", lang))}</div>'
    return f'<div class="wb-plan">{title}{cells}</div>'
