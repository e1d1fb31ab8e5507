"""Start a run as a torchrun process group and supervise it from the parent (the JobManager thread or the CLI).

    python -m torch.distributed.run --standalone --nproc-per-node N -m workbench.dist.worker RUN_FOLDER

torchrun starts N ranks (gloo on CPU, nccl on GPUs). `accelerate launch --cpu --num_processes 2` was seen to start
ONE process on a CPU machine, so the launcher here is torchrun; accelerate's own launcher is for the shipped
multi-GPU / multi-node configs (assets/accelerate/), which run the same worker.

The supervisor
  * streams rank 0's new lines of metrics.jsonl to a callback as they are written (the UI tails the same file);
  * stops the group in three stages: it writes RUN_FOLDER/STOP (every rank stops at the same step boundary,
    saving first when asked), then after `grace_s` sends SIGTERM to the whole process group, then SIGKILL;
  * when the group fails, names the rank that failed first and its message (its own events, else torchrun's
    report of its exit code or signal).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import store

STOP_FILE = "STOP"
GRACE_S = 30.0       # cooperative stop -> SIGTERM
KILL_AFTER_S = 10.0  # SIGTERM -> SIGKILL


def torchrun_command(run: Path, processes: int, resume: bool) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}",
            "-m", "workbench.dist.worker", str(run)] + (["--resume"] if resume else [])


def accelerate_command(config_file: str | Path, run: Path, resume: bool = False) -> list[str]:
    """The same worker under `accelerate launch` with one of the configs in assets/accelerate/ (what README's
    scale-out section tells a user to run on each machine)."""
    return [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config_file),
            "-m", "workbench.dist.worker", str(run)] + (["--resume"] if resume else [])


@dataclass
class Outcome:
    returncode: int
    forced: str | None       # None, "terminate" or "kill": how the group ended after a stop request
    output: str              # the launcher's combined stdout/stderr (its tail)


def supervise(cmd: list[str], run: Path, on_record=None, stop=None, grace_s: float = GRACE_S,
              kill_after_s: float = KILL_AFTER_S, poll_s: float = 0.2, env: dict | None = None) -> Outcome:
    """Run `cmd` in its own process group; forward each new metrics.jsonl record of `run` to on_record(dict)."""
    metrics = Path(run) / "metrics.jsonl"
    offset = metrics.stat().st_size if metrics.is_file() else 0
    log_path = Path(run) / "launcher.log"
    (Path(run) / STOP_FILE).unlink(missing_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})
        stop_at, forced = None, None
        while True:
            done = proc.poll() is not None
            offset = _forward(metrics, offset, on_record)
            if done:
                break
            if stop is not None and stop.requested and stop_at is None:
                (Path(run) / STOP_FILE).write_text(stop.mode or "cancel")
                stop_at = time.monotonic()
            if stop_at is not None:
                waited = time.monotonic() - stop_at
                if forced is None and waited > grace_s:
                    forced = "terminate"
                    _signal_group(proc, signal.SIGTERM)
                elif forced == "terminate" and waited > grace_s + kill_after_s:
                    forced = "kill"
                    _signal_group(proc, signal.SIGKILL)
            time.sleep(poll_s)
    (Path(run) / STOP_FILE).unlink(missing_ok=True)
    return Outcome(proc.returncode, forced, _tail(log_path))


def _signal_group(proc, sig) -> None:
    try:
        os.killpg(proc.pid, sig)   # start_new_session: the launcher's pid is the group id of every rank
    except ProcessLookupError:
        pass


def _forward(metrics: Path, offset: int, on_record) -> int:
    """Hand complete new lines to on_record; returns the offset after the last complete line."""
    try:
        with open(metrics, "rb") as f:
            f.seek(offset)
            chunk = f.read()
    except FileNotFoundError:
        return offset
    end = chunk.rfind(b"\n") + 1
    for line in chunk[:end].splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if on_record is not None:
            on_record(record)
    return offset + end


def _tail(path: Path, size: int = 20000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


_ROOT_CAUSE = re.compile(r"rank\s*:\s*(\d+).*?exitcode\s*:\s*(-?\d+)(?:\s*\(pid:\s*(\d+)\))?", re.S)


def failure_message(run: Path, outcome: Outcome) -> str:
    """Which rank failed first and why: its own end event's error, else the launcher's report of its exit."""
    rank, code, pid = None, None, None
    cause = outcome.output.split("Root Cause", 1)[-1] if "Root Cause" in outcome.output else ""
    m = _ROOT_CAUSE.search(cause)
    if m:
        rank, code, pid = int(m.group(1)), int(m.group(2)), m.group(3)
    errors = _rank_errors(Path(run))
    if rank is not None and errors.get(rank):
        return f"rank {rank} failed: {errors[rank]}"
    if rank is not None:
        how = (f"was killed by signal {-code} ({signal.Signals(-code).name})" if code < 0 and -code in
               signal.valid_signals() else f"exited with code {code}")
        return f"rank {rank}{f' (pid {pid})' if pid else ''} {how} without a message; see {run / 'launcher.log'}"
    if errors:
        first = min(errors)
        return f"rank {first} failed: {errors[first]}"
    lines = [ln for ln in outcome.output.strip().splitlines() if ln.strip()]
    return (f"the process group exited with code {outcome.returncode}: "
            f"{lines[-1] if lines else 'no output'} (see {run / 'launcher.log'})")


def _rank_errors(run: Path) -> dict[int, str]:
    """rank -> the error its own summary recorded, for the ranks that recorded one."""
    out = {}
    main = store.read_json(run / "summary.json", {}) or {}
    for rank, summary in [(0, main)] + [(int(p.parent.name.split("-")[1]), store.read_json(p, {}) or {})
                                        for p in sorted((run / "ranks").glob("rank-*/summary.json"))]:
        if summary.get("status") == "failed" and summary.get("error"):
            out[rank] = summary["error"]
    return out
