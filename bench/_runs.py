"""Shared bits of the pretraining benchmarks: run `python -m workbench train` in a fresh process and read back its
evaluations. The callers hold the machine-wide lock (/tmp/wb-bench.lock) for their whole sequence of runs."""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LOCK = "/tmp/wb-bench.lock"


@contextmanager
def machine_lock():
    """One heavy run at a time on this machine (bench/matrix.py takes the same lock)."""
    with open(LOCK, "w") as f:
        print("waiting for the bench lock ...", file=sys.stderr, flush=True)
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def train(config: str, overrides: list[str]) -> dict:
    """Train one run; returns {command, wall_s, run (folder), summary, evals (the eval events, in order)}."""
    cmd = [sys.executable, "-m", "workbench", "train", "--config", config, "--quiet"]
    for o in overrides:
        cmd += ["--set", o]
    shown = "python -m workbench train --config " + config + "".join(f" --set {shlex.quote(o)}" for o in overrides)
    print(f"$ {shown}", file=sys.stderr, flush=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = round(time.time() - t0, 1)
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    folder = Path(proc.stdout.strip().split(": ", 1)[-1])
    summary = json.loads((folder / "summary.json").read_text())
    events = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    return {"command": shown, "date": time.strftime("%Y-%m-%d %H:%M", time.localtime(t0)), "wall_s": wall,
            "run": str(folder), "summary": summary,
            "evals": [e for e in events if e["type"] == "eval"]}


def write(name: str, result: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path
