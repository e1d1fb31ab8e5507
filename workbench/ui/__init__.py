"""The Gradio app over the engine. `build_app(manager, runs_dir)` returns the Blocks (not launched); `launch_options()`
gives the theme and CSS (system fonts only: the page loads nothing from the internet).

The app is a thin layer: it turns the form into a RunConfig, hands it to the JobManager it is built with, and shows
what the run folder and the JobManager report. Per-page state lives in a gr.State; nothing is kept at module level.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ..config import RunConfig
from . import data_tab, demo_tab, i18n, model_tab, runs_tab, strategy_tab, train_tab
from .common import AppContext, bind, new_session
from .form import Form
from .uploads import allowed_roots, check_source
from ..evaluate.compare import ModelCache
from . import evaluate_tab
from . import export_tab
from .uploads import MAX_UPLOAD_MB
from ..demo import DemoRunner
from . import study_tab
from . import host_page
from ..run.jobs import JobManager

ASSETS = Path(__file__).resolve().parents[2] / "assets"
DEFAULT_PRESET = ASSETS / "presets" / "default.yaml"
CSS_FILE = Path(__file__).with_name("style.css")
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Noto Sans", "PingFang SC",
                "Microsoft YaHei", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def theme() -> gr.themes.Base:
    """A quiet theme with system fonts (Gradio's defaults would fetch web fonts)."""
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", radius_size="sm", spacing_size="md",
                             font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
        block_title_text_weight="600", block_label_text_weight="600", button_primary_text_color="white")


def launch_options() -> dict:
    """Keyword arguments for Blocks.launch: theme, CSS, no footer links, no run history in the browser."""
    # no allowed_paths: gradio serves only its own temporary files (uploads, export downloads), never the runs folder
    return {"theme": theme(), "css": CSS_FILE.read_text(encoding="utf-8"), "footer_links": [],
            "run_history": False, "max_file_size": f"{MAX_UPLOAD_MB}mb"}


def initial_config(runs_dir: str | Path) -> RunConfig:
    """What the form shows on a fresh page: the default preset (MiniLM on the built-in sentiment set)."""
    try:
        return RunConfig.load(DEFAULT_PRESET, [f"output.runs_dir={runs_dir}"])
    except Exception:   # a broken preset must not stop the app: the built-in defaults are the same run
        return RunConfig()


def has_module(name: str) -> bool:
    """Whether an engine module exists (the Evaluate and Export tabs appear only when theirs does)."""
    return importlib.util.find_spec(f"workbench.{name}") is not None


def build_app(manager: JobManager, runs_dir: str | Path = "runs", uploads_dir: str | Path | None = None,
              data_dirs: list[str | Path] = (), demo_settings=None, settings=None) -> gr.Blocks:
    """Build the whole app around `manager` (the JobManager that queues and runs this app's trainings; app.py
    makes one, a test its own; there is no process-wide one). `uploads_dir` (default <runs_dir>/.uploads)
    receives uploaded files; `data_dirs` are extra server folders whose files may be used as data (besides uploads
    and the built-in sets); `demo_settings` (a workbench.demo.DemoSettings) sets the Demo stories' models and
    budgets; `settings`: the host's HostSettings (shared mode, quotas; workbench.host) - default single-user."""
    runs_dir = Path(runs_dir).resolve()
    uploads = Path(uploads_dir).resolve() if uploads_dir else runs_dir / ".uploads"
    roots = allowed_roots(uploads, list(data_dirs) + host_page.upload_roots(runs_dir, settings))
    tr = i18n.Translator("en")
    form = Form(runs_dir, tr, check_path=lambda source, field: check_source(source, roots, field),
                initial=initial_config(runs_dir))
    cache = None
    if has_module("evaluate"):   # loaded models kept between comparisons: one cache per app, not per module
        cache = ModelCache()
    ctx = AppContext(runs_dir, uploads, roots, form, tr, cache, manager)
    ctx.host = host_page.service(ctx, settings, data_dirs)

    # The order is explicit: a tab that needs another's components takes that tab's dataclass as an argument.
    runner = _demo_runner(manager, runs_dir, demo_settings, cache)
    with gr.Blocks(title="Workbench", analytics_enabled=False) as demo:
        session = gr.State(new_session())
        header = host_page.build_header(ctx)
        with gr.Row(elem_classes="wb-header", equal_height=True):
            tr.make(gr.HTML, text=lambda lang: f'<div class="wb-title"><b>Workbench</b>'
                    f'<span>{i18n.t("app.subtitle", lang)}</span></div>')
            lang = gr.Radio([label for label in i18n.LANGS], value="en", show_label=False, container=False,
                            scale=0, min_width=220, elem_id="lang")
        ready = gr.HTML("", elem_id="wb-ready", elem_classes="wb-slot")   # set when the page loaded
        with gr.Tabs(selected="demo", elem_id="tabs") as tabs:
            with tr.make(gr.Tab, label="tab.demo", id="demo", elem_id="tab-demo"):   # the first thing a visitor sees
                demo_page = demo_tab.build(ctx, session, runner)
            with tr.make(gr.Tab, label="tab.model", id="model", elem_id="tab-model"):
                model = model_tab.build(ctx, session)
            with tr.make(gr.Tab, label="tab.data", id="data", elem_id="tab-data") as data_page:
                data = data_tab.build(ctx)
            with tr.make(gr.Tab, label="tab.strategy", id="strategy", elem_id="tab-strategy"):
                strategy = strategy_tab.build(ctx)
            with tr.make(gr.Tab, label="tab.train", id="train", elem_id="tab-train") as train_page:
                train = train_tab.build(ctx, session)
            with tr.make(gr.Tab, label="tab.runs", id="runs", elem_id="tab-runs") as runs_page:
                runs = runs_tab.build(ctx, session, tabs, train.timer)
            evaluate = export = None
            if has_module("evaluate"):
                with tr.make(gr.Tab, label="tab.evaluate", id="evaluate", elem_id="tab-evaluate"):
                    evaluate = evaluate_tab.build(ctx, session)
            if has_module("export"):
                with tr.make(gr.Tab, label="tab.export", id="export", elem_id="tab-export"):
                    export = export_tab.build(ctx, session)
            with tr.make(gr.Tab, label="tab.study", id="study", elem_id="tab-study"):
                study = study_tab.build(ctx, session)
            admin = host_page.build_admin_tab(ctx, session)
        page = Page(session, lang, ready, tabs, header, demo_page, model, data, strategy, train, runs, evaluate, export,
                    study, admin, data_page, train_page, runs_page)
        # events that read or write the whole form, now that every tab has added its fields
        data_tab.wire(ctx, data, session)
        slots = {"model": model.msg, **data.msgs, "strategy": strategy.msg, "train": train.msg}
        train_tab.wire(ctx, train, session, slots, model, data)
        _wire_page(demo, ctx, page, runner)
        host_page.add_api(ctx)
    host_page.hide_other_endpoints(demo)
    demo.workbench = ctx    # the app's form, translator, JobManager and host, for tests (read-only use)
    demo.workbench_page = page   # its components, tab by tab (a Blocks has its own `page`)
    return demo


@dataclass(frozen=True)
class Page:
    """The whole page: the per-page session, the header, each tab's components (None for a tab the app does not
    have) and the tab pages whose opening refreshes them."""
    session: gr.State
    lang: gr.Radio
    ready: gr.HTML
    tabs: gr.Tabs
    header: host_page.HostHeader
    demo: demo_tab.DemoTab
    model: model_tab.ModelTab
    data: data_tab.DataTab
    strategy: strategy_tab.StrategyTab
    train: train_tab.TrainTab
    runs: runs_tab.RunsTab
    evaluate: evaluate_tab.EvaluateTab | None
    export: export_tab.ExportTab | None
    study: study_tab.StudyTab
    admin: host_page.AdminTab | None
    data_page: gr.Tab
    train_page: gr.Tab
    runs_page: gr.Tab


def _demo_runner(manager, runs_dir: Path, settings, cache):
    return DemoRunner(manager, runs_dir, settings, cache)


def _wire_page(demo, ctx: AppContext, page: Page, runner) -> None:
    """Page-level events: language switch, re-attaching on load, refreshing tabs when they are opened."""
    tr, form, session = ctx.tr, ctx.form, page.session
    describe = (bind(model_tab.describe, ctx), *page.model.describe_io(session))
    check = (bind(data_tab.run_check, ctx), *page.data.check_io(session, form))
    demo_poll = (bind(demo_tab.poll, ctx, runner), *page.demo.poll_io(session))
    switched = page.lang.change(bind(on_lang, tr), [page.lang, session], [session, *tr.components],
                                show_progress="hidden") \
        .then(*describe, show_progress="hidden") \
        .then(timer_for, session, page.train.timer, show_progress="hidden") \
        .then(*demo_poll, show_progress="hidden") \
        .then(*check, show_progress="hidden")   # the data check's message, translated
    if page.export is not None:   # the chosen export format's description
        switched.then(export_tab.show_about, *page.export.about_io(session), show_progress="hidden")

    browser = page.header.browser_id
    demo.load(bind(on_load, ctx), [session, browser], [session, page.train.timer, page.lang, browser],
              show_progress="hidden") \
        .then(bind(host_page.header_text, ctx), session, [page.header.who, page.header.limits],
              show_progress="hidden") \
        .then(*demo_poll, show_progress="hidden") \
        .then(*describe, show_progress="hidden") \
        .then(*check, show_progress="hidden") \
        .then(page_ready, None, page.ready, show_progress="hidden")
    page.train_page.select(bind(train_tab.show_config, ctx), *page.train.config_io(session, form),
                           show_progress="hidden")
    page.runs_page.select(bind(runs_tab.list_runs, ctx), *page.runs.list_io(session), show_progress="hidden")


# ---- page handlers (module-level: tests call them with the app's context) ----------------------------------------
def on_lang(tr: i18n.Translator, value, session_state):
    """A language switch: the session's language, and every registered component's text in it."""
    new = {**session_state, "lang": value, "drawn": -1}
    return [new, *tr.updates(value)]


def timer_for(session_state):
    """The Train tab's poll runs when the page watches a run."""
    return gr.Timer(active=bool(session_state.get("run_id")))


def on_load(ctx: AppContext, session_state, browser_id, request: gr.Request):
    """Attach to the job this process is running (a reloaded page or a second browser sees it); in shared mode,
    only to one of this user's own."""
    new = {**session_state, **host_page.identify(ctx, browser_id, request)}
    active = host_page.visible(ctx, new, ctx.manager.active())
    if active:
        new.update(run_id=active[0], drawn=-1)
    accept = (request.headers.get("accept-language", "") if request else "").lower()
    lang_value = "zh" if accept.startswith("zh") else new["lang"]
    return new, gr.Timer(active=bool(active)), lang_value, new.get("browser_id")


def page_ready():
    return '<span class="wb-ready" data-ready="1"></span>'
