"""FSDP vs DDP vs one process on CPU: per-step loss agreement and peak resident memory per rank.

    python bench/fsdp_scale.py                 # a BERT of 8 layers, width 512 (about 26 M weights), 8 steps
    python bench/fsdp_scale.py --layers 2 --width 64 --steps 4     # quick

The model is built here (random init, no dropout, a BPE tokenizer trained on the built-in sentiment texts) and
saved under --out (default /tmp/i12/fsdp_scale), never into the repository. Three runs of the same job
(classification on the built-in sentiment set, global batch 16, fp32, constant lr): 1 process, 2 processes with
torch DDP (train.sharding none) and 2 processes with FSDP full shard (train.sharding fsdp), each through
`python -m workbench train`. Reported: the largest per-step loss difference to the 1-process run and each rank's
peak resident memory (getrusage ru_maxrss of the rank's process, from its summary: CPU memory, there is no GPU).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_model(out: Path, layers: int, width: int) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    sys.path.insert(0, str(ROOT))
    from workbench import data, tasks
    from workbench.config import RunConfig
    from workbench.model.tokenizer import train_tokenizer
    folder = out / f"bert-{layers}x{width}"
    if (folder / "config.json").is_file():
        return folder
    cfg = RunConfig()   # the built-in sentiment set
    task = tasks.build(cfg)
    texts = task.tokenizer_texts(data.load(cfg.data, task, 0))
    tok = train_tokenizer(texts, "encoder", "bpe", 2000)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=width, num_hidden_layers=layers,
                     num_attention_heads=max(1, width // 64), intermediate_size=4 * width, max_position_embeddings=128,
                     pad_token_id=tok.pad_token_id, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    BertForSequenceClassification(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def run(model: Path, runs: Path, name: str, steps: int, processes: int, sharding: str, extra=()) -> dict:
    cmd = [sys.executable, "-m", "workbench", "train", "--quiet", "--processes", str(processes),
           "--set", f"model.name={model}", "--set", f"output.runs_dir={runs}", "--set", f"output.run_name={name}",
           "--set", f"train.max_steps={steps}", "--set", "train.batch_size=16", "--set", "train.precision=fp32",
           "--set", "train.scheduler=constant", "--set", "train.warmup_ratio=0", "--set", "train.eval_every=1000",
           "--set", "data.max_length=64", "--set", "data.max_eval_samples=32", "--set", f"train.sharding={sharding}",
           "--set", "output.save_model=false", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    folder = sorted(runs.glob(f"{name}*"))[-1]
    steps_ = {}
    for line in (folder / "metrics.jsonl").read_text().splitlines():
        e = json.loads(line)
        if e.get("type") == "step":
            steps_[e["step"]] = e["loss"]
    peaks = [json.loads((folder / "summary.json").read_text())["metrics"]["peak_memory_mb"]]
    for r in range(1, processes):
        peaks.append(json.loads((folder / "ranks" / f"rank-{r}" / "summary.json").read_text())["metrics"]
                     ["peak_memory_mb"])
    log = (folder / "log.txt").read_text()
    held = [ln.split("FSDP: ", 1)[1] for ln in log.splitlines() if "FSDP: " in ln]
    return {"losses": steps_, "peak_mb": peaks, "fsdp": held[0] if held else None}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--out", default="/tmp/i12/fsdp_scale")
    p.add_argument("--no-checkpoint", action="store_true", help="no checkpoint (train.checkpoint_every=100000): "
                   "the peak memory of training alone, without the gathering of whole tensors to save them")
    a = p.parse_args()
    extra = ["--set", "train.checkpoint_every=100000"] if a.no_checkpoint else []
    out = Path(a.out)
    runs = out / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    model = build_model(out, a.layers, a.width)
    n = sum(v.numel() for k, v in __import__("safetensors.torch", fromlist=["load_file"]).load_file(
        str(model / "model.safetensors")).items())
    print(f"model: {model.name}, {n:,} weights ({n * 4 / 2**20:.0f} MB fp32; with AdamW state and gradients "
          f"{n * 16 / 2**20:.0f} MB)")
    results = {"1 process": run(model, runs, "one", a.steps, 1, "none", extra),
               "2 processes, DDP": run(model, runs, "ddp", a.steps, 2, "none", extra),
               "2 processes, FSDP": run(model, runs, "fsdp", a.steps, 2, "fsdp", extra)}
    base = results["1 process"]["losses"]
    print(f"| run | max abs per-step loss diff vs 1 process ({len(base)} steps) | peak RSS per rank (MB) |")
    print("|---|---|---|")
    for k, r in results.items():
        diff = max(abs(r["losses"][s] - base[s]) for s in base)
        print(f"| {k} | {diff:.2e} | {' / '.join(f'{m:.0f}' for m in r['peak_mb'])} |")
    for k, r in results.items():
        if r["fsdp"]:
            print(f"{k}: {r['fsdp']}")
    print(f"training state (weights + gradients + AdamW's two moments, fp32) per rank: {n * 16 / 2**20:.0f} MB "
          f"whole (1 process, each DDP rank), {n * 8 / 2**20:.0f} MB per FSDP rank (half of every tensor)")
    print("losses:", json.dumps({k: r["losses"] for k, r in results.items()}))


if __name__ == "__main__":
    main()
