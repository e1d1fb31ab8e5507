"""Speed and memory levers the loop applies from `train.*` knobs: gradient checkpointing, torch.compile, glibc's
allocator told to keep freed memory (CPU), batches moved to the GPU through pinned memory, and loss terms summed on
the device and read only when a line is logged (no host sync per step)."""

from __future__ import annotations

import ctypes
import sys

import torch

from ..model.anatomy import unwrap


def prepare(model, train_cfg, packer, log):
    """Apply the memory/speed knobs to the model the loop trains (in place; the same object comes back)."""
    if train_cfg.gradient_checkpointing:
        base = unwrap(model)
        if getattr(base, "supports_gradient_checkpointing", False):
            if hasattr(base, "activation_checkpointing_enable"):      # transformers 5's name
                base.activation_checkpointing_enable({"use_reentrant": False})
            else:
                base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            if hasattr(base, "enable_input_require_grads"):   # frozen embeddings (adapters, freeze) still work
                base.enable_input_require_grads()
        else:
            log(f"train.gradient_checkpointing: {type(base).__name__} does not support it; left off", "warning")
    if train_cfg.compile:
        # Module.compile keeps parameter names (no _orig_mod prefix): checkpoints and saved models are unchanged.
        # Packed batches call the encoder directly, so that is what gets compiled then.
        target = model.base_model if packer is not None else model
        target.compile(dynamic=True)
    return model


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3          # mallopt parameters (glibc's malloc.h)
TRIM_THRESHOLD, MMAP_THRESHOLD = 512 * 2**20, 256 * 2**20


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed memory for reuse: by default it returns the free top of the heap to the
    system once more than 2x the mmap threshold is free, and serves each large block with a fresh mmap that it
    unmaps on free. A training step frees and takes back the same activations and gradients every step, so each of
    their pages came back through a page fault (MiniLM on SST-2, batch 32: the faults a run takes fall by 57 %, and
    2-10 % more samples/s; none on long texts; bench/trainer_vs_hf.py, BENCHMARKS.md). Process-wide, and it stays
    set. False where the C library is not glibc (macOS, musl) or refuses."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        # newer glibc refuses an mmap threshold above 32 MB (half its heap size): then 32 MB
        mmap = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) or libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)
        return bool(trim and mmap)
    except (OSError, AttributeError):   # no glibc (musl, another libc name): leave the allocator as it is
        return False


def to_device(batch: dict, device) -> dict:
    if device.type == "cuda":
        return {k: v.pin_memory().to(device, non_blocking=True) for k, v in batch.items()}
    return {k: v.to(device) for k, v in batch.items()}


class LossMeter:
    """Per-term loss sums kept as device tensors; `read()` turns them into floats (one transfer for every term)
    and starts a new window. The figures are means over the optimizer steps of the window. `end_step()` reads the
    step's total loss (one scalar per step, for the non-finite guard)."""

    def __init__(self):
        self.sums: dict[str, torch.Tensor] = {}
        self.current: dict[str, torch.Tensor] = {}
        self.steps = 0

    def add(self, terms: dict, scale: float) -> None:
        for k, v in terms.items():
            v = v.detach().float() * scale
            self.current[k] = self.current[k] + v if k in self.current else v

    def end_step(self) -> float:
        """The step's total loss as a float (the one scalar read per step); then `commit()` adds the step to the
        window, or `discard()` leaves it out (a skipped non-finite update)."""
        return float(sum(self.current.values())) if self.current else 0.0

    def commit(self) -> None:
        for k, v in self.current.items():
            self.sums[k] = self.sums[k] + v if k in self.sums else v
        self.steps += 1
        self.current = {}

    def discard(self) -> None:
        self.current = {}

    def read(self) -> dict[str, float]:
        n = max(self.steps, 1)
        if not self.sums:
            return {}
        values = torch.stack(list(self.sums.values())).cpu().tolist()   # one transfer for every term
        out = {k: v / n for k, v in zip(self.sums, values)}
        self.sums, self.steps = {}, 0
        return out
