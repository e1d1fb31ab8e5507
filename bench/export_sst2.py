"""int8 and ONNX exports of MiniLM fully fine-tuned on GLUE SST-2 (issue 6): size on disk, batch-1 latency,
throughput, peak memory and dev accuracy of each export against the fp32 run, under the machine-wide lock.

    python bench/export_sst2.py [RUN_FOLDER] [--formats int8,onnx]
    python bench/export_sst2.py bench/out/runs/prune-... --formats pruned      # the strategies matrix's prune row

RUN_FOLDER defaults to the `full` row of bench/out/strategies-sst2.json (bench/strategies-sst2.yaml), else the newest
fully fine-tuned SST-2 MiniLM run in bench/out/runs. Results: bench/out/export-sst2.json and a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from _runs import OUT, ROOT, machine_lock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(ROOT))


def default_run() -> str:
    rows = OUT / "strategies-sst2.json"
    if rows.is_file():
        full = {r["name"]: r for r in json.loads(rows.read_text())}.get("full")
        if full and full.get("run"):
            return full["run"]
    candidates = []
    for summary in (OUT / "runs").glob("*/summary.json"):
        s = json.loads(summary.read_text())
        cfg = (summary.parent / "config.yaml").read_text()
        if s.get("status") == "completed" and s.get("strategy") == "full" and "sst2" in cfg and "minilm" in cfg:
            candidates.append((s.get("finished", 0), str(summary.parent)))
    if not candidates:
        sys.exit("no fully fine-tuned SST-2 MiniLM run found: python bench/matrix.py bench/strategies-sst2.yaml --only full")
    return max(candidates)[1]


def row(r: dict) -> str:
    main = r["main_metric"]
    acc, ref = r["metrics"][main], r["reference_metrics"][main]
    ret = (r.get("retention") or {}).get("retention")
    name = r["format"] + (f" ({100 * r['sparse_tensors_sparsity']:.0f} % of block weights zero)"
                          if r.get("sparse_tensors_sparsity") is not None else "")
    return (f"| {name} | {r['size_bytes'] / 2**20:.1f} MB ({100 * r['size_ratio']:.1f} % of "
            f"{r['reference_size_bytes'] / 2**20:.1f}) | {100 * acc:.2f} (fp32 {100 * ref:.2f}, "
            f"{100 * (acc - ref):+.2f}) | {r['latency_ms_per_example']:.2f} (fp32 "
            f"{r['reference_latency_ms_per_example']:.2f}, {r['speedup']:.2f}×) | {r['throughput_per_s']:.0f} "
            f"(fp32 {r['reference_throughput_per_s']:.0f}) | {r['peak_memory_mb']} (fp32 "
            f"{r['reference_peak_memory_mb']}) | {r['max_abs_diff']:.2e} | {ret if ret is not None else '–'} |")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("run", nargs="?")
    ap.add_argument("--formats", default="int8,onnx")
    args = ap.parse_args(argv)
    from workbench.export.formats import export
    run = args.run or default_run()
    results = []
    with machine_lock():
        for fmt in args.formats.split(","):
            print(f"exporting {run} as {fmt} ...", file=sys.stderr, flush=True)
            t0 = time.time()
            folder = export(run, fmt, runs_dir=str(Path(run).parent))
            report = json.loads((folder / "report.json").read_text())
            report["wall_s"] = round(time.time() - t0, 1)
            report["folder"] = str(folder)
            results.append(report)
    path = OUT / "export-sst2.json"                      # merged with earlier results (other runs / formats)
    kept = [r for r in (json.loads(path.read_text()) if path.is_file() else [])
            if r.get("folder") not in {x["folder"] for x in results}]
    path.write_text(json.dumps(kept + results, indent=2, default=str))
    print(f"run: {run}  ({results[0]['split']} split, {results[0]['n_examples']} examples; "
          f"{results[0]['machine']['cpu']}, {results[0]['machine']['torch_threads']} threads)")
    print("| format | size on disk | dev accuracy % | ms/example, batch 1 | examples/s, batch 32 | peak MB | "
          "max abs diff of logits | retention |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(row(r))
    print("wall s: " + ", ".join(f"{r['format']} {r['wall_s']}" for r in results))


if __name__ == "__main__":
    main()
