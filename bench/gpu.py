"""GPU throughput and model FLOPs utilisation (MFU) of causal-LM training of a ~0.5B decoder, full vs LoRA vs QLoRA
peak memory, and the same job through transformers.Trainer for the ratio (issue 13, benchmark 4).

    python bench/gpu.py [--quick] [--peak-tflops 989]          # on a CUDA machine
    python bench/gpu.py --tiny --device cpu                      # the same code path on a tiny config (tests)

Model: a Qwen2-0.5B-shaped decoder (hidden 896, 24 layers, 14 heads / 2 KV heads, MLP 4864, vocabulary 151,936,
tied embeddings: 494M parameters) built from the standard config with random weights, saved in bf16 to a
temporary folder with a byte-level BPE tokenizer trained on generated text (no download, no data folder).
Data: generated text packed into blocks of --seq tokens (the workbench's causal_lm task; HF Trainer gets the same
blocks, already packed, so the comparison is the loop, not the padding). SDPA attention, bf16 weights.
Variants, each in a fresh process: workbench full, HF Trainer full, workbench lora (r 16), workbench qlora (r 16,
NF4 base; CUDA only). Tokens/s = steps x batch x seq / training seconds.
MFU = tokens/s x training FLOPs per token / peak bf16 dense FLOP/s of the GPU (looked up from its name, or
--peak-tflops). Training FLOPs per token (PaLM, appendix B): 6 N + 12 L d T, N = parameters in matrix products
(every linear layer and the LM head; embedding lookups are free), L layers, d hidden size, T sequence length.
Ends with `ratio=<x>`: workbench full tokens/s / HF Trainer full tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # `python bench/x.py` from anywhere imports this checkout's workbench
# bf16 dense (no sparsity) peak TFLOP/s, from the vendors' data sheets; matched against the device name.
PEAK_TFLOPS = {"H200": 989.0, "H100 SXM": 989.0, "H100 80GB HBM3": 989.0, "H100 PCIe": 756.0, "H100": 756.0,
               "A100": 312.0, "L40S": 362.0, "L4": 121.0, "A10G": 70.0, "A10": 125.0, "RTX 4090": 165.2,
               "RTX 3090": 71.0, "V100": 125.0}
FULL = dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
            num_key_value_heads=2, vocab_size=151936, max_position_embeddings=32768, tie_word_embeddings=True)
TINY = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, vocab_size=512, max_position_embeddings=256, tie_word_embeddings=True)
WORDS = ("the of and a to in is was for on that with as by at from his her it an were are which this be or "
         "king queen river town house night day light water stone field storm garden letter voice window").split()


def matmul_params(cfg: dict) -> int:
    """Parameters that take part in matrix products per token: attention q/k/v/o, the MLP, the LM head."""
    d, f, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    head_dim = d // cfg["num_attention_heads"]
    kv = cfg["num_key_value_heads"] * head_dim
    attn = d * d + 2 * d * kv + d * d          # q, k, v, o (biases are not matrix products)
    mlp = 3 * d * f                            # gate, up, down
    return layers * (attn + mlp) + d * cfg["vocab_size"]


def flops_per_token(cfg: dict, seq: int) -> float:
    """Training FLOPs per token: 6 N (forward 2N, backward 4N) + 12 L d T (attention scores and values)."""
    return 6 * matmul_params(cfg) + 12 * cfg["num_hidden_layers"] * cfg["hidden_size"] * seq


def peak_tflops(device_name: str, given: float | None) -> float | None:
    if given:
        return given
    for key in sorted(PEAK_TFLOPS, key=len, reverse=True):     # the most specific name first
        if key.lower() in device_name.lower():
            return PEAK_TFLOPS[key]
    return None


def build(folder: Path, tiny: bool, n_words: int) -> Path:
    """The random-init model (bf16 safetensors), its tokenizer, and a generated text file."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    from workbench.model.tokenizer import train_tokenizer
    rng = random.Random(0)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))) + "." for _ in range(n_words // 15)]
    text = folder / "train.txt"
    text.write_text("\n".join(lines) + "\n")
    cfg = TINY if tiny else FULL
    tok = train_tokenizer(lines[:5000], "decoder", "bpe", min(cfg["vocab_size"], 1024))
    torch.manual_seed(0)
    config = Qwen2Config(**cfg, pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                         eos_token_id=tok.eos_token_id)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.save_pretrained(folder / "model")
    tok.save_pretrained(folder / "model")
    return text


def run_workbench(args, strategy: str) -> dict:
    import torch

    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    strategies = {"full": [{"name": "full"}], "lora": [{"name": "lora", "r": 16, "alpha": 32}],
                  "qlora": [{"name": "qlora", "r": 16, "alpha": 32, "gradient_checkpointing": False}]}[strategy]
    cfg = RunConfig.from_dict({
        "task": "causal_lm", "model": {"name": str(Path(args.work) / "model")},
        "data": {"train": str(Path(args.work) / "train.txt"), "max_length": args.seq, "max_eval_samples": 4},
        "strategy": strategies,
        "train": {"max_steps": args.steps, "batch_size": args.batch, "lr": 1e-4 if strategy == "full" else 1e-3,
                  "warmup_ratio": 0.05, "eval_every": args.steps, "log_every": 10, "device": args.device,
                  "precision": "bf16" if args.device == "cuda" else "auto", "seed": 0},
        "output": {"runs_dir": str(Path(args.work) / "runs"), "save_model": False}})
    if args.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    summary = trainer.run(cfg, store.create_run(cfg))
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    return {"tokens_per_s": m["train_samples_per_s"] * args.seq, "peak_mb": m["peak_memory_mb"],
            "trainable_params": m["trainable_params"]}


def run_hf(args) -> dict:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments
    folder = Path(args.work) / "model"
    tok = AutoTokenizer.from_pretrained(folder)
    ids = tok((Path(args.work) / "train.txt").read_text(), add_special_tokens=False)["input_ids"]
    blocks = [ids[s:s + args.seq] for s in range(0, len(ids) - args.seq + 1, args.seq)]
    ds = Dataset.from_dict({"input_ids": blocks, "labels": blocks})
    model = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="sdpa")
    if args.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    with tempfile.TemporaryDirectory() as out:
        targs = TrainingArguments(
            output_dir=out, per_device_train_batch_size=args.batch, max_steps=args.steps, learning_rate=1e-4,
            warmup_steps=0.05, lr_scheduler_type="linear", weight_decay=0.01, max_grad_norm=1.0,
            bf16=args.device == "cuda", use_cpu=args.device == "cpu", seed=0, save_strategy="no",
            eval_strategy="no", logging_strategy="no", report_to=[], disable_tqdm=True)
        result = Trainer(model=model, args=targs, train_dataset=ds).train()
    peak = torch.cuda.max_memory_allocated() / 2**20 if args.device == "cuda" else None
    return {"tokens_per_s": args.steps * args.batch * args.seq / result.metrics["train_runtime"],
            "peak_mb": round(peak, 1) if peak else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiny", action="store_true", help="a 2-layer width-64 decoder instead of the 0.5B one")
    ap.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
    ap.add_argument("--quick", action="store_true", help="fewer steps")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--seq", type=int, default=None)
    ap.add_argument("--peak-tflops", type=float, default=None, help="the device's bf16 dense peak, TFLOP/s")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.seq = args.seq or (64 if args.tiny else 2048)
    args.batch = args.batch or (4 if args.tiny else 8)
    args.steps = args.steps or (4 if args.tiny else (20 if args.quick else 60))
    if args.variant:
        out = run_hf(args) if args.variant == "hf" else run_workbench(args, args.variant)
        print(json.dumps(out))
        return
    import torch
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA GPU here; run with --device cpu (and --tiny) to check the code path")
    name = torch.cuda.get_device_name() if args.device == "cuda" else "cpu"
    cfg = TINY if args.tiny else FULL
    variants = ["workbench-full", "hf-full", "workbench-lora"] + (["workbench-qlora"] if args.device == "cuda" else [])
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(ROOT)}
    results = {}
    with tempfile.TemporaryDirectory() as work:
        build(Path(work), args.tiny, n_words=args.steps * args.batch * args.seq * 2 + 20_000)
        for v in variants:
            cmd = [sys.executable, __file__, "--variant", v.split("-")[1] if v.startswith("workbench") else "hf",
                   "--work", work, "--device", args.device, "--steps", str(args.steps), "--batch", str(args.batch),
                   "--seq", str(args.seq)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
            lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
            if not lines:
                sys.exit(f"{v} failed:\n{proc.stderr[-3000:]}")
            results[v] = json.loads(lines[-1])
            print(f"{v}: {results[v]}", file=sys.stderr, flush=True)
    peak = peak_tflops(name, args.peak_tflops)
    fpt = flops_per_token(cfg, args.seq)
    print(f"device: {name}; model: {matmul_params(cfg) / 1e6:.1f}M matmul parameters; seq {args.seq}, batch "
          f"{args.batch}, {args.steps} steps; {fpt / 1e9:.3f} GFLOP per token; peak "
          f"{peak if peak else 'unknown'} TFLOP/s bf16 dense")
    print("| variant | tokens/s | MFU | peak memory MB |\n|---|---|---|---|")
    for v, r in results.items():
        mfu = "-" if (peak is None or "full" not in v) else f"{100 * r['tokens_per_s'] * fpt / (peak * 1e12):.3g} %"
        print(f"| {v} | {r['tokens_per_s']:.0f} | {mfu} | {r['peak_mb'] if r['peak_mb'] is not None else '-'} |")
    if "workbench-qlora" in results and results["workbench-lora"]["peak_mb"]:
        share = results["workbench-qlora"]["peak_mb"] / results["workbench-lora"]["peak_mb"]
        print(f"qlora/lora peak memory: {share:.3f}")
    print(f"ratio={results['workbench-full']['tokens_per_s'] / results['hf-full']['tokens_per_s']:.3f}")


if __name__ == "__main__":
    main()
