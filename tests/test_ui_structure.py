"""How the page is put together: each tab's build() returns a frozen dataclass of its components, the tabs that need
another tab's components get them as arguments (the Runs tab's Watch drives the Train tab's timer and the page's
tabs), and every page handler is a module-level function (bound for Gradio by common.bind, which keeps the
parameters Gradio fills in itself), so tests call the handlers by name."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

gr = pytest.importorskip("gradio")

from gradio import utils as gr_utils  # noqa: E402

from workbench.host.settings import HostSettings  # noqa: E402
from workbench.run import loop as trainer  # noqa: E402
from workbench.run.jobs import JobManager  # noqa: E402
from workbench.ui import Page, build_app, common, host_api, publish_section, runs_tab, train_tab  # noqa: E402
from workbench.ui import on_load  # noqa: E402


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    return build_app(JobManager(trainer.run), tmp_path_factory.mktemp("structure") / "runs",
                     settings=HostSettings(shared=True, admins=["root"]))


def _handlers(app):
    """(event, the module-level function it calls) for every page event (the public API endpoints aside)."""
    return [(f, inspect.unwrap(f.fn)) for f in app.fns.values() if f.api_name not in host_api.ENDPOINTS]


def test_the_context_holds_no_components(shared_app):
    ctx = shared_app.workbench
    assert not hasattr(ctx, "parts") and not hasattr(ctx, "later")
    for field in dataclasses.fields(ctx):
        assert not isinstance(getattr(ctx, field.name), gr.blocks.Block), field.name


def test_tabs_are_frozen_dataclasses_of_components(shared_app):
    page = shared_app.workbench_page
    assert isinstance(page, Page)
    tabs = [getattr(page, f.name) for f in dataclasses.fields(page) if dataclasses.is_dataclass(getattr(page, f.name))]
    names = {type(t).__name__ for t in tabs}
    assert {"HostHeader", "DemoTab", "ModelTab", "DataTab", "StrategyTab", "TrainTab", "RunsTab", "EvaluateTab",
            "ExportTab", "StudyTab", "AdminTab"} <= names
    for tab in tabs:
        assert type(tab).__dataclass_params__.frozen, type(tab).__name__
        for field in dataclasses.fields(tab):
            value = getattr(tab, field.name)
            parts = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
            for part in parts:
                part = part[0] if isinstance(part, tuple) else part            # DataTab.task_groups: (group, has)
                assert isinstance(part, gr.blocks.Block) or dataclasses.is_dataclass(part), \
                    f"{type(tab).__name__}.{field.name}"
    assert page.export.publish.go is not None and page.data.train.upload is not None   # nested dataclasses


def test_every_page_handler_is_a_module_level_function(shared_app):
    handlers = _handlers(shared_app)
    assert len(handlers) > 80
    for event, fn in handlers:
        assert "<locals>" not in fn.__qualname__ and fn.__name__ != "<lambda>", fn.__qualname__
        assert getattr(importlib.import_module(fn.__module__), fn.__name__) is fn, fn.__qualname__


def test_runs_tab_drives_the_train_tabs_timer_and_the_page_tabs(shared_app):
    """The Runs tab was given the Train tab's timer and the Tabs: Watch and Resume switch to a running poll."""
    page = shared_app.workbench_page
    calls = {fn: event for event, fn in _handlers(shared_app)}
    for handler in (runs_tab.on_watch, runs_tab.on_resume):
        outputs = calls[handler].outputs
        assert page.train.timer in outputs and page.tabs in outputs and page.session in outputs
    start = calls[train_tab.on_start]
    for slot in (page.model.msg, page.data.msgs["data.columns"], page.strategy.msg, page.train.msg):
        assert slot in start.outputs                            # an error lands next to its field on any tab
    assert len(start.outputs) == 5 + len(common.SLOTS)


def test_bind_keeps_what_gradio_fills_in(shared_app):
    """The bound listener hides the bound arguments and keeps the annotations Gradio reads to pass the request,
    the signed-in user's token and the progress bar."""
    ctx = shared_app.workbench
    publish = common.bind(publish_section.on_publish, ctx)
    params = list(inspect.signature(publish).parameters)
    assert params[0] == "run_id" and params[-2:] == ["oauth_token", "progress"]
    hints = gr_utils.get_type_hints(publish)
    assert gr_utils.is_special_typed_parameter("oauth_token", hints)
    load = common.bind(on_load, ctx)
    assert gr_utils.is_special_typed_parameter("request", gr_utils.get_type_hints(load))
    assert publish.__name__ == "on_publish" and load.__module__ == "workbench.ui"
    stop = common.bind(train_tab.on_stop, ctx, "cancel")
    assert list(inspect.signature(stop).parameters) == ["session_state"]
    assert "No run is shown" in stop(common.new_session())[0]       # calls through, the bound arguments first
