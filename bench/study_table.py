"""Print a finished (or stopped) study's tables as Markdown for STUDY.md, from its results.json, and copy its chart
and CSV files into a folder of the repository:

    python bench/study_table.py runs/studies/<id> [--copy-to docs/study/<name>]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path


def f(v, digits=4):
    return "–" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))


def markdown(res: dict) -> str:
    metric = res.get("task_metric") or "task"
    lines = [f"| configuration | seeds | {metric} mean ± sd | retention mean ± sd | Pareto | claim | note |",
             "|---|---|---|---|---|---|---|"]
    for c in res["configs"]:
        claim = {True: "holds", False: "no", None: "–"}[c.get("claim_holds")]
        lines.append(f"| {c['config']} | {c['n_seeds']} | {f(c['task_mean'])} ± {f(c['task_std'])} | "
                     f"{f(c['retention_mean'])} ± {f(c['retention_std'])} | {'yes' if c.get('pareto') else ''} | "
                     f"{claim} | {c.get('note') or ''} |")
    runs = ["", "| configuration | seed | run | status | " + metric + " | retention | method |", "|---|---|---|---|---|---|---|"]
    for r in res["records"]:
        runs.append(f"| {r['config']} | {f(r.get('seed'))} | {r.get('run_id') or '–'} | {r['status']} | "
                    f"{f(r.get('task_score'))} | {f(r.get('retention'))} | {r.get('retention_method') or '–'} |")
    c = res.get("claim") or {}
    verdict = (f"\nClaim (retention ≥ {c.get('min_retention')} and {metric} within {c.get('max_task_drop')} of "
               f"`{c.get('reference')}`): held for {', '.join(c.get('held') or []) or 'none'}; did not hold for "
               f"{', '.join(c.get('did_not_hold') or []) or 'none'}. Status: {res.get('status')}, "
               f"{res.get('rows_done')} of {res.get('rows_total')} runs.")
    return "\n".join(lines + runs) + "\n" + verdict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("study_dir")
    p.add_argument("--copy-to")
    a = p.parse_args()
    d = Path(a.study_dir)
    res = json.loads((d / "results.json").read_text())
    print(markdown(res))
    if a.copy_to:
        out = Path(a.copy_to)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("chart.png", "results.csv", "summary.csv", "study.yaml"):
            if (d / name).is_file():
                shutil.copy(d / name, out / name)


if __name__ == "__main__":
    main()
