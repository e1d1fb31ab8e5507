"""The Study tab without a browser: it starts a study from YAML through the engine, the chart and table fill in from
the study folder (in English and Chinese), Stop stops it, and data files outside the app's folders are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

gr = pytest.importorskip("gradio")

from workbench import study  # noqa: E402
from workbench.ui import build_app, i18n, study_tab  # noqa: E402
from workbench.run.jobs import JobManager
from workbench.run import loop as trainer

pytestmark = pytest.mark.usefixtures("one_thread")


def _yaml(tiny_bert_dir, tiny_cls_data, tiny_text, steps=3, seeds=(0,)):
    return yaml.safe_dump({
        "study": {"name": "ui", "seeds": list(seeds), "retention_source": tiny_text},
        "run": {"task": "classification", "model": {"name": tiny_bert_dir},
                "data": {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                "train": {"max_steps": steps, "batch_size": 8, "lr": 1e-3, "precision": "fp32"}},
        "grid": [{"strategy": "full"}, {"strategy": "head_only"}]})


@pytest.fixture
def app(tmp_path, tiny_cls_data, tiny_text):
    dirs = {str(Path(tiny_cls_data["train"]).parent), str(Path(tiny_text).parent)}
    return build_app(JobManager(trainer.run), tmp_path / "runs", data_dirs=sorted(dirs))


def test_presets_listed_and_loaded():
    names = study_tab.preset_names()
    assert {"study-sst2-minilm", "study-gpt-tiny", "study-bert-tiny"} <= set(names)
    assert "grid:" in study_tab.preset_text("study-bert-tiny")


def test_start_watch_and_read_a_study(app, tiny_bert_dir, tiny_cls_data, tiny_text):
    ctx = app.workbench
    session = {"lang": "en", "run_id": None, "drawn": -1}
    msg, pick, _ = study_tab.on_start(ctx, _yaml(tiny_bert_dir, tiny_cls_data, tiny_text), session)
    assert "started" in msg and "2 runs" in msg, msg
    study_id = pick["value"]
    folder = study.studies_dir(app.workbench.runs_dir) / study_id
    assert study.wait(folder, timeout=600) == "completed"
    head, fig, frame, claim_md, timer = study_tab.refresh(ctx, study_id, session)
    assert "completed" in head and "2 of 2 runs done" in head
    names = {t.name for t in fig.data}
    assert {"full", "head_only", "base"} <= names
    assert list(frame.iloc[:, 0]) == ["base", "full", "head_only"]
    assert "Kept retention ≥ 0.95" in claim_md and timer.active is False
    zh = study_tab.refresh(ctx, study_id, {**session, "lang": "zh"})
    assert "已完成 2 / 2 个运行" in zh[0] and list(zh[2].columns)[0] == i18n.t("study.col.config", "zh")


def test_stop_button_and_bad_input(app, tiny_bert_dir, tiny_cls_data, tiny_text, tmp_path):
    ctx = app.workbench
    session = {"lang": "en", "run_id": None, "drawn": -1}
    msg, _, _ = study_tab.on_start(ctx, "grid: [", session)
    assert "not valid YAML" in msg
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("text,label\na,1\nb,0\n")
    bad = _yaml(tiny_bert_dir, tiny_cls_data, tiny_text).replace(tiny_cls_data["train"], str(outside))
    msg, _, _ = study_tab.on_start(ctx, bad, session)
    assert "run.data.train" in msg and "reads data files only from" in msg
    assert "Choose a study first" in study_tab.on_stop(ctx, None, session)
    msg, pick, _ = study_tab.on_start(ctx, _yaml(tiny_bert_dir, tiny_cls_data, tiny_text, steps=300, seeds=(0, 1)),
                                      session)
    folder = study.studies_dir(app.workbench.runs_dir) / pick["value"]
    assert "Stopping" in study_tab.on_stop(ctx, pick["value"], session)
    assert study.wait(folder, timeout=300) == "stopped"
