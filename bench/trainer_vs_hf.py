"""The same fine-tuning job through the workbench loop and through transformers.Trainer at its best ordinary
settings, side by side (issue 13, benchmark 1).

    python bench/trainer_vs_hf.py [--quick] [--repeats 2] [--datasets sst2,chnsenticorp] [--levers]
                                  [--variants hf,hf-random,workbench,workbench-cls] [--steps N] [--compile-cache] [--profile]

Job: the bundled MiniLM (6 layers, width 384), full fine-tuning, batch 32, AdamW (fused, lr 5e-5, weight decay
0.01, grad-norm clip 1.0), 6 % linear warm-up then linear decay, bf16 autocast where the CPU supports it, seed 0.
  sst2          GLUE SST-2: an 8,000-row seeded train subset, max_length 64 (short sentences, ~13 tokens); dev 872
  chnsenticorp  ChnSentiCorp reviews: 9,600 train rows, max_length 128 (82 tokens on average); dev 1,200
HF Trainer: DataCollatorWithPadding (dynamic padding), train_sampling_strategy="group_by_length", bf16=True,
optim adamw_torch_fused (its default), warmup_steps as a float ratio, lengths precomputed in a `length` column
and kept (remove_unused_columns=False; the collator drops it): otherwise the sampler reads every row when
training starts, inside HF's timed loop. `hf-random`: the same with HF's default random order (its
group_by_length sampler walks each 1,600-row mega-batch longest first, and on ChnSentiCorp length follows the label,
which leaves HF at chance; BENCHMARKS.md, benchmark 1). Workbench: the engine's defaults (length
grouping on) through `workbench.run.loop.run`.
Every variant runs in a fresh process; the variants alternate within each repeat. samples/s counts training
steps only (HF: its train_samples_per_second with no evaluation or saving inside the loop); accuracy is on the dev
set after the last step; peak memory is the process's peak RSS. Prints a table per dataset and ends with
`ratio=<x>`: the geometric mean over datasets of median workbench samples/s / median HF samples/s.
`--levers` adds workbench variants with one lever changed (packing, torch.compile, no length grouping, fp32, bf16
weights with fp32 master copies, HF's [CLS] head, the allocator left as glibc starts it); `--variants a,b,...` runs
just those (the first is the base of the table's "vs" column). Workbench variants also report
`steady_samples_per_s`: the rate over the second half of the steps (from the loop's step events), which leaves out
one-time costs such as torch.compile's first graphs; every variant reports its process's minor page faults.
`--compile-cache`: torch.compile's start-up with the inductor caches cold, then warm (a second fresh process).
`--profile`: torch.profiler over steps 6-10 of each variant, ops by self time and the copies by shape.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # `python bench/x.py` from anywhere imports this checkout's workbench
DATA = ROOT.parent / "shared" / "data"
DATASETS = {
    # name: (train file, dev file, text column, max_length, train rows, steps, quick steps)
    "sst2": ("sst2/train.tsv", "sst2/dev.tsv", "sentence", 64, 8000, 400, 40),
    "chnsenticorp": ("chnsenticorp/train.tsv", "chnsenticorp/dev.tsv", "text_a", 128, 9600, 200, 16),
}
LEVERS = {"workbench+packing": ["train.packing=true"], "workbench+compile": ["train.compile=true"],
          "workbench-nogroup": ["train.group_by_length=false"], "workbench-fp32": ["train.precision=fp32"],
          "workbench+bf16w": [], "workbench-cls": ["model.pooling=cls"],
          "workbench-freemem": ["train.keep_freed_memory=false"]}
# HF variants: its train_sampling_strategy. hf-random is HF's default order; see BENCHMARKS.md benchmark 1 for why
# group_by_length leaves HF at chance on ChnSentiCorp (longest-first runs of batches whose labels follow length).
HF_SAMPLING = {"hf": "group_by_length", "hf-random": "random"}
BATCH, LR = 32, 5e-5


def read(path, text_col, n=None, seed=0):
    import numpy as np
    import pandas as pd
    frame = pd.read_csv(DATA / path, sep="\t", quoting=3, keep_default_na=False)
    if n and n < len(frame):
        frame = frame.iloc[sorted(np.random.default_rng(seed).permutation(len(frame))[:n])]
    return frame[text_col].astype(str).tolist(), frame["label"].astype(int).tolist()


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_hf(dataset, steps, profile=None, sampling="group_by_length"):
    import numpy as np
    import torch
    from datasets import Dataset
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                              TrainingArguments)

    from workbench.model.catalogue import minilm_path
    from workbench.run.runtime import cpu_bf16_supported
    train_f, dev_f, col, max_len, n, _, _ = DATASETS[dataset]
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    seed = int(os.environ.get("BENCH_SEED", "0"))   # --seed: the training seed (the data subset stays seed 0)
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(str(minilm_path()), num_labels=2)

    def encode(texts, labels):
        return Dataset.from_dict({"text": texts, "label": labels}).map(
            lambda b: tok(b["text"], truncation=True, max_length=max_len), batched=True, remove_columns=["text"]
        ).map(lambda b: {"length": [len(x) for x in b["input_ids"]]}, batched=True)   # the sampler reads it
    train, dev = encode(*read(train_f, col, n)), encode(*read(dev_f, col))
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=BATCH, per_device_eval_batch_size=2 * BATCH,
            max_steps=steps, learning_rate=LR, weight_decay=0.01, max_grad_norm=1.0, lr_scheduler_type="linear",
            warmup_steps=0.06, train_sampling_strategy=sampling, bf16=cpu_bf16_supported(), use_cpu=True,
            seed=seed, remove_unused_columns=False, save_strategy="no", eval_strategy="no", logging_strategy="no",
            report_to=[], disable_tqdm=True)
        collate = DataCollatorWithPadding(tok)
        trainer = Trainer(model=model, args=args, train_dataset=train,
                          data_collator=lambda rows: collate([{k: v for k, v in r.items() if k != "length"}
                                                              for r in rows]))
        if profile is not None:
            from transformers import TrainerCallback

            class Profile(TrainerCallback):
                def on_step_end(self, *a, **k):
                    profile.step()
            trainer.add_callback(Profile())
        result = trainer.train()
        pred = trainer.predict(dev)
    acc = float((np.argmax(pred.predictions, -1) == pred.label_ids).mean())
    return {"samples_per_s": result.metrics["train_samples_per_second"], "accuracy": acc}


def bf16_master_weights(make_optimizer):
    """`make_optimizer` wrapped for the workbench+bf16w variant: the model's weights become bf16 (autocast then has
    no weight to cast), the optimizer steps fp32 master copies instead; each bf16 gradient is copied up to its master
    as backward produces it, and after each step the masters are copied down into the bf16 weights. Same
    optimizer, groups and schedule as the default."""
    import torch

    def make(model, strategies, extra_modules, ctx, train_cfg):
        optimizer = make_optimizer(model, strategies, extra_modules, ctx, train_cfg)
        params = [p for g in optimizer.param_groups for p in g["params"]]
        master = {p: p.detach().float().clone().requires_grad_(True) for p in params}
        model.to(torch.bfloat16)
        for g in optimizer.param_groups:
            g["params"] = [master[p] for p in g["params"]]

        def grad_up(p):
            m = master[p]
            m.grad = p.grad.float() if m.grad is None else m.grad.add_(p.grad)
            p.grad = None
        for p in params:
            p.register_post_accumulate_grad_hook(grad_up)
        lows, highs = params, [master[p] for p in params]

        def weights_down(*_):
            with torch.no_grad():
                torch._foreach_copy_(lows, highs)
        optimizer.register_step_post_hook(weights_down)
        optimizer.masters = master     # bf16 weight -> its fp32 master (tests/test_bench_trainer_vs_hf.py)
        return optimizer
    return make


def run_workbench(dataset, steps, overrides=(), variant="workbench", profile=None):
    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    plain = trainer.make_optimizer   # workbench+bf16w swaps it for its run only (--profile runs several per process)
    train_f, dev_f, col, max_len, n, _, _ = DATASETS[dataset]
    with tempfile.TemporaryDirectory() as runs:
        cfg = RunConfig.from_dict({
            "task": "classification", "model": {"name": "minilm"},
            "data": {"train": str(DATA / train_f), "validation": str(DATA / dev_f), "text_column": col,
                     "label_column": "label", "max_length": max_len, "max_train_samples": n, "format": "tsv"},
            "train": {"max_steps": steps, "batch_size": BATCH, "lr": LR, "warmup_ratio": 0.06,
                      "eval_every": steps, "eval_batch_size": 2 * BATCH, "log_every": 1 if profile else 10,
                      "seed": int(os.environ.get("BENCH_SEED", "0"))},
            "output": {"runs_dir": runs, "save_model": False}})
        if overrides:
            cfg = RunConfig.from_yaml(json.dumps(cfg.to_dict()), list(overrides))
        marks = []   # (step, training seconds so far) from the loop's step events

        def listener(event):
            if getattr(event, "type", None) == "step":
                marks.append((event.step, event.elapsed_s))
                if profile is not None:
                    profile.step()
        if variant == "workbench+bf16w":
            trainer.make_optimizer = bf16_master_weights(plain)
        try:
            summary = trainer.run(cfg, store.create_run(cfg), listener=listener)
        finally:
            trainer.make_optimizer = plain
        assert summary["status"] == "completed", summary.get("error")
        m = summary["metrics"]
        # steady state: the second half of the steps, past warm-up costs such as torch.compile's first graphs
        half = [x for x in marks if x[0] >= steps // 2]
        steady = (BATCH * (half[-1][0] - half[0][0]) / (half[-1][1] - half[0][1])
                  if len(half) > 1 and half[-1][1] > half[0][1] else None)
        # one-time costs (torch.compile's graphs): the training time beyond what the steps take at the steady rate
        overhead = m["train_runtime_s"] - steps * BATCH / steady if steady else None
        return {"samples_per_s": m["train_samples_per_s"], "accuracy": m["eval_accuracy"],
                "steady_samples_per_s": round(steady, 2) if steady else None,
                "first_step_s": marks[0][1] if marks else None,
                "overhead_s": round(overhead, 1) if overhead is not None else None}


def padding_table(datasets):
    """Token slots the model computes per example (real tokens + padding), per batching, over one epoch: a
    load-independent view of what grouping and packing save. HF's LengthGroupedSampler is used as HF uses it."""
    import torch
    from transformers import AutoTokenizer
    from transformers.trainer_pt_utils import LengthGroupedSampler

    from workbench.run.batches import Batches
    from workbench.model.catalogue import minilm_path
    from workbench.run.packing import plan
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    print("| dataset | real tokens / example | random batches | HF group_by_length | workbench grouping | "
          "workbench grouping + packing | random batches + packing |\n|---|---|---|---|---|---|---|")
    for name in datasets:
        train_f, _, col, max_len, n, _, _ = DATASETS[name]
        ids = tok(read(train_f, col, n)[0], truncation=True, max_length=max_len)["input_ids"]
        lens = [len(x) for x in ids]
        rows = [{"input_ids": x} for x in ids]

        def slots(batches, packed=False):
            total = 0
            for b in batches:
                ls = [lens[i] for i in b]
                if packed:
                    bins = plan(ls, max_len)
                    total += len(bins) * max(sum(ls[i] for i in g) for g in bins)
                else:
                    total += len(ls) * max(ls)
            return total / len(lens)
        order = torch.randperm(len(lens), generator=torch.Generator().manual_seed(0)).tolist()
        rand = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
        hf = list(LengthGroupedSampler(BATCH, lengths=lens, generator=torch.Generator().manual_seed(0)))
        hf = [hf[i:i + BATCH] for i in range(0, len(hf), BATCH)]
        wb = Batches(rows, BATCH, 0, True)._epoch_batches(0)
        print(f"| {name} | {sum(lens) / len(lens):.1f} | {slots(rand):.1f} | {slots(hf):.1f} | {slots(wb):.1f} | "
              f"{slots(wb, packed=True):.1f} | {slots(rand, packed=True):.1f} |")


def one(variant, dataset, steps, profile=None):
    if variant in HF_SAMPLING:
        out = run_hf(dataset, steps, profile, HF_SAMPLING[variant])
    else:
        out = run_workbench(dataset, steps, LEVERS.get(variant, ()), variant, profile)
    return {**out, "peak_mb": peak_mb(), "minor_faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt}


def profile_step(variant, dataset, rows=25):
    """torch.profiler over steps 6-10 of one variant (after 3 warm-up steps): the ops where a training step spends
    its CPU time, self time first, and the total per step."""
    from torch.profiler import ProfilerActivity, profile, schedule
    with profile(activities=[ProfilerActivity.CPU], schedule=schedule(wait=3, warmup=2, active=5),
                 record_shapes=True) as prof:
        one(variant, dataset, 12, prof)
    table = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in table) / 5 / 1000
    print(f"\n{dataset} {variant}: {total:.1f} ms of op self time per step (mean of 5 profiled steps)")
    print(table.table(sort_by="self_cpu_time_total", row_limit=rows))
    # the copies by shape: weight casts (autocast), gradient casts, optimizer-state traffic
    by_shape = sorted((e for e in prof.key_averages(group_by_input_shape=True) if e.key == "aten::copy_"),
                      key=lambda e: -e.self_cpu_time_total)
    print("aten::copy_ by input shapes (ms per step, calls per step):")
    for e in by_shape[:12]:
        print(f"  {e.self_cpu_time_total / 5000:8.1f} ms  {e.count / 5:5.1f}  {e.input_shapes}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and one repeat (about 4 minutes idle)")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--datasets", default="sst2,chnsenticorp")
    ap.add_argument("--levers", action="store_true", help="also run workbench variants with one lever changed")
    ap.add_argument("--steps", type=int, default=None, help="override the steps of every dataset")
    ap.add_argument("--profile", action="store_true", help="profile steps 6-10 of each of --variants (default: hf "
                    "and workbench) on each dataset with torch.profiler and print the ops by self time")
    ap.add_argument("--compile-cache", action="store_true", help="workbench+compile twice in fresh processes "
                    "sharing one new inductor cache folder: the start-up cost cold, then with the caches warm")
    ap.add_argument("--variants", help="comma-separated variants to run (default: hf,workbench and, with "
                    f"--levers, {','.join(LEVERS)}); the first is the base of the 'vs' column")
    ap.add_argument("--seed", type=int, default=0, help="training seed of every variant (default 0)")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--dataset", help=argparse.SUPPRESS)
    ap.add_argument("--padding", action="store_true", help="only print the token slots per example of each "
                    "batching (no training)")
    args = ap.parse_args()
    if args.padding:
        return padding_table(args.datasets.split(","))
    if args.profile:
        for dataset in args.datasets.split(","):
            for v in args.variants.split(",") if args.variants else ["hf", "workbench"]:
                profile_step(v, dataset)
        return
    if args.variant:
        print(json.dumps(one(args.variant, args.dataset, args.steps)))
        return
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(ROOT)}
    env["BENCH_SEED"] = str(args.seed)
    if args.compile_cache:
        return compile_cache(args, env)
    repeats = args.repeats or (1 if args.quick else 2)
    variants = (args.variants.split(",") if args.variants else
                ["hf", "workbench"] + (list(LEVERS) if args.levers else []))
    ratios = []
    for dataset in args.datasets.split(","):
        spec = DATASETS[dataset]
        steps = args.steps or (spec[6] if args.quick else spec[5])
        results = {v: [] for v in variants}
        for r in range(repeats):
            for v in (variants if r % 2 == 0 else variants[::-1]):    # alternate the order between repeats
                results[v].append(fresh(v, dataset, steps, env))
                print(f"{dataset} {v} repeat {r + 1}: {results[v][-1]}", file=sys.stderr, flush=True)
        base = statistics.median(x["samples_per_s"] for x in results[variants[0]])
        print(f"\n{dataset}: {steps} steps, batch {BATCH}, max_length {spec[3]}, {repeats} repeat(s)")
        print(f"| variant | samples/s (median) | runs | vs {variants[0]} | steady samples/s | dev accuracy % | "
              "peak MB |\n|---|---|---|---|---|---|---|")
        for v, rs in results.items():
            med = statistics.median(x["samples_per_s"] for x in rs)
            acc = statistics.median(x["accuracy"] for x in rs) * 100
            runs = " / ".join(f"{x['samples_per_s']:.1f}" for x in rs)
            steady = [x["steady_samples_per_s"] for x in rs if x.get("steady_samples_per_s")]
            steady = f"{statistics.median(steady):.1f}" if steady else "–"
            print(f"| {v} | {med:.1f} | {runs} | {med / base:.2f}x | {steady} | {acc:.1f} | "
                  f"{max(x['peak_mb'] for x in rs):.0f} |")
        if "hf" in results and "workbench" in results:
            wb = statistics.median(x["samples_per_s"] for x in results["workbench"])
            hf = statistics.median(x["samples_per_s"] for x in results["hf"])
            ratios.append(wb / hf)
            print(f"{dataset}: ratio={wb / hf:.3f}", flush=True)
    if ratios:
        print(f"ratio={math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}")


def fresh(variant, dataset, steps, env):
    """One variant in a fresh process; its JSON line."""
    proc = subprocess.run([sys.executable, __file__, "--variant", variant, "--dataset", dataset, "--steps",
                           str(steps)], capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if not lines:
        sys.exit(f"{dataset} {variant} failed:\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def compile_cache(args, env):
    """torch.compile's start-up with the inductor / AOTAutograd caches cold (a new cache folder) and warm (a second
    fresh process on the same folder), beside the default (eager) loop; when each pays for itself."""
    for dataset in args.datasets.split(","):
        spec = DATASETS[dataset]
        steps = args.steps or (spec[6] if args.quick else spec[5])
        with tempfile.TemporaryDirectory() as cache:
            cenv = {**env, "TORCHINDUCTOR_CACHE_DIR": cache, "TRITON_CACHE_DIR": cache}
            runs = {"workbench": fresh("workbench", dataset, steps, env),
                    "compile, cold cache": fresh("workbench+compile", dataset, steps, cenv),
                    "compile, warm cache": fresh("workbench+compile", dataset, steps, cenv)}
        eager = runs["workbench"]["steady_samples_per_s"]
        print(f"\n{dataset}: {steps} steps, batch {BATCH}\n| variant | samples/s | steady samples/s | first step s | "
              "one-time cost s | pays after (steps) | dev accuracy % |\n|---|---|---|---|---|---|---|")
        for name, r in runs.items():
            saved = BATCH / eager - BATCH / r["steady_samples_per_s"]    # seconds per step saved in steady state
            pays = (f"{r['overhead_s'] / saved:.0f}" if name != "workbench" and saved > 0 else
                    "never" if name != "workbench" else "–")
            print(f"| {name} | {r['samples_per_s']:.1f} | {r['steady_samples_per_s']:.1f} | {r['first_step_s']:.1f} | "
                  f"{r['overhead_s']:.1f} | {pays} | {r['accuracy'] * 100:.1f} |", flush=True)

if __name__ == "__main__":
    main()
