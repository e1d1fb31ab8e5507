"""Distillation does what it says: with α=1 the student approaches the teacher (KL falls), derived students copy
the chosen blocks, hidden states go through a projection when widths differ, vocabulary mismatches are refused,
and distillation composes with LoRA and serves span and token tasks (mean teacher)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer

from workbench.model import catalogue as models
from workbench.tasks import load_saved
from workbench.strategies import STRATEGIES

from _strategy_helpers import checkpoint_tensors, cls_cfg, step_terms


# ---------------------------------------------------------------------------------------------------------------
# distill
def test_distill_alpha_one_student_approaches_teacher(make_cfg, train, tiny_cls_data, tiny_bert_dir, teacher_run):
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir,
                  [{"name": "distill", "teacher": teacher_run, "alpha": 1.0, "temperature": 2.0}],
                  max_steps=20, warmup_ratio=0)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    terms = step_terms(paths)
    assert all(t["task"] == 0.0 for t in terms)            # α = 1: the label loss has no weight
    kd = [t["kd"] for t in terms]
    assert sum(kd[-4:]) / 4 < 0.5 * sum(kd[:4]) / 4, kd
    assert summary["metrics"]["distill_teacher_params"] == summary["metrics"]["total_params"]


def test_derive_student_copies_the_chosen_blocks(teacher_run):
    teacher, *_ = load_saved(Path(teacher_run) / "model")
    student = models.derive_student(teacher, [1])
    assert student.config.num_hidden_layers == 1 and teacher.config.num_hidden_layers == 2
    t, s = teacher.state_dict(), student.state_dict()
    for name, value in s.items():
        src = name.replace("encoder.layer.0.", "encoder.layer.1.")
        assert torch.equal(value, t[src]), name
    assert torch.equal(s["classifier.weight"], t["classifier.weight"])
    assert torch.equal(s["bert.embeddings.word_embeddings.weight"], t["bert.embeddings.word_embeddings.weight"])
    with pytest.raises(Exception, match="between 0 and 1"):
        models.derive_student(teacher, [2])


def test_distill_derived_student_run(make_cfg, train, tiny_cls_data, tiny_bert_dir, teacher_run):
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir,
                  [{"name": "distill", "teacher": teacher_run, "student_layers": "top:1"}, {"name": "l2sp"}],
                  max_steps=3)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    saved = json.loads((paths.model / "config.json").read_text())
    assert saved["num_hidden_layers"] == 1
    m = summary["metrics"]
    assert m["distill_student_params"] < m["distill_teacher_params"]
    assert 0 < m["weight_distance"] < 5           # measured from the student's own start (the teacher's blocks)
    assert {"task", "kd", "l2sp"} <= set(step_terms(paths)[0])


def test_distill_refuses_a_different_vocabulary(make_cfg, train, tiny_text, tiny_gpt_dir, tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from workbench.model.tokenizer import train_tokenizer
    other = tmp_path / "other_gpt"
    tok = train_tokenizer([l for l in Path(tiny_text).read_text().splitlines()], "decoder", "bpe", 300)
    GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=1, n_head=2, n_positions=128)
                    ).save_pretrained(other)
    tok.save_pretrained(other)
    student_vocab = len(AutoTokenizer.from_pretrained(tiny_gpt_dir))
    cfg = make_cfg(task="causal_lm", model={"name": tiny_gpt_dir}, data={"train": tiny_text, "max_length": 32},
                   strategy=[{"name": "distill", "teacher": str(other)}])
    _, summary = train(cfg)
    assert summary["status"] == "failed"
    assert "tokenizer differs" in summary["error"]
    assert f"teacher {len(tok):,} tokens" in summary["error"] and f"student {student_vocab:,}" in summary["error"]


def test_distill_lm_from_base_with_derived_student(make_cfg, train, tiny_text, tiny_gpt_dir):
    cfg = make_cfg(task="causal_lm", model={"name": tiny_gpt_dir}, data={"train": tiny_text, "max_length": 32},
                   strategy=[{"name": "distill", "student_layers": "every:2", "alpha": 0.7}])
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert json.loads((paths.model / "config.json").read_text())["n_layer"] == 1
    assert all(t["kd"] > 0 for t in step_terms(paths))


def test_distill_hidden_states_through_a_projection(make_cfg, train, tiny_cls_data, narrow_bert_dir, teacher_run):
    cfg = cls_cfg(make_cfg, tiny_cls_data, narrow_bert_dir,
                  [{"name": "distill", "teacher": teacher_run, "hidden_weight": 1.0}], max_steps=8)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    hidden = [t["hidden"] for t in step_terms(paths)]
    assert hidden[-1] < hidden[0]
    tensors = checkpoint_tensors(paths, 8)
    assert tensors["extra.0.proj.weight"].shape == (32, 16)      # student width 16 -> teacher width 32


@pytest.mark.parametrize("task,data", [
    ({"name": "qa", "doc_stride": 16}, {"train": "builtin:qa", "max_length": 64}),
    ("token_classification", {"train": "builtin:ner", "max_length": 48}),
])
def test_mean_teacher_distils_span_and_token_tasks(task, data, make_cfg, train, tiny_bert_dir):
    # QA compares the answer start/end distributions, tagging the per-token label distributions
    cfg = make_cfg(task=task, model={"name": tiny_bert_dir},
                   data={**data, "max_train_samples": 48, "max_eval_samples": 16},
                   strategy=[{"name": "mean_teacher", "beta": 0.5, "temperature": 2.0}], train={"max_steps": 3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    kd = [t["kd"] for t in step_terms(paths)]
    assert kd[0] == pytest.approx(0.0, abs=0.05) and all(math.isfinite(k) for k in kd) and kd[-1] > 0


@pytest.mark.parametrize("strategy", [
    [{"name": "lora", "r": 4}, {"name": "distill", "alpha": 0.7}],
    [{"name": "distill", "student_layers": "top:1"}, {"name": "lora", "r": 4}, {"name": "ema"}],
])
def test_distill_composes_with_lora(strategy, make_cfg, train, tiny_cls_data, tiny_bert_dir, teacher_run):
    if "lora" not in STRATEGIES.names():
        pytest.fail("the lora strategy is missing")
    strategy = [{**s, "teacher": teacher_run} if s["name"] == "distill" else s for s in strategy]
    paths, summary = train(cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, strategy, max_steps=3))
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert m["trainable_params"] < 0.5 * m["total_params"]          # only the adapters (and the head) train
    assert all(t["kd"] > 0 for t in step_terms(paths))


def test_teacher_matching_asks_the_task_what_its_output_is():
    """Scores of classes are compared as softened distributions (τ²·KL); a task whose output is the predicted value
    itself (predicts_values) is matched by squared error, where a softmax over one output would always give 0."""
    from types import SimpleNamespace
    from workbench.strategies._kd import kd_loss, match_loss
    s, t = torch.tensor([[0.2], [1.5], [-0.3]]), torch.tensor([[0.0], [2.0], [0.1]])
    scores, values = SimpleNamespace(predicts_values=False), SimpleNamespace(predicts_values=True)
    assert float(kd_loss(s, t, 2.0)) == 0.0 == float(match_loss(s, t, 2.0, None, scores))   # one logit: no signal
    assert float(match_loss(s, t, 2.0, None, values)) == pytest.approx((0.04 + 0.25 + 0.16) / 3)
    wide_s, wide_t = torch.randn(4, 3), torch.randn(4, 3)
    assert torch.equal(match_loss(wide_s, wide_t, 2.0, None, scores), kd_loss(wide_s, wide_t, 2.0))
