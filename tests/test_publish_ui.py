"""The Export tab's Publish section: its widgets exist in both languages, it lists the run and its exports, and its
handler pushes with the field's token or, when the field is empty, the signed-in user's OAuth token (HfApi
recorded, never called); without any token the message is shown in the page."""

from __future__ import annotations

import pytest

gr = pytest.importorskip("gradio")

from _eval_helpers import train_run  # noqa: E402
from workbench.ui import build_app, i18n, publish_section  # noqa: E402
from workbench.run.jobs import JobManager
from workbench.run import loop as trainer

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def app_and_run(tmp_path_factory, tiny_cls_data, tiny_bert_dir):
    runs = tmp_path_factory.mktemp("publish_ui") / "runs"
    run = train_run(runs, tiny_bert_dir, {"train": tiny_cls_data["train"]}, max_steps=1)
    return build_app(JobManager(trainer.run), runs), run


def _by_id(app, elem_id):
    return next(c for c in app.blocks.values() if getattr(c, "elem_id", None) == elem_id)


def test_section_widgets_and_targets(app_and_run):
    from pathlib import Path
    app, run = app_and_run
    for elem_id in ("publish", "publish-what", "publish-repo", "publish-private", "publish-token", "publish-go"):
        assert _by_id(app, elem_id) is not None
    assert _by_id(app, "publish-token").type == "password"
    run_id = Path(run).name
    exports = Path(run) / "exports" / "gguf-f16"
    exports.mkdir(parents=True)
    (exports / "report.json").write_text("{}")
    assert publish_section.targets(app.workbench.runs_dir, run_id, "zh") == [
        ("运行的模型", "run"), ("exports/gguf-f16", "exports/gguf-f16")]
    for key in ("publish.title", "publish.repo", "publish.token", "publish.go", "publish.done"):
        assert i18n.t(key, "zh") != i18n.t(key, "en")


def test_handler_uses_field_then_oauth_token(app_and_run, monkeypatch):
    from pathlib import Path

    import huggingface_hub
    from huggingface_hub import constants
    app, run = app_and_run
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    calls = []
    monkeypatch.setattr(huggingface_hub.HfApi, "create_repo",
                        lambda self, repo_id, **kw: calls.append((self.token, repo_id, kw["private"])) or
                        f"https://huggingface.co/{repo_id}")
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", lambda self, **kw: None)
    ctx = app.workbench
    run_id, zh = Path(run).name, {"lang": "zh"}
    html = publish_section.on_publish(ctx, run_id, "run", "alice/m", True, "hf_field", "", zh, None, progress=lambda *a, **k: None)
    assert "已发布" in html and "https://huggingface.co/alice/m" in html

    class Signed:                                   # what gradio passes for a signed-in user on a Space
        token = "hf_oauth"
    publish_section.on_publish(ctx, run_id, "run", "alice/m", False, "", "", zh, Signed(),
                               progress=lambda *a, **k: None)
    assert calls == [("hf_field", "alice/m", True), ("hf_oauth", "alice/m", False)]
    html = publish_section.on_publish(ctx, run_id, "run", "alice/m", False, "", "", {"lang": "en"}, None,
                                      progress=lambda *a, **k: None)
    assert "no Hugging Face token" in html and len(calls) == 2


def test_report_to_in_the_train_form(app_and_run):
    """train.report_to, declared once in config.py, is a multi-select among the Train tab's advanced settings and
    round-trips through the form."""
    from workbench.config import RunConfig
    app, _ = app_and_run
    form = app.workbench.form
    assert "train.report_to" in form.paths()
    widget = next(e for e in form.entries if e.path == "train.report_to").components[0]
    assert isinstance(widget, gr.Dropdown) and widget.multiselect
    assert [c[1] if isinstance(c, tuple) else c for c in widget.choices] == ["tensorboard", "trackio"]
    cfg = RunConfig.from_dict({"train": {"report_to": ["trackio"]}, "output": {"runs_dir": form.runs_dir}})
    assert form.to_config(form.values(cfg)).train.report_to == ["trackio"]
