"""Side-by-side evaluation of the SST-2 strategy runs (issue 6): the base MiniLM with a fresh head, full fine-tuning,
L2-SP, LoRA and the distilled 3-layer student on the SST-2 dev set, task accuracy beside retention, under the
machine-wide lock.

    python bench/compare_sst2.py [--rows full,l2sp,lora,distill]

The run folders come from bench/out/strategies-sst2.json (python bench/matrix.py bench/strategies-sst2.yaml).
Results: bench/out/compare-sst2.json and a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from _runs import OUT, ROOT, machine_lock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(ROOT))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="full,l2sp,lora,distill")
    args = ap.parse_args(argv)
    from workbench.evaluate.compare import compare
    matrix = {r["name"]: r for r in json.loads((OUT / "strategies-sst2.json").read_text())}
    names = args.rows.split(",")
    missing = [n for n in names if not (matrix.get(n) or {}).get("run")]
    if missing:
        sys.exit(f"rows without a finished run: {missing}; python bench/matrix.py bench/strategies-sst2.yaml "
                 f"--only {','.join(missing)}")
    refs = ["base"] + [matrix[n]["run"] for n in names]
    with machine_lock():
        t0 = time.time()
        result = compare(refs, runs_dir=str(OUT / "runs"), progress=lambda f, m: print(f"[{100 * f:3.0f}%] {m}",
                                                                                        file=sys.stderr, flush=True))
        wall = round(time.time() - t0, 1)
    for m, name in zip(result["models"], ["base"] + names):
        m["row"] = name
    result["wall_s"] = wall
    (OUT / "compare-sst2.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"{result['task']} on SST-2 {result['split']} ({result['n_examples']} examples); "
          f"{result['machine']['cpu']}, {result['machine']['torch_threads']} threads; wall {wall} s")
    print("| model | dev accuracy % | retention | CKA | neighbour recall@10 | params | trainable | size MB | "
          "ms/example (b=1) | examples/s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for m in result["models"]:
        r = m["retention"] or {}
        meas = r.get("measures", {})
        trainable = f"{m['trainable_params']:,}" if m["trainable_params"] else "–"
        print(f"| {m['row']} | {100 * m['metrics']['accuracy']:.2f} | {r.get('retention', '–')} | "
              f"{meas.get('cka', '–')} | {meas.get('neighbour_recall', '–')} | {m['params']:,} | {trainable} | "
              f"{m['size_bytes'] / 2**20:.1f} | {m['latency_ms_per_example']:.2f} | {m['throughput_per_s']:.0f} | "
              f"{m['peak_memory_mb']} |")
    for note in result["notes"]:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
