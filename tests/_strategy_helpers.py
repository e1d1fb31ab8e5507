"""Helpers shared by the strategy tests (configs, logged loss terms, checkpoint tensors, a stand-in RunContext)."""

from types import SimpleNamespace

import torch
from safetensors.torch import load_file

from workbench import store

def cls_cfg(make_cfg, data, model_dir, strategy, **train):
    return make_cfg(model={"name": model_dir}, data={"train": data["train"], "test": data["test"]},
                    strategy=strategy, train=train)


def step_terms(paths) -> list[dict]:
    return [e["terms"] for e in store.read_metrics(paths, ("step",))]


def checkpoint_tensors(paths, step: int) -> dict:
    return load_file(str(paths.checkpoints / f"step-{step:08d}" / "tensors.safetensors"))


def fake_ctx(model, tokenizer, **kw):
    cfg = SimpleNamespace(data=SimpleNamespace(max_length=32), train=SimpleNamespace(seed=0))
    # one process: rank 0 of 1, as the loop's RunContext has it (strategies split per-rank data by these)
    return SimpleNamespace(model=model, tokenizer=tokenizer, cfg=cfg, device=torch.device("cpu"), step=0,
                           log=lambda *a, **k: None, **{"rank": 0, "world_size": 1, **kw})
