"""Pretraining bert-tiny from scratch with the two encoder objectives, reporting the held-out metrics of the first
and the last evaluation of each run:

    masked_lm    assets/presets/mlm-bert-tiny.yaml          (tiny_shakespeare; loss, masked-token accuracy)
    contrastive  assets/presets/contrastive-bert-tiny.yaml  (wikitext2 valid lines, SimCSE; retrieval, alignment,
                                                             uniformity, InfoNCE loss)

    python bench/pretrain_bert.py [--only masked_lm,contrastive] [--set KEY=VALUE ...]

Holds /tmp/wb-bench.lock for the whole sequence; results in bench/out/pretrain_bert.json, a summary on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._runs import OUT, machine_lock, train, write   # noqa: E402

RUNS = {
    "masked_lm": ("assets/presets/mlm-bert-tiny.yaml", ["loss", "accuracy", "perplexity"]),
    "contrastive": ("assets/presets/contrastive-bert-tiny.yaml",
                    ["retrieval_accuracy", "alignment", "uniformity", "loss"]),
}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated: masked_lm, contrastive")
    ap.add_argument("--set", action="append", default=[], help="extra override for every run")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(RUNS)
    with machine_lock():
        previous = OUT / "pretrain_bert.json"      # runs not repeated this time keep their earlier figures
        results = json.loads(previous.read_text()) if previous.is_file() else {}
        results["date"] = time.strftime("%Y-%m-%d %H:%M")
        for name in names:
            preset, _ = RUNS[name]
            results[name] = train(preset, ["output.runs_dir=bench/out/runs", f"output.run_name={name}-bert-tiny"]
                                  + args.set)
            write("pretrain_bert", results)
    for name in names:
        r = results[name]
        periodic = r["evals"][:-1] or r["evals"]          # the last event repeats the last step (final eval)
        first, last = periodic[0], periodic[-1]
        print(f"{name} ({r['wall_s']} s): {r['command']}")
        for metric in RUNS[name][1]:
            key = f"eval_{metric}"
            print(f"  {metric}: step {first['step']} {first[key]:.4f} -> step {last['step']} {last[key]:.4f}")


if __name__ == "__main__":
    main()
