"""Correctness of the speed levers (issue 13): packed encoder batches give the unpacked logits, gradient
checkpointing gives the same losses, loss terms read every `log_every` steps are the means of the steps, length
grouping is the default. No timing here: speed is measured as ratios in bench/trainer_vs_hf.py."""

import math

import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from workbench import store
from workbench.config import RunConfig, TrainConfig
from workbench.run.packing import Packer, plan
from workbench.run.speedups import LossMeter

pytestmark = pytest.mark.usefixtures("one_thread")

TEXTS = ["good", "the film was a long and very boring affair", "fine fine fine", "a", "the plot was great and so",
         "bad ending", "it was the worst film of the year and the actors knew it", "ok"]


def _rows(tok, pairs=False):
    second = [t[::-1] for t in TEXTS] if pairs else None
    enc = tok(TEXTS, second, truncation=True, max_length=40)
    keys = [k for k in ("input_ids", "token_type_ids", "attention_mask") if k in enc]
    return [{**{k: enc[k][i] for k in keys}, "labels": i % 2} for i in range(len(TEXTS))]


def _model(path):
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2, attn_implementation="sdpa")
    return model.eval()


def test_plan_fills_rows_without_overflow():
    lengths = [30, 5, 12, 40, 7, 7, 3, 25]
    bins = plan(lengths, 40)
    assert sorted(i for b in bins for i in b) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in b) <= 40 for b in bins)
    assert len(bins) == math.ceil(sum(lengths) / 40)      # 129 tokens fit in 4 rows of 40


@pytest.mark.parametrize("pairs", [False, True])
def test_packed_logits_equal_unpacked(tiny_bert_dir, pairs):
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    model, rows = _model(tiny_bert_dir), _rows(tok, pairs)
    packer = Packer(tok.pad_token_id, capacity=64)
    batch = packer.collate(rows)
    assert batch["input_ids"].shape[0] < len(rows)                       # several examples per row
    assert batch["input_ids"].numel() < sum(len(r["input_ids"]) for r in rows) + 64   # at most one row of slack
    with torch.no_grad():
        packed = packer.forward(model, batch).logits
        single = torch.cat([model(**{k: torch.tensor([v]) for k, v in r.items() if k != "labels"}).logits
                            for r in rows])
    assert torch.allclose(packed, single, atol=1e-5), (packed - single).abs().max()


def test_packed_loss_and_gradients_equal_padded(tiny_bert_dir):
    from workbench.tasks.base import pad_batch
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    rows = _rows(tok)
    grads = []
    for packed in (True, False):
        model = _model(tiny_bert_dir)
        if packed:
            loss = Packer(tok.pad_token_id, 64).forward(model, Packer(tok.pad_token_id, 64).collate(rows)).loss
        else:
            loss = model(**pad_batch(rows, {"input_ids": tok.pad_token_id})).loss
        loss.backward()
        grads.append((loss.item(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}))
    (l1, g1), (l2, g2) = grads
    assert abs(l1 - l2) < 1e-5
    for name in g2:
        if "position_embeddings" in name:   # padded rows put pad tokens at later positions; packed rows don't
            continue
        assert torch.allclose(g1[name], g2[name], atol=1e-5), name


def _cls(make_cfg, tiny_cls_data, tiny_bert_dir, strategy=None, **train):
    return make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"],
                                                         "test": tiny_cls_data["test"]},
                    strategy=strategy or [{"name": "full"}], train=train)


def _losses(paths):
    return [e["loss"] for e in store.read_metrics(paths, ("step",))]


def test_packing_run_trains_like_padded(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = dict(max_steps=6, batch_size=16, lr=1e-3)
    p_pad, s_pad = train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, packing=False, **cfg))
    p_pack, s_pack = train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, packing=True, **cfg))
    assert s_pack["status"] == "completed", s_pack.get("error")
    # dropout masks differ with the layout, so the curves agree loosely: same first loss, same learning
    first_pad, first_pack = _losses(p_pad)[0], _losses(p_pack)[0]
    assert abs(first_pad - first_pack) < 0.05, (first_pad, first_pack)
    assert abs(s_pack["metrics"]["eval_accuracy"] - s_pad["metrics"]["eval_accuracy"]) <= 0.1
    assert "packing is on but not used" not in p_pack.log.read_text()


def test_packing_falls_back_with_a_warning(make_cfg, train, tiny_cls_data, tiny_bert_dir, teacher_run):
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, [{"name": "distill", "teacher": teacher_run}],
               packing=True, max_steps=2)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert "packing is on but not used for strategies distill" in paths.log.read_text()


def test_gradient_checkpointing_same_losses(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    runs = [train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, gradient_checkpointing=on, max_steps=4))
            for on in (False, True)]
    (p_off, s_off), (p_on, s_on) = runs
    assert s_on["status"] == "completed", s_on.get("error")
    for a, b in zip(_losses(p_off), _losses(p_on)):
        assert abs(a - b) < 1e-5
    assert abs(s_off["metrics"]["eval_loss"] - s_on["metrics"]["eval_loss"]) < 1e-5


def test_loss_read_every_log_every_steps_is_the_window_mean(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    p1, _ = train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6, log_every=1))
    p3, _ = train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6, log_every=3))
    every = _losses(p1)
    windows = [e for e in store.read_metrics(p3, ("step",))]
    assert [e["step"] for e in windows] == [1, 3, 6]          # the first step at once (the page's first point)
    assert abs(windows[0]["loss"] - every[0]) < 1e-5
    assert abs(windows[1]["loss"] - sum(every[1:3]) / 2) < 1e-5
    assert abs(windows[2]["loss"] - sum(every[3:]) / 3) < 1e-5


def test_loss_meter_sums_micro_batches_on_device():
    meter = LossMeter()
    for step in range(2):
        for micro in range(2):
            meter.add({"task": torch.tensor(1.0 + step), "kd": torch.tensor(0.5)}, 0.5)
        assert meter.end_step() == 1.5 + step          # the step's total: the one scalar read per step
        meter.commit()
    meter.add({"task": torch.tensor(float("nan"))}, 1.0)
    assert meter.end_step() != meter.end_step()        # NaN: the loop skips or stops, the window leaves it out
    meter.discard()
    assert all(isinstance(v, torch.Tensor) for v in meter.sums.values())   # nothing read back yet
    assert meter.read() == {"task": 1.5, "kd": 0.5}
    assert meter.read() == {}


def test_non_finite_loss_still_stops_the_run(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch):
    from workbench.tasks.base import Task
    forward, calls = Task.forward, []

    def nan_on_third_call(self, model, batch):
        out = forward(self, model, batch)
        calls.append(1)
        if len(calls) == 3:
            out.loss = out.loss * float("nan")
        return out
    monkeypatch.setattr(Task, "forward", nan_on_third_call)
    cfg = _cls(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=8, log_every=4)
    paths, summary = train(cfg)
    assert summary["status"] == "failed"
    assert "the loss became nan at step 3" in summary["error"]   # at the step itself (one scalar read per step)


def test_length_grouping_is_the_default():
    assert TrainConfig().group_by_length is True
    assert RunConfig.from_dict({}).train.group_by_length is True
    assert TrainConfig().packing is False and TrainConfig().gradient_checkpointing is False


@pytest.mark.slow   # inductor compiles the forward and backward: minutes on two shared cores
def test_compiled_model_trains_like_eager(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    (p_eager, s_eager), (p_comp, s_comp) = [
        train(_cls(make_cfg, tiny_cls_data, tiny_bert_dir, compile=on, max_steps=3)) for on in (False, True)]
    assert s_comp["status"] == "completed", s_comp.get("error")
    for a, b in zip(_losses(p_eager), _losses(p_comp)):
        assert abs(a - b) < 1e-3
    # Module.compile keeps the parameter names: the saved model loads like any other
    from safetensors.torch import load_file
    assert set(load_file(str(p_comp.model / "model.safetensors"))) == \
        set(load_file(str(p_eager.model / "model.safetensors")))
