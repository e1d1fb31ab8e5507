"""The web app without a browser: it builds without launching; the form maps to a RunConfig and back for every
task and strategy knob; every UI string exists in English and Chinese; uploads stay in the
app's folder; the Start / poll handlers drive a real (tiny) run through the JobManager."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

gr = pytest.importorskip("gradio")

from workbench import options as opt  # noqa: E402
from workbench.config import RunConfig  # noqa: E402
from workbench.errors import ConfigError, DataError, ModelError  # noqa: E402
from workbench.run import loop as trainer  # noqa: E402
from workbench.run.jobs import JobManager  # noqa: E402
from workbench.strategies import STRATEGIES, applicable_tasks  # noqa: E402
from workbench.tasks import TASKS  # noqa: E402
from workbench.ui import build_app, common, i18n, runs_tab, train_tab, uploads  # noqa: E402
from workbench.ui.form import SECTION_CLASSES  # noqa: E402

UI = Path(__file__).resolve().parents[1] / "workbench" / "ui"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    runs = tmp_path_factory.mktemp("ui") / "runs"
    return build_app(JobManager(trainer.run), runs)


@pytest.fixture(scope="module")
def form(app):
    return app.workbench.form


# ---- the app ----------------------------------------------------------------------------------------------------
def test_app_builds_without_launching(app):
    ctx = app.workbench
    assert isinstance(app, gr.Blocks) and not getattr(app, "is_running", False)
    tab_labels = [c.label for c in app.blocks.values() if isinstance(c, gr.Tab)]
    expected = ["★ Demo", "1 · Model", "2 · Data", "3 · Strategy", "4 · Train", "5 · Runs"]
    assert tab_labels[:6] == expected
    if (UI.parent / "evaluate").is_dir():
        assert "6 · Evaluate" in tab_labels
    assert ("7 · Export" in tab_labels) == (UI.parent / "export").is_dir()
    assert ctx.uploads_dir == ctx.runs_dir / ".uploads"
    # every knob of every section, task and strategy has a widget
    paths = set(ctx.form.paths())
    for section, cls in SECTION_CLASSES.items():
        for info in opt.describe(cls):
            if (section, info.name) != ("output", "runs_dir"):
                assert f"{section}.{info.name}" in paths
    for name, cls in STRATEGIES.items():
        for info in opt.describe(cls.Options):
            assert f"strategy.{name}.{info.name}" in paths
    for name, cls in TASKS.items():
        for info in opt.describe(cls.Options):
            assert f"task:{name}.{info.name}" in paths


def test_no_module_level_gradio_state():
    """Gradio state shared by every user would leak between pages: the ui modules create none at import."""
    import importlib
    for file in UI.glob("*.py"):
        mod = importlib.import_module(f"workbench.ui.{file.stem}" if file.stem != "__init__" else "workbench.ui")
        for name, value in vars(mod).items():
            assert not isinstance(value, (gr.components.Component, gr.blocks.BlockContext)), f"{file.name}: {name}"


# ---- form <-> RunConfig ---------------------------------------------------------------------------------------
def test_form_round_trip_default_and_preset(form, tmp_path):
    runs = form.runs_dir
    for cfg in (form.initial, RunConfig.from_dict({"output": {"runs_dir": runs}})):
        back = form.to_config(form.values(cfg))
        assert back.to_dict() == cfg.to_dict()
    assert form.initial.data.max_length == 64 and form.initial.model.name == "minilm"   # the default preset


def test_form_round_trip_sections_with_changed_values(form, tmp_path):
    cfg = RunConfig.from_dict({
        "model": {"name": "bert-tiny", "vocab_size": 1000, "tokenizer": "char"},
        "data": {"train": "builtin:sentiment", "max_length": 32, "max_train_samples": 50, "validation_split": 0.2,
                 "text_pair_column": "other"},
        "train": {"max_steps": 7, "lr": 3e-4, "batch_size": 4, "scheduler": "cosine", "eval_batch_size": 9,
                  "group_by_length": True, "seed": 3},
        "output": {"runs_dir": form.runs_dir, "run_name": "probe", "save_model": False}})
    values = form.values(cfg)
    assert form.to_config(values).to_dict() == cfg.to_dict()
    assert_round_trip(form, cfg)


def _changed_value(info):
    """A valid value different from the default, for a round trip."""
    d = info.default
    if info.choices:
        others = [c for c in info.choices if c != d]
        return ([others[0]] if info.kind == "list" else others[0]) if others else d
    if info.kind == "bool":
        return not d
    if info.kind in ("int", "float"):
        base = d if d is not None else (info.min if info.min is not None else 1)
        new = base + 1 if info.kind == "int" else (base * 0.5 if base else 0.25)
        if info.max is not None and new > info.max:
            new = info.min if info.min is not None else base
        if info.min is not None and new < info.min:
            new = info.min
        return new
    if info.kind == "list":
        return list(d or []) + ["x"]
    if info.kind == "dict":
        return {"k": 1}
    return d


def _unvalidated(runs, task="classification", task_knobs=None, strategies=()):
    """A RunConfig built without the cross-field checks (a distill teacher must be a trained run...), so every
    knob can be probed; ranges and types are still checked by options.from_dict."""
    from workbench.config import OutputConfig, Spec
    tcls = TASKS.get(task)
    return RunConfig(task=Spec(task, opt.from_dict(tcls.Options, task_knobs or {})),
                     strategy=[Spec(n, opt.from_dict(STRATEGIES.get(n).Options, k)) for n, k in strategies],
                     output=OutputConfig(runs_dir=runs))


def assert_round_trip(form, cfg):
    """config -> widget values -> config: every section, the task and each strategy with all their knobs."""
    d = form.to_dict(form.values(cfg))
    task = dict(d["task"])
    assert task.pop("name") == cfg.task.name
    assert opt.from_dict(TASKS.get(cfg.task.name).Options, task) == cfg.task.options
    assert [s["name"] for s in d["strategy"]] == cfg.strategy_names()
    for plain, spec in zip(d["strategy"], cfg.strategy):
        knobs = {k: v for k, v in plain.items() if k != "name"}
        assert opt.from_dict(STRATEGIES.get(spec.name).Options, knobs) == spec.options
    for section, cls in SECTION_CLASSES.items():
        assert opt.from_dict(cls, d[section]) == getattr(cfg, section)


@pytest.mark.parametrize("name", STRATEGIES.names())
def test_form_round_trip_every_strategy(form, name):
    """Each strategy's knobs (generated from its Options) go config -> widgets -> config unchanged, with values
    other than the defaults; a config that passes validation also comes back through to_config."""
    cls = STRATEGIES.get(name)
    infos = opt.describe(cls.Options)
    task = applicable_tasks(cls)[0]
    for knobs in ({i.name: _changed_value(i) for i in infos}, {}):
        cfg = _unvalidated(form.runs_dir, task, strategies=[(name, knobs)])
        assert_round_trip(form, cfg)
        try:
            cfg.validate()
        except ConfigError:
            continue   # e.g. distill's default teacher needs a trained run: the mapping is still checked above
        assert form.to_config(form.values(cfg)).to_dict() == cfg.to_dict()
    paths = form.paths()
    assert all(f"strategy.{name}.{i.name}" in paths for i in infos)


@pytest.mark.parametrize("name", TASKS.names())
def test_form_round_trip_every_task(form, name):
    infos = opt.describe(TASKS.get(name).Options)
    try:
        cfg = _unvalidated(form.runs_dir, name, {i.name: _changed_value(i) for i in infos}, [("full", {})])
    except ConfigError:   # probe values the options' own checks refuse (multitask's sub-task list)
        cfg = _unvalidated(form.runs_dir, name, {}, [("full", {})])
    assert_round_trip(form, cfg)


def test_widget_values_of_every_kind():
    from workbench.ui.form import from_widget, to_widget
    info = opt.FieldInfo
    tasks = info("tasks", "list", [], "", "tasks", False)
    specs = [{"name": "classification", "weight": 0.5}, {"name": "qa", "data": {"train": "builtin:qa"}}]
    assert from_widget(tasks, to_widget(tasks, specs), "task.tasks") == specs
    names = info("targets", "list", ["query"], "", "targets", False)
    assert to_widget(names, ["query", "value"]) == "query, value"
    assert opt.coerce(from_widget(names, "query, value", "x"), list[str], "x") == ["query", "value"]
    mapping = info("extra", "dict", {}, "", "extra", False)
    assert from_widget(mapping, to_widget(mapping, {"a": 1}), "x") == {"a": 1}
    optional = info("n", "int", None, "", "n", True)
    assert to_widget(optional, None) == "" and from_widget(optional, " ", "x") is None
    assert from_widget(optional, "12", "x") == "12" and opt.coerce("12", int | None, "x") == 12


def test_several_strategies_keep_their_order_and_knobs(form):
    cfg = RunConfig.from_dict({"strategy": [{"name": "freeze", "k": 1}, {"name": "full"}][:1] +
                               ([{"name": "l2sp"}] if "l2sp" in STRATEGIES.names() else []),
                               "output": {"runs_dir": form.runs_dir}})
    back = form.to_config(form.values(cfg))
    assert back.strategy_names() == cfg.strategy_names()
    assert back.strategy[0].options.k == 1


def test_form_errors_name_the_field(form):
    values = form.values(form.initial)
    paths = [e.path for e in form.entries for _ in e.components]
    bad = list(values)
    bad[paths.index("train.batch_size")] = None          # a cleared number box
    with pytest.raises(ConfigError) as e:
        form.to_config(bad)
    assert e.value.field == "train.batch_size" and common.slot_of(e.value) == "train"
    bad = list(values)
    bad[paths.index("data.max_train_samples")] = "many"    # an optional number typed as text
    with pytest.raises(ConfigError) as e:
        form.to_config(bad)
    assert e.value.field == "data.max_train_samples" and common.slot_of(e.value) == "data"
    cfg = RunConfig.from_dict({"strategy": [{"name": "freeze"}], "output": {"runs_dir": form.runs_dir}})
    bad = form.values(cfg)
    bad[paths.index("strategy.freeze.k")] = 0
    with pytest.raises(ConfigError) as e:
        form.to_config(bad)
    assert common.slot_of(e.value) == "strategy"
    assert e.value.field == "strategy.freeze.k" and e.value.field in paths   # one address: form, engine, message


def test_error_slots():
    assert common.slot_of(ConfigError("data.label_column", "x")) == "data.columns"
    assert common.slot_of(DataError("column 'y' not found in the train data; Set data.label_column to one")) \
        == "data.columns"
    assert common.slot_of(DataError("the training data has only one class")) == "data.train"
    assert common.slot_of(ModelError("cannot load")) == "model"
    assert common.slot_of(ConfigError("strategy[0]", "x")) == "strategy"
    assert common.slot_of(ConfigError("model.vocab_size", "x")) == "model"


# ---- uploads ----------------------------------------------------------------------------------------------------
def test_uploads_are_copied_and_paths_confined(tmp_path, tiny_cls_data):
    up = tmp_path / "uploads"
    stored = uploads.store_upload(tiny_cls_data["train"], up)
    assert stored.parent == up.resolve() and stored.read_bytes() == Path(tiny_cls_data["train"]).read_bytes()
    assert uploads.store_upload(tiny_cls_data["train"], up) == stored          # same content, same file
    roots = uploads.allowed_roots(up)
    uploads.check_source(str(stored), roots)
    uploads.check_source("builtin:sentiment", roots)
    uploads.check_source("imdb", roots)                                     # a hub id
    for outside in (tiny_cls_data["train"], "/etc/passwd", str(up / ".." / "x.csv")):
        with pytest.raises(ConfigError) as e:
            uploads.check_source(outside, roots, "data.test")
        assert e.value.field == "data.test" and "upload" in str(e.value)
    bad = tmp_path / "evil.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(DataError):
        uploads.store_upload(str(bad), up)


def test_form_refuses_a_data_file_outside_the_app(form, tiny_cls_data):
    cfg = RunConfig.from_dict({"data": {"train": tiny_cls_data["train"]}, "output": {"runs_dir": form.runs_dir}})
    with pytest.raises(ConfigError) as e:
        form.to_config(form.values(cfg))
    assert e.value.field == "data.train"


def test_every_string_in_both_languages():
    for key, entry in i18n.STRINGS.items():
        assert entry.get("en", "").strip() and entry.get("zh", "").strip(), key
        fields = [set(re.findall(r"{(\w+)}", entry[lang])) for lang in ("en", "zh")]
        assert fields[0] == fields[1], f"{key}: placeholders differ"


def test_every_used_key_exists():
    used = set()
    for file in UI.glob("*.py"):
        text = file.read_text()
        used |= set(re.findall(r"""(?:\bt|label|text|info|placeholder)\s*[=(]\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", text))
    assert len(used) > 100
    missing = sorted(k for k in used if k not in i18n.STRINGS)
    assert not missing, missing


def test_config_knobs_have_chinese_labels():
    skip = {"model.name", "data.train", "data.validation", "data.test", "output.runs_dir"}
    for section, cls in SECTION_CLASSES.items():
        for info in opt.describe(cls):
            path = f"{section}.{info.name}"
            if path not in skip:
                assert path in i18n.KNOBS, f"{path} has no Chinese label in workbench/ui/i18n.py KNOBS"
                assert i18n.knob_text(path, info, "zh")[0] == i18n.KNOBS[path][0]


def test_language_switch_updates_every_registered_component(app):
    tr = app.workbench.tr
    zh, en = tr.updates("zh"), tr.updates("en")
    assert len(zh) == len(en) == len(tr.components)
    labels = {u.get("label") for u in zh}
    assert "1 · 模型" in labels and "学习率" in labels
    assert any(u.get("value") == "开始训练" for u in zh)


# ---- handlers driving a real run ----------------------------------------------------------------------------------
def test_log_lines_hide_debug_tracebacks():
    text = ("10:00:00 info: started\n10:00:01 debug: Traceback (most recent call last):\n  File x\nValueError: y\n"
            "10:00:02 info: finished: failed (bad)\n")
    assert train_tab.log_lines(text) == "10:00:00 info: started\n10:00:02 info: finished: failed (bad)"


def test_start_and_poll_a_tiny_run(tmp_path, tiny_bert_dir, tiny_cls_data):
    """Start builds the RunConfig from the form and submits it; polling shows the run to its end."""
    runs = tmp_path / "runs"
    app = build_app(JobManager(trainer.run), runs, data_dirs=[Path(tiny_cls_data["train"]).parent])
    ctx = app.workbench
    cfg = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": {"train": tiny_cls_data["train"],
                               "test": tiny_cls_data["test"]}, "train": {"max_steps": 4, "batch_size": 8,
                               "precision": "fp32"}, "output": {"runs_dir": str(runs)}})
    session = common.new_session()
    out = train_tab.on_start(ctx, session, *ctx.form.values(cfg))
    session = out[0]
    run_id = session["run_id"]
    assert run_id and "max_steps: 4" in out[2]
    assert ctx.manager.wait(run_id, timeout=120) == "completed"
    result = train_tab.poll(ctx, session)
    view, status, progress, loss = result[0], result[2], result[3], result[4]
    assert "completed" in status and "step 4 / 4" in progress
    assert len(loss.data[0].x) == 4 and view["run"] == run_id and view["drawn"] > 0
    assert "accuracy" in result[7]                                       # final metrics shown
    # a model that does not exist: a message next to the model field and on the Train tab, no run started
    bad = RunConfig.from_dict({"model": {"name": str(tmp_path / "no-such-model")}, "output": {"runs_dir": str(runs)}})
    before = set(ctx.manager.active())
    out = train_tab.on_start(ctx, common.new_session(), *ctx.form.values(bad))
    assert out[0]["run_id"] is None and set(ctx.manager.active()) == before
    assert sum("no-such-model" in str(v) for v in out[5:]) == 2 and not any("Traceback" in str(v) for v in out)
    # a run that fails in the engine (a column the data lacks): the page shows the run's error
    bad = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": {"train": tiny_cls_data["train"],
                               "label_column": "nope"}, "output": {"runs_dir": str(runs)}})
    session = train_tab.on_start(ctx, common.new_session(), *ctx.form.values(bad))[0]
    assert ctx.manager.wait(session["run_id"], timeout=60) == "failed"
    result = train_tab.poll(ctx, session)
    assert "failed" in result[2] and "nope" in result[7] and "Traceback" not in result[7] + result[8]


def test_status_shows_the_queue_position():
    snap = {"queue_position": 2, "stopping": None}
    assert "position 2 in the queue" in train_tab.status_html("r1", "queued", snap, None, "en")
    assert "队列中第 2 位" in train_tab.status_html("r1", "queued", snap, None, "zh")
    assert "stopping and saving" in train_tab.status_html("r1", "running", {"queue_position": 0,
                                                                             "stopping": "save"}, None, "en")


def test_load_yaml_fills_the_form(tmp_path, form):
    from workbench.ui import build_app
    app = build_app(JobManager(trainer.run), tmp_path / "runs")
    ctx = app.workbench
    path = tmp_path / "run.yaml"
    path.write_text("strategy: [{name: freeze, k: 1}]\ntrain: {lr: 0.001, max_steps: 9}\n")
    values = train_tab.on_load_file(ctx, str(path), common.new_session())[:len(ctx.form.inputs)]
    cfg = ctx.form.to_config(values)
    assert cfg.strategy_names() == ["freeze"] and cfg.strategy[0].options.k == 1
    assert cfg.train.lr == 0.001 and cfg.train.max_steps == 9
    path.write_text("train: {lr: [oops\n")
    out = train_tab.on_load_file(ctx, str(path), common.new_session())
    assert any("not valid YAML" in str(v) for v in out)


def test_runs_history_diff_and_continue(tmp_path, make_cfg, train, tiny_bert_dir, tiny_cls_data):
    """Runs listed from the registry, their configs diffed, and a finished run continued for more epochs."""
    data = {"train": tiny_cls_data["train"]}
    a, _ = train(make_cfg(model={"name": tiny_bert_dir}, data=data, train={"max_steps": None, "epochs": 1}))
    b, _ = train(make_cfg(model={"name": tiny_bert_dir}, data=data, train={"max_steps": 3, "lr": 5e-4}))
    runs = a.root.parent
    app = build_app(JobManager(trainer.run), runs)
    ctx = app.workbench
    frame, choices = runs_tab.list_runs(ctx, "", "", common.new_session(), [])
    assert list(frame.iloc[:, 0]) == [b.run_id, a.run_id] and "completed" in list(frame.iloc[:, 1])
    assert choices["choices"] == [b.run_id, a.run_id]
    diff = runs_tab.config_diff({r: runs_tab.read_config(runs, r) for r in (a.run_id, b.run_id)})
    fields = list(diff["field"])
    assert "train.max_steps" in fields and "train.lr" in fields and "model.name" not in fields
    metric, overlay, _, details, epochs = runs_tab.on_selected(ctx, [a.run_id, b.run_id], "loss", "epoch",
                                                                common.new_session())
    assert len(overlay.data) == 2 and "completed" in details
    _, _, _, _, epochs = runs_tab.on_selected(ctx, [a.run_id], "loss", "step", common.new_session())
    assert epochs["value"] == 2                                            # one more than the run did
    session, *_ = runs_tab.on_resume(ctx, True, [a.run_id], 2, common.new_session())
    assert session["run_id"] == a.run_id
    assert ctx.manager.wait(a.run_id, timeout=120) == "completed"
    summary = json.loads((a.root / "summary.json").read_text())
    assert summary["metrics"]["epochs"] == pytest.approx(2.0)
    _, msg = runs_tab.do_delete(ctx, [b.run_id], common.new_session())
    assert "Deleted 1" in msg and not b.root.exists()
