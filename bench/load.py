"""Users held and page responsiveness, and the soak: the figures for BENCHMARKS.md ("Reliability").

    python bench/load.py [--soak]

Runs tests/test_load.py (8 gradio_client users against the real app on loopback: start, poll at the page's
1 s cadence, stop, compare, export) and prints its report: polls made, /poll latency p50 / p95 / max while a run
trains, wall time, and the machine's 1-minute load average at the end (this is a shared 2-core machine: the load
average says how much of the latency is other people's work). With --soak, also tests/test_soak.py (50 short runs
back to back through the queue) and its resident-memory, thread and file-handle samples.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(test: str, env_name: str, marker: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {**os.environ, env_name: str(report), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false"}
        done = subprocess.run([sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", "-m", marker],
                              cwd=ROOT, env=env)
        if done.returncode != 0 or not report.is_file():
            raise SystemExit(f"{test} failed (exit {done.returncode})")
        return json.loads(report.read_text())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--soak", action="store_true", help="also the 50-run soak (a few minutes)")
    args = p.parse_args()
    print("load:", json.dumps(run("tests/test_load.py", "WB_LOAD_REPORT", "not gpu")))
    if args.soak:
        print("soak:", json.dumps(run("tests/test_soak.py", "WB_SOAK_REPORT", "slow")))


if __name__ == "__main__":
    main()
