"""Training throughput of the workbench loop against the obvious alternatives, same data, same machine, same run.

    python bench/speed.py [--steps 100] [--batch 32]

Variants (each in a fresh process, one after another, holding the machine-wide bench lock):
  plain-fp32       a plain PyTorch loop, every batch padded to max_length (what a first script does)
  hf-fp32          transformers Trainer with DataCollatorWithPadding (dynamic padding)
  hf-bf16          the same with bf16=True
  workbench-fp32   workbench.run.loop.run, precision fp32
  workbench-bf16   workbench.run.loop.run, precision auto (bf16 autocast on this CPU)
Data: MiniLM on an 8,000-row seeded subset of ../shared/data/sst2/train.tsv, max_length 64. Samples/s counts
training steps only (no evaluation, no saving) for every variant.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SST2 = ROOT.parent / "shared" / "data" / "sst2" / "train.tsv"
VARIANTS = ["plain-fp32", "hf-fp32", "hf-bf16", "workbench-fp32", "workbench-bf16"]


def load_texts(n=8000, seed=0):
    import numpy as np
    import pandas as pd
    frame = pd.read_csv(SST2, sep="\t", quoting=3, keep_default_na=False)
    idx = np.random.default_rng(seed).permutation(len(frame))[:n]
    frame = frame.iloc[sorted(idx)]
    return frame["sentence"].tolist(), frame["label"].astype(int).tolist()


def plain(steps, batch, bf16=False):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from workbench.model.catalogue import minilm_path
    texts, labels = load_texts()
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(minilm_path()), num_labels=2)
    enc = tok(texts, padding="max_length", truncation=True, max_length=64, return_tensors="pt")
    y = torch.tensor(labels)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
    torch.manual_seed(0)
    order = torch.randperm(len(texts))
    model.train()
    t0 = time.perf_counter()
    for s in range(steps):
        idx = order[(s * batch) % len(texts):][:batch]
        out = model(input_ids=enc["input_ids"][idx], attention_mask=enc["attention_mask"][idx], labels=y[idx])
        out.loss.backward()
        opt.step()
        opt.zero_grad()
    return steps * batch / (time.perf_counter() - t0)


def hf(steps, batch, bf16):
    from datasets import Dataset
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                              TrainingArguments)

    from workbench.model.catalogue import minilm_path
    texts, labels = load_texts()
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(minilm_path()), num_labels=2)
    ds = Dataset.from_dict({"text": texts, "label": labels}).map(
        lambda b: tok(b["text"], truncation=True, max_length=64), batched=True, remove_columns=["text"])
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, per_device_train_batch_size=batch, max_steps=steps,
                                 learning_rate=5e-5, warmup_steps=max(1, int(0.06 * steps)), save_strategy="no", report_to=[],
                                 logging_strategy="no", bf16=bf16, use_cpu=True, seed=0, disable_tqdm=True)
        result = Trainer(model=model, args=args, train_dataset=ds,
                         data_collator=DataCollatorWithPadding(tok)).train()
    return result.metrics["train_samples_per_second"]


def workbench(steps, batch, bf16):
    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    with tempfile.TemporaryDirectory() as runs:
        cfg = RunConfig.load(ROOT / "assets" / "presets" / "sst2-minilm.yaml", [
            f"train.max_steps={steps}", f"train.batch_size={batch}", f"output.runs_dir={runs}",
            f"train.precision={'auto' if bf16 else 'fp32'}", "train.eval_every=0", "data.max_eval_samples=32",
            "output.save_model=false", f"data.train={SST2}", f"data.validation={SST2.parent / 'dev.tsv'}"])
        summary = trainer.run(cfg, store.create_run(cfg))
        assert summary["status"] == "completed", summary.get("error")
        return summary["metrics"]["train_samples_per_s"]


def one(variant, steps, batch):
    kind, precision = variant.split("-")
    fn = {"plain": plain, "hf": hf, "workbench": workbench}[kind]
    return fn(steps, batch, bf16=precision == "bf16")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant:
        print(json.dumps({"variant": args.variant, "samples_per_s": one(args.variant, args.steps, args.batch)}))
        return
    results = {}
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    with open("/tmp/wb-bench.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for v in VARIANTS:
            out = subprocess.run([sys.executable, __file__, "--variant", v, "--steps", str(args.steps),
                                  "--batch", str(args.batch)], capture_output=True, text=True, env=env, cwd=ROOT)
            line = [x for x in out.stdout.splitlines() if x.startswith("{")]
            results[v] = json.loads(line[-1])["samples_per_s"] if line else None
            print(f"{v}: {results[v]}" + ("" if line else f"  FAILED {out.stderr[-800:]}"), file=sys.stderr)
    ref = results["hf-fp32"]
    print("| variant | samples/s | vs HF Trainer fp32 |\n|---|---|---|")
    for v, r in results.items():
        print(f"| {v} | {r:.1f} | {r / ref:.2f}x |" if r and ref else f"| {v} | failed | - |")


if __name__ == "__main__":
    main()
