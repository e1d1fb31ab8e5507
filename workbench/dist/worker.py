"""What each rank of a multi-process run executes: `python -m workbench.dist.worker RUN_FOLDER [--resume]`, started
by torchrun (`python -m workbench train --processes N` does that) or by `accelerate launch` with one of the
configs in assets/accelerate/.

Rank 0 trains into the run folder itself: metrics.jsonl, summary.json, checkpoints, the registry row and the
saved model. Every other rank writes its own log and events under RUN_FOLDER/ranks/rank-K/ (where a crashed rank's
message is found; their summaries go to the small registry in RUN_FOLDER/ranks/) and reads the run's checkpoints when resuming. The stop file RUN_FOLDER/STOP ("cancel" or
"save"), written by the supervisor, is read by every rank and agreed on at a step boundary. A from-scratch
tokenizer is trained once, by rank 0, into RUN_FOLDER/tokenizer, and loaded by every rank.

Sharding: with train.sharding: fsdp, or under `accelerate launch --config_file assets/accelerate/fsdp.yaml` (which
sets ACCELERATE_USE_FSDP=true), the loop shards the model with torch FSDP2 (workbench/dist/fsdp.py); the config is
checked again with sharding on, so a strategy FSDP does not run is refused here (exit code 2, the message names
train.sharding and the strategy) before anything is loaded. DeepSpeed configs are refused the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import torch.distributed

from .. import data, store, tasks
from ..config import RunConfig
from ..errors import ConfigError
from ..datasets_io.stream import Stream
from ..model import catalogue as models
from ..run import loop
from .ranks import STOP_CODES, World, init_process_group

STOP_FILE = "STOP"


@dataclass(frozen=True)
class RankPaths(store.RunPaths):
    """A rank other than 0: its own folder for everything it writes; the run's checkpoints to resume from."""
    shared: Path = Path(".")

    @property
    def checkpoints(self) -> Path: return self.shared / "checkpoints"
    @property
    def tokenizer(self) -> Path: return self.shared / "tokenizer"


class FileStop:
    """A StopSignal read from RUN_FOLDER/STOP. `requested` changes only when the ranks agree (ranks.sync_stop)."""

    def __init__(self, path: Path):
        self.path, self.mode = path, None

    def poll(self) -> str | None:
        try:
            text = self.path.read_text().strip()
        except OSError:
            return None
        return text if text in STOP_CODES and text else "cancel"

    def request(self, mode: str = "cancel") -> None:
        self.mode = self.mode or mode

    @property
    def requested(self) -> bool:
        return self.mode is not None


def unsupported(env) -> str | None:
    """Why this launch cannot run the loop (an accelerate config asking for DeepSpeed), or None."""
    if str(env.get("ACCELERATE_USE_DEEPSPEED", "")).lower() in ("1", "true"):
        return ("this accelerate config asks for DeepSpeed, which the workbench loop does not run; for a model that "
                "does not fit one device use assets/accelerate/fsdp.yaml (torch FSDP, full shard), or "
                "multi_gpu.yaml / multi_node.yaml with a model that fits one device")
    return None


def sharding_from(env, cfg, world_size: int) -> RunConfig:
    """accelerate's FSDP config (ACCELERATE_USE_FSDP=true in the environment it sets) turns train.sharding to fsdp;
    the config is checked again, so a strategy FSDP does not take is refused here with the usual message."""
    if str(env.get("ACCELERATE_USE_FSDP", "")).lower() not in ("1", "true"):
        return cfg
    # fsdp_cpu_ram_efficient_loading makes transformers load the weights on rank 0 only (meta tensors elsewhere, to be
    # broadcast by accelerate's wrapping); the loop shards itself and needs the weights on every rank (θ_pre for
    # L2-SP and the weight distance), so each rank loads them on the CPU before its shard goes to the device.
    env["FSDP_CPU_RAM_EFFICIENT_LOADING"] = "false"
    data = cfg.to_dict()
    data["train"].update(sharding="fsdp", processes=max(world_size, cfg.train.processes))
    return RunConfig.from_dict(data)


def rank_paths(run: Path, rank: int) -> store.RunPaths:
    if rank == 0:
        return store.RunPaths(run)
    root = run / "ranks" / f"rank-{rank}"
    root.mkdir(parents=True, exist_ok=True)
    return RankPaths(root, shared=run)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m workbench.dist.worker")
    p.add_argument("run", help="run folder (made by python -m workbench train --processes N)")
    p.add_argument("--resume", action="store_true")
    args = p.parse_args(argv)
    refusal = unsupported(os.environ)
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    run = Path(args.run).resolve()
    try:
        cfg = sharding_from(os.environ, RunConfig.load(run / "config.yaml"), World.from_env().size)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    os.environ["WORKBENCH_DEVICE"] = cfg.train.device
    world = init_process_group()
    paths = rank_paths(run, world.rank)
    _shared_tokenizer(cfg, paths, world)
    summary = loop.run(cfg, paths, stop=FileStop(run / STOP_FILE), resume=args.resume)
    return 0 if summary.get("status") != "failed" else 1


def _shared_tokenizer(cfg, paths, world) -> None:
    """From-scratch models train their tokenizer on the data, and WordPiece training is not deterministic from one
    call to the next: rank 0 trains it into the run folder before the others start, and every rank loads that one.
    A failure here is left to the loop, which reports it on every rank the usual way."""
    source = models.resolve(cfg.model.name, cfg.output.runs_dir)
    if source.kind == "scratch" and world.main and not (paths.tokenizer / "tokenizer_config.json").is_file():
        try:
            task = tasks.build(cfg)
            raw = Stream(cfg, task).raw if cfg.data.streaming else data.load(cfg.data, task, cfg.train.seed)
            models.load_tokenizer(source, cfg.model, texts=task.tokenizer_texts(raw), cache_dir=paths.tokenizer)
        except Exception:
            pass
    if source.kind == "scratch":
        torch.distributed.barrier()


if __name__ == "__main__":
    sys.exit(main())
