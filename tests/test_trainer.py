"""The loop: determinism, exact resume, cooperative stop, early stopping, gradient accumulation, checkpoints."""

import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from workbench.run import checkpoint, loop as trainer
from workbench import store
from workbench.run.jobs import StopSignal


def _cls(make_cfg, tiny_cls_data, tiny_bert_dir, **train):
    return make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"],
                                                         "test": tiny_cls_data["test"]}, train=train)


def _losses(paths):
    return [e["loss"] for e in store.read_metrics(paths, ("step",))]


def test_same_seed_same_metrics(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6)
    (p1, s1), (p2, s2) = train(cfg), train(cfg)
    assert _losses(p1) == _losses(p2)
    assert s1["metrics"]["eval_loss"] == s2["metrics"]["eval_loss"]


def test_resume_equals_uninterrupted(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    # dropout on, several epochs, warmup and decay: everything that could drift on resume
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=12, checkpoint_every=5, batch_size=16,
               warmup_ratio=0.2)
    full_paths, full = train(cfg)

    stop = StopSignal()

    def cancel_after_7(ev):
        if ev.type == "step" and ev.step == 7:
            stop.request("cancel")
    cut_paths, cut = train(cfg, listener=cancel_after_7, stop=stop)
    assert cut["status"] == "cancelled"
    assert checkpoint.latest(cut_paths.checkpoints).name == "step-00000005"
    resumed = trainer.run(cfg, cut_paths, resume=True)
    assert resumed["status"] == "completed"
    tail_full = {e["step"]: e["loss"] for e in store.read_metrics(full_paths, ("step",))}
    tail_resumed = {e["step"]: e["loss"] for e in store.read_metrics(cut_paths, ("step",))[-7:]}
    assert sorted(tail_resumed) == list(range(6, 13))
    for step, loss in tail_resumed.items():
        assert abs(loss - tail_full[step]) < 1e-6, (step, loss, tail_full[step])
    assert abs(resumed["metrics"]["eval_loss"] - full["metrics"]["eval_loss"]) < 1e-6


def test_cancel_stops_within_one_step(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=50)
    stop = StopSignal()

    def listener(ev):
        if ev.type == "step" and ev.step == 3:
            stop.request("cancel")
    paths, summary = train(cfg, listener=listener, stop=stop)
    assert summary["status"] == "cancelled"
    assert [e["step"] for e in store.read_metrics(paths, ("step",))][-1] == 3
    assert not paths.model.exists()                 # cancel never writes a model
    assert not paths.lock.exists()


def test_stop_and_save_writes_model_and_checkpoint(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=50)
    stop = StopSignal()

    def listener(ev):
        if ev.type == "step" and ev.step == 2:
            stop.request("save")
    paths, summary = train(cfg, listener=listener, stop=stop)
    assert summary["status"] == "stopped" and summary["metrics"]["steps"] == 2
    assert (paths.model / "model.safetensors").is_file()
    assert checkpoint.latest(paths.checkpoints).name == "step-00000002"


def test_continue_a_finished_run_for_more_epochs(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=None, epochs=1, batch_size=32)
    paths, first = train(cfg)
    assert first["metrics"]["steps"] == 3          # 86 training rows / 32
    more = cfg.copy()
    more.train.epochs = 2
    second = trainer.run(more, paths, resume=True)
    assert second["status"] == "completed" and second["metrics"]["steps"] == 6
    assert [e["step"] for e in store.read_metrics(paths, ("step",))] == [1, 2, 3, 4, 5, 6]


def test_gradient_accumulation_matches_a_big_batch(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    # one step of batch 16 == one step of 2 x 8 accumulated (same examples, dropout off via eval-free tiny lr)
    a = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1, batch_size=16, max_grad_norm=0.0)
    b = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=1, batch_size=8, grad_accum=2, max_grad_norm=0.0)
    # same micro-batch order needs the same permutation: batch 16 = first 16 rows = micro-batches 0 and 1 of 8
    pa, _ = train(a)
    pb, _ = train(b)
    wa, wb = load_file(str(pa.model / "model.safetensors")), load_file(str(pb.model / "model.safetensors"))
    diff = max((wa[k] - wb[k]).abs().max().item() for k in wa)
    assert diff < 5e-3      # equal up to dropout masks drawn in a different order


def test_early_stopping_restores_best(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=40, eval_every=1, early_stopping_patience=2,
               lr=0.5)   # a silly lr makes the validation loss go up fast
    cfg.train.early_stopping_metric = "loss"
    paths, summary = train(cfg)
    evals = store.read_metrics(paths, ("eval",))
    assert summary["status"] == "completed" and summary["metrics"]["steps"] < 40
    assert any("early stopping" in e.get("message", "") for e in store.read_metrics(paths, ("log",)))
    best = min(e["eval_loss"] for e in evals if e["split"] == "validation")
    assert summary["metrics"]["eval_split"] == "test"
    assert (paths.checkpoints / "best" / "weights.safetensors").is_file() and best > 0


def test_eval_every_and_checkpoint_pruning(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6, eval_every=2, keep_checkpoints=2)
    paths, _ = train(cfg)
    assert [e["step"] for e in store.read_metrics(paths, ("eval",))] == [2, 4, 6, 6]   # last: final test eval
    assert sorted(p.name for p in paths.checkpoints.glob("step-*")) == ["step-00000004", "step-00000006"]
    state = json.loads((paths.checkpoints / "step-00000006" / "state.json").read_text())
    assert state["step"] == 6 and "optim_groups" in state


def test_failed_run_is_marked_failed_with_the_message(make_cfg, train, tiny_cls_data, tiny_bert_dir, tmp_path):
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"], "text_column": "nope"})
    paths, summary = train(cfg)
    assert summary["status"] == "failed" and "column 'nope' not found" in summary["error"]
    assert not paths.model.exists() and not paths.lock.exists()


def test_engine_does_not_import_gradio():
    code = ("import sys, workbench.run.loop, workbench.cli, workbench.config, workbench.model.catalogue; "
            "import workbench.data; "
            "import workbench.strategies as s, workbench.tasks as t; s.STRATEGIES.names(); t.TASKS.names(); "
            "bad = [m for m in sys.modules if m == 'gradio' or m.startswith('gradio.')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bf16_autocast_runs_on_cpu(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    if not trainer.cpu_bf16_supported():
        pytest.skip("this CPU has no bf16 support")
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=2, precision="bf16")
    _, summary = train(cfg)
    assert summary["status"] == "completed" and summary["precision"] == "bf16"
    assert torch.isfinite(torch.tensor(summary["metrics"]["eval_loss"]))
