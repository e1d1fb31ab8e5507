"""Run a matrix of training configs, each in a fresh process, and print a markdown table of their summaries.

    python bench/matrix.py bench/strategies-sst2.yaml [--only full,l2sp] [--runs-dir bench/out/runs]

A matrix file:
    base: assets/presets/sst2-minilm.yaml      # the config every row starts from
    columns: [eval_accuracy, trainable_pct, weight_distance, train_samples_per_s, peak_memory_mb]
    common: ["train.group_by_length=true"]    # optional: --set overrides applied to every row (before its own)
    rows:
      full: []                                 # --set overrides for this row
      l2sp: ["strategy=[{name: l2sp, weight: 0.01}]"]
      distill: ["strategy=[{name: distill, teacher: '{run:full}'}]"]   # {run:ROW}: that earlier row's run folder

Runs take a machine-wide lock (/tmp/wb-bench.lock) so that heavy runs never overlap and timings stay honest.
Results go to bench/out/<matrix name>.json (merged with earlier rows) beside the markdown printed at the end.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOCK = "/tmp/wb-bench.lock"


def run_row(base: str, overrides: list[str], runs_dir: str, name: str) -> dict:
    cmd = [sys.executable, "-m", "workbench", "train", "--config", base, "--quiet",
           "--set", f"output.runs_dir={runs_dir}", "--set", f"output.run_name={name}"]
    for o in overrides:
        cmd += ["--set", o]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # one heavy run at a time on this machine
        t0 = time.time()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.time() - t0
    run_folder = proc.stdout.strip().split(": ", 1)[-1] if proc.returncode == 0 else None
    summary = json.loads((Path(run_folder) / "summary.json").read_text()) if run_folder else {}
    return {"name": name, "overrides": overrides, "returncode": proc.returncode, "wall_s": round(wall, 1),
            "run": run_folder, "status": summary.get("status"), "metrics": summary.get("metrics", {}),
            "error": summary.get("error") or (proc.stderr[-2000:] if proc.returncode else None)}


def resolve_refs(overrides: list[str], done: dict) -> list[str]:
    """Replace `{run:ROW}` with the run folder of an earlier, completed row (a teacher for distillation...)."""
    out = []
    for o in overrides:
        for name in re.findall(r"\{run:([^}]+)\}", o):
            row = done.get(name) or {}
            if row.get("status") != "completed" or not row.get("run"):
                raise SystemExit(f"an override needs the run of row {name!r}, which has not completed; run it first")
            o = o.replace("{run:" + name + "}", row["run"])
        out.append(o)
    return out


def table(results: list[dict], columns: list[str]) -> str:
    head = "| row | " + " | ".join(columns) + " | wall s |"
    lines = [head, "|" + "---|" * (len(columns) + 2)]
    for r in results:
        cells = []
        for c in columns:
            v = r["metrics"].get(c)
            cells.append(f"{v:.4g}" if isinstance(v, float) else str(v) if v is not None else "-")
        lines.append(f"| {r['name']} | " + " | ".join(cells) + f" | {r['wall_s']} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("matrix")
    ap.add_argument("--only", help="comma-separated row names")
    ap.add_argument("--runs-dir", default="bench/out/runs")
    args = ap.parse_args(argv)
    spec = yaml.safe_load(Path(args.matrix).read_text())
    out = ROOT / "bench" / "out" / (Path(args.matrix).stem + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {r["name"]: r for r in json.loads(out.read_text())} if out.exists() else {}
    only = set(args.only.split(",")) if args.only else None
    ran: list[str] = []
    for name, overrides in spec["rows"].items():
        if only and name not in only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        overrides = list(spec.get("common") or []) + list(overrides or [])
        done[name] = run_row(spec["base"], resolve_refs(overrides, done), args.runs_dir, name)
        if done[name]["returncode"]:
            print(f"  failed: {done[name]['error']}", file=sys.stderr)
        # Another matrix process may have written rows meanwhile: merge with the file as it is now.
        merged = {r["name"]: r for r in json.loads(out.read_text())} if out.exists() else {}
        merged.update({n: done[n] for n in ran + [name]})
        done.update(merged)
        ran.append(name)
        out.write_text(json.dumps(list(merged.values()), indent=2))
    order = [n for n in spec["rows"] if n in done]
    print(table([done[n] for n in order], spec.get("columns", ["eval_accuracy"])))


if __name__ == "__main__":
    main()
