"""Why HF Trainer stays at chance on ChnSentiCorp in bench/trainer_vs_hf.py (BENCHMARKS.md, benchmark 1): the same
jobs as its run_hf / run_workbench (MiniLM [CLS] head, batch 32, lr 5e-5, 6 % warm-up, bf16 autocast) with only the
batch order changed.

    python bench/hf_order_probe.py --side hf --sampler group|random|shuffled [--steps 100] [--eval-every 50]
    python bench/hf_order_probe.py --side wb --sampler own|hf|shuffled|random [--steps 60]

hf: HF Trainer; prints the train loss every 10 steps and, every --eval-every steps, dev accuracy, the share of dev
reviews predicted positive and the spread of the logit difference (near 0: one output for every review).
wb: the workbench with model.pooling=cls; --sampler hf feeds it HF's LengthGroupedSampler order. Samplers: group =
HF's group_by_length (mega-batches of 1,600 rows, each longest first); random = plain random order; shuffled = HF's
grouped batches in a shuffled order; own = the workbench's grouping (windows sorted, batches shuffled).
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np
import torch

import trainer_vs_hf as B  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--side", default="hf")
ap.add_argument("--sampler", default="group")   # group | random | shuffled (HF grouping, batches shuffled)
ap.add_argument("--steps", type=int, default=100)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--eval-every", type=int, default=50)
a = ap.parse_args()


def hf_order(lengths, seed, shuffled):
    from transformers.trainer_pt_utils import get_length_grouped_indices
    g = torch.Generator().manual_seed(seed)
    idx = get_length_grouped_indices(list(lengths), 32, generator=g)
    if shuffled:
        bs = [idx[i:i + 32] for i in range(0, len(idx), 32)]
        perm = torch.randperm(len(bs), generator=g).tolist()
        idx = [i for p in perm for i in bs[p]]
    return idx


if a.side == "hf":
    from datasets import Dataset
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                              TrainingArguments, TrainerCallback)
    from workbench.model.catalogue import minilm_path
    train_f, dev_f, col, max_len, n, _, _ = B.DATASETS["chnsenticorp"]
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    torch.manual_seed(a.seed)
    model = AutoModelForSequenceClassification.from_pretrained(str(minilm_path()), num_labels=2)

    def encode(texts, labels):
        return Dataset.from_dict({"text": texts, "label": labels}).map(
            lambda b: tok(b["text"], truncation=True, max_length=max_len), batched=True, remove_columns=["text"]
        ).map(lambda b: {"length": [len(x) for x in b["input_ids"]]}, batched=True)
    train, dev = encode(*B.read(train_f, col, n)), encode(*B.read(dev_f, col))
    collate = DataCollatorWithPadding(tok)
    coll = lambda rows: collate([{k: v for k, v in r.items() if k != "length"} for r in rows])

    class T(Trainer):
        def _get_train_sampler(self, ds=None):
            if a.sampler == "shuffled":
                order = hf_order(train["length"], a.seed, True)
                class S(torch.utils.data.Sampler):
                    def __iter__(self): return iter(order)
                    def __len__(self): return len(order)
                return S()
            return super()._get_train_sampler(ds)

    class Log(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **k):
            if logs and "loss" in logs:
                print(f"step {state.global_step} loss {logs['loss']:.4f} lr {logs.get('learning_rate', 0):.2e}", flush=True)
        def on_step_end(self, args, state, control, **k):
            if state.global_step % a.eval_every == 0 or state.global_step == a.steps:
                report(state.global_step)

    def report(step):
        model.eval()
        p = trainer.predict(dev)
        pred = np.argmax(p.predictions, -1)
        print(f"EVAL step {step} acc {(pred == p.label_ids).mean():.4f} pred-pos {pred.mean():.3f} "
              f"logit-diff sd {np.std(p.predictions[:, 1] - p.predictions[:, 0]):.3f}", flush=True)
        model.train()

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=32, per_device_eval_batch_size=64,
            max_steps=a.steps, learning_rate=5e-5, weight_decay=0.01, max_grad_norm=1.0, lr_scheduler_type="linear",
            warmup_steps=0.06, train_sampling_strategy="random" if a.sampler == "random" else "group_by_length",
            bf16=True, use_cpu=True, seed=a.seed, remove_unused_columns=False, save_strategy="no",
            eval_strategy="no", logging_strategy="steps", logging_steps=10, report_to=[], disable_tqdm=True)
        trainer = T(model=model, args=args, train_dataset=train, data_collator=coll, callbacks=[Log()])
        trainer.train()
else:   # workbench, model.pooling=cls; --sampler hf: HF's LengthGroupedSampler order fed to the loop
    from workbench.run import batches
    if a.sampler in ("hf", "shuffled"):
        def ep(self, epoch):
            return np.array(hf_order(self.lengths, a.seed + epoch, a.sampler == "shuffled")), None
        batches.Batches._epoch_batches = ep
    over = ["model.pooling=cls"] + (["train.group_by_length=false"] if a.sampler == "random" else [])
    os.environ["BENCH_SEED"] = str(a.seed)
    print(json.dumps(B.run_workbench("chnsenticorp", a.steps, over, "workbench-cls")))
