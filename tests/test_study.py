"""Studies end to end on tiny models: a 2-strategy x 2-seed grid through the JobManager, the files it writes
(results.csv / summary.csv / results.json / chart.html / chart.png), the Pareto front and the claim checked by
hand, stopping mid-study, the CLI, bad study files, the presets, and rehearsal's label in the table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from workbench.run import loop as trainer
from workbench.run.jobs import JobManager
from workbench import study
from workbench.errors import ConfigError
from workbench.study import results as res

pytestmark = pytest.mark.usefixtures("one_thread")
REPO = Path(__file__).resolve().parents[1]


def _spec(tiny_bert_dir, tiny_cls_data, tiny_text, grid, seeds=(0, 1), steps=4, **study_opts):
    return {"study": {"name": "tiny", "seeds": list(seeds), "retention_source": tiny_text, **study_opts},
            "run": {"task": "classification", "model": {"name": tiny_bert_dir},
                    "data": {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                    "train": {"max_steps": steps, "batch_size": 8, "lr": 1e-3, "precision": "fp32"}},
            "grid": grid}


# ---- pure parts ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def manager():
    """This test's own JobManager (there is no process-wide one)."""
    return JobManager(trainer.run)


def test_pareto_by_hand():
    # (task, retention): a (0.9, 0.5) best task; b (0.8, 0.9); c (0.7, 0.8) dominated by b; d (0.6, 1.0) best
    # retention; e (0.8, 0.9) ties b: both on the front
    pts = [(0.9, 0.5), (0.8, 0.9), (0.7, 0.8), (0.6, 1.0), (0.8, 0.9)]
    assert res.pareto(pts) == [True, True, False, True, True]
    # lower task metric is better (a loss): (0.6, 1.0) now dominates everything with retention <= 1.0
    assert res.pareto(pts, greater_is_better=False) == [False, False, False, True, False]


def test_aggregate_and_claim_by_hand():
    recs = [{"config": "full", "strategy": "full", "task_score": 0.90, "retention": 0.80, "task_metric": "acc"},
            {"config": "full", "strategy": "full", "task_score": 0.92, "retention": 0.84, "task_metric": "acc"},
            {"config": "l2sp", "strategy": "l2sp", "task_score": 0.905, "retention": 0.97, "task_metric": "acc"},
            {"config": "l2sp", "strategy": "l2sp", "task_score": 0.905, "retention": 0.95, "task_metric": "acc"},
            {"config": "head_only", "strategy": "head_only", "task_score": 0.70, "retention": 1.0,
             "task_metric": "acc"},
            {"config": "x", "strategy": "x", "task_score": None, "retention": None, "task_metric": "acc"}]
    opts = study.StudyOptions(min_retention=0.95, max_task_drop=0.01)
    configs, verdict = res.build(recs, opts, True)
    by = {c["config"]: c for c in configs}
    assert by["full"]["task_mean"] == pytest.approx(0.91) and by["full"]["n_seeds"] == 2
    assert by["full"]["task_std"] == pytest.approx(0.0141421, rel=1e-4)           # sample sd of 0.90, 0.92
    assert by["l2sp"]["retention_mean"] == pytest.approx(0.96) and by["x"]["n_seeds"] == 0
    assert [by[k]["pareto"] for k in ("full", "l2sp", "head_only", "x")] == [True, True, True, False]
    assert verdict["held"] == ["l2sp"] and verdict["did_not_hold"] == ["head_only"]    # 0.905 >= 0.91 - 0.01
    assert by["head_only"]["keeps_retention"] and not by["head_only"]["within_task_tolerance"]


def test_grid_expansion_and_labels(tiny_bert_dir, tiny_cls_data, tiny_text):
    s = study.from_dict(_spec(tiny_bert_dir, tiny_cls_data, tiny_text, [
        {"strategy": "full"},
        {"strategy": "l2sp", "vary": {"weight": [0.01, 0.1], "train.lr": [0.001]}, "seeds": [5]}]))
    rows = s.rows()
    assert [(r.config, r.seed) for r in rows] == [
        ("full", 0), ("full", 1), ("l2sp weight=0.01 train.lr=0.001", 5), ("l2sp weight=0.1 train.lr=0.001", 5)]
    cfg = s.run_config(rows[3], Path("/tmp/study-x"), "runs-here")
    assert cfg.strategy[0].options.weight == 0.1 and cfg.train.seed == 5 and cfg.train.lr == 0.001
    assert cfg.output.runs_dir == "runs-here" and cfg.train.max_steps == 4       # the same budget for every row


@pytest.mark.parametrize("bad, field", [
    ({"grid": []}, "grid"),
    ({"grid": [{"strategy": "nope"}]}, "grid (nope)"),
    ({"grid": [{"strategy": "l2sp", "vary": {"weight": [-1.0]}}]}, "grid (l2sp weight=-1.0)"),
    ({"grid": [{"strategy": "full", "seeds": "all"}]}, "grid[0].seeds"),
    ({"study": {"min_retention": "high"}}, "study.min_retention"),
    ({"extra": 1}, "extra")])
def test_bad_study_files_name_the_field(tiny_bert_dir, tiny_cls_data, tiny_text, bad, field):
    spec = {**_spec(tiny_bert_dir, tiny_cls_data, tiny_text, [{"strategy": "full"}]), **bad}
    with pytest.raises(ConfigError) as e:
        study.from_dict(spec)
    assert str(e.value).startswith(field), str(e.value)


@pytest.mark.parametrize("preset", sorted(p.name for p in (REPO / "assets" / "presets").glob("study-*.yaml")))
def test_study_presets_load(preset):
    s = study.load(REPO / "assets" / "presets" / preset)
    rows = s.rows()
    headline = {r.config for r in rows if len([x for x in rows if x.config == r.config]) >= 3}
    assert "full" in headline and len(headline) >= 3                 # >= 3 seeds for the headline rows
    assert any(r.strategy[0]["name"] == "rehearsal" for r in rows)


# ---- end to end ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished_study(tmp_path_factory, tiny_bert_dir, tiny_cls_data, tiny_text, manager):
    runs = tmp_path_factory.mktemp("study_runs")
    s = study.from_dict(_spec(tiny_bert_dir, tiny_cls_data, tiny_text,
                              [{"strategy": "full"}, {"strategy": "rehearsal", "vary": {"weight": [0.5]}}]))
    study_dir = study.start(s, runs, manager)
    assert study.wait(study_dir, timeout=600) == "completed", study.status(study_dir)
    return runs, study_dir


def test_study_end_to_end_files(finished_study):
    runs, study_dir = finished_study
    rows = list(csv.DictReader(open(study_dir / "results.csv")))
    assert list(rows[0]) == list(res.RUN_COLUMNS)
    assert [(r["config"], r["seed"]) for r in rows] == [
        ("base", ""), ("full", "0"), ("rehearsal weight=0.5", "0"), ("full", "1"), ("rehearsal weight=0.5", "1")]
    for r in rows:
        assert float(r["task_score"]) >= 0 and float(r["retention"]) > 0 and r["task_metric"] == "accuracy"
    assert len({r["retention_method"] for r in rows}) == 1              # every row measured the same way
    base = rows[0]
    assert float(base["retention"]) == pytest.approx(1.0)
    assert base["note"] == "the base model before fine-tuning (with a fresh, untrained task head: chance level)"
    # every run went through the JobManager into the registry (the Runs page), and is a real finished run
    from workbench.store import Registry
    ids = {r["id"] for r in Registry(runs).list()}
    assert {r["run_id"] for r in rows[1:]} <= ids and all(r["status"] == "completed" for r in rows[1:])
    out = json.loads((study_dir / "results.json").read_text())
    assert out["status"] == "completed" and out["rows_done"] == out["rows_total"] == 4
    summary = list(csv.DictReader(open(study_dir / "summary.csv")))
    assert list(summary[0]) == list(res.CONFIG_COLUMNS)
    by = {c["config"]: c for c in out["configs"]}
    assert by["full"]["n_seeds"] == 2 and by["rehearsal weight=0.5"]["n_seeds"] == 2
    full = [r for r in rows if r["config"] == "full"]
    assert by["full"]["task_mean"] == pytest.approx(sum(float(r["task_score"]) for r in full) / 2, abs=1e-5)
    flags = res.pareto([(c["task_mean"], c["retention_mean"]) for c in out["configs"]])
    assert [c["pareto"] for c in out["configs"]] == flags
    assert "rehearsal with the base's own pretrained head" in by["rehearsal weight=0.5"]["note"]
    assert out["claim"]["reference"] == "full"
    html = (study_dir / "chart.html").read_text()
    assert "plotly" in html.lower() and "Pareto front" in html and "rehearsal weight=0.5" in html
    assert (study_dir / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_base_row_note_follows_the_task(tmp_path):
    """A classification base scores a fresh head (chance); a language-model base scores its own pretrained head."""
    from workbench.config import RunConfig
    from workbench.study.runner import _base_note
    for name, task in (("cls", {"name": "classification"}), ("lm", {"name": "causal_lm"})):
        (tmp_path / name).mkdir()
        cfg = RunConfig.from_dict({"task": task, "data": {"train": "x.csv"}})
        (tmp_path / name / "config.yaml").write_text(yaml.safe_dump(cfg.to_dict()))
    assert "fresh, untrained task head" in _base_note("cls", str(tmp_path))
    assert "its own pretrained language-model head" in _base_note("lm", str(tmp_path))
    assert _base_note("missing", str(tmp_path)) == "the base model before fine-tuning"


def test_rehearsal_without_a_head_is_labelled_auxiliary(tmp_path, tiny_bert_dir, tiny_cls_data, tiny_text, manager):
    from transformers import AutoModel, AutoTokenizer
    bare = tmp_path / "bare_bert"                     # the encoder only, like MiniLM's checkpoint
    AutoModel.from_pretrained(tiny_bert_dir).save_pretrained(bare)
    AutoTokenizer.from_pretrained(tiny_bert_dir).save_pretrained(bare)
    s = study.from_dict(_spec(str(bare), tiny_cls_data, tiny_text, [{"strategy": "rehearsal"}], seeds=[0],
                              steps=3))
    study_dir = study.start(s, tmp_path / "runs", manager)
    assert study.wait(study_dir, timeout=600) == "completed"
    out = json.loads((study_dir / "results.json").read_text())
    row = next(r for r in out["records"] if r["config"] == "rehearsal")
    assert row["note"].startswith("auxiliary MLM task, not rehearsal")
    assert "auxiliary MLM" in next(c for c in out["configs"] if c["config"] == "rehearsal")["note"]
    log = (tmp_path / "runs" / row["run_id"] / "log.txt").read_text()
    assert "auxiliary MLM task, not rehearsal" in log


def test_prepare_and_pretrain_make_the_base(tmp_path, tiny_cls_data, tiny_text, manager):
    """The seeds' whole path in small: split a text file, pretrain bert-tiny with masked_lm on the first part,
    fine-tune it with rehearsal on that same text (its own MLM head: real rehearsal), retention on the held-out part."""
    spec = {"study": {"name": "path", "seeds": [0], "retention_source": "{study}/held.txt"},
            "prepare": [{"split_text": tiny_text, "held_out_lines": 60, "train": "pre.txt", "held_out": "held.txt"}],
            "pretrain": {"task": "masked_lm", "model": {"name": "bert-tiny", "vocab_size": 300},
                         "data": {"train": "{study}/pre.txt", "max_length": 32},
                         "train": {"max_steps": 2, "batch_size": 4, "precision": "fp32"}},
            "run": {"task": "classification", "model": {"name": "bert-tiny"},
                    "data": {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"], "max_length": 32},
                    "train": {"max_steps": 2, "batch_size": 8, "precision": "fp32"}},
            "grid": [{"strategy": {"name": "rehearsal", "source": "{study}/pre.txt", "batch_size": 4},
                      "label": "rehearsal"}]}
    study_dir = study.start(study.from_dict(spec), tmp_path / "runs", manager)
    assert study.wait(study_dir, timeout=900) == "completed", study.status(study_dir)
    assert len((study_dir / "held.txt").read_text().splitlines()) == 60
    assert len((study_dir / "pre.txt").read_text().splitlines()) == 250 - 60
    out = json.loads((study_dir / "results.json").read_text())
    assert out["pretrain_run"] and out["base_model"] == out["pretrain_run"]
    row = next(r for r in out["records"] if r["config"] == "rehearsal")
    assert row["status"] == "completed" and row["note"] == "rehearsal with the base's own pretrained head"
    cfg = yaml.safe_load((tmp_path / "runs" / row["run_id"] / "config.yaml").read_text())
    assert cfg["model"]["name"] == out["pretrain_run"]


def test_stop_mid_study(tmp_path, tiny_bert_dir, tiny_cls_data, tiny_text, manager):
    s = study.from_dict(_spec(tiny_bert_dir, tiny_cls_data, tiny_text, [{"strategy": "full"},
                                                                        {"strategy": "freeze"}], steps=400))
    study_dir = study.start(s, tmp_path / "runs", manager)
    import time
    for _ in range(600):                                 # wait until the first run is training
        st = study.status(study_dir)
        if st.get("current_run") and manager.active():
            break
        time.sleep(0.2)
    running = manager.active()
    assert running
    study.request_stop(study_dir)
    assert study.wait(study_dir, timeout=300) == "stopped"
    assert manager.wait(running[0], timeout=60) == "cancelled"
    out = json.loads((study_dir / "results.json").read_text())
    assert out["status"] == "stopped"
    statuses = [r["status"] for r in out["records"] if r["config"] != "base"]
    assert statuses[0] == "cancelled" and statuses[1:] == ["not run"] * 3


def test_cli_runs_a_study(tmp_path, tiny_bert_dir, tiny_cls_data, tiny_text, capsys):
    from workbench.cli import main
    spec = _spec(tiny_bert_dir, tiny_cls_data, tiny_text, [{"strategy": "full"}, {"strategy": "head_only"}])
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    code = main(["study", "--config", str(path), "--set", "study.seeds=[0]", "--runs-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "head_only" in out and "claim (retention >= 0.95" in out and "completed:" in out
    assert main(["study", "--config", str(tmp_path / "missing.yaml")]) == 2


# ---- real data (../shared/data): preset (c) end to end with a token budget -------------------------------------
@pytest.mark.slow
def test_preset_c_on_real_data_tiny_budget(shared_data, tmp_path, manager):
    """The seeds' whole path on real data: bert-tiny pretrained with masked_lm on WikiText-2, fine-tuned on SST-2;
    rehearsal uses the pretrained model's own MLM head (real rehearsal), and the study says so."""
    s = study.load(REPO / "assets" / "presets" / "study-bert-tiny.yaml", [
        "study.seeds=[0]", "study.max_eval_examples=200", "pretrain.train.max_steps=10",
        "pretrain.train.eval_every=10", "run.train.max_steps=5", "run.train.eval_every=5",
        "run.data.max_train_samples=400",
        "grid=[{strategy: full}, {strategy: {name: rehearsal, source: ../shared/data/wikitext2/valid.txt}, "
        "label: rehearsal}]"])
    study_dir = study.start(s, tmp_path / "runs", manager)
    assert study.wait(study_dir, timeout=1800) == "completed", study.status(study_dir)
    out = json.loads((study_dir / "results.json").read_text())
    assert out["pretrain_run"] and out["base_model"] == out["pretrain_run"]
    by = {c["config"]: c for c in out["configs"]}
    assert set(by) == {"base", "full", "rehearsal"} and by["base"]["retention_mean"] == pytest.approx(1.0)
    assert by["rehearsal"]["note"] == "rehearsal with the base's own pretrained head"
    assert (study_dir / "chart.png").is_file() and (study_dir / "chart.html").is_file()
