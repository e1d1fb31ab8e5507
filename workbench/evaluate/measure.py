"""Size, speed and memory of a model, measured the same way for every model of a comparison.

    size_on_disk        bytes of the weight files in a model folder (safetensors, bin, onnx + external data)
    latency_ms          batch 1: median over repeats of one forward per example, after warm-up
    throughput_per_s    examples per second, batched, over the same examples
    peak_memory_mb      peak resident memory (VmHWM) added by loading the model and running one batch, measured in
                        a fresh process (python -m workbench.evaluate.measure) after the framework's one-time
                        costs, so that models measured earlier do not hide or inflate it. Weights memory-mapped from
                        safetensors count only where touched (resident pages), as the operating system counts them.
    max_abs_diff        largest difference between two models' outputs on the same batches (real tokens only)
"""

from __future__ import annotations

import importlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch

from .. import tasks
from ..model.catalogue import resolve
from ..model.tensors_io import empty_model
from .refs import ModelRef, load_ref, prepare_for

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx", ".data", ".pt", ".pth", ".msgpack", ".h5", ".gguf")


def size_on_disk(folder: str | Path | None) -> int | None:
    """Bytes of the weight files directly in `folder` (config, tokenizer and cards are not counted)."""
    if folder is None or not Path(folder).is_dir():
        return None
    return sum(f.stat().st_size for f in Path(folder).iterdir() if f.is_file() and f.name.endswith(WEIGHT_SUFFIXES))


def inputs_of(task, rows: list[dict]) -> dict[str, torch.Tensor]:
    """The model inputs of a batch of encoded rows (labels dropped)."""
    return {k: v for k, v in task.collate(rows).items() if k not in ("labels", "start_positions", "end_positions")}


def _to(batch: dict, device) -> dict:
    return {k: v.to(device) for k, v in batch.items()}


def _sync(device) -> None:
    if getattr(device, "type", "cpu") == "cuda":
        torch.cuda.synchronize(device)


@torch.inference_mode()
def latency_ms(model, task, rows: list[dict], device="cpu", repeats: int = 3, warmup: int = 3) -> float:
    """Median milliseconds of one batch-1 forward over `rows` × `repeats`, after `warmup` forwards."""
    singles = [_to(inputs_of(task, [r]), device) for r in rows]
    for batch in singles[:warmup]:
        model(**batch)
    times = []
    for _ in range(repeats):
        for batch in singles:
            _sync(device)
            t0 = time.perf_counter()
            model(**batch)
            _sync(device)
            times.append(time.perf_counter() - t0)
    return round(1000 * statistics.median(times), 4)


@torch.inference_mode()
def throughput_per_s(model, task, rows: list[dict], batch_size: int = 32, device="cpu") -> float:
    """Examples per second over `rows` in batches of `batch_size` (after one warm-up batch)."""
    batches = [_to(inputs_of(task, rows[s:s + batch_size]), device) for s in range(0, len(rows), batch_size)]
    model(**batches[0])
    _sync(device)
    t0 = time.perf_counter()
    for batch in batches:
        model(**batch)
    _sync(device)
    return round(len(rows) / (time.perf_counter() - t0), 2)


def _outputs(out) -> dict[str, torch.Tensor]:
    items = out.items() if hasattr(out, "items") else vars(out).items()
    skip = ("loss", "hidden_states", "attentions", "past_key_values", "cross_attentions")
    return {k: v for k, v in items if torch.is_tensor(v) and k not in skip and v.is_floating_point()}


@torch.inference_mode()
def max_abs_diff(model_a, model_b, task_a, task_b, rows_a: list[dict], rows_b: list[dict], batch_size: int = 8,
                 device_a="cpu", device_b="cpu") -> float | None:
    """Largest |a − b| over the float outputs both models return (logits, start/end logits), on the same
    examples batched the same way; token-level outputs compare real tokens only. None when the models' inputs
    differ (another tokenizer) or they share no output."""
    worst, shared = 0.0, False
    for s in range(0, len(rows_a), batch_size):
        ba, bb = inputs_of(task_a, rows_a[s:s + batch_size]), inputs_of(task_b, rows_b[s:s + batch_size])
        if not torch.equal(ba["input_ids"], bb["input_ids"]):
            return None
        oa, ob = _outputs(model_a(**_to(ba, device_a))), _outputs(model_b(**_to(bb, device_b)))
        mask = ba.get("attention_mask", torch.ones_like(ba["input_ids"])).bool()      # (B, T)
        for name in oa.keys() & ob.keys():
            a, b = oa[name].float().cpu(), ob[name].float().cpu()
            if a.shape != b.shape:
                continue
            diff = (a - b).abs()
            if diff.ndim >= 2 and diff.shape[:2] == mask.shape:                        # token-level output
                diff = diff[mask]
            worst, shared = max(worst, float(diff.max()) if diff.numel() else 0.0), True
    return worst if shared else None


# ---- peak memory, in a fresh process -----------------------------------------------------------------------------
def _status_mb(field: str) -> float | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) / 1024 if m else None


def peak_memory_mb(ref, rows: list[dict], runs_dir, seed: int = 0, timeout: int = 600) -> float | None:
    """Peak resident memory (MiB) that loading `ref` (a ModelRef) and running one batch of `rows` adds to a fresh
    Python process with torch and transformers imported. None where /proc is not available (not Linux)."""
    if _status_mb("VmHWM") is None:
        return None
    spec = {"ref": asdict(ref), "rows": rows, "runs_dir": str(runs_dir), "seed": seed}
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": str(torch.get_num_threads())}
    proc = subprocess.run([sys.executable, "-m", "workbench.evaluate.measure"], input=json.dumps(spec), text=True,
                          capture_output=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"memory measurement failed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak_memory_mb"]


def _preload(ref) -> None:
    """Pay the one-time costs before the baseline (imports, the framework's first model construction: about 120 MB
    of RSS in any process), so that the measurement holds what this model needs and nothing else."""
    folder = ref.model_dir
    if folder is None:
        folder = resolve(ref.base, ref.runs_dir or "runs").ref
    try:
        empty_model(folder, tasks.TASKS.get(ref.task, "task").auto_class)      # on the meta device: no weights
    except (OSError, ValueError):
        pass
    extra = {"int8": ["torch.ao.nn.quantized.dynamic", "workbench.model.quantize"], "onnx": ["onnxruntime"],
             "bnb8": ["bitsandbytes"], "bnb4": ["bitsandbytes"], "pruned": ["workbench.model.sparse"]}
    for name in extra.get(ref.fmt, []):
        importlib.import_module(name)
    torch.randn(64, 64) @ torch.randn(64, 64)                                  # thread pools up


def _memory_main() -> None:
    """Child process: prepare everything but the model, reset the high-water mark, load, run, report."""
    spec = json.loads(sys.stdin.read())
    ref = ModelRef(**spec["ref"])
    prepared = prepare_for(ref, spec["runs_dir"])          # base models need the task's labels: read them first
    _preload(ref)
    Path("/proc/self/clear_refs").write_text("5")          # VmHWM := VmRSS
    before = _status_mb("VmRSS")
    loaded = load_ref(ref, spec["runs_dir"], seed=spec["seed"], prepared=prepared)
    loaded.task.setup(loaded.tokenizer)
    with torch.inference_mode():
        loaded.model(**inputs_of(loaded.task, spec["rows"]))
    print(json.dumps({"peak_memory_mb": round(_status_mb("VmHWM") - before, 1)}))


if __name__ == "__main__":
    _memory_main()
