"""Quotas the host sets (HostSettings). Each refusal is a QuotaError naming the limit, its flag, and what to do."""

from __future__ import annotations

import os

from .. import store
from ..errors import WorkbenchError
from .settings import HostSettings, env_name, flag_name


class QuotaError(WorkbenchError):
    """A request over one of the host's limits."""


def lift_hint(knob_name: str) -> str:
    if os.environ.get("SPACE_ID"):
        return "duplicate this Space to lift it"
    return f"ask the host to raise {flag_name(knob_name)} (env {env_name(knob_name)})"


def refuse(knob_name: str, what: str, todo: str) -> QuotaError:
    return QuotaError(f"{what}. {todo}, or {lift_hint(knob_name)}.")


def check_new_run(settings: HostSettings, access, queue: list[dict], owner: str | None) -> None:
    """Before a run is queued: the user's active runs, the whole queue, the user's disk."""
    if not settings.shared or settings.is_admin(owner):
        return
    mine = [q for q in queue if q["owner"] == owner]
    if settings.max_active_runs and len(mine) >= settings.max_active_runs:
        raise refuse("max_active_runs", f"you have {len(mine)} runs queued or running; the limit is "
                     f"{settings.max_active_runs} per user", "wait for one to finish or stop one")
    if settings.max_queue and len(queue) >= settings.max_queue:
        raise refuse("max_queue", f"the queue is full ({len(queue)} runs; the limit is {settings.max_queue})",
                     "try again when a run has finished")
    check_disk(settings, access, owner)


def check_disk(settings: HostSettings, access, owner: str | None) -> None:
    if not settings.shared or not settings.max_disk_mb or settings.is_admin(owner):
        return
    used = access.disk_bytes(owner) / 1e6
    if used < settings.max_disk_mb:
        return
    finished = [r for r in access.runs(owner) if r["status"] not in store.ACTIVE and not r["read_only"]]
    oldest = [r["id"] for r in sorted(finished, key=lambda r: r.get("created") or 0)[:5]]
    todo = (f"delete some finished runs, oldest first: {', '.join(oldest)}" if oldest
            else "delete uploaded files you no longer need")
    raise refuse("max_disk_mb", f"your runs and uploads take {used:.1f} MB; the limit is "
                 f"{settings.max_disk_mb:g} MB per user", todo)


def check_upload(settings: HostSettings, size_bytes: int, name: str = "the file") -> None:
    if settings.shared and settings.max_upload_mb and size_bytes > settings.max_upload_mb * 1e6:
        raise refuse("max_upload_mb", f"{name} is {size_bytes / 1e6:.1f} MB; the limit is "
                     f"{settings.max_upload_mb:g} MB per upload", "upload a smaller file (a sample of the rows)")


def caps(settings: HostSettings) -> dict:
    """The JobManager's per-run caps from the host's limits: limit_s (minutes) and step_cap (steps)."""
    on = settings.shared
    return {"limit_s": settings.max_minutes * 60 if on and settings.max_minutes else None,
            "step_cap": settings.max_steps if on and settings.max_steps else None}
