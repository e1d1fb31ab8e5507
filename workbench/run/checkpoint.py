"""Resumable checkpoints without pickle: tensors in safetensors, everything else in JSON.

    checkpoints/step-00000120/
        tensors.safetensors   model.<name> (trainable weights + buffers), optim.<i>.<key>, extra.<j>.<name>,
                              strategy.<k>.<key>, rng.torch, rng.cuda.<d>
        state.json            step, optimizer param groups, scheduler, scaler, python/numpy RNG, early-stopping state

A checkpoint is written to a temporary folder and renamed into place, so a crash never leaves a half checkpoint
that resume would pick up.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from .. import safety
from ..dist.fsdp import gathered_state
from ..dist.sharding import like


def _model_state(model) -> list[tuple[str, torch.Tensor]]:
    # Frozen weights are reloaded from the base model on resume; only what training changes is saved.
    state = [(f"model.{n}", p.detach()) for n, p in model.named_parameters() if p.requires_grad]
    state += [(f"model.{n}", b.detach()) for n, b in model.named_buffers() if b is not None]
    return state


def save(root: Path, step: int, model, optimizer, scheduler, scaler, strategies, extra_modules,
         meta: dict, keep: int, write: bool = True) -> Path | None:
    """Every rank calls this (a sharded model's tensors are gathered from all of them, whole, in the layout of a
    1-process run); the one with `write` (rank 0) writes the folder."""
    named = _model_state(model)
    opt = optimizer.state_dict()
    for idx, st in opt["state"].items():
        for key, value in st.items():
            if torch.is_tensor(value):
                named.append((f"optim.{idx}.{key}", value))
    for j, m in enumerate(extra_modules):
        named += [(f"extra.{j}.{n}", t) for n, t in m.state_dict().items()]
    for k, s in enumerate(strategies):
        named += [(f"strategy.{k}.{n}", t) for n, t in s.state_dict().items()]
    tensors = gathered_state(named, keep=write)
    if not write:
        return None
    root.mkdir(parents=True, exist_ok=True)
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for d, st in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{d}"] = st
    np_state = np.random.get_state()
    state = {
        "step": step,
        "optim_groups": opt["param_groups"],
        "optim_scalars": {str(i): {k: v for k, v in st.items() if not torch.is_tensor(v)}
                          for i, st in opt["state"].items()},
        "scheduler": {k: v for k, v in scheduler.state_dict().items() if _jsonable(v)},
        "scaler": scaler.state_dict() if scaler is not None and scaler.is_enabled() else None,
        "rng_python": _to_json(random.getstate()),
        "rng_numpy": [np_state[0], np_state[1].tolist(), *np_state[2:]],
        **meta,
    }
    final = root / f"step-{step:08d}"
    tmp = root / f".tmp-{secrets.token_hex(4)}"
    before = latest(root)
    with safety.writing(f"the checkpoint of step {step}", tmp,
                        f"the previous checkpoint {before.name} is intact" if before else ""):
        tmp.mkdir()
        # safetensors wants contiguous, unshared tensors
        save_file({k: v.detach().contiguous().clone() for k, v in tensors.items()}, tmp / "tensors.safetensors")
        (tmp / "state.json").write_text(json.dumps(state))
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    for old in sorted(root.glob("step-*"))[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def latest(root: Path) -> Path | None:
    done = sorted(p for p in root.glob("step-*") if (p / "state.json").is_file())
    return done[-1] if done else None


def load(path: Path, model, optimizer, scheduler, scaler, strategies, extra_modules, device) -> dict:
    """Restore everything saved by `save`; returns the JSON state (step, early-stopping state...)."""
    tensors = load_file(str(path / "tensors.safetensors"))
    state = json.loads((path / "state.json").read_text())
    model_sd = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    missing = [n for n, p in model.named_parameters() if p.requires_grad and n not in model_sd]
    if missing:
        raise RuntimeError(f"checkpoint {path} does not match the model (missing {missing[:3]}); was the config "
                           "changed in a way that alters the model?")
    params = dict(model.named_parameters())   # whole tensors go into a sharded model's shards (FSDP)
    model.load_state_dict({k: like(params[k], v) if k in params else v for k, v in model_sd.items()}, strict=False)
    opt_state = {"param_groups": state["optim_groups"], "state": {}}
    for i, scalars in state["optim_scalars"].items():
        opt_state["state"][int(i)] = dict(scalars)
    ordered = [p for g in optimizer.param_groups for p in g["params"]]
    for k, v in tensors.items():
        if k.startswith("optim."):
            _, i, key = k.split(".", 2)
            held = ordered[int(i)] if int(i) < len(ordered) else None
            opt_state["state"].setdefault(int(i), {})[key] = (v if key == "step" else like(held, v) if held is not None
                                                              and v.shape == held.shape else v.to(device))
    optimizer.load_state_dict(opt_state)
    scheduler.load_state_dict({**scheduler.state_dict(), **state["scheduler"]})
    if scaler is not None and state.get("scaler"):
        scaler.load_state_dict(state["scaler"])
    for j, m in enumerate(extra_modules):
        m.load_state_dict({k.split(".", 2)[2]: v for k, v in tensors.items() if k.startswith(f"extra.{j}.")})
    for k, s in enumerate(strategies):
        s.load_state_dict({n.split(".", 2)[2]: v for n, v in tensors.items() if n.startswith(f"strategy.{k}.")})
    torch.set_rng_state(tensors["rng.torch"])
    if torch.cuda.is_available():
        cuda = [tensors[f"rng.cuda.{d}"] for d in range(torch.cuda.device_count()) if f"rng.cuda.{d}" in tensors]
        if cuda:
            torch.cuda.set_rng_state_all(cuda)
    random.setstate(_from_json(state["rng_python"]))
    n = state["rng_numpy"]
    np.random.set_state((n[0], np.array(n[1], dtype=np.uint32), *n[2:]))
    return state


def _jsonable(v) -> bool:
    try:
        json.dumps(v)
        return True
    except TypeError:
        return False


def _to_json(obj):
    return [_to_json(x) for x in obj] if isinstance(obj, (tuple, list)) else obj


def _from_json(obj):
    return tuple(_from_json(x) for x in obj) if isinstance(obj, list) else obj
