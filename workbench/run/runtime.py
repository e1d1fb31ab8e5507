"""What a run's hooks can read (RunContext) and the run's environment: device, precision, seeds, figures."""

from __future__ import annotations

import contextlib
import math
import random
import resource
from dataclasses import dataclass, field

import numpy as np
import torch

from .. import store
from ..model.anatomy import clean_name
from ..dist.sharding import full
from ..errors import WorkbenchError


@dataclass
class RunContext:
    cfg: object
    task: object
    tokenizer: object
    device: torch.device
    precision: str
    family: str
    new_names: set                      # parameters the task head added (not pre-trained)
    pre_state: dict                     # θ_pre: clean name -> CPU copy of each pre-trained weight
    paths: store.RunPaths
    log: object                         # log(message, level="info")
    raw: object = None                  # the raw DatasetDict
    step: int = 0
    total_steps: int = 0
    extras: dict = field(default_factory=dict)   # strategies may share things here (a teacher...)
    model: object = None                # the model the loop trains, set once every strategy's prepare has run
    rank: int = 0                       # this process's rank and the number of ranks (several processes)
    world_size: int = 1

    def autocast(self):
        if self.precision == "fp32":
            return contextlib.nullcontext()
        dtype = torch.bfloat16 if self.precision == "bf16" else torch.float16
        return torch.autocast(self.device.type, dtype=dtype)


def pick_device(name: str) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        raise WorkbenchError("train.device is 'cuda' but no CUDA GPU is available; use 'auto' or 'cpu'")
    return torch.device("cuda" if name in ("auto", "cuda") and torch.cuda.is_available() else "cpu")


def pick_precision(name: str, device: torch.device) -> str:
    if name == "auto":
        if device.type == "cuda":
            return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        return "bf16" if cpu_bf16_supported() else "fp32"
    if name == "fp16" and device.type != "cuda":
        raise WorkbenchError("train.precision fp16 needs a CUDA GPU; on CPU use bf16 or fp32")
    return name


def cpu_bf16_supported() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def weight_distance(model, pre_state: dict) -> float:
    """‖θ − θ_pre‖ over the pre-trained weights (by plain transformers names), in fp32."""
    total = 0.0
    for name, p in model.named_parameters():
        ref = pre_state.get(clean_name(name))
        if ref is not None and ref.shape == p.shape:
            total += (full(p.detach()).float().cpu() - ref.float()).pow(2).sum().item()   # FSDP: gathered
    return round(math.sqrt(total), 6)


def peak_memory_mb(device) -> float:
    if device.type == "cuda":
        return round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)   # Linux reports KiB
