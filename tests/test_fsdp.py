"""FSDP (train.sharding: fsdp) on CPU: 2 torchrun processes (gloo), torch FSDP2 full shard, the same loop.

Tolerance: the tiny model (test_processes.bert_no_dropout) has no dropout, so 1 process and 2 sharded processes
compute the same global-batch mean gradient; they differ by float summation order (the reduce-scatter, the
sharded norm for clipping). Per-step losses must agree within 1e-4 (absolute), as for DDP."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file

from test_processes import _with, bert_no_dropout, cfg_for, step_losses  # noqa: F401 (fixtures)
from workbench import store
from workbench.config import RunConfig
from workbench.errors import ConfigError
from workbench.run import loop as trainer

TOL = 1e-4


def _fsdp(cfg, **train):
    data = cfg.to_dict()
    return RunConfig.from_dict({**data, "train": {**data["train"], "sharding": "fsdp", **train}})


def test_fsdp_follows_one_process_and_its_files_resume_without_sharding(cfg_for, train):
    """2 sharded processes: the per-step losses of 1 process; the checkpoint and the saved model are whole tensors
    (the layout of a 1-process run's), and a 1-process run resumes from the checkpoint and goes on as 1 process."""
    strategy = [{"name": "llrd", "decay": 0.8}]
    (one, s1), (two, s2) = train(_with(cfg_for(1, 6), strategy)), train(_fsdp(_with(cfg_for(2, 3), strategy)))
    assert s1["status"] == s2["status"] == "completed", s2.get("error")
    assert s2["world_size"] == 2
    log = two.log.read_text()
    assert "FSDP: full shard over 2 ranks, units: 1 x BertEmbeddings, 2 x BertLayer + the root" in log
    a, b = step_losses(one), step_losses(two)
    assert sorted(b) == [1, 2, 3]
    for step in b:
        assert abs(a[step] - b[step]) < TOL, (step, a[step], b[step])
    # the checkpoint: the same tensor names and shapes as a 1-process checkpoint of the same step
    ref_dir = sorted((one.checkpoints).glob("step-*"))
    ck = sorted(two.checkpoints.glob("step-*"))[-1]
    mine = load_file(str(ck / "tensors.safetensors"))
    assert any(k.startswith("optim.") for k in mine)
    # a 1-process run trained for 3 steps has the same layout
    three, s3 = train(_with(cfg_for(1, 3), strategy))
    ref = load_file(str(sorted(three.checkpoints.glob("step-*"))[-1] / "tensors.safetensors"))
    assert {k: tuple(v.shape) for k, v in mine.items() if not k.startswith("rng.")} == \
        {k: tuple(v.shape) for k, v in ref.items() if not k.startswith("rng.")}
    for k in ref:
        if k.startswith(("model.", "optim.")) and ref[k].is_floating_point():
            assert torch.allclose(mine[k], ref[k], atol=1e-4), k
    assert ref_dir   # the 6-step run wrote checkpoints too
    # the saved model is plain transformers safetensors with whole weights
    saved = load_file(str(two.model / "model.safetensors"))
    whole = load_file(str(three.model / "model.safetensors"))
    assert {k: v.shape for k, v in saved.items()} == {k: v.shape for k, v in whole.items()}
    assert max((saved[k] - whole[k]).abs().max().item() for k in whole) < 1e-4
    # resume the FSDP run with ONE unsharded process for 3 more steps: it continues as the 1-process run
    cfg = RunConfig.load(two.config, ["train.processes=1", "train.sharding=none", "train.max_steps=6"])
    s4 = trainer.run(cfg, two, resume=True)
    assert s4["status"] == "completed" and s4["world_size"] == 1, s4.get("error")
    b = step_losses(two)
    for step in (4, 5, 6):
        assert abs(a[step] - b[step]) < TOL, (step, a[step], b[step])


def test_l2sp_and_ema_under_fsdp_follow_one_process_and_resume_sharded(cfg_for, train):
    """L2-SP's anchors and EMA's average are sharded like the weights (the penalty summed over the shards); a
    1-process checkpoint resumes in 2 sharded processes and goes on as the 1-process run."""
    strategy = [{"name": "l2sp", "weight": 0.5}, {"name": "ema", "beta": 0.5}, {"name": "freeze", "k": 1}]
    one, s1 = train(_with(cfg_for(1, 4, max_grad_norm=0.05), strategy))
    assert s1["status"] == "completed", s1.get("error")
    half = _with(cfg_for(1, 2, max_grad_norm=0.05), strategy)
    two, s2 = train(half)
    assert s2["status"] == "completed", s2.get("error")
    cfg = RunConfig.load(two.config, ["train.processes=2", "train.sharding=fsdp", "train.max_steps=4"])
    two.config.write_text(cfg.to_yaml())   # as `python -m workbench resume RUN --set ...` does: the ranks read it
    s3 = trainer.run(cfg, two, resume=True)
    assert s3["status"] == "completed" and s3["world_size"] == 2, s3.get("error")
    a, b = step_losses(one), step_losses(two)
    assert sorted(b) == [1, 2, 3, 4]
    for step in a:
        assert abs(a[step] - b[step]) < TOL, (step, a[step], b[step])
    assert all("l2sp" in e["terms"] and e["terms"]["l2sp"] > 0 for e in store.read_metrics(two, ("step",))[2:])
    assert "FSDP: full shard" in two.log.read_text()
    assert abs(s1["metrics"]["eval_loss"] - s3["metrics"]["eval_loss"]) < TOL      # EMA weights installed alike
    assert abs(s1["metrics"]["weight_distance"] - s3["metrics"]["weight_distance"]) < TOL


@pytest.mark.parametrize("strategy, word", [("distill", "teacher"), ("adversarial", "discriminator"),
                                            ("lora", "peft")])
def test_fsdp_refuses_strategies_it_does_not_run(make_cfg, teacher_run, strategy, word):
    spec = {"name": strategy, "teacher": teacher_run} if strategy == "distill" else {"name": strategy}
    with pytest.raises(ConfigError) as e:
        make_cfg(strategy=[spec], train={"processes": 2, "sharding": "fsdp"})
    assert e.value.field == "train.sharding" and strategy in str(e.value) and word in str(e.value)


def test_fsdp_needs_several_processes(make_cfg):
    with pytest.raises(ConfigError, match="train.processes"):
        make_cfg(train={"sharding": "fsdp"})
    assert make_cfg(train={"sharding": "fsdp", "processes": 2}).train.sharding == "fsdp"


def test_accelerate_fsdp_config_turns_sharding_on(make_cfg, tmp_path):
    """accelerate launch with assets/accelerate/fsdp.yaml sets ACCELERATE_USE_FSDP=true: the worker shards (and
    checks the strategies again) instead of refusing. (The real launcher with that config, end to end:
    tests/test_dist_configs.py.)"""
    from workbench.dist.worker import sharding_from, unsupported
    cfg = make_cfg()
    env = {"ACCELERATE_USE_FSDP": "true", "FSDP_CPU_RAM_EFFICIENT_LOADING": "true"}
    assert unsupported(env) is None
    on = sharding_from(env, cfg, 2)
    assert on.train.sharding == "fsdp" and on.train.processes == 2
    assert env["FSDP_CPU_RAM_EFFICIENT_LOADING"] == "false"   # every rank loads the weights (transformers reads it)
    assert sharding_from({}, cfg, 2).train.sharding == "none"
    with pytest.raises(ConfigError, match="train.sharding"):
        sharding_from(env, make_cfg(strategy=[{"name": "adversarial"}]), 2)
    assert "DeepSpeed" in unsupported({"ACCELERATE_USE_DEEPSPEED": "true"})


def test_bitfit_with_accumulation_and_checkpointing_under_fsdp_follows_one_process(cfg_for, train):
    """BitFit leaves weights and biases of one block with different requires_grad (FSDP2 shards both, reduces only
    the trainable); gradient accumulation skips the reduce-scatter but in the last micro-batch; activation
    recomputation (train.gradient_checkpointing) runs inside the sharded blocks."""
    strategy = [{"name": "bitfit"}]
    one, s1 = train(_with(cfg_for(1, 3, grad_accum=2, gradient_checkpointing=True), strategy))
    two, s2 = train(_fsdp(_with(cfg_for(2, 3, grad_accum=2, gradient_checkpointing=True), strategy)))
    assert s1["status"] == s2["status"] == "completed", s2.get("error")
    a, b = step_losses(one), step_losses(two)
    assert sorted(b) == [1, 2, 3]
    for step in a:
        assert abs(a[step] - b[step]) < TOL, (step, a[step], b[step])
    assert s1["metrics"]["trainable_params"] == s2["metrics"]["trainable_params"]
    assert abs(s1["metrics"]["eval_loss"] - s2["metrics"]["eval_loss"]) < TOL



@pytest.fixture(scope="module")
def gpt_no_dropout(tmp_path_factory) -> str:
    from transformers import GPT2Config, GPT2LMHeadModel

    from _words import _corpus
    from workbench.model.tokenizer import train_tokenizer
    root = tmp_path_factory.mktemp("gpt_no_dropout")
    tok = train_tokenizer(_corpus(), "decoder", "bpe", 400)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=2, n_positions=128, resid_pdrop=0.0,
                     embd_pdrop=0.0, attn_pdrop=0.0, pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                     eos_token_id=tok.eos_token_id)
    GPT2LMHeadModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return str(root)


def test_a_causal_lm_with_tied_embeddings_under_fsdp_follows_one_process(make_cfg, train, tiny_text, gpt_no_dropout):
    """GPT-2's output layer is its input embedding (tied): both stay in the root unit, and the saved model keeps
    them one tensor. Generation (the run's samples) runs on the sharded model on every rank."""
    def cfg(n, **train_):
        return make_cfg(task={"name": "causal_lm", "max_new_tokens": 4}, model={"name": gpt_no_dropout},
                        data={"train": tiny_text, "max_length": 32},
                        train={"max_steps": 3, "processes": n, "scheduler": "constant", "warmup_ratio": 0.0,
                               "eval_every": 1000, **train_})
    (one, s1), (two, s2) = train(cfg(1)), train(cfg(2, sharding="fsdp"))
    assert s1["status"] == s2["status"] == "completed", s2.get("error")
    assert "FSDP: full shard over 2 ranks, units: 2 x GPT2Block + the root" in two.log.read_text()
    a, b = step_losses(one), step_losses(two)
    for step in a:
        assert abs(a[step] - b[step]) < TOL, (step, a[step], b[step])
    assert abs(s1["metrics"]["eval_loss"] - s2["metrics"]["eval_loss"]) < TOL
    from transformers import AutoModelForCausalLM
    m = AutoModelForCausalLM.from_pretrained(two.model)
    assert m.lm_head.weight.data_ptr() == m.transformer.wte.weight.data_ptr()
    ref = AutoModelForCausalLM.from_pretrained(one.model)
    assert torch.allclose(m.transformer.wte.weight, ref.transformer.wte.weight, atol=1e-4)
    assert s2["samples"] and len(s2["samples"]) == len(s1["samples"])
