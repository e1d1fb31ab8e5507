"""A study's numbers: one record per run (and one for the base model), the mean and spread across seeds per
configuration, the Pareto front of task score vs retention, and the claim check; written as results.csv (runs),
summary.csv (configurations) and results.json (everything)."""

from __future__ import annotations

import csv
import json
import math
import os
import statistics
import time
from pathlib import Path

RUN_COLUMNS = ("study", "config", "strategy", "seed", "run_id", "status", "task_metric", "task_score",
               "retention", "retention_method", "note", "error")
CONFIG_COLUMNS = ("config", "strategy", "n_seeds", "task_metric", "task_mean", "task_std", "retention_mean",
                  "retention_std", "pareto", "keeps_retention", "within_task_tolerance", "claim_holds", "note")


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _std(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def aggregate(records: list[dict]) -> list[dict]:
    """Per configuration (in first-seen order): mean and sample standard deviation across its measured seeds."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r["config"], []).append(r)
    out = []
    for config, rows in groups.items():
        done = [r for r in rows if _finite(r.get("task_score")) and _finite(r.get("retention"))]
        task = [r["task_score"] for r in done]
        ret = [r["retention"] for r in done]
        notes = sorted({r["note"] for r in rows if r.get("note")})
        out.append({"config": config, "strategy": rows[0].get("strategy"), "n_seeds": len(done),
                    "task_metric": rows[0].get("task_metric"), "base": config == "base",
                    "task_mean": statistics.fmean(task) if task else None, "task_std": _std(task) if task else None,
                    "retention_mean": statistics.fmean(ret) if ret else None,
                    "retention_std": _std(ret) if ret else None, "note": "; ".join(notes)})
    return out


def pareto(points: list[tuple[float, float]], greater_is_better: bool = True) -> list[bool]:
    """Which points are on the Pareto front of (task score, retention), both to be maximised (task score
    minimised when `greater_is_better` is False). A point is on the front when no other point is at least as
    good on both and better on one; equal points are all on it."""
    sign = 1.0 if greater_is_better else -1.0
    pts = [(sign * x, y) for x, y in points]
    front = []
    for i, (x, y) in enumerate(pts):
        dominated = any(ox >= x and oy >= y and (ox > x or oy > y) for j, (ox, oy) in enumerate(pts) if j != i)
        front.append(not dominated)
    return front


def mark_front(configs: list[dict], greater_is_better: bool) -> None:
    """Set `pareto` on every configuration with both means (the base model's row included)."""
    measured = [c for c in configs if c["task_mean"] is not None and c["retention_mean"] is not None]
    flags = pareto([(c["task_mean"], c["retention_mean"]) for c in measured], greater_is_better)
    for c in configs:
        c["pareto"] = False
    for c, flag in zip(measured, flags):
        c["pareto"] = flag


def claim(configs: list[dict], reference: str, min_retention: float, max_task_drop: float,
          greater_is_better: bool) -> dict:
    """Which configurations kept >= min_retention while scoring within max_task_drop of the reference (plain
    fine-tuning) on the task. The base row is not a candidate."""
    ref = next((c for c in configs if c["config"] == reference), None)
    if ref is None:
        ref = next((c for c in configs if (c.get("strategy") or "") == reference), None)
    result = {"reference": reference, "min_retention": min_retention, "max_task_drop": max_task_drop,
              "reference_task": ref["task_mean"] if ref else None,
              "reference_retention": ref["retention_mean"] if ref else None, "held": [], "did_not_hold": []}
    for c in configs:
        c["keeps_retention"] = c["within_task_tolerance"] = c["claim_holds"] = None
        if c.get("base") or c["retention_mean"] is None or c["task_mean"] is None:
            continue
        c["keeps_retention"] = c["retention_mean"] >= min_retention
        if ref is not None and ref["task_mean"] is not None:
            drop = (ref["task_mean"] - c["task_mean"]) if greater_is_better else (c["task_mean"] - ref["task_mean"])
            c["within_task_tolerance"] = drop <= max_task_drop + 1e-12
            c["claim_holds"] = bool(c["keeps_retention"] and c["within_task_tolerance"])
            if c["config"] != (ref or {}).get("config"):
                (result["held"] if c["claim_holds"] else result["did_not_hold"]).append(c["config"])
    if ref is None:
        result["message"] = f"no configuration named {reference!r} finished, so the claim could not be checked"
    return result


def _cell(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    return "" if v is None else v


def write_csv(path: Path, rows: list[dict], columns) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in columns])
    os.replace(tmp, path)


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def build(records: list[dict], options, greater_is_better: bool) -> tuple[list[dict], dict]:
    """(configurations with front and claim flags, the claim) from the run records."""
    configs = aggregate(records)
    mark_front(configs, greater_is_better)
    verdict = claim(configs, options.reference, options.min_retention, options.max_task_drop, greater_is_better)
    return configs, verdict


def read(study_dir: Path) -> dict | None:
    f = Path(study_dir) / "results.json"
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_status(study_dir: Path, state: dict) -> None:
    write_json(Path(study_dir) / "status.json", {**state, "updated": time.time()})


def read_status(study_dir: Path) -> dict:
    try:
        return json.loads((Path(study_dir) / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
