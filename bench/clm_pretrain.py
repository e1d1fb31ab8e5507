"""Causal-LM pretraining throughput in real (non-pad) tokens per second: the workbench, which packs the text into
full blocks, against transformers.Trainer fed one padded line per row (issue 13, benchmark 2).

    python bench/clm_pretrain.py [--quick] [--repeats 2] [--corpora shakespeare,wikitext2]

Job: gpt-tiny from scratch (GPT-2, 4 layers, width 256) with a 2,048-entry byte-level BPE tokenizer trained on
the corpus, block / max_length 128, batch 32 rows, AdamW lr 2e-3, weight decay 0.1, 5 % warm-up, bf16 autocast
where the CPU supports it, seed 0.
  shakespeare   ../shared/data/tiny_shakespeare/input.txt (short verse lines and speaker names)
  wikitext2     ../shared/data/wikitext2/valid.txt (the copy has no train split; paragraphs, often longer than 128)
Workbench: task causal_lm on the text file (one token stream cut into blocks of 128: no padding). HF Trainer: each
non-empty line of the same 90 % of the text is one row (truncated to 128), DataCollatorForLanguageModeling
(mlm=False: dynamic padding, pads out of the loss), train_sampling_strategy="group_by_length" with precomputed
lengths, bf16; its real tokens are counted in the collator. Fresh process per variant, variants alternating.
Ends with `ratio=<x>`: geometric mean over the corpora of median workbench / median HF real tokens/s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # `python bench/x.py` from anywhere imports this checkout's workbench
DATA = ROOT.parent / "shared" / "data"
CORPORA = {"shakespeare": "tiny_shakespeare/input.txt", "wikitext2": "wikitext2/valid.txt"}
BLOCK, BATCH, LR, VOCAB = 128, 32, 2e-3, 2048
STEPS, QUICK_STEPS = 150, 20


def train_text(corpus):
    text = (DATA / CORPORA[corpus]).read_text(encoding="utf-8")
    return text[:int(len(text) * 0.9)]      # the workbench holds the last 10 % out for validation


def run_hf(corpus, steps):
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, DataCollatorForLanguageModeling, Trainer, TrainingArguments

    from workbench.model.catalogue import _scratch_config, preset
    from workbench.run.runtime import cpu_bf16_supported
    from workbench.model.tokenizer import train_tokenizer
    lines = [x for x in train_text(corpus).splitlines() if x.strip()]
    tok = train_tokenizer(lines, "decoder", "bpe", VOCAB)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(_scratch_config(preset("gpt-tiny"), VOCAB, BLOCK, tok))
    ds = Dataset.from_dict({"text": lines}).map(
        lambda b: tok(b["text"], truncation=True, max_length=BLOCK, add_special_tokens=False), batched=True,
        remove_columns=["text"]).map(lambda b: {"length": [len(x) for x in b["input_ids"]]}, batched=True)
    lm_collate, real = DataCollatorForLanguageModeling(tok, mlm=False), [0]

    def collate(rows):
        batch = lm_collate([{"input_ids": r["input_ids"]} for r in rows])
        real[0] += int(batch["attention_mask"].sum())
        return batch
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=BATCH, max_steps=steps, learning_rate=LR, weight_decay=0.1,
            warmup_steps=0.05, lr_scheduler_type="linear", max_grad_norm=1.0, bf16=cpu_bf16_supported(),
            train_sampling_strategy="group_by_length", remove_unused_columns=False, use_cpu=True, seed=0,
            save_strategy="no", eval_strategy="no", logging_strategy="no", report_to=[], disable_tqdm=True)
        result = Trainer(model=model, args=args, train_dataset=ds, data_collator=collate).train()
    seconds = result.metrics["train_runtime"]
    return {"tokens_per_s": real[0] / seconds, "mean_real_tokens_per_row": real[0] / (steps * BATCH)}


def run_workbench(corpus, steps):
    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    with tempfile.TemporaryDirectory() as runs:
        cfg = RunConfig.from_dict({
            "task": "causal_lm", "model": {"name": "gpt-tiny", "tokenizer": "bpe", "vocab_size": VOCAB},
            "data": {"train": str(DATA / CORPORA[corpus]), "max_length": BLOCK, "max_eval_samples": 64},
            "train": {"max_steps": steps, "batch_size": BATCH, "lr": LR, "warmup_ratio": 0.05, "weight_decay": 0.1,
                      "eval_every": steps, "log_every": 10, "seed": 0},
            "output": {"runs_dir": runs, "save_model": False}})
        t0 = time.perf_counter()
        summary = trainer.run(cfg, store.create_run(cfg))
        assert summary["status"] == "completed", summary.get("error")
        m = summary["metrics"]
    # every packed row holds BLOCK real tokens (only the stream's last block is shorter, and it is one of thousands)
    return {"tokens_per_s": m["train_samples_per_s"] * BLOCK, "mean_real_tokens_per_row": BLOCK,
            "wall_s": round(time.perf_counter() - t0, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} steps, one repeat")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--corpora", default="shakespeare,wikitext2")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    args = ap.parse_args()
    steps = args.steps or (QUICK_STEPS if args.quick else STEPS)
    if args.variant:
        out = (run_hf if args.variant == "hf" else run_workbench)(args.corpus, steps)
        out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(out))
        return
    repeats = args.repeats or (1 if args.quick else 2)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(ROOT)}
    ratios = []
    for corpus in args.corpora.split(","):
        results = {"hf": [], "workbench": []}
        for r in range(repeats):
            for v in (["hf", "workbench"] if r % 2 == 0 else ["workbench", "hf"]):
                proc = subprocess.run([sys.executable, __file__, "--variant", v, "--corpus", corpus,
                                       "--steps", str(steps)], capture_output=True, text=True, env=env, cwd=ROOT)
                lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
                if not lines:
                    sys.exit(f"{corpus} {v} failed:\n{proc.stderr[-2000:]}")
                results[v].append(json.loads(lines[-1]))
                print(f"{corpus} {v} repeat {r + 1}: {results[v][-1]}", file=sys.stderr, flush=True)
        med = {v: statistics.median(x["tokens_per_s"] for x in rs) for v, rs in results.items()}
        print(f"\n{corpus}: {steps} steps, batch {BATCH} rows, block {BLOCK}, {repeats} repeat(s)")
        print("| variant | real tokens/s (median) | runs | real tokens per row | peak MB |\n|---|---|---|---|---|")
        for v, rs in results.items():
            runs = " / ".join(f"{x['tokens_per_s']:.0f}" for x in rs)
            print(f"| {v} | {med[v]:.0f} | {runs} | {rs[0]['mean_real_tokens_per_row']:.1f} | "
                  f"{max(x['peak_mb'] for x in rs):.0f} |")
        ratios.append(med["workbench"] / med["hf"])
        print(f"{corpus}: ratio={ratios[-1]:.3f}", flush=True)
    print(f"ratio={math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}")


if __name__ == "__main__":
    main()
