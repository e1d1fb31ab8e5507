"""Builders shared by the evaluation / retention / export tests: tiny runs trained once per test module, and a
general-text file unlike the tasks' text."""

from __future__ import annotations

import random
from pathlib import Path

from workbench import store
from workbench.run import loop as trainer
from workbench.config import RunConfig

SUBJECTS = ["the river", "a teacher", "my neighbour", "the old bridge", "a small bird", "the committee", "the train",
            "our garden", "the museum", "a farmer", "the city council", "the library", "a sailor", "the mountain"]
VERBS = ["crossed", "painted", "visited", "described", "opened", "followed", "repaired", "measured", "counted"]
OBJECTS = ["the northern valley", "a wooden boat", "the winter market", "seven old maps", "the stone tower",
           "a quiet harbour", "the morning news", "three tall trees", "the railway station", "a long letter"]


def general_file(folder: Path, n: int = 120) -> str:
    """General-domain sentences (no sentiment words), one per line."""
    rng = random.Random(7)
    lines = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} before {rng.choice(OBJECTS)}."
             for _ in range(n)]
    path = Path(folder) / "general.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def train_run(runs_dir: Path, model: str, data: dict, task: str | dict = "classification", strategy=None,
              **train) -> str:
    """Train one tiny run in this process; returns the run folder."""
    cfg = RunConfig.from_dict({
        "task": task, "model": {"name": model}, "data": {"max_length": 32, **data},
        "strategy": strategy or [{"name": "full"}],
        "train": {"max_steps": 4, "batch_size": 16, "lr": 1e-3, "precision": "fp32", "seed": 0,
                  "eval_every": 100_000, **train},          # one evaluation (and checkpoint), at the end
        "output": {"runs_dir": str(runs_dir)}})
    paths = store.create_run(cfg)
    summary = trainer.run(cfg, paths)
    assert summary["status"] == "completed", summary.get("error")
    return str(paths.root)
