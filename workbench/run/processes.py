"""A run with train.processes > 1: the same loop in a supervised torchrun process group (workbench.dist).

`run_processes` has the signature of `loop.run`, so the JobManager and the CLI call it the same way: rank 0's
events reach the listener as they are written to metrics.jsonl, a stop request reaches every rank, and a failed
group leaves the run failed with the failing rank's message.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch

from .. import store
from ..dist import launch
from ..errors import WorkbenchError
from .events import Eval, Finished, Log, Recorder, Started, Step
from .jobs import StopSignal

_EVENTS = {"start": Started, "step": Step, "log": Log, "end": Finished}


def event_from_json(record: dict):
    """The event object for one metrics.jsonl record (None for an unknown type)."""
    kind = record.get("type")
    fields = {k: v for k, v in record.items() if k != "type"}
    if kind == "eval":
        metrics = {k[len("eval_"):]: v for k, v in fields.items() if k.startswith("eval_")}
        return Eval(step=fields["step"], epoch=fields["epoch"], split=fields["split"], metrics=metrics,
                    time=fields.get("time", time.time()))
    cls = _EVENTS.get(kind)
    return cls(**fields) if cls else None


def check_devices(cfg) -> None:
    n = cfg.train.processes
    if cfg.train.device != "cpu" and torch.cuda.is_available() and torch.cuda.device_count() < n:
        raise WorkbenchError(f"train.processes is {n} but {torch.cuda.device_count()} GPU(s) are visible; use at "
                             f"most {torch.cuda.device_count()}, or train.device cpu")
    if cfg.train.device == "cuda" and not torch.cuda.is_available():
        raise WorkbenchError("train.device is 'cuda' but no CUDA GPU is available; use 'auto' or 'cpu'")


def run_processes(cfg, paths: store.RunPaths, listener=None, stop: StopSignal | None = None,
                  resume: bool = False, grace_s: float = launch.GRACE_S) -> dict:
    stop = stop or StopSignal()
    rec = Recorder(paths, listener)
    try:
        check_devices(cfg)
    except WorkbenchError as e:
        summary = store.update_summary(paths, status="failed", error=str(e), error_kind="user", finished=time.time())
        rec(Finished(status="failed", metrics={}, error=str(e)))
        return summary
    paths.lock.write_text(f"{os.getpid()}\n")   # alive until rank 0 takes over the lock
    store.update_summary(paths, status="running", started=time.time(), error=None, world_size=cfg.train.processes)
    final = {}

    def forward(record):
        if record.get("type") == "end":   # the one end event comes from here, once the whole group has ended
            final.update(record)
            return
        ev = event_from_json(record)
        if ev is not None and listener is not None:
            listener(ev)

    cmd = launch.torchrun_command(paths.root, cfg.train.processes, resume)
    home = str(Path(__file__).resolve().parents[2])   # the ranks import this same workbench, whatever the cwd
    env = {"PYTHONPATH": os.pathsep.join(p for p in (home, os.environ.get("PYTHONPATH")) if p)}
    outcome = launch.supervise(cmd, paths.root, forward, stop, grace_s=grace_s, env=env)
    paths.lock.unlink(missing_ok=True)
    summary = store.read_json(paths.summary, {}) or {}
    if outcome.returncode == 0 and summary.get("status") not in store.ACTIVE:
        if listener is not None and final:
            listener(event_from_json(final))
        return summary
    if stop.requested:
        status, error = ("stopped" if stop.mode == "save" else "cancelled"), None
        message = f"{outcome.forced or 'stopped'}: the process group did not stop at a step boundary within " \
                  f"{grace_s:.0f} s" if outcome.forced else None
        if message:
            rec.log(message, "warning")
    else:
        status, error = "failed", launch.failure_message(paths.root, outcome)
        rec.log(f"process group failed (exit code {outcome.returncode}): {error}", "error")
    summary = store.update_summary(paths, status=status, error=error, finished=time.time(),
                                   error_kind="internal" if error else None)
    rec(Finished(status=status, metrics=summary.get("metrics") or {}, error=error))
    return summary
