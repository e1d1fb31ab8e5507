"""bench/gpu.py on the CPU: its FLOP count against a hand computation and the model's own linear layers, the
peak lookup, and the `--tiny --device cpu` path end to end (it trains through the workbench and HF Trainer)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_gpu", ROOT / "bench" / "gpu.py")
gpu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu)


def test_flops_per_token_by_hand():
    # TINY: d 64, MLP 128, 2 layers, 4 heads of 16, 2 KV heads (k and v are 64 -> 32), vocabulary 512.
    per_layer = (64 * 64) + 2 * (64 * 32) + (64 * 64) + 3 * (64 * 128)     # q, k+v, o, gate+up+down = 36,864
    n = 2 * per_layer + 64 * 512                                             # + LM head = 106,496
    assert gpu.matmul_params(gpu.TINY) == n == 106_496
    assert gpu.flops_per_token(gpu.TINY, 64) == 6 * 106_496 + 12 * 2 * 64 * 64 == 737_280


def test_matmul_params_match_the_models_linear_layers():
    from transformers import AutoModelForCausalLM, Qwen2Config
    model = AutoModelForCausalLM.from_config(Qwen2Config(**gpu.TINY))
    linear = sum(m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Linear))
    assert linear == gpu.matmul_params(gpu.TINY)
    # the full config is the ~0.5B decoder the issue asks for
    assert 0.45e9 < gpu.matmul_params(gpu.FULL) < 0.55e9


def test_peak_lookup():
    assert gpu.peak_tflops("NVIDIA H100 80GB HBM3", None) == 989.0
    assert gpu.peak_tflops("NVIDIA H100 PCIe", None) == 756.0
    assert gpu.peak_tflops("NVIDIA H200", None) == 989.0
    assert gpu.peak_tflops("NVIDIA A100-SXM4-80GB", None) == 312.0
    assert gpu.peak_tflops("Some Future GPU", None) is None
    assert gpu.peak_tflops("NVIDIA H100 PCIe", 500.0) == 500.0


def test_tiny_cpu_run_end_to_end():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "bench/gpu.py", "--tiny", "--device", "cpu", "--peak-tflops", "1"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("ratio=") and float(lines[-1].split("=")[1]) > 0
    table = {ln.split("|")[1].strip(): ln for ln in lines if ln.startswith("| ")}
    assert {"workbench-full", "hf-full", "workbench-lora"} <= set(table)
    mfu = table["workbench-full"].split("|")[3].strip()
    assert mfu.endswith("%") and float(mfu.rstrip(" %")) > 0
