"""Faults during a run, injected: a non-finite loss (stop or skip), running out of memory (the manager keeps
serving), a full disk while saving (the previous checkpoint intact, no temporary left), a half-written checkpoint
left by a kill, Stop during evaluation and checkpointing, a failed export, and no secret in a run folder."""

import errno
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from workbench.export import formats as export_mod
from workbench.run import checkpoint, loop as trainer
from workbench.errors import WorkbenchError
from workbench.run.jobs import JobManager
from workbench.tasks.base import Task

pytestmark = pytest.mark.usefixtures("one_thread")


def _cfg(make_cfg, data, model, **train):
    return make_cfg(model={"name": model}, data={"train": data["train"], "test": data["test"]},
                    train={"max_steps": 8, "checkpoint_every": 2, "eval_every": 4, "batch_size": 8, **train})


def _inject(monkeypatch, at_steps, make):
    """Task.forward raises / returns a bad loss at the given training steps (1-based); evaluation is untouched."""
    real = Task.forward
    calls = {"n": 0}

    def forward(self, model, batch):
        out = real(self, model, batch)
        if model.training:
            calls["n"] += 1
            if calls["n"] in at_steps:
                return make(out)
        return out
    monkeypatch.setattr(Task, "forward", forward)
    return calls


def _nan(out):
    out.loss = out.loss * float("nan")
    return out


def _steps(paths) -> list[str]:
    return sorted(p.name for p in paths.checkpoints.glob("*"))


def _finite(ck: Path) -> bool:
    return all(torch.isfinite(t).all() for k, t in load_file(str(ck / "tensors.safetensors")).items()
               if k.startswith("model.") and t.is_floating_point())


# ---- non-finite loss -----------------------------------------------------------------------------------------------
def test_nan_loss_stops_the_run_naming_the_step(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    _inject(monkeypatch, {5}, _nan)
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir))
    assert summary["status"] == "failed" and summary["error_kind"] == "user"
    assert "nan at step 5" in summary["error"] and "train.lr" in summary["error"] and "fp32" in summary["error"]
    assert _steps(paths) == ["step-00000002", "step-00000004"]          # nothing written after the bad step
    assert _finite(paths.checkpoints / "step-00000004")
    assert json.loads((paths.checkpoints / "step-00000004" / "state.json").read_text())["step"] == 4


def test_nan_loss_skip_drops_the_update_and_goes_on(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    _inject(monkeypatch, {3, 4}, _nan)
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, on_nonfinite="skip"))
    assert summary["status"] == "completed", summary.get("error")
    logs = [json.loads(line) for line in paths.metrics.read_text().splitlines()]
    skipped = [e["message"] for e in logs if e.get("type") == "log" and "update skipped" in e["message"]]
    assert len(skipped) == 2 and "step 3" in skipped[0] and "step 4" in skipped[1]
    assert _finite(checkpoint.latest(paths.checkpoints))
    assert all(v == v for k, v in summary["metrics"].items() if isinstance(v, float))   # no NaN metric


def test_skip_gives_up_after_ten_bad_steps_in_a_row(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    _inject(monkeypatch, set(range(1, 100)), _nan)
    _, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, on_nonfinite="skip", max_steps=20))
    assert summary["status"] == "failed" and "step 10" in summary["error"]


# ---- out of memory ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("error", [torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB"),
                                   MemoryError()])
def test_out_of_memory_fails_the_run_with_advice_and_the_manager_serves_on(error, make_cfg, tiny_cls_data,
                                                                          tiny_bert_dir, monkeypatch):
    calls = _inject(monkeypatch, {2}, lambda out: (_ for _ in ()).throw(error))
    manager = JobManager(trainer.run)
    bad = manager.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir))
    assert manager.wait(bad, 120) == "failed"
    snap = manager.snapshot(bad)
    assert "ran out of memory" in snap["error"] and "train.batch_size" in snap["error"]
    assert "train.grad_accum" in snap["error"] and "checkpointing" in snap["error"]
    calls["n"] = 100                         # no more injected errors: the next job trains normally
    good = manager.submit(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2))
    assert manager.wait(good, 120) == "completed"


# ---- disk full -------------------------------------------------------------------------------------------------------
def _full_disk_at(monkeypatch, module, name, when):
    real = getattr(module, name)

    def write(*args, **kwargs):
        if when(args):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, write)


def test_disk_full_while_checkpointing_keeps_the_previous_checkpoint(make_cfg, train, tiny_cls_data, tiny_bert_dir,
                                                                     monkeypatch):
    writes = []
    _full_disk_at(monkeypatch, checkpoint, "save_file", lambda a: writes.append(1) or len(writes) == 2)
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir))
    assert summary["status"] == "failed"
    assert "disk full while writing the checkpoint of step 4" in summary["error"]
    assert "step-00000002 is intact" in summary["error"]
    assert _steps(paths) == ["step-00000002"]                       # no temporary folder left behind
    assert _finite(paths.checkpoints / "step-00000002")
    monkeypatch.undo()
    from workbench.config import RunConfig
    resumed = trainer.run(RunConfig.load(paths.config), paths, resume=True)   # space freed: resume finishes
    assert resumed["status"] == "completed" and resumed["metrics"]["steps"] == 8


def test_disk_full_while_saving_the_model(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    from workbench.model import saved as models
    _full_disk_at(monkeypatch, models.json, "dumps", lambda a: isinstance(a[0], dict) and "base_model" in a[0])
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2))
    assert summary["status"] == "failed" and "disk full while writing the final model" in summary["error"]
    assert not paths.model.exists() and not list(paths.root.glob(".model-*"))
    assert checkpoint.latest(paths.checkpoints) is not None


def test_a_half_written_checkpoint_is_never_resumed_from(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=4))
    good = checkpoint.latest(paths.checkpoints)
    # what a kill -9 in the middle of checkpoint.save leaves: a temporary folder with a truncated file
    (paths.checkpoints / ".tmp-dead").mkdir()
    (paths.checkpoints / ".tmp-dead" / "tensors.safetensors").write_bytes(b"\x00" * 10)
    (paths.checkpoints / "step-00009999").mkdir()           # a folder without its state.json
    assert checkpoint.latest(paths.checkpoints) == good


# ---- Stop during evaluation and during checkpointing -------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["save", "cancel"])
def test_stop_during_evaluation_leaves_a_consistent_run(mode, make_cfg, train, tiny_cls_data, tiny_bert_dir,
                                                        monkeypatch):
    from workbench.run.jobs import StopSignal
    from workbench.tasks.classification import Classification
    stop = StopSignal()
    real = Classification.evaluate

    def evaluate(self, *args, **kwargs):
        stop.request(mode)                     # the user clicks Stop while the first evaluation runs
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Classification, "evaluate", evaluate)
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, checkpoint_every=0), stop=stop)
    assert summary["status"] == ("stopped" if mode == "save" else "cancelled")
    assert _steps(paths) == ["step-00000004"] and _finite(paths.checkpoints / "step-00000004")
    assert paths.model.is_dir() == (mode == "save")
    assert not list(paths.root.glob(".*tmp*")) and not paths.lock.exists()


def test_stop_during_checkpointing_finishes_the_checkpoint(make_cfg, train, tiny_cls_data, tiny_bert_dir,
                                                           monkeypatch):
    from workbench.run.jobs import StopSignal
    stop = StopSignal()
    real = checkpoint.save_file

    def save_file(*args, **kwargs):
        stop.request("save")
        return real(*args, **kwargs)
    monkeypatch.setattr(checkpoint, "save_file", save_file)
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir), stop=stop)
    assert summary["status"] == "stopped" and summary["metrics"]["steps"] == 2
    assert _steps(paths) == ["step-00000002"]
    state = json.loads((paths.checkpoints / "step-00000002" / "state.json").read_text())
    assert state["step"] == 2 and _finite(paths.checkpoints / "step-00000002")


# ---- export under faults ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, tiny_cls_data, tiny_bert_dir):
    from workbench import store
    from workbench.config import RunConfig
    runs = tmp_path_factory.mktemp("fault_export") / "runs"
    cfg = RunConfig.from_dict({"model": {"name": tiny_bert_dir}, "data": tiny_cls_data,
                               "train": {"max_steps": 2, "batch_size": 8, "precision": "fp32"},
                               "output": {"runs_dir": str(runs)}})
    paths = store.create_run(cfg)
    assert trainer.run(cfg, paths)["status"] == "completed"
    return paths


def test_disk_full_during_export_leaves_no_half_export(finished_run, monkeypatch):
    kw = dict(runs_dir=finished_run.root.parent, memory=False, retention=False, max_examples=8)
    first = export_mod.export(str(finished_run.root), "merged", **kw)
    report = (first / "report.json").read_text()
    monkeypatch.setattr("workbench.export.formats.model_card",
                        lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(WorkbenchError, match="disk full while writing the merged export.*earlier one is intact"):
        export_mod.export(str(finished_run.root), "merged", **kw)
    assert (first / "report.json").read_text() == report              # the earlier export is untouched
    assert sorted(p.name for p in first.parent.iterdir()) == ["merged"]   # no temporary folder


def test_export_of_a_run_deleted_meanwhile_is_a_clear_message(tmp_path, finished_run):
    import shutil
    gone = tmp_path / "gone"
    shutil.copytree(finished_run.root, gone)
    shutil.rmtree(gone / "model")
    with pytest.raises(WorkbenchError):
        export_mod.export(str(gone), "merged", runs_dir=tmp_path, memory=False, retention=False)


# ---- secrets ------------------------------------------------------------------------------------------------------------
def test_no_secret_reaches_the_run_folder(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    token = "hf_" + "a1B2c3D4e5F6g7H8i9J0kLmN"
    monkeypatch.setenv("HF_TOKEN", token)
    # a library error that quotes the token (as an HTTP error quoting its request headers might)
    _inject(monkeypatch, {2}, lambda out: (_ for _ in ()).throw(RuntimeError(f"401 Authorization: Bearer {token}")))
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir))
    assert summary["status"] == "failed" and "Bearer ***" in summary["error"]
    files = [f for f in paths.root.rglob("*") if f.is_file() and f.suffix != ".safetensors"]
    assert any("Traceback" in f.read_text() for f in files)          # the traceback was logged, scrubbed
    for f in files:
        assert token not in f.read_text(errors="replace"), f


def test_out_of_memory_in_export_or_compare_is_advice_not_a_traceback(finished_run, monkeypatch, capsys):
    from workbench.cli import main

    def boom(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 80.00 GiB")
    monkeypatch.setattr(export_mod, "export", boom)
    monkeypatch.setattr("workbench.evaluate.compare.compare", boom)
    assert main(["export", str(finished_run.root), "-f", "merged"]) == 1
    assert main(["compare", str(finished_run.root), "base", "--no-memory"]) == 1
    err = capsys.readouterr().err
    assert err.count("ran out of memory") == 2 and "train.batch_size" in err and "Traceback" not in err


def test_compare_of_a_half_written_export_is_a_clear_message(finished_run, tmp_path):
    import shutil
    from workbench.evaluate.compare import compare
    half = tmp_path / ".merged.tmp-dead"
    shutil.copytree(finished_run.model, half)
    for f in half.glob("*.safetensors"):
        f.write_bytes(f.read_bytes()[:100])          # cut mid-write
    with pytest.raises(WorkbenchError):
        compare([str(finished_run.root), str(half)], runs_dir=finished_run.root.parent, memory=False,
                retention=False, max_examples=8)
